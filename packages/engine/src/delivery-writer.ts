import { sqlExecutor } from '@exstream-connect/db';
import { QUEUES, type EngineContext, type WriteBackQueueJob } from './engine-context.ts';
import { createGroupCommit } from './group-commit.ts';
import { DELIVERY_COLUMNS, rawSql, type DeliveryRow } from './sql-records.ts';

export type ClaimRequest = { storeId: string; communicationId: string; detail: string };
export type SentRecord = {
  storeId: string;
  communicationId: string;
  detail: string | null;
  exstreamJobId: string | null;
  documentRef: string | null;
  documentPath: string | null;
  dataSha256: string;
  /** The store keeps hashes only (`archive.storeDocumentData = false`): the data goes once it is sent. */
  dropDocumentData: boolean;
  /** Queued in the same transaction as the status, when the store writes summaries back. */
  writeBack: WriteBackQueueJob | null;
};

export type JobIdRecord = { storeId: string; communicationId: string; jobId: string };

/**
 * The two writes every delivery makes, group-committed across the deliveries in flight (see
 * group-commit.ts): at 200 documents/s, one statement claims or records many rows instead of one
 * statement per row each way.
 */
export function createDeliveryWriter(ctx: Pick<EngineContext, 'db' | 'boss' | 'clock'>, options: { parallel?: number } = {}) {
  /** `queued → sending` with the timeline event ("<detail>, key <idempotency key>"); null for a row that was not queued. */
  async function claim(requests: ClaimRequest[]): Promise<Array<DeliveryRow | null>> {
    const rows = await rawSql(ctx.db.sql).$queryRawUnsafe<DeliveryRow[]>(
      `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "storeId" uuid, detail text)),
       moved AS (
         UPDATE "Communication" c SET status = 'sending', "updatedAt" = ($2::timestamptz AT TIME ZONE 'UTC')
         FROM input WHERE c.id = input.id AND c."storeId" = input."storeId" AND c.status = 'queued'
         RETURNING c.*, input.detail AS "claimDetail"),
       ev AS (
         INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
         SELECT "storeId", id, 'sending', 'worker', to_jsonb("claimDetail" || ', key ' || "idempotencyKey"), ($2::timestamptz AT TIME ZONE 'UTC') FROM moved
         RETURNING 1)
       SELECT ${DELIVERY_COLUMNS} FROM moved`,
      JSON.stringify(requests.map((r) => ({ id: r.communicationId, storeId: r.storeId, detail: r.detail }))),
      ctx.clock().toISOString(),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    // The same communication twice in one batch (a duplicated job): only the first claims it.
    return requests.map((r) => {
      const row = byId.get(r.communicationId) ?? null;
      byId.delete(r.communicationId);
      return row;
    });
  }

  /** `sending → sent` with what was sent and the timeline event, plus the write-back jobs, in one transaction. */
  async function recordSent(records: SentRecord[]): Promise<boolean[]> {
    const at = ctx.clock().toISOString();
    return ctx.db.transaction(async (sql) => {
      const moved = await sql.query<{ id: string }>(
        `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "storeId" uuid, detail text, "exstreamJobId" text, "documentRef" text, "documentPath" text, "dataSha256" text, "dropDocumentData" boolean)),
         moved AS (
           UPDATE "Communication" c SET status = 'sent', "updatedAt" = ($2::timestamptz AT TIME ZONE 'UTC'), "sentAt" = ($2::timestamptz AT TIME ZONE 'UTC'),
             "exstreamJobId" = input."exstreamJobId", "documentRef" = input."documentRef", "documentPath" = input."documentPath", "dataSha256" = input."dataSha256", "lastError" = NULL,
             "documentData" = CASE WHEN input."dropDocumentData" THEN NULL ELSE c."documentData" END
           FROM input WHERE c.id = input.id AND c."storeId" = input."storeId" AND c.status = 'sending'
           RETURNING c.id, c."storeId", input.detail),
         ev AS (
           INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
           SELECT "storeId", id, 'sent', 'exstream', CASE WHEN detail IS NULL THEN NULL ELSE to_jsonb(detail) END, ($2::timestamptz AT TIME ZONE 'UTC') FROM moved
           RETURNING 1)
         SELECT id::text AS id FROM moved`,
        [
          JSON.stringify(
            records.map((r) => ({ id: r.communicationId, storeId: r.storeId, detail: r.detail, exstreamJobId: r.exstreamJobId, documentRef: r.documentRef, documentPath: r.documentPath, dataSha256: r.dataSha256, dropDocumentData: r.dropDocumentData })),
          ),
          at,
        ],
      );
      const ids = new Set(moved.map((m) => m.id));
      const writeBacks = records.filter((r) => r.writeBack && ids.has(r.communicationId)).map((r) => ({ data: r.writeBack! }));
      // Same transaction: the write-back happens if and only if the status change commits.
      if (writeBacks.length > 0) await ctx.boss.insert(QUEUES.writeBack, writeBacks, { db: sqlExecutor(sql) });
      return records.map((r) => ids.has(r.communicationId));
    });
  }

  /** Fills `exstreamJobId` of sent rows that have none yet (the job lookup after an on-demand send). */
  async function recordJobId(records: JobIdRecord[]): Promise<boolean[]> {
    const rows = await rawSql(ctx.db.sql).$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE "Communication" c SET "exstreamJobId" = input."jobId"
       FROM jsonb_to_recordset($1::jsonb) AS input(id uuid, "storeId" uuid, "jobId" text)
       WHERE c.id = input.id AND c."storeId" = input."storeId" AND c."exstreamJobId" IS NULL
       RETURNING c.id::text AS id`,
      JSON.stringify(records.map((r) => ({ id: r.communicationId, storeId: r.storeId, jobId: r.jobId }))),
    );
    const ids = new Set(rows.map((r) => r.id));
    return records.map((r) => ids.has(r.communicationId));
  }

  const parallel = options.parallel ?? 1;
  return {
    claim: createGroupCommit(claim, { parallel }),
    recordSent: createGroupCommit(recordSent, { parallel }),
    recordJobId: createGroupCommit(recordJobId, { parallel }),
  };
}

export type DeliveryWriter = ReturnType<typeof createDeliveryWriter>;
