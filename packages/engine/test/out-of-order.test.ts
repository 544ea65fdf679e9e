import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, shopifyOrder, shopifyRefund } from './helpers/shopify-fixtures.ts';

/** Long enough for the order to arrive first in the first case, short enough to wait out in the second. */
const GRACE_SECONDS = 20;

for (const target of testDatabaseTargets()) {
  describe(`Shopify events ahead of their order on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { deferGraceSeconds: GRACE_SECONDS } });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    const inboundState = async (storeId: string, eventId: string) => (await h.db.prisma.inboundEvent.findFirst({ where: { storeId, eventId } }))?.state ?? null;

    it('a refund that arrives before its order waits for it, then produces its document with the order data; past the grace period one whose order never comes is processed with what it carries', async () => {
      const store = await h.engine.stores.ensureShopifyShop('early-refund.myshopify.com');
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES });
      // GIVEN a refund whose order never arrives (accepted first, so its grace period ends first)
      const orphanStarted = Date.now();
      await h.engine.accept({ platform: 'shopify', storeKey: 'early-refund.myshopify.com', eventId: 'orphan-refund', topic: 'refunds/create', payload: shopifyRefund(4900000000002) });
      // AND a refund that arrives before its order
      await h.engine.accept({ platform: 'shopify', storeKey: 'early-refund.myshopify.com', eventId: 'early-refund', topic: 'refunds/create', payload: shopifyRefund(4900000000001) });

      // THEN both wait; nothing is planned for them yet
      await eventually(async () => ((await inboundState(store.id, 'early-refund')) === 'deferred' && (await inboundState(store.id, 'orphan-refund')) === 'deferred' ? true : null), {
        timeoutMs: 15_000,
        what: 'both refunds deferred',
      });
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(0);

      // WHEN the order arrives
      await h.engine.accept({ platform: 'shopify', storeKey: 'early-refund.myshopify.com', eventId: 'late-order', topic: 'orders/create', payload: shopifyOrder(4900000000001) });
      // THEN the waiting refund is processed at once, with the order's data in its document
      const refund = await eventually(async () => {
        const row = await h.db.prisma.communication.findFirst({ where: { storeId: store.id, orderRef: '4900000000001', documentType: 'refund_confirmation' } });
        return row && row.status === 'sent' ? row : null;
      }, { timeoutMs: 15_000, what: 'the refund confirmation sent after its order' });
      expect(Date.now() - orphanStarted).toBeLessThan(GRACE_SECONDS * 1000);
      expect(await inboundState(store.id, 'early-refund')).toBe('processed');
      const data = refund.documentData as { order: { number: string; lines: unknown[] } | null; refund: unknown };
      expect(data.order?.number).toBe('#1001');
      expect(data.order?.lines.length).toBeGreaterThan(0);
      expect(refund.orderNumber).toBe('#1001');
      // AND the orphan is still waiting
      expect(await inboundState(store.id, 'orphan-refund')).toBe('deferred');

      // WHEN its grace period ends THEN it is processed with the data it carries (no order in its document)
      const orphan = await eventually(async () => {
        const row = await h.db.prisma.communication.findFirst({ where: { storeId: store.id, orderRef: '4900000000002' } });
        return row && row.status !== 'queued' && row.status !== 'sending' ? row : null;
      }, { timeoutMs: (GRACE_SECONDS + 40) * 1000, intervalMs: 250, what: 'the orphan refund processed after the grace period' });
      expect(Date.now() - orphanStarted).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 1000);
      expect(await inboundState(store.id, 'orphan-refund')).toBe('processed');
      expect(orphan.documentType).toBe('refund_confirmation');
      // A refund webhook carries no customer: with no address, the email rule has nobody to send to,
      // and the row says so (planned and explained, not lost).
      expect(orphan).toMatchObject({ status: 'skipped', orderNumber: null });
      expect(orphan.reason).toMatch(/^no email address/);

      // AND the grace-period job of the refund that was already processed created nothing more
      await eventually(
        async () => {
          const [pending] = await h.db.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'engine-inbound' AND state < 'completed' AND data->>'storeId' = $1`, store.id);
          return pending!.n === 0 ? true : null;
        },
        { timeoutMs: 30_000, what: 'no inbound job left' },
      );
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id, orderRef: '4900000000001', documentType: 'refund_confirmation' } })).toBe(1);
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(3);
    });
  });
}
