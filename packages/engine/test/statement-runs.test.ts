import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import type { AccountStatementInput, StatementAccountsSource, StatementRun } from '../src/index.ts';
import { signFeedback } from '@exstream-connect/exstream-sandbox';
import { FEEDBACK_SECRET, eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { shopifyOrder } from './helpers/shopify-fixtures.ts';
import { STATEMENT_RULE, statementAccounts } from './helpers/statement-fixtures.ts';

// Early November in Berlin: October is the latest period that has closed (close day "last").
const NOW = new Date('2026-11-03T08:00:00Z');

function companyOrder(orderId: number, at: string, companyId: number) {
  const order = shopifyOrder(orderId, { email: 'ap@velo.example', customerId: 7200 });
  return { ...order, created_at: at, updated_at: at, financial_status: 'pending', billing_address: { ...order.billing_address, company: `Company ${companyId}` }, company: { id: companyId, location_id: companyId + 100 } };
}

/** An app's account source that streams `before` accounts, then waits for the test to open the gate. */
function gatedSource() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const source: StatementAccountsSource = {
    async *accounts(request) {
      let n = 0;
      for await (const account of statementAccounts(600, request.period.end)) {
        if (n++ === 400) await gate;
        yield { ...account, statement: { ...account.statement, periodStart: request.period.start } } satisfies AccountStatementInput;
      }
    },
  };
  return { source, open: () => open() };
}

const batchRequests = (h: Harness) => h.sandbox.requests().filter((r) => r.path.includes('/inputs/batch/')).length;

for (const target of testDatabaseTargets()) {
  describe(`statement runs started by a merchant, with progress, on ${target.name}`, () => {
    let h: Harness;
    const gated = gatedSource();
    beforeAll(async () => {
      h = await startHarness(target, {
        engine: { clock: () => NOW, batchPolling: { intervalMs: 100, timeoutMs: 20_000 }, statements: { accounts: { magento: gated.source } } },
        // Exstream renders for a second and a half: long enough to see the run wait for it.
        sandbox: { batch: { startAfterMs: 50, completeAfterMs: 1_500 } },
      });
    });
    afterAll(async () => {
      // A failed test must not leave the paused run holding the worker that close() waits for.
      gated.open();
      await h?.close();
    });

    it('refuses a start it could not carry out, naming what is missing', async () => {
      const store = await h.engine.stores.ensureShopifyShop('runs-unconfigured.myshopify.com');
      await expect(h.engine.statements.startRun(store)).rejects.toMatchObject({ code: 'NOT_CONFIGURED' });
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), statements: { enabled: true } });
      await expect(h.engine.statements.startRun(store)).rejects.toMatchObject({ code: 'NOT_CONFIGURED', issues: [{ path: 'connection.serviceNames.statements', message: expect.any(String) }] });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } } });
      await expect(h.engine.statements.startRun(store, { periodEnd: '2026-10-30' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'periodEnd' })] });
      expect(await h.engine.statements.runs(store)).toEqual([]);
    });

    it('"run now" queues the last closed period; the worker runs it; its progress reaches sent; a re-run reconciles and sends nothing twice', async () => {
      // GIVEN a Shopify B2B store in Berlin with two company accounts active in October
      const domain = 'runs-now.myshopify.com';
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, {
        connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } },
        rules: [STATEMENT_RULE],
        defaults: { timezone: 'Europe/Berlin' },
        statements: { enabled: true },
      });
      await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: 'r1', topic: 'orders/create', payload: companyOrder(8101, '2026-10-06T10:00:00+02:00', 801) });
      await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: 'r2', topic: 'orders/create', payload: companyOrder(8102, '2026-10-16T10:00:00+02:00', 802) });
      const batchesBefore = batchRequests(h);

      // WHEN the merchant starts a run (no worker yet): October is queued, and a second click returns the same run
      const first = await h.engine.statements.startRun(store);
      expect(first.started).toBe(true);
      expect(first.run).toMatchObject({ periodStart: '2026-10-01', periodEnd: '2026-10-31', trigger: 'manual', state: 'created', status: 'queued', accounts: null, jobId: null });
      const again = await h.engine.statements.startRun(store, { periodEnd: '2026-10-31' });
      expect(again).toMatchObject({ started: false, run: { id: first.run.id } });
      // AND the scheduler's tick finds the period claimed: it will not run it a second time
      expect((await h.engine.statements.enqueueDue(NOW)).find((c) => c.storeId === store.id)).toMatchObject({ periodEnd: '2026-10-31', claimed: false });

      // THEN the worker runs it: the run waits for Exstream's rendering, then ends sent
      await h.engine.startWorker();
      const rendering = await eventually(async () => (await h.engine.statements.runs(store)).find((r) => r.status === 'rendering'), { what: 'a rendering run', timeoutMs: 15_000 });
      expect(rendering).toMatchObject({ id: first.run.id, accounts: 2, jobId: expect.any(String), progress: { phase: 'submitted', queued: 2, skipped: 0, failed: 0 } });
      const sent = await eventually(async () => (await h.engine.statements.runs(store)).find((r) => r.status === 'sent'), { what: 'a sent run', timeoutMs: 15_000 });
      expect(sent).toMatchObject({ id: first.run.id, accounts: 2, jobId: rendering.jobId, progress: { phase: 'done', outcome: 'sent', detail: `batch job ${rendering.jobId} complete` } });
      expect(batchRequests(h)).toBe(batchesBefore + 1);
      // AND Exstream's signed delivery feedback moves both statements on to delivered
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' } });
      expect(rows.map((r) => [r.status, r.exstreamJobId])).toEqual([['sent', rendering.jobId], ['sent', rendering.jobId]]);
      const events = rows.map((r) => ({ idempotencyKey: r.idempotencyKey, jobId: rendering.jobId, outcome: 'delivered', channel: 'email', at: NOW.toISOString(), detail: null }));
      const body = JSON.stringify({ events });
      await h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, Math.floor(NOW.getTime() / 1000)));
      expect((await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' } })).map((r) => r.status)).toEqual(['delivered', 'delivered']);

      // WHEN the merchant runs the same period again: a new run, which finds the batch settled (delivered counts as sent) and sends nothing
      const rerun = await h.engine.statements.startRun(store);
      expect(rerun.started).toBe(true);
      expect(rerun.run.id).not.toBe(first.run.id);
      const settled = await eventually(async () => (await h.engine.statements.runs(store)).find((r) => r.id === rerun.run.id && r.state === 'completed' && r.status !== 'rendering'), { what: 'the re-run', timeoutMs: 15_000 });
      expect(settled).toMatchObject({ status: 'sent', accounts: 2, jobId: rendering.jobId, progress: { phase: 'done', outcome: 'sent', detail: '2 sent, 0 failed' } });
      expect(batchRequests(h)).toBe(batchesBefore + 1);
      const runs = await h.engine.statements.runs(store);
      expect(runs.map((r) => [r.id, r.trigger, r.status])).toEqual([[first.run.id, 'manual', 'sent'], [rerun.run.id, 'manual', 'sent']]);
    });

    it('a long run shows its accounts streaming while it runs; a batch Exstream fails ends the run failed', async () => {
      // GIVEN a Magento store whose app source streams 600 accounts and pauses after 400
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'runs-progress', signingSecret: 'shared-secret-of-the-module', name: 'Runs progress' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { batch: 'batch' } }, rules: [STATEMENT_RULE], statements: { enabled: true } });
      h.sandbox.faults.failNextBatchJob('template comm-statement v2 is not published');
      await h.engine.startWorker();
      const { run } = await h.engine.statements.startRun(store);

      // WHEN the run is paused mid-stream THEN it reads "streaming" with the accounts uploaded so far
      const streaming = await eventually(async () => {
        const found = (await h.engine.statements.runs(store)).find((r) => r.id === run.id);
        return found?.status === 'streaming' && (found.accounts ?? 0) > 0 ? found : null;
      }, { what: 'a streaming run', timeoutMs: 15_000 });
      expect(streaming).toMatchObject({ state: 'active', jobId: null, progress: { phase: 'streaming' } });
      expect(streaming.accounts).toBeLessThanOrEqual(400);

      // AND once the source goes on, the batch is submitted and ends in Exstream's error: the run is failed, with why
      gated.open();
      const ended = await eventually<StatementRun>(async () => (await h.engine.statements.runs(store)).find((r) => r.id === run.id && r.progress?.phase === 'done'), { what: 'a settled run', timeoutMs: 20_000 });
      expect(ended).toMatchObject({ status: 'failed', accounts: 600, progress: { outcome: 'failed', queued: 600 } });
      expect(ended.progress?.detail).toContain('template comm-statement v2 is not published');
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id, documentType: 'account_statement', status: 'failed' } })).toBe(600);
    });
  });
}
