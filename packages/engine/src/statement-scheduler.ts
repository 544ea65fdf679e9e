import { ConnectError } from '@exstream-connect/core';
import type { Queue } from '@exstream-connect/db';
import { STATEMENT_QUEUES, type EngineContext } from './engine-context.ts';
import { jobIdFor } from './poll-batch-job.ts';
import { HEARTBEAT_SECONDS } from './queue-policy.ts';
import { runStatements, type RunStatementsResult, type StatementsProgress } from './run-statements.ts';
import type { JobHandler } from './run-worker.ts';
import { parseStoreSettings } from './settings.ts';
import { statementAccountsFromEvents } from './statement-accounts-from-events.ts';
import type { StatementAccountsSource, StatementStore } from './statement-accounts-source.ts';
import { isValidTimeZone, latestClosedPeriod, periodEndingOn, startOfLocalDay, addDays, type StatementPeriod } from './statement-period.ts';
import { countsOfEarlierRun, progressOfResult, runProgressWriter, settledOutcomeOf, statusOfRun, writeRunProgress, type StatementRunProgress, type StatementRunStatus } from './statement-run-progress.ts';
import { requireStore } from './stores.ts';
import type { PlatformName, StoreRef } from './types.ts';

export type StatementsOptions = {
  /** The app's account source per platform; the engine's own event ledger where none is given. */
  accounts?: Partial<Record<PlatformName, StatementAccountsSource>>;
  /** pg-boss cron (UTC) of the period-close check. Default every 15 minutes: a run starts at most that late. */
  cron?: string;
};

/** A period closed longer ago than this is not run by the scheduler (statements just enabled, a long outage): run it with `runPeriod`. */
export const CATCH_UP_DAYS = 7;

export const DEFAULT_STATEMENTS_CRON = '*/15 * * * *';

/**
 * The `engine-statements-run` job: one per store and period (id derived from both) when the
 * scheduler claims it; a merchant's `startRun` of a period already run adds one more. The run
 * writes its progress into `progress` (statement-run-progress.ts).
 */
export type StatementRunJob = { storeId: string; periodStart: string; periodEnd: string; trigger?: 'schedule' | 'manual'; progress?: StatementRunProgress };

export type StatementClaim = { storeId: string; periodStart: string; periodEnd: string; claimed: boolean };

export type StatementRun = {
  /** The run job (pg-boss id). */
  id: string;
  periodStart: string;
  periodEnd: string;
  trigger: 'schedule' | 'manual';
  /** The pg-boss job state: created, retry, active, completed, cancelled, failed. */
  state: string;
  /** One word for the run and its batch (see statusOfRun). */
  status: StatementRunStatus;
  /** Accounts streamed so far / in the batch; null before the run started. */
  accounts: number | null;
  /** The Exstream batch job id, once submitted. */
  jobId: string | null;
  progress: StatementRunProgress | null;
  /** Why the run failed or is retrying (the worker's error message). */
  error: string | null;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
  output: unknown;
};

/** Run job states that mean "a worker has it or will take it": a second start waits for it. */
const LIVE_STATES = new Set(['created', 'retry', 'active']);

/**
 * Creates the statement queues. The run queue never deletes a finished job: the job's id (store +
 * period) is the durable record that the period was claimed, which is what makes the scheduler run
 * each period once, however many instances tick and however often.
 */
export async function ensureStatementQueues(boss: Queue): Promise<void> {
  const liveness = { heartbeatSeconds: HEARTBEAT_SECONDS };
  const queues = [
    { name: STATEMENT_QUEUES.tick, options: { retryLimit: 2, retryDelay: 30, expireInSeconds: 300, ...liveness } },
    // A run plans and streams every account of a store: minutes for a big one; the heartbeat, not the expiry, detects a dead worker.
    { name: STATEMENT_QUEUES.run, options: { retryLimit: 3, retryDelay: 60, retryBackoff: true, retryDelayMax: 3_600, expireInSeconds: 6 * 3_600, deleteAfterSeconds: 0, ...liveness } },
  ];
  for (const { name, options } of queues) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, options);
  }
}

function periodBetween(start: string, end: string, timeZone: string): StatementPeriod {
  return { start, end, startsAt: startOfLocalDay(start, timeZone), endsAt: startOfLocalDay(addDays(end, 1), timeZone), timeZone };
}

function statementStore(row: { id: string; platform: PlatformName; externalKey: string; name: string; timezone: string; currency: string | null }): StatementStore {
  return { id: row.id, platform: row.platform, storeKey: row.externalKey, name: row.name, timezone: row.timezone, currency: row.currency };
}

/**
 * Period-close statements for every B2B store: a pg-boss cron job (`engine-statements-tick`)
 * finds, for each store with statements enabled, the latest period that has closed in the store's
 * time zone, and claims it by enqueuing `engine-statements-run` with an id derived from store and
 * period (pg-boss ignores an id it has: exactly one run per period). The run asks the store's
 * StatementAccountsSource for its accounts, streams them into one batch and returns; the poll job
 * settles the rows when Exstream is done.
 */
export function createStatementScheduler(ctx: EngineContext, options: StatementsOptions = {}) {
  const ledger = statementAccountsFromEvents(ctx);
  const sourceFor = (platform: PlatformName) => options.accounts?.[platform] ?? ledger;
  const cron = options.cron ?? DEFAULT_STATEMENTS_CRON;

  /** What the tick does: claims the just-closed period of each store with statements enabled. */
  async function enqueueDue(now: Date = ctx.clock()): Promise<StatementClaim[]> {
    const stores = await ctx.prisma.$queryRawUnsafe<Array<{ id: string; timezone: string; settings: unknown }>>(
      `SELECT id::text AS id, timezone, settings FROM "Store" WHERE "uninstalledAt" IS NULL AND settings->'statements'->>'enabled' = 'true' ORDER BY id`,
    );
    const claims: StatementClaim[] = [];
    for (const store of stores) {
      const settings = parseStoreSettings(store.settings).statements;
      if (!settings.enabled) continue;
      if (!isValidTimeZone(store.timezone)) {
        ctx.logger.warn('statements: the store time zone is not valid; no run claimed', { storeId: store.id });
        continue;
      }
      const period = latestClosedPeriod(now, store.timezone, settings.closeDay);
      if (now.getTime() - period.endsAt.getTime() > CATCH_UP_DAYS * 86_400_000) continue;
      const data: StatementRunJob = { storeId: store.id, periodStart: period.start, periodEnd: period.end };
      const id = await ctx.boss.send(STATEMENT_QUEUES.run, data, { id: jobIdFor(`statements-run|${store.id}|${period.end}`) });
      claims.push({ ...data, claimed: id !== null });
      if (id !== null) ctx.logger.info('statements: period claimed', { storeId: store.id, periodEnd: period.end });
    }
    if (claims.some((c) => c.claimed)) ctx.wake(STATEMENT_QUEUES.run);
    return claims;
  }

  async function runClaimed(data: StatementRunJob, runJobId: string): Promise<RunStatementsResult | null> {
    const skip = (detail: string) => writeRunProgress(ctx, runJobId, { phase: 'skipped', detail, updatedAt: ctx.clock().toISOString() });
    const store = await ctx.prisma.store.findUnique({ where: { id: data.storeId } });
    if (!store || store.uninstalledAt) {
      await skip('the store is uninstalled');
      return null;
    }
    const settings = parseStoreSettings(store.settings).statements;
    // A merchant's own start runs whatever the toggle says (like runPeriod); the scheduler's claim does not.
    if (!settings.enabled && data.trigger !== 'manual') {
      ctx.logger.info('statements: disabled since the period was claimed; not run', { storeId: store.id, periodEnd: data.periodEnd });
      await skip('statements were disabled after the period was claimed');
      return null;
    }
    const period = periodBetween(data.periodStart, data.periodEnd, store.timezone);
    const accounts = sourceFor(store.platform).accounts({ store: statementStore(store), period, settings });
    const progress = runProgressWriter(ctx, runJobId);
    progress.start();
    // No in-process wait: the poll job settles the rows, and this worker is free for the next store.
    let result: RunStatementsResult;
    try {
      result = await runStatements(ctx, store, { periodEnd: new Date(period.endsAt.getTime() - 1), accounts, wait: false, onProgress: progress.onProgress });
    } finally {
      await progress.flush();
    }
    await progress.finish({ ...progressOfResult(result), ...(result.resumed ? await countsOfEarlierRun(ctx, store.id, result.batchKey, runJobId) : {}) });
    // The batch may be settled already: a re-run of a period sent before (no poll follows), or a
    // poll that settled it before the batch key above was written (its outcome matched no run).
    // Checked after that write, so one of the two always records the outcome.
    const settled = result.jobId ? await settledOutcomeOf(ctx, store.id, result.batchKey) : null;
    if (settled) await writeRunProgress(ctx, runJobId, { phase: 'done', ...settled, updatedAt: ctx.clock().toISOString() });
    ctx.logger.info('statements: batch submitted', { storeId: store.id, periodEnd: data.periodEnd, accounts: result.accounts, jobId: result.jobId, resumed: result.resumed });
    return result;
  }

  function runView(job: { id: string; data: StatementRunJob; state: string; createdOn: Date; startedOn?: Date | null; completedOn: Date | null; output: unknown }): StatementRun {
    const progress = job.data.progress ?? null;
    const output = job.output as { message?: unknown } | null;
    const failing = job.state === 'failed' || job.state === 'retry';
    return {
      id: job.id,
      periodStart: job.data.periodStart,
      periodEnd: job.data.periodEnd,
      trigger: job.data.trigger ?? 'schedule',
      state: job.state,
      status: statusOfRun(job.state, progress),
      accounts: progress?.accounts ?? null,
      jobId: progress?.jobId ?? null,
      progress,
      error: failing && output && typeof output.message === 'string' ? output.message : null,
      createdOn: job.createdOn,
      startedOn: job.startedOn ?? null,
      completedOn: job.completedOn,
      output: job.output,
    };
  }

  /** The period a run is for: `periodEnd` (a close date of the store's settings), or the latest closed one. */
  function periodFor(store: { timezone: string }, settings: { closeDay: number | 'last' }, periodEnd: unknown): StatementPeriod {
    if (!isValidTimeZone(store.timezone)) {
      throw new ConnectError('VALIDATION_FAILED', 'Invalid store time zone', { issues: [{ path: 'defaults.timezone', message: `"${store.timezone}" is not an IANA time zone` }] });
    }
    if (periodEnd === undefined || periodEnd === null || periodEnd === '') return latestClosedPeriod(ctx.clock(), store.timezone, settings.closeDay);
    try {
      return periodEndingOn(String(periodEnd), store.timezone, settings.closeDay);
    } catch (error) {
      throw new ConnectError('VALIDATION_FAILED', 'Invalid statement period', { issues: [{ path: 'periodEnd', message: (error as Error).message }] });
    }
  }

  const handlers: Array<{ name: string; concurrency: number; handler: JobHandler }> = [
    {
      name: STATEMENT_QUEUES.tick,
      concurrency: 1,
      handler: async () => {
        await enqueueDue();
        return 'done';
      },
    },
    {
      name: STATEMENT_QUEUES.run,
      // One store's run at a time per worker: each already streams as fast as Exstream takes it.
      concurrency: 1,
      handler: async (job) => {
        await runClaimed(job.data as StatementRunJob, job.id);
        return 'done';
      },
    },
  ];

  return {
    /** The worker-loop queues (startWorker adds them to its loops). */
    workerQueues: handlers,

    /** Registers the cron of the tick (idempotent: the schedule is keyed by queue name). */
    async schedule(): Promise<void> {
      await ctx.boss.schedule(STATEMENT_QUEUES.tick, cron, {}, { tz: 'UTC' });
    },

    api: {
      enqueueDue,

      /**
       * Runs one period of a store now, through the store's account source (a manual run, a
       * re-trigger after a failed run, a period older than the scheduler's catch-up window).
       * `periodEnd` is the period's last day (`YYYY-MM-DD`), a close date of the store's settings.
       * Idempotent like every run: a period already submitted is only polled again.
       */
      async runPeriod(ref: StoreRef, input: { periodEnd: string; wait?: boolean; onProgress?: (progress: StatementsProgress) => void }): Promise<RunStatementsResult> {
        const store = await requireStore(ctx, ref);
        const settings = parseStoreSettings(store.settings).statements;
        let period: StatementPeriod;
        try {
          period = periodEndingOn(String(input?.periodEnd ?? ''), store.timezone, settings.closeDay);
        } catch (error) {
          throw new ConnectError('VALIDATION_FAILED', 'Invalid statement period', { issues: [{ path: 'periodEnd', message: (error as Error).message }] });
        }
        const accounts = sourceFor(store.platform).accounts({ store: statementStore(store), period, settings });
        return runStatements(ctx, store, {
          periodEnd: new Date(period.endsAt.getTime() - 1),
          accounts,
          ...(input?.wait === undefined ? {} : { wait: input.wait }),
          ...(input?.onProgress ? { onProgress: input.onProgress } : {}),
        });
      },

      /**
       * A merchant's "run now": queues a run of one period (default: the latest that has closed in
       * the store's time zone) for the worker, and answers at once. Its progress is read with
       * `runs`. A run of that period still queued or running is returned instead of a second one
       * (`started: false`); a period run before gets a new run, which reconciles before any re-send
       * (a batch already submitted is not sent again). The first run of a period takes the id the
       * scheduler would claim it with, so the scheduler does not run it again.
       * Refused (422 NOT_CONFIGURED) when the store has no Exstream connection or batch service.
       */
      async startRun(ref: StoreRef, input: { periodEnd?: string | null } = {}): Promise<{ run: StatementRun; started: boolean }> {
        const store = await requireStore(ctx, ref);
        const settings = parseStoreSettings(store.settings).statements;
        const period = periodFor(store, settings, input?.periodEnd);
        const { connection } = await ctx.exstream.forStore(store.id);
        if (!connection.serviceNames.statements && !connection.serviceNames.batch) {
          throw new ConnectError('NOT_CONFIGURED', 'No Exstream batch service is configured for statements (settings → connection → service names)', {
            issues: [{ path: 'connection.serviceNames.statements', message: 'required to run statements' }],
          });
        }
        const existing = await ctx.boss.findJobs<StatementRunJob>(STATEMENT_QUEUES.run, { data: { storeId: store.id, periodEnd: period.end } });
        const live = existing.find((job) => LIVE_STATES.has(job.state));
        if (live) return { run: runView(live), started: false };
        const key = `statements-run|${store.id}|${period.end}`;
        // Derived, not random: two clicks at once compute the same id, and pg-boss keeps one job.
        const id = jobIdFor(existing.length === 0 ? key : `${key}|${existing.length}`);
        const data: StatementRunJob = { storeId: store.id, periodStart: period.start, periodEnd: period.end, trigger: 'manual' };
        const created = await ctx.boss.send(STATEMENT_QUEUES.run, data, { id });
        if (created) ctx.wake(STATEMENT_QUEUES.run);
        const [job] = await ctx.boss.findJobs<StatementRunJob>(STATEMENT_QUEUES.run, { id });
        if (!job) throw new ConnectError('INTERNAL', `statement run ${id} was not found after enqueueing`);
        ctx.logger.info('statements: run started by the merchant', { storeId: store.id, periodEnd: period.end, runId: id, started: created !== null });
        return { run: runView(job), started: created !== null };
      },

      /** The store's runs (scheduled claims and merchants' starts) with their progress, oldest first. */
      async runs(ref: StoreRef): Promise<StatementRun[]> {
        const store = await requireStore(ctx, ref);
        const jobs = await ctx.boss.findJobs<StatementRunJob>(STATEMENT_QUEUES.run, { data: { storeId: store.id } });
        return jobs.map(runView).sort((a, b) => a.createdOn.getTime() - b.createdOn.getTime() || a.id.localeCompare(b.id));
      },
    },
  };
}

export type StatementScheduler = ReturnType<typeof createStatementScheduler>;
