import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { STATEMENT_RULE, statementAccounts } from './helpers/statement-fixtures.ts';
import type { StatementsProgress } from '../src/index.ts';

for (const target of testDatabaseTargets()) {
  describe(`statements on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { batchPolling: { intervalMs: 100, timeoutMs: 20_000 } }, sandbox: { batch: { startAfterMs: 20, completeAfterMs: 60 } } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('streams one statement per account into one batch job and records one communication each', async () => {
      // GIVEN a B2B store with a statement rule and a batch service
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'b2b', signingSecret: 'a-long-enough-secret', name: 'B2B' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE] });
      // WHEN the period closes for 37 accounts (chunks of 10)
      const progress: StatementsProgress[] = [];
      const result = await h.engine.runStatements(store, { periodEnd: new Date('2026-10-31T23:59:59Z'), accounts: statementAccounts(37), chunkSize: 10, onProgress: (p) => progress.push(p) });
      // THEN one batch job carried 37 records and every account has one sent communication
      expect(result).toMatchObject({ accounts: 37, queued: 37, jobStatus: 'complete' });
      // AND the progress went streaming → submitted (with the job) → done, counting up to every account
      expect(progress.at(-2)).toEqual({ phase: 'submitted', accounts: 37, jobId: result.jobId, queued: 37, skipped: 0, failed: 0 });
      expect(progress.at(-1)).toEqual({ phase: 'done', accounts: 37, jobId: result.jobId, queued: 37, skipped: 0, failed: 0 });
      const streamingProgress = progress.filter((p) => p.phase === 'streaming');
      const streaming = streamingProgress.map((p) => p.accounts);
      expect(streaming.length).toBeGreaterThan(0);
      expect(streaming).toEqual([...streaming].sort((a, b) => a - b));
      expect(streamingProgress.every((p) => p.queued + p.skipped + p.failed <= p.accounts)).toBe(true);
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' }, include: { events: true } });
      expect(rows).toHaveLength(37);
      expect(rows.every((r) => r.status === 'sent' && r.exstreamJobId === result.jobId && r.templateVersion === '2')).toBe(true);
      expect(rows.every((r) => r.events.map((e) => e.status).join(',') === 'sending,sent')).toBe(true);
      expect(h.sandbox.countByIdempotencyKey()[result.batchKey]).toBe(1);
      const batch = h.sandbox.requests().filter((r) => r.path.includes('/inputs/batch/'));
      expect(batch).toHaveLength(1);

      // AND re-running the same period creates nothing new
      const again = await h.engine.runStatements(store, { periodEnd: new Date('2026-10-31T23:59:59Z'), accounts: statementAccounts(37), chunkSize: 10 });
      expect(again.batchKey).toBe(result.batchKey);
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(37);
      expect(h.sandbox.countByIdempotencyKey()[result.batchKey]).toBe(1);
    });

    it('a malformed account from the source fails the run with the field named, not as a network error', async () => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'b2b-bad', signingSecret: 'a-long-enough-secret', name: 'B2B bad' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE] });
      async function* accounts() {
        let i = 0;
        for await (const account of statementAccounts(3)) {
          if (i++ < 2) {
            yield account;
            continue;
          }
          const { kind: _kind, ...line } = account.statement.lines[0]!;
          yield { ...account, statement: { ...account.statement, lines: [line] } } as never;
        }
      }
      await expect(h.engine.runStatements(store, { periodEnd: new Date('2026-07-31T23:59:59Z'), accounts: accounts() })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path: 'accounts.2.statement.lines.0.kind' })],
      });
    });

    it('a store that keeps hashes only keeps each sent statement\'s SHA-256, not its data', async () => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'b2b-hash-only', signingSecret: 'a-long-enough-secret', name: 'B2B hash only' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE], archive: { storeDocumentData: false } });
      const result = await h.engine.runStatements(store, { periodEnd: new Date('2026-06-30T23:59:59Z'), accounts: statementAccounts(4, '2026-06-30') });
      expect(result.jobStatus).toBe('complete');
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id }, select: { status: true, documentData: true, dataSha256: true } });
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.status === 'sent' && r.documentData === null && /^[0-9a-f]{64}$/.test(r.dataSha256 ?? ''))).toBe(true);
    });

    it('writes the statement rows with one driver statement per chunk, never through Prisma', async () => {
      // GIVEN a store, and counters on both ways to reach the database
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'b2b-bulk', signingSecret: 'a-long-enough-secret', name: 'B2B bulk' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE] });
      const counts = { driver: 0, prisma: 0 };
      const isInsert = (text: unknown) => typeof text === 'string' && text.includes('INSERT INTO "Communication"');
      const driverQuery = h.db.sql.query.bind(h.db.sql);
      const prismaQuery = h.db.prisma.$queryRawUnsafe.bind(h.db.prisma);
      h.db.sql.query = ((text: string, params?: unknown[]) => {
        if (isInsert(text)) counts.driver++;
        return driverQuery(text, params);
      }) as typeof h.db.sql.query;
      h.db.prisma.$queryRawUnsafe = ((text: string, ...values: unknown[]) => {
        if (isInsert(text)) counts.prisma++;
        return prismaQuery(text, ...values);
      }) as typeof h.db.prisma.$queryRawUnsafe;
      try {
        // WHEN 25 accounts are written in chunks of 10
        const result = await h.engine.runStatements(store, { periodEnd: new Date('2026-09-30T23:59:59Z'), accounts: statementAccounts(25, '2026-09-30'), chunkSize: 10 });
        expect(result).toMatchObject({ queued: 25, jobStatus: 'complete' });
      } finally {
        h.db.sql.query = driverQuery;
        h.db.prisma.$queryRawUnsafe = prismaQuery;
      }
      // THEN three set-based inserts, on the driver (the pg pool, or PGlite itself): Prisma's query
      // compiler kept the memory of every large JSON parameter (see statement-memory.test.ts)
      expect(counts).toEqual({ driver: 3, prisma: 0 });
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id, status: 'sent' } })).toBe(25);
    });
  });
}
