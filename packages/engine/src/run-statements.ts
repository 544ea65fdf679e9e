import { ConnectError, ZCustomer, ZPaymentInstructions, ZStatement, type TCommerceEvent } from '@exstream-connect/core';
import { z } from 'zod';
import type { EngineContext } from './engine-context.ts';
import { sha256Hex } from './hashing.ts';
import { planRows, toCoreRule } from './plan-and-record.ts';
import { batchMarker, outcomeOf, recordBatchSubmitted, settleBatch } from './poll-batch-job.ts';
import { parseStoreSettings } from './settings.ts';
import { communicationRecordJson, insertCommunicationRecords, rawSql } from './sql-records.ts';
import { addDays, localDateOf } from './statement-period.ts';
import { requireStore, zodIssues } from './stores.ts';
import type { StoreRef } from './types.ts';

/**
 * One B2B account's statement, as a platform adapter (a StatementAccountsSource) provides it.
 * `dueDate: null` and a missing `paymentInstructions` take the store's statement settings.
 */
export const ZAccountStatementInput = z.object({
  statement: ZStatement.extend({ paymentInstructions: ZPaymentInstructions.nullable().default(null) }),
  customer: ZCustomer.nullable(),
  brand: z.string().nullable().default(null),
  locale: z.string().nullable().default(null),
});
export type AccountStatementInput = z.input<typeof ZAccountStatementInput>;

/**
 * A chunk is also written once its document data reaches ~256 KB of JSON, whatever `chunkSize`
 * says: rows held across the insert's await are promoted to V8's old generation, and large chunks
 * (1,000 statements ≈ 2 MB of parameter) made the heap, and so the RSS, grow by hundreds of MB.
 */
const INSERT_CHUNK_CHARS = 256 * 1024;

/** Characters of NDJSON gathered before a chunk goes to the upload (bounded: ~64 KB in memory). */
const UPLOAD_CHUNK_CHARS = 64 * 1024;

export type RunStatementsOptions = {
  /** Any instant of the period's last day, in the store's time zone (the scheduler passes the last instant). */
  periodEnd: Date;
  accounts: AsyncIterable<AccountStatementInput>;
  /** Most rows written per insert (default 500; a chunk is also cut at ~256 KB of document data): bounds memory and transaction size. */
  chunkSize?: number;
  /**
   * Wait in this process for the batch job to end and settle the rows (default true). Either way a
   * durable poll job (pg-boss) was enqueued at submit and settles them if this process cannot:
   * the scheduler passes false, so a statement run never holds a worker while Exstream renders.
   */
  wait?: boolean;
  /**
   * Progress for a progress bar or a log line: `streaming` as accounts are planned and uploaded
   * (every ~64 KB of NDJSON), `submitted` once Exstream has the whole batch, `done` once every row
   * is sent or failed. Never throws into the run: it is called synchronously and its errors are ignored.
   */
  onProgress?: (progress: StatementsProgress) => void;
};

/** `queued` / `skipped` / `failed` count the accounts planned so far: final from `submitted` on. */
export type StatementsProgress = { phase: 'streaming' | 'submitted' | 'done'; accounts: number; jobId: string | null; queued: number; skipped: number; failed: number };

export type RunStatementsResult = {
  batchKey: string;
  jobId: string | null;
  /** The job's final status when this process saw it end; null while the poll job has it. */
  jobStatus: string | null;
  /** True when this period's batch had been submitted before: nothing was planned or sent again. */
  resumed: boolean;
  accounts: number;
  queued: number;
  skipped: number;
  failed: number;
};

/** One row waiting for its chunk: its JSON text, and the NDJSON line it streams once written. */
type PendingRow = { id: string; idempotencyKey: string; line: string | null };

/**
 * Period-close statements: one statement per account, planned with the store's rules, streamed as
 * NDJSON into ONE Exstream batch job (the body is an async generator, so neither the accounts nor
 * the request body are ever held in memory), one Communication per account written in chunks.
 * After the submit, the job id is recorded on every row of the batch and a poll job is enqueued in
 * the same transaction: the rows reach sent / failed even if this process dies while waiting.
 *
 * A second run of the same period (same batch key) re-sends nothing: if the batch was submitted it
 * only makes sure it is polled; if Exstream already has a job for the batch key (the process died
 * between the submit and the record), that job is adopted; otherwise rows written by the earlier
 * attempt are streamed with the document data they were recorded with.
 */
export async function runStatements(ctx: EngineContext, ref: StoreRef, options: RunStatementsOptions): Promise<RunStatementsResult> {
  const store = await requireStore(ctx, ref);
  const { client, connection } = await ctx.exstream.forStore(store.id);
  const service = connection.serviceNames.statements ?? connection.serviceNames.batch;
  if (!service) throw new ConnectError('NOT_CONFIGURED', 'No Exstream batch service is configured for statements (settings → connection → service names)');
  const batchService: string = service;
  const settings = parseStoreSettings(store.settings).statements;
  const rules = (await ctx.prisma.templateRule.findMany({ where: { storeId: store.id } })).map(toCoreRule);
  // The period's last day where the store is: the same period gets the same key wherever the worker runs.
  const periodEnd = localDateOf(options.periodEnd, store.timezone);
  const batchKey = `stmt-${sha256Hex(`${store.id}|${periodEnd}|${service}`).slice(0, 32)}`;
  const marker = batchMarker(batchKey);
  const chunkSize = options.chunkSize ?? 500;
  const result: RunStatementsResult = { batchKey, jobId: null, jobStatus: null, resumed: false, accounts: 0, queued: 0, skipped: 0, failed: 0 };
  const report = (phase: StatementsProgress['phase']) => {
    try {
      options.onProgress?.({ phase, accounts: result.accounts, jobId: result.jobId, queued: result.queued, skipped: result.skipped, failed: result.failed });
    } catch {
      // A broken progress callback must not fail a statement run.
    }
  };

  /**
   * `submitted` is reported first: Exstream has the whole batch; recording rewrites every row of it
   * (~10 s for 100,000 rows on Postgres, see README), which is not streaming time.
   */
  const recordSubmitted = async (jobId: string) => {
    result.jobId = jobId;
    report('submitted');
    await recordBatchSubmitted(ctx, { storeId: store.id, batchKey, jobId });
  };

  /** Waits here for the job (the poll job remains the durable path) and settles the rows. */
  const waitHere = async (jobId: string) => {
    if (options.wait === false) return;
    try {
      const job = await client.waitForJob(jobId, { deadlineMs: ctx.batchPolling.timeoutMs, initialDelayMs: Math.min(ctx.batchPolling.intervalMs, 500), maxDelayMs: ctx.batchPolling.intervalMs });
      result.jobStatus = job.status;
      await settleBatch(ctx, { storeId: store.id, batchKey, jobId: job.id, ...outcomeOf(job) });
      report('done');
    } catch (error) {
      // Timed out or Exstream unreachable: the rows stay `sending` and the poll job settles them.
      ctx.logger.warn('statements: in-process wait ended early; the poll job settles the batch', { storeId: store.id, jobId, error: (error as Error).message });
    }
  };

  if (!store.dryRun) {
    const existing = await ctx.prisma.$queryRawUnsafe<Array<{ jobId: string | null }>>(
      `SELECT max("exstreamJobId") AS "jobId" FROM "Communication" WHERE "storeId" = $1::uuid AND "documentRef" = $2 HAVING count(*) > 0`,
      store.id,
      marker,
    );
    if (existing.length > 0) {
      result.resumed = true;
      let jobId = existing[0]!.jobId;
      // Rows but no job id: reconcile before any re-send. Exstream keeps the batch key as the job's externalId.
      jobId ??= (await client.findJobsByExternalId(batchKey).catch(() => []))[0]?.id ?? null;
      if (jobId) {
        await recordSubmitted(jobId);
        await waitHere(jobId);
        return result;
      }
      // No job: the earlier attempt died before Exstream had the whole batch. Stream it again.
      result.resumed = false;
    }
  }

  // On the driver, PGlite included: through Prisma, every multi-hundred-KB JSON parameter also went
  // through its query compiler, which kept tens of MB of them alive in the JS heap (PGlite) or in
  // WASM memory never returned to the OS (Postgres). One statement per chunk, no transaction held.
  const bulk = rawSql(ctx.db.sql);
  // The batch service is named here, on the timeline; the row keeps its rule's own service name, which
  // a resend or a retry (one document, on demand) uses.
  const rowDetail = `statement for period ending ${periodEnd}, batch ${batchKey} (service ${batchService})`;
  // Each row waits for its chunk as its JSON text, not as objects (see communicationRecordJson).
  let pending: string[] = [];
  let pendingRows: PendingRow[] = [];
  let pendingChars = 0;
  const encoder = new TextEncoder();
  let buffered: string[] = [];
  let bufferedLength = 0;
  const bufferLine = (line: string) => {
    buffered.push(line, '\n');
    bufferedLength += line.length + 1;
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const records = `[${pending.join(',')}]`;
    const rows = pendingRows;
    pending = [];
    pendingRows = [];
    pendingChars = 0;
    const inserted = await insertCommunicationRecords(bulk, records, { source: 'statements', at: ctx.clock() });
    // A row that existed (an earlier attempt of this batch wrote it) streams what it was recorded
    // with: the same communication id and data hash, and only while it is still in flight.
    const earlier = rows.filter((row) => row.line !== null && !inserted.has(row.id)).map((row) => row.idempotencyKey);
    const recorded = new Map<string, string>();
    if (earlier.length > 0) {
      const found = await ctx.prisma.$queryRawUnsafe<Array<{ key: string; data: string }>>(
        `SELECT "idempotencyKey" AS key, "documentData"::text AS data FROM "Communication"
         WHERE "storeId" = $1::uuid AND "documentRef" = $2 AND status = 'sending' AND "idempotencyKey" = ANY($3::text[])`,
        store.id,
        marker,
        earlier,
      );
      for (const row of found) recorded.set(row.key, row.data);
      // The stored JSON comes back re-serialised (jsonb): its hash is recorded again, so each row
      // keeps the SHA-256 of the very bytes this batch sends.
      if (recorded.size > 0) {
        await ctx.prisma.$executeRawUnsafe(
          `UPDATE "Communication" c SET "dataSha256" = v.sha FROM jsonb_to_recordset($3::jsonb) AS v(key text, sha text)
           WHERE c."storeId" = $1::uuid AND c."documentRef" = $2 AND c.status = 'sending' AND c."idempotencyKey" = v.key`,
          store.id,
          marker,
          JSON.stringify([...recorded].map(([key, data]) => ({ key, sha: sha256Hex(data) }))),
        );
      }
    }
    for (const row of rows) {
      if (row.line === null) continue;
      const line = inserted.has(row.id) ? row.line : recorded.get(row.idempotencyKey);
      if (line !== undefined) bufferLine(line);
    }
  };

  const takeBuffered = () => {
    report('streaming');
    const chunk = encoder.encode(buffered.join(''));
    buffered = [];
    bufferedLength = 0;
    return chunk;
  };
  async function* ndjson(first: AccountStatementInput): AsyncGenerator<Uint8Array> {
    let index = 0;
    for await (const raw of withFirst(first, accounts)) {
      const parsed = ZAccountStatementInput.safeParse(raw);
      if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', `Invalid account statement #${index}`, { issues: zodIssues(parsed.error).map((i) => ({ ...i, path: `accounts.${index}.${i.path}` })) });
      index++;
      result.accounts++;
      const input = parsed.data;
      const statement = withStoreDefaults(input.statement, settings);
      const event: TCommerceEvent = {
        kind: 'statement.period_closed',
        platform: store.platform,
        occurredAt: options.periodEnd.toISOString(),
        sourceRef: statement.accountRef,
        orderRef: null,
        orderNumber: null,
        customer: input.customer,
        brand: input.brand,
        locale: input.locale,
        order: null,
        statement,
      };
      const planned = planRows({ store: { ...store, dryRun: false }, event, rules, preferences: [], inboundEventId: null });
      for (const row of planned) {
        if (row.data.status === 'queued') {
          result.queued++;
          // The batch rows are in flight from the moment they are streamed.
          pending.push(communicationRecordJson({ ...row.data, status: 'sending', documentRef: marker }, row.documentJson, rowDetail));
          // The very text the row's dataSha256 was computed from.
          pendingRows.push({ id: row.data.id, idempotencyKey: row.data.idempotencyKey, line: row.documentJson! });
          pendingChars += row.documentJson!.length;
        } else {
          if (row.data.status === 'failed') result.failed++;
          else result.skipped++;
          pending.push(communicationRecordJson(row.data, row.documentJson, rowDetail));
          pendingRows.push({ id: row.data.id, idempotencyKey: row.data.idempotencyKey, line: null });
        }
      }
      // Lines go to the upload only once their rows are written: what Exstream gets is recorded.
      if (pending.length >= chunkSize || pendingChars >= INSERT_CHUNK_CHARS) await flush();
      // Upload chunks of ~64 KB rather than one per account: Node's fetch allocates per chunk
      // written, and 100,000 tiny chunks cost far more memory than 2,500 larger ones.
      if (bufferedLength >= UPLOAD_CHUNK_CHARS) yield takeBuffered();
    }
    await flush();
    if (bufferedLength > 0) yield takeBuffered();
  }

  // A period with no account (no B2B activity, nothing owed) sends no empty batch to Exstream.
  const accounts = options.accounts[Symbol.asyncIterator]();
  const head = await accounts.next();
  if (head.done) return result;

  if (store.dryRun) {
    // Dry run: plan, build, validate and record; nothing goes to Exstream.
    for await (const _chunk of ndjson(head.value)) void _chunk;
    await ctx.prisma.communication.updateMany({ where: { storeId: store.id, documentRef: marker, status: 'sending' }, data: { status: 'skipped', reason: 'dry run', dryRun: true } });
    return result;
  }

  // A failure of our own stream (a bad account from the source, the database) reaches the client as
  // an aborted upload; the caller gets the real error, not "could not reach the server".
  let streamError: unknown = null;
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      yield* ndjson(head.value);
    } catch (error) {
      streamError = error;
      throw error;
    }
  }
  let submitted: { jobId: string };
  try {
    submitted = await client.submitBatch({ service: batchService, body: body(), contentType: 'application/x-ndjson', idempotencyKey: batchKey });
  } catch (error) {
    throw streamError ?? error;
  }
  await recordSubmitted(submitted.jobId);
  await waitHere(submitted.jobId);
  return result;
}

/** The store's due days and payment instructions, for a statement that brings none of its own. */
function withStoreDefaults<T extends z.infer<typeof ZAccountStatementInput>['statement']>(statement: T, settings: ReturnType<typeof parseStoreSettings>['statements']): T {
  const instructions = settings.paymentInstructions;
  return {
    ...statement,
    dueDate: statement.dueDate ?? addDays(statement.periodEnd, settings.dueDays),
    // The account is what a payment is matched on, unless the store names another reference.
    paymentInstructions: statement.paymentInstructions ?? (instructions ? { ...instructions, reference: instructions.reference ?? statement.accountRef } : null),
  };
}

/** The rest of an iterator whose first item was already taken, that item first. */
async function* withFirst<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  try {
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Stopped early (an invalid account, a failed upload): let the source close its cursor.
    await rest.return?.();
  }
}
