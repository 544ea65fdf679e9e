import { sqlExecutor } from '@exstream-connect/db';
import { QUEUES, type EngineContext, type InboundJob } from './engine-context.ts';
import { createGroupCommit } from './group-commit.ts';

export type InboundRow = {
  id: string;
  storeId: string;
  platform: 'shopify' | 'magento';
  eventId: string;
  dedupeKey: string;
  businessKey: string | null;
  topic: string;
  kind: string | null;
  orderRef: string | null;
  receivedAt: string;
  payload: unknown;
  state: 'received' | 'processed' | 'failed';
  processedAt: string | null;
  lastError: string | null;
  result: unknown;
  /** Enqueue a processing job (false for ignored topics). */
  enqueue: boolean;
};

/**
 * Group commit for accept() (see group-commit.ts): the rows of events arriving together are written
 * in ONE transaction, one multi-row INSERT … ON CONFLICT DO NOTHING plus one pg-boss insert of their
 * jobs. Resolves per row: true when inserted, false when the dedupe key already existed.
 */
export function createInboundWriter(ctx: Pick<EngineContext, 'db' | 'boss'>, options: { maxBatch?: number; parallel?: number } = {}) {
  async function write(rows: InboundRow[]): Promise<boolean[]> {
    // On the driver, not through Prisma: the one parameter is the whole batch as JSON (megabytes
    // under load), which Prisma's query compiler would copy and walk again on every call.
    return ctx.db.transaction(async (sql) => {
      const inserted = await sql.query<{ id: string }>(
        `INSERT INTO "InboundEvent" (id, "storeId", platform, "eventId", "dedupeKey", "businessKey", topic, kind, "orderRef", "receivedAt", payload, state, "processedAt", "lastError", result, attempts)
         SELECT r.id, r."storeId", r.platform::"Platform", r."eventId", r."dedupeKey", r."businessKey", r.topic, r.kind, r."orderRef",
                (r."receivedAt" AT TIME ZONE 'UTC'), r.payload, r.state::"InboundState", (r."processedAt" AT TIME ZONE 'UTC'), r."lastError", r.result, 0
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "storeId" uuid, platform text, "eventId" text, "dedupeKey" text, "businessKey" text, topic text, kind text,
              "orderRef" text, "receivedAt" timestamptz, payload jsonb, state text, "processedAt" timestamptz, "lastError" text, result jsonb)
         ON CONFLICT ("storeId", "dedupeKey") DO NOTHING
         RETURNING id::text AS id`,
        [JSON.stringify(rows.map(({ enqueue: _enqueue, ...row }) => row))],
      );
      const ids = new Set(inserted.map((r) => r.id));
      const jobs = rows.filter((r) => r.enqueue && ids.has(r.id)).map((r) => ({ data: { storeId: r.storeId, inboundEventId: r.id } satisfies InboundJob }));
      // Same transaction: a job exists if and only if its event row committed.
      if (jobs.length > 0) await ctx.boss.insert(QUEUES.inbound, jobs, { db: sqlExecutor(sql) });
      return rows.map((r) => ids.has(r.id));
    });
  }
  // PGlite has one connection (parallel commits would only queue); Postgres commits in parallel.
  return { write: createGroupCommit(write, { maxBatch: options.maxBatch ?? 200, parallel: options.parallel ?? 1 }) };
}

export type InboundWriter = ReturnType<typeof createInboundWriter>;
