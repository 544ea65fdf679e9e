import { isConnectError } from '@exstream-connect/core';
import { sqlExecutor, type SqlRunner } from '@exstream-connect/db';
import { EXSTREAM_TERMINAL_JOB_STATUSES, isExstreamError, type TExstreamJob } from '@exstream-connect/exstream';
import { QUEUES, STATEMENT_QUEUES, type EngineContext } from './engine-context.ts';
import { sha256Hex } from './hashing.ts';

/** The longest wait between two polls of one batch job. */
export const MAX_POLL_DELAY_MS = 60_000;

export type BatchPollJob = {
  storeId: string;
  batchKey: string;
  /** The Exstream batch job. */
  jobId: string;
  /** Past this instant the rows are marked failed and polling stops (bounded total deadline). */
  deadlineAt: string;
  /** Polls made so far (part of the next poll job's id, so a retried poll enqueues no duplicate). */
  attempt: number;
  /** Wait before this poll; doubles up to MAX_POLL_DELAY_MS. */
  delayMs: number;
};

/** A UUID derived from a key: pg-boss ignores a job whose id exists, which makes an enqueue idempotent. */
export function jobIdFor(key: string): string {
  const hex = sha256Hex(key);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const batchMarker = (batchKey: string) => `batch:${batchKey}`;

/**
 * Enqueues a poll of the batch job, in the caller's transaction when given one. Idempotent per
 * (batch, job, attempt): enqueuing the same poll twice leaves one job.
 */
export async function enqueueBatchPoll(ctx: Pick<EngineContext, 'boss'>, job: BatchPollJob, sql?: SqlRunner): Promise<void> {
  await ctx.boss.send(QUEUES.batchPoll, job, {
    id: jobIdFor(`batch-poll|${job.batchKey}|${job.jobId}|${job.attempt}`),
    startAfter: new Date(Date.now() + job.delayMs),
    ...(sql ? { db: sqlExecutor(sql) } : {}),
  });
}

/**
 * Right after a submit: records the Exstream job on every in-flight row of the batch and enqueues
 * its first poll, in ONE transaction, so the rows reach sent / failed even if this process dies
 * while Exstream renders. Safe to repeat (a resumed run, a retried flush): the poll is idempotent.
 */
export async function recordBatchSubmitted(ctx: Pick<EngineContext, 'db' | 'boss' | 'clock' | 'batchPolling'>, args: { storeId: string; batchKey: string; jobId: string }): Promise<void> {
  const now = ctx.clock().getTime();
  await ctx.db.transaction(async (sql) => {
    await sql.query(`UPDATE "Communication" SET "exstreamJobId" = $3 WHERE "storeId" = $1::uuid AND "documentRef" = $2 AND status = 'sending'`, [args.storeId, batchMarker(args.batchKey), args.jobId]);
    await enqueueBatchPoll(
      ctx,
      { ...args, deadlineAt: new Date(now + ctx.batchPolling.timeoutMs).toISOString(), attempt: 0, delayMs: ctx.batchPolling.intervalMs },
      sql,
    );
  });
}

/**
 * Moves every row of the batch still `sending` to `sent` (job complete) or `failed` (error,
 * canceled, deleted, or given up), with the job id and one timeline event each, in ONE statement.
 * Rows already settled (by the in-process wait, or a previous poll) are left alone, so settling
 * twice records nothing twice. A store that keeps hashes only (`archive.storeDocumentData = false`)
 * loses the document data of the rows sent, as delivery-writer does for single documents; the
 * SHA-256 stays. The run that submitted the batch is marked `done` with the outcome (its progress,
 * see statement-run-progress.ts). Returns how many rows moved.
 */
export async function settleBatch(
  ctx: Pick<EngineContext, 'prisma' | 'clock'>,
  args: { storeId: string; batchKey: string; jobId: string; outcome: 'sent' | 'failed'; detail: string },
): Promise<number> {
  const moved = await ctx.prisma.$executeRawUnsafe(
    `WITH moved AS (
       UPDATE "Communication" SET status = $3::text::"CommunicationStatus", "exstreamJobId" = $4::text,
         "sentAt" = CASE WHEN $3::text = 'sent' THEN ($6::timestamptz AT TIME ZONE 'UTC') ELSE NULL END,
         "lastError" = CASE WHEN $3::text = 'failed' THEN $5::text ELSE NULL END, "updatedAt" = ($6::timestamptz AT TIME ZONE 'UTC'),
         "documentData" = CASE WHEN $3::text = 'sent' AND (SELECT s.settings->'archive'->>'storeDocumentData' = 'false' FROM "Store" s WHERE s.id = $1::uuid)
           THEN NULL ELSE "documentData" END
       WHERE "storeId" = $1::uuid AND "documentRef" = $2::text AND status = 'sending'
       RETURNING id, "storeId")
     INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
     SELECT "storeId", id, $3::text::"CommunicationStatus", 'exstream-batch', to_jsonb($5::text), ($6::timestamptz AT TIME ZONE 'UTC') FROM moved`,
    args.storeId,
    batchMarker(args.batchKey),
    args.outcome,
    args.jobId,
    args.detail,
    ctx.clock().toISOString(),
  );
  await recordBatchOutcome(ctx, args);
  return moved;
}

/**
 * Marks the run(s) that submitted this batch `done` with the batch's outcome. Called where the
 * batch is settled (poll job or in-process wait); a batch of a manual `runPeriod` has no run job,
 * and then nothing matches. Run jobs are few (one per store and period), so the scan is cheap.
 */
async function recordBatchOutcome(
  ctx: Pick<EngineContext, 'prisma' | 'clock'>,
  args: { storeId: string; batchKey: string; outcome: 'sent' | 'failed'; detail: string },
): Promise<void> {
  await ctx.prisma.$executeRawUnsafe(
    `UPDATE pgboss.job SET data = jsonb_set(data, '{progress}', (data->'progress') || $4::jsonb)
     WHERE name = $1 AND data->>'storeId' = $2 AND data->'progress'->>'batchKey' = $3`,
    STATEMENT_QUEUES.run,
    args.storeId,
    args.batchKey,
    JSON.stringify({ phase: 'done', outcome: args.outcome, detail: args.detail, updatedAt: ctx.clock().toISOString() }),
  );
}

/** What an ended job means for its rows. */
export function outcomeOf(job: Pick<TExstreamJob, 'id' | 'status' | 'msg'>): { outcome: 'sent' | 'failed'; detail: string } {
  if (job.status === 'complete') return { outcome: 'sent', detail: `batch job ${job.id} complete` };
  return { outcome: 'failed', detail: `batch job ${job.id} ended ${job.status}${job.msg ? `: ${job.msg}` : ''}` };
}

/**
 * One poll of a submitted batch, statements or campaign (the `engine-batch-poll` job). An ended job settles
 * the rows; a running job, or an Exstream that does not answer, enqueues the next poll with a
 * doubled delay, until the deadline, when the rows are marked failed. Because each poll is a
 * pg-boss job, a restarted worker resumes polling where the last one stopped.
 */
export async function pollBatchJob(ctx: EngineContext, data: BatchPollJob): Promise<void> {
  const store = await ctx.prisma.store.findUnique({ where: { id: data.storeId }, select: { id: true } });
  // The store was erased: nothing is left to settle.
  if (!store) return;
  let job: TExstreamJob | null = null;
  let problem: string | null = null;
  try {
    const { client } = await ctx.exstream.forStore(data.storeId);
    job = await client.getJob(data.jobId);
  } catch (error) {
    if (isExstreamError(error) && error.kind === 'not_found') {
      await settleBatch(ctx, { ...data, outcome: 'failed', detail: `batch job ${data.jobId} is unknown to Exstream` });
      return;
    }
    // Anything else (Exstream down, connection being edited) may pass: poll again later.
    problem = isConnectError(error) ? error.message : (error as Error).message;
    ctx.logger.warn('batch poll failed', { storeId: data.storeId, jobId: data.jobId, error: problem });
  }
  if (job && EXSTREAM_TERMINAL_JOB_STATUSES.includes(job.status)) {
    const moved = await settleBatch(ctx, { storeId: data.storeId, batchKey: data.batchKey, jobId: job.id, ...outcomeOf(job) });
    ctx.logger.info('batch settled', { storeId: data.storeId, jobId: job.id, status: job.status, rows: moved });
    return;
  }
  if (ctx.clock().getTime() >= Date.parse(data.deadlineAt)) {
    const state = job ? `still "${job.status}"` : `not reachable (${problem ?? 'no answer'})`;
    await settleBatch(ctx, { storeId: data.storeId, batchKey: data.batchKey, jobId: data.jobId, outcome: 'failed', detail: `batch job ${data.jobId} ${state} at the polling deadline ${data.deadlineAt}` });
    return;
  }
  const delayMs = Math.min(MAX_POLL_DELAY_MS, Math.max(1, data.delayMs * 2));
  await enqueueBatchPoll(ctx, { ...data, attempt: data.attempt + 1, delayMs });
}
