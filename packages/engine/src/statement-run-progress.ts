import { STATEMENT_QUEUES, type EngineContext } from './engine-context.ts';
import { batchMarker } from './poll-batch-job.ts';
import type { RunStatementsResult, StatementsProgress } from './run-statements.ts';

/**
 * How far a statement run got, kept in its `engine-statements-run` job's data (`data.progress`) so
 * any process (a settings page polling `statements.runs`) reads it. Not the job's `output`: pg-boss
 * overwrites that when the job completes, and a run's story goes on after it (the poll job settles).
 */
export type StatementRunProgress = {
  /**
   * `streaming`: accounts are being planned and uploaded; `submitted`: Exstream has the whole batch
   * and renders it; `done`: the batch job ended and its rows are settled (`outcome`); `skipped`:
   * the run did nothing (statements disabled since the period was claimed, store gone).
   */
  phase: StatementsProgress['phase'] | 'skipped';
  /** Accounts planned and streamed so far (the final count once submitted). */
  accounts: number;
  /** The Exstream batch job, once submitted. */
  jobId: string | null;
  batchKey: string | null;
  /** Statements queued / skipped by preferences or rules / failed to plan: counting while streaming, final once submitted. */
  queued: number | null;
  skipped: number | null;
  failed: number | null;
  /** The batch's outcome once its job ended: every row `sent`, or every row `failed`. */
  outcome: 'sent' | 'failed' | null;
  detail: string | null;
  updatedAt: string;
};

/** Most one `streaming` write per this many ms: a 100,000-account run reports ~3,000 times. */
const STREAMING_WRITE_EVERY_MS = 1_000;

/**
 * Merges `patch` into the run job's `data.progress`. A run already `done` stays `done`: the poll
 * job can settle the batch before the run job writes its own last word, and that must not turn a
 * finished run back into a rendering one.
 */
export async function writeRunProgress(ctx: Pick<EngineContext, 'prisma'>, runJobId: string, patch: Partial<StatementRunProgress>): Promise<void> {
  await ctx.prisma.$executeRawUnsafe(
    `UPDATE pgboss.job SET data = jsonb_set(data, '{progress}',
       CASE WHEN data->'progress'->>'phase' = 'done' THEN (data->'progress') || ($3::jsonb - 'phase')
            ELSE COALESCE(data->'progress', '{}'::jsonb) || $3::jsonb END)
     WHERE name = $1 AND id = $2::uuid`,
    STATEMENT_QUEUES.run,
    runJobId,
    JSON.stringify(patch),
  );
}

/**
 * The `onProgress` of a queued run: writes the run's progress into its job, in order (each write
 * waits for the one before), every phase change at once and `streaming` at most once a second,
 * the latest count written when the second is up (a run that pauses mid-stream still shows how
 * far it got). `finish()` writes the last word and waits for everything in flight; a failed write
 * is logged, never thrown into the run.
 */
export function runProgressWriter(ctx: Pick<EngineContext, 'prisma' | 'clock' | 'logger'>, runJobId: string) {
  let chain: Promise<void> = Promise.resolve();
  let lastPhase: string | null = null;
  let lastWriteAt = 0;
  let trailing: { timer: ReturnType<typeof setTimeout>; progress: StatementsProgress } | null = null;
  const write = (patch: Partial<StatementRunProgress>) => {
    // Wall time, not the engine clock: the throttle is about database load, not business time.
    lastWriteAt = performance.now();
    const at = ctx.clock().toISOString();
    chain = chain
      .then(() => writeRunProgress(ctx, runJobId, { ...patch, updatedAt: at }))
      .catch((error: unknown) => ctx.logger.warn('statements: progress not recorded', { runJobId, error: (error as Error).message }));
  };
  const cancelTrailing = () => {
    if (trailing) clearTimeout(trailing.timer);
    trailing = null;
  };
  const writeProgress = (progress: StatementsProgress) => {
    cancelTrailing();
    lastPhase = progress.phase;
    // The counts travel with the phase: a run read as `rendering` already says how many went out.
    write({ phase: progress.phase, accounts: progress.accounts, jobId: progress.jobId, queued: progress.queued, skipped: progress.skipped, failed: progress.failed });
  };
  return {
    start(): void {
      lastPhase = 'streaming';
      write({ phase: 'streaming', accounts: 0, jobId: null, batchKey: null, queued: null, skipped: null, failed: null, outcome: null, detail: null });
    },
    onProgress(progress: StatementsProgress): void {
      const wait = STREAMING_WRITE_EVERY_MS - (performance.now() - lastWriteAt);
      if (progress.phase !== lastPhase || wait <= 0) {
        writeProgress(progress);
        return;
      }
      if (trailing) {
        trailing.progress = { ...progress };
        return;
      }
      const timer = setTimeout(() => trailing && writeProgress(trailing.progress), wait);
      timer.unref();
      trailing = { timer, progress: { ...progress } };
    },
    /** The run's last word: its counts (and, for a batch settled before, its outcome). */
    finish(patch: Partial<StatementRunProgress>): Promise<void> {
      cancelTrailing();
      write(patch);
      return chain;
    },
    /** Waits for the writes in flight; drops a pending throttled one (the run ended: `finish` has the last word). */
    flush(): Promise<void> {
      cancelTrailing();
      return chain;
    },
  };
}

/** What the run knows when it returns: the counts, and `submitted` when a batch went out. */
export function progressOfResult(result: RunStatementsResult): Partial<StatementRunProgress> {
  return {
    phase: result.jobId ? 'submitted' : 'done',
    accounts: result.accounts,
    jobId: result.jobId,
    batchKey: result.batchKey,
    queued: result.queued,
    skipped: result.skipped,
    failed: result.failed,
    ...(result.jobId ? {} : { outcome: null, detail: result.accounts === 0 ? 'no account had activity or a balance' : 'nothing was sent (dry run)' }),
  };
}

/**
 * A batch that was settled before this run looked (a re-run of a period already sent): its rows
 * say how it ended. Null while any row is still in flight (the poll job will say).
 */
export async function settledOutcomeOf(ctx: Pick<EngineContext, 'prisma'>, storeId: string, batchKey: string): Promise<Pick<StatementRunProgress, 'outcome' | 'detail'> | null> {
  const rows = await ctx.prisma.$queryRawUnsafe<Array<{ status: string; n: number }>>(
    `SELECT status::text AS status, count(*)::int AS n FROM "Communication" WHERE "storeId" = $1::uuid AND "documentRef" = $2 GROUP BY status`,
    storeId,
    batchMarker(batchKey),
  );
  const count = (...statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + r.n, 0);
  if (count('sending') > 0 || rows.length === 0) return null;
  // Delivery feedback moves sent rows on (delivered, opened, bounced): Exstream produced them all the same.
  const produced = count('sent', 'delivered', 'opened', 'bounced');
  const failed = count('failed');
  return { outcome: produced > 0 ? 'sent' : 'failed', detail: `${produced} sent, ${failed} failed` };
}

/**
 * What a re-run that found its batch already submitted reports: nothing was streamed this time,
 * so the counts of the run that streamed it, else the number of statements (rows) in the batch.
 */
export async function countsOfEarlierRun(ctx: Pick<EngineContext, 'prisma'>, storeId: string, batchKey: string, runJobId: string): Promise<Partial<StatementRunProgress>> {
  const [earlier] = await ctx.prisma.$queryRawUnsafe<Array<{ progress: StatementRunProgress }>>(
    `SELECT data->'progress' AS progress FROM pgboss.job
     WHERE name = $1 AND data->>'storeId' = $2 AND data->'progress'->>'batchKey' = $3 AND id <> $4::uuid AND (data->'progress'->>'accounts')::int > 0
     ORDER BY created_on DESC LIMIT 1`,
    STATEMENT_QUEUES.run,
    storeId,
    batchKey,
    runJobId,
  );
  if (earlier) return { accounts: earlier.progress.accounts, queued: earlier.progress.queued, skipped: earlier.progress.skipped, failed: earlier.progress.failed };
  const [rows] = await ctx.prisma.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM "Communication" WHERE "storeId" = $1::uuid AND "documentRef" = $2`,
    storeId,
    batchMarker(batchKey),
  );
  return { accounts: rows?.n ?? 0 };
}

/**
 * One word for a run, for a list: `queued` / `retrying` (waiting for a worker), `running` /
 * `streaming` (active), `rendering` (Exstream has the batch), `sent` / `failed` (the batch ended, or
 * the run failed for good), `no_accounts`, `skipped`, `cancelled`, and `completed` for a run
 * recorded before progress was kept.
 */
export type StatementRunStatus = 'queued' | 'retrying' | 'running' | 'streaming' | 'rendering' | 'sent' | 'failed' | 'no_accounts' | 'skipped' | 'cancelled' | 'completed';

export function statusOfRun(state: string, progress: StatementRunProgress | null): StatementRunStatus {
  if (state === 'cancelled') return 'cancelled';
  if (state === 'failed') return 'failed';
  if (state === 'created') return 'queued';
  if (state === 'retry') return 'retrying';
  if (progress?.phase === 'done') {
    if (progress.outcome) return progress.outcome;
    if (state === 'completed') return progress.accounts === 0 ? 'no_accounts' : 'skipped';
  }
  if (progress?.phase === 'submitted') return 'rendering';
  if (progress?.phase === 'skipped') return 'skipped';
  if (state === 'active') return progress?.phase === 'streaming' ? 'streaming' : 'running';
  // A completed run from before progress was recorded: it ran, its batch outcome was not kept.
  return 'completed';
}
