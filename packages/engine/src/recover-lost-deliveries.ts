import { transactionExecutor, type Prisma } from '@exstream-connect/db';
import { QUEUES, type DeliverJob, type EngineContext } from './engine-context.ts';
import { failAbandonedCampaignBatches, requeueCampaignFlushes } from './flush-campaign-batch.ts';
import { batchMarker } from './poll-batch-job.ts';
import { queueWriteBack } from './record-status.ts';

export type RecoveryReport = {
  /** Stuck rows given a new delivery job (attempts remained; the job reconciles before sending). */
  requeued: number;
  /** Stuck rows marked failed: their attempts are used up. */
  failed: number;
  /** Jobs read from engine-deliver-dead. */
  deadLettersRead: number;
  /** Rows still queued / sending whose job pg-boss dead-lettered, now failed. */
  deadLettersFailed: number;
  /** Stores whose campaign rows waited too long with no flush coming: given one (flush-campaign-batch.ts). */
  campaignFlushesRequeued: number;
  /** Campaign rows claimed by a flush job that is gone without submitting them: failed, re-triggerable. */
  campaignRowsAbandoned: number;
};

const ROWS_PER_SWEEP = 200;
const DEAD_LETTERS_PER_DRAIN = 100;

/** Since the row was last queued by the planner, a resend or retryFailed (not by the sweeper itself). */
const SINCE_QUEUED = `e.seq > COALESCE((SELECT max(q.seq) FROM "CommunicationEvent" q WHERE q."communicationId" = c.id AND q.status = 'queued' AND q.source <> 'sweeper'), 0)`;

/**
 * The attempts a delivery made since it was last queued: each one starts with a claim (`sending`,
 * source `worker`) or, when the row was already `sending`, a reconcile event. Lookups after a claim
 * are written as `lookup`, so an attempt is never counted twice.
 */
const ATTEMPTS_SINCE_QUEUED = `(
  SELECT count(*)::int FROM "CommunicationEvent" e
  WHERE e."communicationId" = c.id AND e.status = 'sending' AND e.source IN ('worker', 'reconcile') AND ${SINCE_QUEUED})`;

/** Re-enqueues by the sweeper since then: bounded too, for a job lost before any attempt started. */
const REQUEUES_SINCE_QUEUED = `(
  SELECT count(*)::int FROM "CommunicationEvent" e WHERE e."communicationId" = c.id AND e.source = 'sweeper' AND ${SINCE_QUEUED})`;

/** A row whose job keeps vanishing before any attempt is recorded is failed after this many re-enqueues. */
const MAX_REQUEUES = 3;

type StuckRow = { id: string; storeId: string; status: 'queued' | 'sending'; orderRef: string | null; attempts: number; requeues?: number };

/**
 * Finds deliveries nothing is working on any more, and settles them: a communication `queued` or
 * `sending` whose last change is older than `delivery.stuckAfterSeconds` and that has no live job
 * (created, retry or active) in engine-deliver. That happens when a worker died on the final
 * attempt (pg-boss dead-letters the job), when claim or read threw before the delivery's own error
 * handling, or when a job was lost outright. While attempts remain (`retryLimit + 1` per queueing,
 * and at most MAX_REQUEUES re-enqueues) the row gets a new job that reconciles with Exstream before
 * any re-send; otherwise it is `failed` with "delivery job lost after N attempts" and can be
 * re-triggered with retryFailed.
 *
 * Across stores by design (it is the worker's housekeeping, not a tenant read); every row is read
 * per store through the (storeId, status) index and every write names its store. Statement and
 * campaign rows (`documentRef` `batch:…`) belong to their batch and are left alone.
 */
export async function sweepStuckDeliveries(ctx: EngineContext): Promise<Pick<RecoveryReport, 'requeued' | 'failed'>> {
  const cutoff = new Date(ctx.clock().getTime() - ctx.delivery.stuckAfterSeconds * 1000);
  const candidates = await ctx.prisma.$queryRawUnsafe<StuckRow[]>(
    `SELECT c.id::text AS id, c."storeId"::text AS "storeId", c.status::text AS status, c."orderRef", ${ATTEMPTS_SINCE_QUEUED} AS attempts, ${REQUEUES_SINCE_QUEUED} AS requeues
     FROM "Store" s
     CROSS JOIN LATERAL (
       SELECT c.id, c."storeId", c.status, c."orderRef" FROM "Communication" c
       WHERE c."storeId" = s.id AND c.status IN ('queued', 'sending') AND c."updatedAt" < ($1::timestamptz AT TIME ZONE 'UTC')
         AND (c."documentRef" IS NULL OR c."documentRef" NOT LIKE $3)
       ORDER BY c."updatedAt" LIMIT $2) c
     LIMIT $2`,
    cutoff.toISOString(),
    ROWS_PER_SWEEP,
    // Statement and campaign rows wait for their batch (poll-batch-job.ts, flush-campaign-batch.ts), not for a delivery job.
    batchMarker('%'),
  );
  const live = await liveDeliveries(ctx, candidates.map((c) => c.id));
  const budget = ctx.delivery.retryLimit + 1;
  const report = { requeued: 0, failed: 0 };
  for (const row of candidates) {
    if (live.has(row.id)) continue;
    // The update repeats the age condition: another sweeper (or a retryFailed) that touched the
    // row meanwhile wins, and this one does nothing.
    const guard = { sql: `"updatedAt" < ($3::timestamptz AT TIME ZONE 'UTC')`, params: [cutoff.toISOString()] };
    const idle = Math.round(ctx.delivery.stuckAfterSeconds);
    if (row.attempts < budget && (row.requeues ?? 0) < MAX_REQUEUES) {
      const moved = await ctx.prisma.$transaction(async (tx) => {
        const touched = await touchGuarded(ctx, tx, row, guard, {
          to: row.status,
          source: 'sweeper',
          detail: `no live delivery job for over ${idle} s after ${row.attempts} attempt(s); re-enqueued, reconciling with Exstream first`,
        });
        if (!touched) return false;
        const job: DeliverJob = { storeId: row.storeId, communicationId: row.id, reconcile: true };
        // The new job gets what is left of the budget, so a row is never tried more than retryLimit + 1 times per queueing.
        await ctx.boss.send(QUEUES.deliver, job, { db: transactionExecutor(tx), retryLimit: budget - row.attempts - 1 });
        return true;
      });
      if (moved) report.requeued++;
    } else if (await failLost(ctx, row, row.attempts < budget ? `delivery job lost ${(row.requeues ?? 0) + 1} times after ${row.attempts} attempts` : `delivery job lost after ${row.attempts} attempts`, guard)) {
      report.failed++;
    }
  }
  if (report.requeued > 0) ctx.wake(QUEUES.deliver);
  if (report.failed > 0) ctx.wake(QUEUES.writeBack);
  if (report.requeued + report.failed > 0) ctx.logger.warn('lost deliveries recovered', report);
  return report;
}

/**
 * Reads engine-deliver-dead. A job pg-boss moved there (its last attempt failed or its worker's
 * heartbeat lapsed) whose communication is still `queued` / `sending`, unchanged since, with no
 * live job, makes that communication `failed` ("delivery job lost after N attempts: <error>").
 * Letters the engine wrote itself (markFailed, documents that could not be built) point at rows that
 * are failed already: they are only read. Every letter read is completed.
 */
export async function drainDeadDeliveries(ctx: EngineContext): Promise<Pick<RecoveryReport, 'deadLettersRead' | 'deadLettersFailed'>> {
  const report = { deadLettersRead: 0, deadLettersFailed: 0 };
  for (;;) {
    const letters = await ctx.boss.fetch<Partial<DeliverJob>>(QUEUES.deliverDead, { batchSize: DEAD_LETTERS_PER_DRAIN, includeMetadata: true });
    if (letters.length === 0) break;
    report.deadLettersRead += letters.length;
    const lost = letters.filter((l) => l.sourceName === QUEUES.deliver && typeof l.data?.communicationId === 'string' && typeof l.data?.storeId === 'string');
    const live = await liveDeliveries(ctx, lost.map((l) => l.data.communicationId!));
    for (const letter of lost) {
      const { storeId, communicationId } = letter.data as DeliverJob;
      if (live.has(communicationId)) continue;
      const [row] = await ctx.prisma.$queryRawUnsafe<Array<{ status: string; orderRef: string | null }>>(
        `SELECT status::text AS status, "orderRef" FROM "Communication" WHERE id = $1::uuid AND "storeId" = $2::uuid`,
        communicationId,
        storeId,
      );
      if (!row || (row.status !== 'queued' && row.status !== 'sending')) continue;
      const attempts = (letter.sourceRetryCount ?? 0) + 1;
      const cause = outputMessage(letter.sourceOutput);
      // Unchanged since pg-boss gave up on its job: a row re-triggered meanwhile is left to its new job.
      const guard = { sql: `"updatedAt" <= ($3::timestamptz AT TIME ZONE 'UTC')`, params: [new Date(letter.createdOn).toISOString()] };
      const message = `delivery job lost after ${attempts} attempts${cause ? ` (${cause})` : ''}`;
      if (await failLost(ctx, { id: communicationId, storeId, status: row.status, orderRef: row.orderRef, attempts }, message, guard)) report.deadLettersFailed++;
    }
    await ctx.boss.complete(
      QUEUES.deliverDead,
      letters.map((l) => l.id),
    );
    if (letters.length < DEAD_LETTERS_PER_DRAIN) break;
  }
  if (report.deadLettersFailed > 0) {
    ctx.wake(QUEUES.writeBack);
    ctx.logger.warn('dead-lettered deliveries marked failed', report);
  }
  return report;
}

/** The recovery steps, as the worker runs them every `delivery.sweepIntervalSeconds`. */
export async function recoverLostDeliveries(ctx: EngineContext): Promise<RecoveryReport> {
  const dead = await drainDeadDeliveries(ctx);
  const stuck = await sweepStuckDeliveries(ctx);
  const cutoff = new Date(ctx.clock().getTime() - ctx.delivery.stuckAfterSeconds * 1000);
  const campaignFlushesRequeued = await requeueCampaignFlushes(ctx, cutoff);
  const campaignRowsAbandoned = await failAbandonedCampaignBatches(ctx, cutoff);
  return { ...stuck, ...dead, campaignFlushesRequeued, campaignRowsAbandoned };
}

/**
 * Communications among `ids` with a job pg-boss still holds for them (created, retry or active) in
 * engine-deliver. Reads pg-boss's job table (schema `pgboss`) directly: one statement for a whole
 * sweep, where the API would take a call per row. Nothing indexes job data, so this scans the
 * queue's jobs, as pg-boss's own supervisor does every 15 s; it runs only when candidates exist.
 */
export async function liveDeliveries(ctx: EngineContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT DISTINCT data->>'communicationId' AS id FROM pgboss.job
     WHERE name = $1 AND state < 'completed' AND data->>'communicationId' = ANY($2::text[])`,
    QUEUES.deliver,
    ids,
  );
  return new Set(rows.map((r) => r.id));
}

type Guard = { sql: string; params: string[] };

/** The guarded status change (or touch) of one row plus its timeline event; false when the guard no longer holds. */
async function touchGuarded(
  ctx: EngineContext,
  tx: Prisma.TransactionClient,
  row: StuckRow,
  guard: Guard,
  change: { to: 'queued' | 'sending' | 'failed'; source: string; detail: string; lastError?: string },
): Promise<boolean> {
  const at = ctx.clock().toISOString();
  const moved = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `WITH moved AS (
       UPDATE "Communication" SET status = $4::text::"CommunicationStatus", "updatedAt" = ($5::timestamptz AT TIME ZONE 'UTC'),
         "lastError" = COALESCE($6::text, "lastError")
       WHERE id = $1::uuid AND "storeId" = $2::uuid AND status = $7::text::"CommunicationStatus" AND ${guard.sql}
       RETURNING id, "storeId"),
     ev AS (
       INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
       SELECT "storeId", id, $4::text::"CommunicationStatus", $8, to_jsonb($9::text), ($5::timestamptz AT TIME ZONE 'UTC') FROM moved
       RETURNING 1)
     SELECT id::text AS id FROM moved`,
    row.id,
    row.storeId,
    ...guard.params,
    change.to,
    at,
    change.lastError ?? null,
    row.status,
    change.source,
    change.detail,
  );
  return moved.length === 1;
}

/** `failed` with the reason as lastError, plus the failure write-backs the store asked for, in one transaction. */
async function failLost(ctx: EngineContext, row: StuckRow, message: string, guard: Guard): Promise<boolean> {
  const settings = (await ctx.storeState.get(row.storeId))?.settings;
  return ctx.prisma.$transaction(async (tx) => {
    const moved = await touchGuarded(ctx, tx, row, guard, { to: 'failed', source: 'sweeper', detail: message, lastError: message });
    if (!moved) return false;
    if (row.orderRef) {
      if (settings?.writeBack.tagOnFailure) await queueWriteBack(ctx, tx, { storeId: row.storeId, kind: 'order_failure_tag', orderRef: row.orderRef });
      if (settings?.writeBack.orderSummary) await queueWriteBack(ctx, tx, { storeId: row.storeId, kind: 'order_summary', orderRef: row.orderRef });
    }
    return true;
  });
}

function outputMessage(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const value = (output as { value?: unknown; message?: unknown }).value ?? output;
  const message = (value as { message?: unknown }).message;
  return typeof message === 'string' ? message.slice(0, 300) : null;
}

/** Starts the periodic recovery; returns its stop. Overlapping runs are skipped, errors logged. */
export function startRecoveryTimer(ctx: EngineContext): () => Promise<void> {
  if (ctx.delivery.sweepIntervalSeconds <= 0) return async () => undefined;
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = recoverLostDeliveries(ctx)
      .catch((error: unknown) => ctx.logger.error('delivery recovery failed', { error: (error as Error).message }))
      .finally(() => (running = null));
  }, ctx.delivery.sweepIntervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
