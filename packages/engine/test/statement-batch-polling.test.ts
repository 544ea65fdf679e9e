import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { createEngine, type AccountStatementInput, type StoreInfo } from '../src/index.ts';
import { eventually, sandboxBatchRecords, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { STATEMENT_RULE, statementAccounts } from './helpers/statement-fixtures.ts';

type Row = { id: string; status: string; exstreamJobId: string | null; lastError: string | null; dataSha256: string | null; events: Array<{ status: string }> };

/** Accounts that fail after `count`: the run dies mid-stream, before Exstream has the whole batch. */
async function* accountsThenCrash(count: number, periodEnd: string): AsyncGenerator<AccountStatementInput> {
  for await (const account of statementAccounts(count, periodEnd)) yield account;
  throw new Error('worker killed mid-stream');
}

for (const target of testDatabaseTargets()) {
  describe(`durable polling of statement batches on ${target.name}`, () => {
    let h: Harness;
    let n = 0;
    const rowsOf = (store: StoreInfo) =>
      h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' }, include: { events: { orderBy: { at: 'asc' } } }, orderBy: { createdAt: 'asc' } }) as Promise<Row[]>;
    const newStore = async (sandbox: Sandbox = h.sandbox) => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: `poll-${++n}`, signingSecret: 'a-long-enough-secret', name: `Poll ${n}` });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE] });
      return store;
    };

    beforeAll(async () => {
      h = await startHarness(target, { engine: { batchPolling: { intervalMs: 100, timeoutMs: 20_000 } }, sandbox: { batch: { startAfterMs: 20, completeAfterMs: 300 } } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('records the job on every row at submit; a restarted worker polls the job and settles the rows', async () => {
      // GIVEN a process that submits a period's batch and dies without waiting for the job
      const store = await newStore();
      const submitter = await createEngine({ db: h.db, secretBox: h.secretBox, batchPolling: { intervalMs: 100, timeoutMs: 20_000 } });
      const result = await submitter.runStatements(store, { periodEnd: new Date('2026-10-31T12:00:00Z'), accounts: statementAccounts(12), wait: false });
      await submitter.stop();
      // THEN every row is in flight with the job id, and a poll job waits in pg-boss
      expect(result).toMatchObject({ accounts: 12, queued: 12, jobStatus: null });
      const sending = await rowsOf(store);
      expect(sending.map((r) => [r.status, r.exstreamJobId])).toEqual(Array.from({ length: 12 }, () => ['sending', result.jobId]));
      const polls = await h.db.sql.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'engine-batch-poll' AND data->>'batchKey' = $1`, [result.batchKey]);
      expect(polls.map((p) => p.state)).toEqual(['created']);

      // WHEN another worker starts on the same database
      await h.engine.startWorker();
      // THEN it polls the job to its end and moves every row to sent, once
      const settled = await eventually(async () => {
        const rows = await rowsOf(store);
        return rows.every((r) => r.status === 'sent') ? rows : null;
      });
      expect(settled.every((r) => r.exstreamJobId === result.jobId && r.events.map((e) => e.status).join(',') === 'sending,sent')).toBe(true);

      // AND a resend of one statement is ONE document on demand, through its rule (not the batch service)
      const { communicationId } = await h.engine.resend(store, settled[0]!.id);
      const resent = await eventually(async () => {
        const row = await h.db.prisma.communication.findFirst({ where: { storeId: store.id, id: communicationId } });
        return row?.status === 'sent' ? row : null;
      });
      expect(resent.serviceName).toBeNull();
      expect(resent.documentRef).toMatch(/^pdf:sha256:/);
      expect(h.sandbox.receivedByIdempotencyKey()[resent.idempotencyKey]).toBe(1);
      const generated = h.sandbox.requests().filter((r) => r.path.endsWith('/generate') && r.headers['idempotency-key'] === resent.idempotencyKey);
      expect(generated.map((r) => r.headers.communicationid)).toEqual(['comm-statement']);
    });

    it('a job that ends in error marks its rows failed with the job message', async () => {
      const store = await newStore();
      await h.engine.startWorker();
      h.sandbox.faults.failNextBatchJob('renderer crashed on record 3');
      const result = await h.engine.runStatements(store, { periodEnd: new Date('2026-10-31T12:00:00Z'), accounts: statementAccounts(5), wait: false });
      const rows = await eventually(async () => {
        const found = await rowsOf(store);
        return found.every((r) => r.status === 'failed') ? found : null;
      });
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        expect(row.lastError).toBe(`batch job ${result.jobId} ended error: renderer crashed on record 3`);
        expect(row.events.map((e) => e.status)).toEqual(['sending', 'failed']);
      }
    });

    it('past the polling deadline a job that never ends fails its rows, visibly', async () => {
      const slow = await startSandbox({ port: 0, dataDir: null, batch: { startAfterMs: 10, completeAfterMs: 10 * 60_000 } });
      const engine = await createEngine({ db: h.db, secretBox: h.secretBox, pollIntervalMs: 50, batchPolling: { intervalMs: 50, timeoutMs: 400 } });
      try {
        const store = await newStore(slow);
        await engine.startWorker();
        const result = await engine.runStatements(store, { periodEnd: new Date('2026-10-31T12:00:00Z'), accounts: statementAccounts(3), wait: false });
        const rows = await eventually(async () => {
          const found = await rowsOf(store);
          return found.every((r) => r.status === 'failed') ? found : null;
        });
        expect(rows[0]!.lastError).toMatch(new RegExp(`^batch job ${result.jobId} still "started" at the polling deadline`));
      } finally {
        await engine.stop();
        await slow.close();
      }
    });

    it('a second run of the period adopts the job Exstream already has instead of submitting again', async () => {
      // GIVEN a batch submitted by a process that died before it recorded the job (no job id, no poll)
      const store = await newStore();
      const periodEnd = new Date('2026-09-30T12:00:00Z');
      const submitter = await createEngine({ db: h.db, secretBox: h.secretBox });
      const first = await submitter.runStatements(store, { periodEnd, accounts: statementAccounts(4, '2026-09-30'), wait: false });
      await submitter.stop();
      await h.db.sql.query(`UPDATE "Communication" SET "exstreamJobId" = NULL WHERE "storeId" = $1::uuid`, [store.id]);
      await h.db.sql.query(`DELETE FROM pgboss.job WHERE name = 'engine-batch-poll' AND data->>'batchKey' = $1`, [first.batchKey]);
      // WHEN the period is run again
      const again = await h.engine.runStatements(store, { periodEnd, accounts: statementAccounts(4, '2026-09-30') });
      // THEN Exstream got the batch once, the job was found by its batch key, and the rows settle
      expect(again).toMatchObject({ batchKey: first.batchKey, jobId: first.jobId, resumed: true, accounts: 0, jobStatus: 'complete' });
      expect(h.sandbox.receivedByIdempotencyKey()[first.batchKey]).toBe(1);
      const rows = await rowsOf(store);
      expect(rows.map((r) => [r.status, r.exstreamJobId])).toEqual(Array.from({ length: 4 }, () => ['sent', first.jobId]));
    });

    it('a run that died mid-stream is streamed again with the data its rows were recorded with', async () => {
      // GIVEN an attempt that wrote the first chunks of rows, then died before Exstream had the batch
      const store = await newStore();
      const periodEnd = new Date('2026-08-31T12:00:00Z');
      await expect(h.engine.runStatements(store, { periodEnd, accounts: accountsThenCrash(7, '2026-08-31'), chunkSize: 3 })).rejects.toThrow();
      const written = await rowsOf(store);
      expect(written.length).toBeGreaterThanOrEqual(3);
      expect(written.every((r) => r.status === 'sending' && r.exstreamJobId === null)).toBe(true);
      // WHEN the run is retried with every account
      const result = await h.engine.runStatements(store, { periodEnd, accounts: statementAccounts(10, '2026-08-31'), chunkSize: 3 });
      expect(result).toMatchObject({ accounts: 10, jobStatus: 'complete', resumed: false });
      // THEN one communication per account, and each record Exstream received is exactly what its row
      // recorded (same communication id, same SHA-256), the rows of the first attempt included
      const rows = await rowsOf(store);
      expect(rows).toHaveLength(10);
      expect(rows.every((r) => r.status === 'sent')).toBe(true);
      const records = await sandboxBatchRecords(h.sandbox, result.jobId!);
      expect(records.map((r) => [r.communicationId, r.sha256]).sort()).toEqual(rows.map((r) => [r.id, r.dataSha256]).sort());
    });
  });
}
