import { isMarketingDocument, type TDocumentType } from '@exstream-connect/core';
import { sqlExecutor, type SqlRunner } from '@exstream-connect/db';
import { QUEUES, type EngineContext } from './engine-context.ts';
import { sha256Hex } from './hashing.ts';
import { batchMarker, recordBatchSubmitted } from './poll-batch-job.ts';
import { rawSql, type QuerySql } from './sql-records.ts';
import type { TStoreSettingsJson } from './settings-schema.ts';

/**
 * The documentRef of a campaign row that waits for its store's next batch. It is a `batch:` marker,
 * so the delivery sweeper leaves the row to the flush (the flush's own backstop is
 * requeueCampaignFlushes), and no batch key can equal it (batch keys are `camp-<hex>` / `stmt-<hex>`).
 */
export const CAMPAIGN_PENDING_REF = batchMarker('campaign-pending');

/** Most rows one batch job carries; the rest go to the next flush, enqueued at once. */
export const CAMPAIGN_BATCH_MAX_ROWS = 20_000;

/** Rows read per query while streaming: bounds memory whatever the batch size. */
const PAGE_ROWS = 500;

export type CampaignFlushJob = { storeId: string };

export type CampaignFlushResult =
  /** Nothing was waiting (or the store is gone). */
  | { kind: 'empty' }
  /** The batch went to Exstream (or an earlier attempt's submit was found there); the poll job settles it. */
  | { kind: 'submitted'; batchKey: string; jobId: string; rows: number; resumed: boolean }
  /** This flush's batch was already submitted and settled by an earlier attempt. */
  | { kind: 'settled'; batchKey: string }
  /** No batch service (or no connection): the waiting rows were handed to on-demand delivery. */
  | { kind: 'on_demand'; rows: number }
  /** The last attempt failed: the rows it had claimed are failed with the cause. */
  | { kind: 'failed'; rows: number; error: string };

/** Whether a planned row waits for the store's campaign batch rather than getting a delivery job. */
export function waitsForCampaignBatch(row: { status: string; documentType: TDocumentType }, settings: Pick<TStoreSettingsJson, 'campaigns'>): boolean {
  return row.status === 'queued' && settings.campaigns.batch && isMarketingDocument(row.documentType);
}

/**
 * Makes sure a flush of the store's waiting campaign rows is coming, in the caller's transaction
 * when given one. The queue is `stately` with the store as singletonKey: while a flush waits for
 * its window this is a no-op, so the first reminder of a window decides when the batch leaves.
 */
export async function enqueueCampaignFlush(ctx: Pick<EngineContext, 'boss'>, args: { storeId: string; windowSeconds: number }, sql?: SqlRunner): Promise<void> {
  const job: CampaignFlushJob = { storeId: args.storeId };
  await ctx.boss.send(QUEUES.campaignFlush, job, { singletonKey: args.storeId, startAfter: args.windowSeconds, ...(sql ? { db: sqlExecutor(sql) } : {}) });
}

/** The batch key of one flush job: a retried attempt of the job finds the rows it claimed. */
export function campaignBatchKey(storeId: string, flushJobId: string): string {
  return `camp-${sha256Hex(`${storeId}|${flushJobId}`).slice(0, 32)}`;
}

/**
 * One flush (the `engine-campaign-flush` job): the store's campaign rows waiting for a batch are
 * claimed (`queued → sending`, documentRef = this flush's batch marker), their stored document data
 * is streamed as NDJSON into ONE Exstream batch job (idempotency key = batch key), and the job id is
 * recorded with a durable poll (poll-batch-job.ts settles the rows sent / failed, as for statements).
 *
 * Exactly once, like the on-demand path: a retried attempt of the same flush never claims again.
 * Rows it claimed with a job id are only polled; rows without one are reconciled with Exstream by
 * the batch key (the process died between the submit and the record), and streamed again with the
 * same key only when Exstream has no job for it. Rows planned while a flush runs wait for the next.
 */
export async function flushCampaignBatch(ctx: EngineContext, data: CampaignFlushJob, flushJobId: string): Promise<CampaignFlushResult> {
  const store = await ctx.prisma.store.findUnique({ where: { id: data.storeId }, select: { id: true, uninstalledAt: true } });
  // Erased: nothing is left. Uninstalled: its rows wait; a reinstall's next reminder flushes them.
  if (!store || store.uninstalledAt) return { kind: 'empty' };
  const sql = rawSql(ctx.db.sql);
  const batchKey = campaignBatchKey(store.id, flushJobId);
  const marker = batchMarker(batchKey);

  const [earlier] = await sql.$queryRawUnsafe<Array<{ rows: number; sending: number; jobId: string | null }>>(
    `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE status = 'sending'))::int AS sending, max("exstreamJobId") AS "jobId"
     FROM "Communication" WHERE "storeId" = $1::uuid AND "documentRef" = $2`,
    store.id,
    marker,
  );
  const resumed = (earlier?.rows ?? 0) > 0;
  if (resumed && earlier!.sending === 0) return { kind: 'settled', batchKey };

  const service = await batchServiceOf(ctx, store.id);
  if (!resumed && !service) return { kind: 'on_demand', rows: await releaseToOnDemand(ctx, store.id) };

  const { client } = await ctx.exstream.forStore(store.id);
  if (resumed) {
    // Reconcile before any re-send: Exstream keeps the batch key as the job's externalId.
    // A job that ended in error is adopted too: a submit with the same key would only return it,
    // and its poll fails the rows visibly (retryFailed then sends them one by one).
    const known = earlier!.jobId ?? (await client.findJobsByExternalId(batchKey)).find((job) => job.externalId === batchKey)?.id ?? null;
    if (known) {
      await recordBatchSubmitted(ctx, { storeId: store.id, batchKey, jobId: known });
      return { kind: 'submitted', batchKey, jobId: known, rows: earlier!.sending, resumed };
    }
  } else if ((await claimWaitingRows(ctx, store.id, marker)) === 0) {
    return { kind: 'empty' };
  }
  if (!service) {
    // The service was removed between an earlier attempt's claim and this retry.
    return { kind: 'on_demand', rows: await releaseToOnDemand(ctx, store.id, marker) };
  }

  const progress = { rows: 0 };
  const submitted = await client.submitBatch({ service, body: streamRows(ctx, store.id, marker, progress), contentType: 'application/x-ndjson', idempotencyKey: batchKey });
  await ctx.hooks.afterBatchSubmit?.(batchKey);
  await recordBatchSubmitted(ctx, { storeId: store.id, batchKey, jobId: submitted.jobId });
  ctx.logger.info('campaign batch submitted', { storeId: store.id, batchKey, jobId: submitted.jobId, rows: progress.rows });
  return { kind: 'submitted', batchKey, jobId: submitted.jobId, rows: progress.rows, resumed };
}

/**
 * The `engine-campaign-flush` handler: the flush, then the next one when rows are still waiting
 * (a full batch: at once; rows planned while this one ran: after the store's window). On the last
 * attempt, rows this flush claimed but could not hand to Exstream are failed with the cause, visibly
 * and re-triggerable (retryFailed sends them one by one after a lookup of their own key).
 */
export async function runCampaignFlush(ctx: EngineContext, job: { id: string; retryCount: number; retryLimit: number; data: CampaignFlushJob }): Promise<CampaignFlushResult> {
  let result: CampaignFlushResult;
  try {
    result = await flushCampaignBatch(ctx, job.data, job.id);
  } catch (error) {
    if (job.retryCount < job.retryLimit) throw error;
    const message = `campaign batch not submitted after ${job.retryCount + 1} attempts: ${(error as Error).message}`;
    const failed = await failUnsubmitted(ctx, job.data.storeId, batchMarker(campaignBatchKey(job.data.storeId, job.id)), message);
    ctx.logger.error('campaign batch failed', { storeId: job.data.storeId, rows: failed, error: (error as Error).message });
    result = { kind: 'failed', rows: failed, error: message };
  }
  const [waiting] = await rawSql(ctx.db.sql).$queryRawUnsafe<Array<{ any: boolean }>>(
    `SELECT EXISTS (SELECT 1 FROM "Communication" WHERE "storeId" = $1::uuid AND status = 'queued' AND "documentRef" = $2) AS any`,
    job.data.storeId,
    CAMPAIGN_PENDING_REF,
  );
  if (waiting?.any) {
    const full = result.kind === 'submitted' && !result.resumed && result.rows >= CAMPAIGN_BATCH_MAX_ROWS;
    const windowSeconds = full ? 0 : ((await ctx.storeState.get(job.data.storeId))?.settings.campaigns.windowSeconds ?? 0);
    await enqueueCampaignFlush(ctx, { storeId: job.data.storeId, windowSeconds });
    if (windowSeconds === 0) ctx.wake(QUEUES.campaignFlush);
  }
  return result;
}

/** The claimed rows of a batch that never got a job id, failed with `message` (one timeline event each). */
async function failUnsubmitted(ctx: EngineContext, storeId: string, marker: string, message: string): Promise<number> {
  const moved = await moveRows(rawSql(ctx.db.sql), {
    storeId,
    to: 'failed',
    set: `"lastError" = $3`,
    where: `"documentRef" = $5 AND status = 'sending' AND "exstreamJobId" IS NULL`,
    params: [marker],
    detail: message,
    at: ctx.clock(),
  });
  return moved.length;
}

/** The flush's batch service: `campaigns`, else the connection's general `batch` service. */
async function batchServiceOf(ctx: EngineContext, storeId: string): Promise<string | null> {
  try {
    const { connection } = await ctx.exstream.forStore(storeId);
    return connection.serviceNames.campaigns ?? connection.serviceNames.batch ?? null;
  } catch (error) {
    // No connection: on-demand delivery fails the rows visibly (NOT_CONFIGURED), like any document.
    if ((error as { code?: string }).code === 'NOT_CONFIGURED') return null;
    throw error;
  }
}

/**
 * Claims the store's waiting campaign rows for this batch, oldest first, at most
 * CAMPAIGN_BATCH_MAX_ROWS. A row whose data was erased meanwhile (GDPR redaction) cannot be sent:
 * it is failed, with the reason, instead of being claimed.
 */
async function claimWaitingRows(ctx: EngineContext, storeId: string, marker: string): Promise<number> {
  const at = ctx.clock();
  return ctx.db.transaction(async (runner) => {
    const tx = rawSql(runner);
    await moveRows(tx, {
      storeId,
      to: 'failed',
      set: `"documentRef" = NULL, "lastError" = $3`,
      where: `status = 'queued' AND "documentRef" = $5 AND ("documentData" IS NULL OR "documentData"->>'redacted' = 'true')`,
      params: [CAMPAIGN_PENDING_REF],
      detail: 'no document data to send (redacted before its campaign batch left)',
      at,
    });
    const claimed = await moveRows(tx, {
      storeId,
      to: 'sending',
      set: `"documentRef" = $6`,
      where: `status = 'queued' AND id IN (
        SELECT id FROM "Communication" WHERE "storeId" = $1::uuid AND status = 'queued' AND "documentRef" = $5 ORDER BY "createdAt", id LIMIT $7)`,
      params: [CAMPAIGN_PENDING_REF, marker, CAMPAIGN_BATCH_MAX_ROWS],
      detail: `in campaign batch ${marker.slice('batch:'.length)}`,
      at,
    });
    return claimed.length;
  });
}

/**
 * The batch's rows as NDJSON, a page at a time (keyset on id): never the whole batch in memory.
 * Each line is the row's stored document data as the database prints it; that text is what
 * Exstream gets, so each row's dataSha256 is set to its hash (jsonb does not keep the planner's
 * formatting, so the hash planning recorded may differ).
 */
async function* streamRows(ctx: EngineContext, storeId: string, marker: string, progress: { rows: number }): AsyncGenerator<Uint8Array> {
  const sql = rawSql(ctx.db.sql);
  const encoder = new TextEncoder();
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await sql.$queryRawUnsafe<Array<{ id: string; data: string }>>(
      `SELECT id::text AS id, "documentData"::text AS data FROM "Communication"
       WHERE "storeId" = $1::uuid AND "documentRef" = $2 AND status = 'sending' AND id > $3::uuid ORDER BY id LIMIT $4`,
      storeId,
      marker,
      after,
      PAGE_ROWS,
    );
    if (page.length === 0) return;
    await sql.$queryRawUnsafe(
      `UPDATE "Communication" c SET "dataSha256" = v.sha FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, sha text)
       WHERE c.id = v.id AND c."storeId" = $1::uuid AND c."dataSha256" IS DISTINCT FROM v.sha`,
      storeId,
      JSON.stringify(page.map((row) => ({ id: row.id, sha: sha256Hex(row.data) }))),
    );
    progress.rows += page.length;
    after = page.at(-1)!.id;
    yield encoder.encode(`${page.map((row) => row.data).join('\n')}\n`);
  }
}

/**
 * No batch service: the waiting rows (or the rows an earlier attempt claimed for `marker`) go on
 * demand, each with a delivery job, and their timeline says why. Better a reminder sent one by one
 * than none at all; the settings page refuses batching without a service, so this is rare.
 */
async function releaseToOnDemand(ctx: EngineContext, storeId: string, marker: string = CAMPAIGN_PENDING_REF): Promise<number> {
  const at = ctx.clock();
  const released = await ctx.db.transaction(async (runner) => {
    const tx = rawSql(runner);
    const ids = await moveRows(tx, {
      storeId,
      to: 'queued',
      set: `"documentRef" = NULL`,
      where: `"documentRef" = $5 AND status IN ('queued', 'sending')`,
      params: [marker],
      detail: 'campaign batching is on but the connection names no batch service (campaigns or batch): sent on demand',
      at,
    });
    if (ids.length > 0) {
      // reconcile: a row an earlier attempt claimed may have reached Exstream in a batch; the
      // delivery looks its own key up first, as after any uncertain attempt.
      await ctx.boss.insert(
        QUEUES.deliver,
        ids.map((id) => ({ data: { storeId, communicationId: id, reconcile: marker !== CAMPAIGN_PENDING_REF } })),
        { db: sqlExecutor(runner) },
      );
    }
    return ids.length;
  });
  if (released > 0) {
    ctx.wake(QUEUES.deliver);
    ctx.logger.warn('campaign rows sent on demand: no batch service', { storeId, rows: released });
  }
  return released;
}

/**
 * Moves the store's rows matched by `where` to status `to` (plus the `set` assignments) and writes
 * one `campaign-batch` timeline event per row, in one statement; returns the ids moved. `where` and
 * `set` may use $1 = store id, $2 = status, $3 = detail, $4 = time, and `params` from $5 on.
 */
async function moveRows(
  sql: QuerySql,
  args: { storeId: string; to: 'queued' | 'sending' | 'failed'; set: string; where: string; params: unknown[]; detail: string; at: Date },
): Promise<string[]> {
  const rows = await sql.$queryRawUnsafe<Array<{ id: string }>>(
    `WITH moved AS (
       UPDATE "Communication" SET status = $2::text::"CommunicationStatus", "updatedAt" = ($4::timestamptz AT TIME ZONE 'UTC'), ${args.set}
       WHERE "storeId" = $1::uuid AND ${args.where}
       RETURNING id, "storeId"),
     ev AS (
       INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
       SELECT "storeId", id, $2::text::"CommunicationStatus", 'campaign-batch', to_jsonb($3::text), ($4::timestamptz AT TIME ZONE 'UTC') FROM moved)
     SELECT id::text AS id FROM moved`,
    args.storeId,
    args.to,
    args.detail,
    args.at.toISOString(),
    ...args.params,
  );
  return rows.map((row) => row.id);
}

/**
 * Backstop of the sweeper: a store with campaign rows waiting longer than `olderThan` gets a flush
 * (a no-op when one is already waiting: the queue is stately). A flush lost with its job, or one
 * that missed a row committed while it claimed, is made up for here. Returns the stores nudged.
 */
export async function requeueCampaignFlushes(ctx: EngineContext, olderThan: Date): Promise<number> {
  const stores = await ctx.prisma.$queryRawUnsafe<Array<{ storeId: string }>>(
    `SELECT s.id::text AS "storeId" FROM "Store" s
     WHERE s."uninstalledAt" IS NULL AND EXISTS (
       SELECT 1 FROM "Communication" c WHERE c."storeId" = s.id AND c.status = 'queued' AND c."documentRef" = $1 AND c."updatedAt" < ($2::timestamptz AT TIME ZONE 'UTC'))`,
    CAMPAIGN_PENDING_REF,
    olderThan.toISOString(),
  );
  for (const { storeId } of stores) await enqueueCampaignFlush(ctx, { storeId, windowSeconds: 0 });
  if (stores.length > 0) ctx.wake(QUEUES.campaignFlush);
  return stores.length;
}

/**
 * Backstop of the sweeper for claimed rows: rows a flush claimed (`sending` under its marker) but
 * never recorded a job for, idle longer than `olderThan`, whose flush job is no longer live (it
 * failed for good while the database was unreachable, or was deleted). They are failed with the
 * reason, so `retryFailed` can send them; without this they would wait for a batch nobody sends.
 * Returns the rows failed.
 */
export async function failAbandonedCampaignBatches(ctx: EngineContext, olderThan: Date): Promise<number> {
  const batches = await ctx.prisma.$queryRawUnsafe<Array<{ storeId: string; marker: string }>>(
    `SELECT DISTINCT c."storeId"::text AS "storeId", c."documentRef" AS marker FROM "Store" s
     CROSS JOIN LATERAL (
       SELECT c."storeId", c."documentRef" FROM "Communication" c
       WHERE c."storeId" = s.id AND c.status = 'sending' AND c."documentRef" LIKE $1 AND c."exstreamJobId" IS NULL
         AND c."updatedAt" < ($2::timestamptz AT TIME ZONE 'UTC')) c`,
    `${batchMarker('camp-')}%`,
    olderThan.toISOString(),
  );
  let failed = 0;
  for (const { storeId, marker } of batches) {
    // The flush jobs pg-boss still holds for the store (at most one waiting, one in retry, one running).
    const live = await ctx.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT id::text AS id FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed'`,
      QUEUES.campaignFlush,
      storeId,
    );
    if (live.some((job) => batchMarker(campaignBatchKey(storeId, job.id)) === marker)) continue;
    failed += await failUnsubmitted(ctx, storeId, marker, 'campaign batch lost: its flush job ended without submitting it');
  }
  if (failed > 0) ctx.logger.warn('claimed campaign rows failed: their flush job is gone', { rows: failed });
  return failed;
}
