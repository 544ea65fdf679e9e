import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, sandboxJobsFor, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, shopifyOrder } from './helpers/shopify-fixtures.ts';

for (const target of testDatabaseTargets()) {
  describe(`delivery guarantees on ${target.name}`, () => {
    let h: Harness;
    let crashNext = 0;
    beforeAll(async () => {
      h = await startHarness(target, {
        engine: {
          hooks: {
            afterExstreamCall: () => {
              if (crashNext > 0) {
                crashNext--;
                throw new Error('simulated worker death after the Exstream call');
              }
            },
          },
        },
      });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function shop(domain: string) {
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES });
      return store;
    }

    it('a sandbox outage (503s for a while) delays but loses nothing', async () => {
      const store = await shop('outage.myshopify.com');
      // GIVEN Exstream answers 503 to the next several calls (more than the client's own retries)
      h.sandbox.faults.failNext(4, 503);
      // WHEN three orders arrive
      const orderIds = [7700000000001, 7700000000002, 7700000000003];
      for (const id of orderIds) {
        await h.engine.accept({ platform: 'shopify', storeKey: 'outage.myshopify.com', eventId: `o-${id}`, topic: 'orders/create', payload: shopifyOrder(id) });
      }
      // THEN every order still gets its confirmation, exactly once
      for (const id of orderIds) {
        const [entry] = await eventually(async () => {
          const t = await h.engine.history.forOrder(store, String(id));
          return t.length === 1 && t[0]!.status === 'sent' ? t : null;
        }, { timeoutMs: 45_000, what: `order ${id} sent` });
        const row = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: entry!.id } });
        expect(h.sandbox.countByIdempotencyKey()[row.idempotencyKey]).toBe(1);
      }
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(orderIds.length);
    });

    it('a worker dying between the Exstream call and the record produces no second document', async () => {
      const store = await shop('crash.myshopify.com');
      // GIVEN the worker dies right after Exstream produced the document
      crashNext = 1;
      await h.engine.accept({ platform: 'shopify', storeKey: 'crash.myshopify.com', eventId: 'crash-1', topic: 'orders/create', payload: shopifyOrder(8800000000001) });
      // WHEN the job is re-run (pg-boss retry) and reconciles
      const [entry] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '8800000000001');
        return t.length === 1 && t[0]!.status === 'sent' ? t : null;
      }, { timeoutMs: 30_000, what: 'the crashed send to be reconciled' });
      // THEN the re-run found the complete Exstream job for the key and recorded it: Exstream
      // received ONE request and produced one document
      const row = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: entry!.id } });
      expect(h.sandbox.receivedByIdempotencyKey()[row.idempotencyKey]).toBe(1);
      expect(h.sandbox.countByIdempotencyKey()[row.idempotencyKey]).toBe(1);
      const generates = h.sandbox.requests().filter((r) => r.idempotencyKey === row.idempotencyKey && r.path.endsWith('/generate'));
      expect(generates).toHaveLength(1);
      const [job] = await sandboxJobsFor(h.sandbox, row.idempotencyKey);
      expect(row).toMatchObject({ exstreamJobId: job!.id, documentRef: `exstream-job:${job!.id}` });
      const reconcile = entry!.statusHistory.find((s) => s.source === 'reconcile');
      expect(reconcile?.detail).toContain(`job ${job!.id} is complete`);
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(1);
    });

    it('after the last attempt a communication is failed, dead-lettered, visible and re-triggerable', async () => {
      const store = await shop('dead.myshopify.com');
      h.sandbox.faults.failNext(1000, 500);
      await h.engine.accept({ platform: 'shopify', storeKey: 'dead.myshopify.com', eventId: 'dead-1', topic: 'orders/create', payload: shopifyOrder(9900000000001) });
      const [failed] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '9900000000001');
        return t.length === 1 && t[0]!.status === 'failed' ? t : null;
      }, { timeoutMs: 45_000, what: 'the communication to fail' });
      expect(failed!.lastError).toBeTruthy();
      const stats = await h.engine.history.stats(store);
      expect(stats.failedToday).toBe(1);
      expect(stats.lastErrors[0]?.id).toBe(failed!.id);
      // WHEN Exstream is back and the merchant re-triggers it
      h.sandbox.faults.reset();
      await h.engine.retryFailed(store, failed!.id);
      const [sent] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '9900000000001');
        return t[0]?.status === 'sent' ? t : null;
      }, { timeoutMs: 30_000, what: 'the retried communication to be sent' });
      expect(sent!.id).toBe(failed!.id);
      expect(sent!.statusHistory.map((s) => s.status)).toEqual(expect.arrayContaining(['failed', 'queued', 'sent']));
    });

    it('resend creates a new attempt linked to the original', async () => {
      const store = await shop('resend.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'resend.myshopify.com', eventId: 'r-1', topic: 'orders/create', payload: shopifyOrder(6600000000001) });
      const [original] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '6600000000001');
        return t[0]?.status === 'sent' ? t : null;
      }, { what: 'first send' });
      const { communicationId } = await h.engine.resend(store, original!.id);
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '6600000000001');
        return t.length === 2 && t.every((e) => e.status === 'sent') ? t : null;
      }, { what: 'the resend to be sent' });
      const copy = timeline.find((e) => e.id === communicationId)!;
      expect(copy).toMatchObject({ resendOfId: original!.id, attempt: 2 });
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id } });
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(2);
    });
  });
}
