import type { TCommunicationStatus } from '@exstream-connect/core';
import type { SqlRunner } from '@exstream-connect/db';

/**
 * Set-based writes for the hot paths (planning, delivery, statements). Each is ONE statement whose
 * rows travel as a single JSON parameter (jsonb_to_recordset), because the Prisma model API costs
 * several milliseconds per call on PGlite and a statement per row would multiply that.
 */
/** What the statements here need: Prisma (in a transaction or not) or the driver itself (see rawSql). */
export type QuerySql = { $queryRawUnsafe<T>(query: string, ...values: unknown[]): PromiseLike<T> };
type Sql = QuerySql;

/**
 * The driver (the pg pool or PGlite, or a `db.transaction`) with Prisma's raw-query shape. Each
 * call through Prisma costs ~0.5 ms of CPU before it reaches the database; the delivery path makes
 * several per document. Not for use inside a Prisma interactive transaction on PGlite: that
 * transaction holds the one connection, and this would wait for it forever.
 */
export function rawSql(sql: SqlRunner): QuerySql {
  return { $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => sql.query(query, values) as unknown as Promise<T> };
}

export type CommunicationInsert = {
  id: string;
  storeId: string;
  inboundEventId: string | null;
  businessKey: string;
  orderRef: string | null;
  orderNumber: string | null;
  customerRef: string | null;
  recipientHash: string | null;
  recipientMasked: string | null;
  documentType: string;
  channel: string;
  status: TCommunicationStatus;
  templateRuleId: string | null;
  exstreamCommunicationId: string | null;
  serviceName: string | null;
  templateVersion: string | null;
  idempotencyKey: string;
  attempt: number;
  resendOfId: string | null;
  documentData: unknown;
  dataSha256: string | null;
  documentRef: string | null;
  dryRun: boolean;
  reason: string | null;
  lastError: string | null;
};

const COMMUNICATION_COLUMNS: Array<[keyof CommunicationInsert, string]> = [
  ['id', 'uuid'],
  ['storeId', 'uuid'],
  ['inboundEventId', 'uuid'],
  ['businessKey', 'text'],
  ['orderRef', 'text'],
  ['orderNumber', 'text'],
  ['customerRef', 'text'],
  ['recipientHash', 'text'],
  ['recipientMasked', 'text'],
  ['documentType', 'text'],
  ['channel', 'text'],
  ['status', 'text'],
  ['templateRuleId', 'uuid'],
  ['exstreamCommunicationId', 'text'],
  ['serviceName', 'text'],
  ['templateVersion', 'text'],
  ['idempotencyKey', 'text'],
  ['attempt', 'int'],
  ['resendOfId', 'uuid'],
  ['documentData', 'jsonb'],
  ['dataSha256', 'text'],
  ['documentRef', 'text'],
  ['dryRun', 'boolean'],
  ['reason', 'text'],
  ['lastError', 'text'],
];

const CAST: Record<string, string> = { channel: '::"Channel"', status: '::"CommunicationStatus"' };

/**
 * Inserts communications, skipping any whose idempotency key exists (a re-run of the same plan),
 * and writes the first timeline event of each row actually inserted. Returns the inserted ids.
 */
export async function insertCommunications(sql: QuerySql, rows: CommunicationInsert[], event: { source: string; at: Date; detail: (row: CommunicationInsert) => string | null }): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  return insertCommunicationRecords(sql, JSON.stringify(rows.map((row) => ({ ...row, detail: event.detail(row) }))), event);
}

/**
 * The row JSON of insertCommunications, built by the caller: statements keep each row as its JSON
 * text until the chunk is written (one string per row instead of an object graph per document,
 * which is what made the heap grow), with `detail` in each record.
 */
export function communicationRecordJson(row: CommunicationInsert, documentJson: string | null, detail: string | null): string {
  const { documentData: _documentData, ...rest } = row;
  return `${JSON.stringify({ ...rest, detail }).slice(0, -1)},"documentData":${documentJson ?? 'null'}}`;
}

/** insertCommunications on a JSON array of records (see communicationRecordJson). */
export async function insertCommunicationRecords(sql: QuerySql, recordsJson: string, event: { source: string; at: Date }): Promise<Set<string>> {
  const columns = COMMUNICATION_COLUMNS.map(([name]) => `"${name}"`).join(', ');
  const selects = COMMUNICATION_COLUMNS.map(([name]) => `r."${name}"${CAST[name] ?? ''}`).join(', ');
  const recordType = COMMUNICATION_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
  const inserted = await sql.$queryRawUnsafe<Array<{ id: string }>>(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${recordType}, detail text)),
     ins AS (
       INSERT INTO "Communication" (${columns}, "createdAt", "updatedAt")
       SELECT ${selects}, ($2::timestamptz AT TIME ZONE 'UTC'), ($2::timestamptz AT TIME ZONE 'UTC') FROM input r
       ON CONFLICT ("idempotencyKey") DO NOTHING
       RETURNING id, "storeId", status),
     ev AS (
       INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
       SELECT ins."storeId", ins.id, ins.status, $3, CASE WHEN input.detail IS NULL THEN NULL ELSE to_jsonb(input.detail) END, ($2::timestamptz AT TIME ZONE 'UTC')
       FROM ins JOIN input ON input.id = ins.id
       RETURNING 1)
     SELECT id::text AS id FROM ins`,
    recordsJson,
    event.at.toISOString(),
    event.source,
  );
  return new Set(inserted.map((r) => r.id));
}

/**
 * Compare-and-set of one communication's status plus its timeline event, in one statement.
 * Returns false when the row was not in `from` (another worker or a late callback won).
 */
export async function transitionSql(
  sql: Sql,
  args: {
    storeId: string;
    communicationId: string;
    from: TCommunicationStatus;
    to: TCommunicationStatus;
    source: string;
    detail: string | null;
    at: Date;
    set?: Partial<{ exstreamJobId: string | null; documentRef: string | null; documentPath: string | null; dataSha256: string | null; sentAt: Date | null; lastError: string | null }>;
  },
): Promise<boolean> {
  const set = args.set ?? {};
  const assignments: string[] = [];
  const params: unknown[] = [args.communicationId, args.storeId, args.from, args.to, args.source, args.detail, args.at.toISOString()];
  for (const [column, value] of Object.entries(set)) {
    params.push(value instanceof Date ? value.toISOString() : value);
    assignments.push(value instanceof Date ? `"${column}" = ($${params.length}::timestamptz AT TIME ZONE 'UTC')` : `"${column}" = $${params.length}`);
  }
  const rows = await sql.$queryRawUnsafe<Array<{ id: string }>>(
    `WITH moved AS (
       UPDATE "Communication" SET status = $4::text::"CommunicationStatus", "updatedAt" = ($7::timestamptz AT TIME ZONE 'UTC')${assignments.length > 0 ? ', ' + assignments.join(', ') : ''}
       WHERE id = $1::uuid AND "storeId" = $2::uuid AND status = $3::text::"CommunicationStatus"
       RETURNING id, "storeId"),
     ev AS (
       INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
       SELECT "storeId", id, $4::text::"CommunicationStatus", $5, CASE WHEN $6::text IS NULL THEN NULL ELSE to_jsonb($6::text) END, ($7::timestamptz AT TIME ZONE 'UTC') FROM moved
       RETURNING 1)
     SELECT id::text AS id FROM moved`,
    ...params,
  );
  return rows.length === 1;
}

/** The columns a delivery needs. */
export type DeliveryRow = {
  id: string;
  storeId: string;
  status: string;
  orderRef: string | null;
  idempotencyKey: string;
  documentData: unknown;
  serviceName: string | null;
  exstreamCommunicationId: string | null;
};

export const DELIVERY_COLUMNS = `id::text AS id, "storeId"::text AS "storeId", status::text AS status, "orderRef", "idempotencyKey", "documentData", "serviceName", "exstreamCommunicationId"`;

export async function readForDelivery(sql: Sql, args: { storeId: string; communicationId: string }): Promise<DeliveryRow | null> {
  const rows = await sql.$queryRawUnsafe<DeliveryRow[]>(`SELECT ${DELIVERY_COLUMNS} FROM "Communication" WHERE id = $1::uuid AND "storeId" = $2::uuid`, args.communicationId, args.storeId);
  return rows[0] ?? null;
}
