import { HEARTBEAT_REFRESH_SECONDS } from './queue-policy.ts';
import type { EngineContext } from './engine-context.ts';

/** The part of a pg-boss job (fetched with metadata) the handlers use. */
export type QueueJob = { id: string; retryCount: number; retryLimit: number; data: Record<string, unknown> };

export type JobOutcome = 'done' | 'retry';
export type JobHandler = (job: QueueJob) => Promise<JobOutcome>;
/** Handles a whole fetched batch at once (all complete together, or all fail and retry). */
export type BatchHandler = (jobs: QueueJob[]) => Promise<void>;

export type WorkerLoop = { stop(): Promise<void>; wake(queues?: readonly string[]): void };

/** How long finished jobs of a pool wait to be reported to pg-boss together. */
const COMPLETE_EVERY_MS = 50;

/**
 * One fetch loop per pg-boss queue. Why not `boss.work`: its minimum poll is 500 ms, and the
 * target is event → Exstream request in tens of milliseconds; a local accept() wakes the loops at
 * once, while other instances still find the jobs by polling. Retries, backoff and dead letters
 * stay pg-boss's (fail() → retry state with backoff). Separate loops, so slow Exstream calls never
 * hold up the planning of new events.
 */
export function startWorkerLoop(
  ctx: Pick<EngineContext, 'boss' | 'logger'>,
  queues: Array<{ name: string; concurrency: number } & ({ handler: JobHandler; batch?: never } | { batch: BatchHandler; handler?: never })>,
  options: { pollIntervalMs: number; heartbeatRefreshMs?: number },
): WorkerLoop {
  let running = true;
  // Jobs in hand per queue, touched on a timer: the queues have a heartbeat (queue-policy.ts), so a
  // worker that dies stops touching them and pg-boss retries them within a minute or so.
  const held = queues.map(() => new Map<string, { id: string; retryCount: number }>());
  const heartbeat = setInterval(() => {
    queues.forEach((queue, index) => {
      const attempts = [...held[index]!.values()];
      if (attempts.length === 0) return;
      ctx.boss.touch(queue.name, attempts).catch((error: unknown) => ctx.logger.warn('job heartbeat failed', { queue: queue.name, error: (error as Error).message }));
    });
  }, options.heartbeatRefreshMs ?? HEARTBEAT_REFRESH_SECONDS * 1_000);
  heartbeat.unref();
  const sleepers = queues.map(() => ({ wakeUp: null as (() => void) | null, pending: false }));

  const sleep = (index: number, ms: number) =>
    new Promise<void>((resolve) => {
      const sleeper = sleepers[index]!;
      if (sleeper.pending || !running) {
        sleeper.pending = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeper.wakeUp = null;
        resolve();
      }
      sleeper.wakeUp = done;
    });

  /** Wakes one loop now, or makes its next sleep return at once. */
  const nudge = (index: number) => {
    const sleeper = sleepers[index]!;
    if (sleeper.wakeUp) sleeper.wakeUp();
    else sleeper.pending = true;
  };

  /** Runs one job; returns it when it completed, so the batch is settled in one call. */
  async function runOne(name: string, handler: JobHandler, job: QueueJob, hold: Map<string, { id: string; retryCount: number }>): Promise<{ id: string; retryCount: number } | null> {
    const attempt = { id: job.id, retryCount: job.retryCount };
    hold.set(job.id, attempt);
    try {
      const outcome = await handler(job);
      if (outcome === 'done') return attempt;
      await ctx.boss.fail(name, attempt, { message: 'retry requested' });
    } catch (error) {
      ctx.logger.error('job failed', { queue: name, jobId: job.id, error: (error as Error).message });
      await ctx.boss.fail(name, attempt, { message: (error as Error).message }).catch(() => undefined);
    } finally {
      hold.delete(job.id);
    }
    return null;
  }

  const loops = queues.map(async (queue, index) => {
    if (queue.batch) {
      while (running) {
        let fetched = 0;
        try {
          const jobs = (await ctx.boss.fetch<Record<string, unknown>>(queue.name, { batchSize: queue.concurrency, includeMetadata: true })) as QueueJob[];
          fetched = jobs.length;
          if (jobs.length > 0) {
            const attempts = jobs.map((j) => ({ id: j.id, retryCount: j.retryCount }));
            for (const attempt of attempts) held[index]!.set(attempt.id, attempt);
            try {
              await queue.batch(jobs);
              await ctx.boss.complete(queue.name, attempts);
            } catch (error) {
              ctx.logger.error('job batch failed', { queue: queue.name, jobs: jobs.length, error: (error as Error).message });
              await ctx.boss.fail(queue.name, attempts, { message: (error as Error).message }).catch(() => undefined);
            } finally {
              held[index]!.clear();
            }
          }
        } catch (error) {
          if (running) ctx.logger.error('queue fetch failed', { queue: queue.name, error: (error as Error).message });
        }
        if (fetched === 0) await sleep(index, options.pollIntervalMs);
      }
      return;
    }
    // A pool: up to `concurrency` jobs in flight; free slots are refilled as soon as they open,
    // so one slow Exstream call never holds back the jobs fetched with it. Each query costs real CPU
    // here (every statement is a socket write), so a finished job wakes the loop only when the pool
    // was full, and then once an eighth of it is free (otherwise new work arrives through wake() or
    // the poll); completions are reported to pg-boss together, at most COMPLETE_EVERY_MS late. A job
    // completed a moment late is safe: its heartbeat keeps it, and after a crash its re-run finds
    // nothing left to do.
    const inFlight = new Set<Promise<void>>();
    let completed: Array<{ id: string; retryCount: number }> = [];
    let full = false;
    const refillAt = Math.max(1, Math.floor(queue.concurrency / 8));
    let settleTimer: NodeJS.Timeout | null = null;
    const settle = async () => {
      if (settleTimer) clearTimeout(settleTimer);
      settleTimer = null;
      if (completed.length === 0) return;
      const batch = completed;
      completed = [];
      await ctx.boss.complete(queue.name, batch).catch((error: unknown) => ctx.logger.error('job complete failed', { queue: queue.name, error: (error as Error).message }));
    };
    while (running) {
      const free = queue.concurrency - inFlight.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = (await ctx.boss.fetch<Record<string, unknown>>(queue.name, { batchSize: free, includeMetadata: true })) as QueueJob[];
          fetched = jobs.length;
          for (const job of jobs) {
            const task: Promise<void> = runOne(queue.name, queue.handler!, job, held[index]!).then((done) => {
              inFlight.delete(task);
              if (done) {
                completed.push(done);
                settleTimer ??= setTimeout(() => void settle(), COMPLETE_EVERY_MS);
              }
              // A full pool refills in groups, not one job per freed slot: one fetch (and then one
              // group-committed claim) for several jobs.
              if (full && queue.concurrency - inFlight.size >= refillAt) nudge(index);
            });
            inFlight.add(task);
          }
        } catch (error) {
          if (running) ctx.logger.error('queue fetch failed', { queue: queue.name, error: (error as Error).message });
        }
      }
      full = inFlight.size >= queue.concurrency;
      if (fetched === 0 || full) await sleep(index, options.pollIntervalMs);
    }
    await Promise.all(inFlight);
    await settle();
  });

  return {
    /** Wakes the loops of `queues` (all when omitted): each wake costs a fetch query. */
    wake(names?: readonly string[]) {
      queues.forEach((queue, index) => {
        if (!names || names.includes(queue.name)) nudge(index);
      });
    },
    async stop() {
      running = false;
      for (const sleeper of sleepers) sleeper.wakeUp?.();
      await Promise.all(loops);
      clearInterval(heartbeat);
    },
  };
}
