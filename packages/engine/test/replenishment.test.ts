import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { shopifyOrder } from './helpers/shopify-fixtures.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-12-01T12:00:00Z');
const daysBefore = (days: number, hours = 0) => new Date(NOW.getTime() - days * DAY - hours * 3_600_000).toISOString();

const money = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' }, presentment_money: { amount, currency_code: 'EUR' } });
const line = (id: number, sku: string, title: string) => ({ id, product_id: 7000 + id, title, name: title, sku, quantity: 1, price: '12.00', price_set: money('12.00') });

/** An orders/create body placed at `placedAt` by customer `customerId`, with the given SKUs. */
function order(orderId: number, placedAt: string, customerId: number, skus: string[]) {
  const base = shopifyOrder(orderId, { email: `customer-${customerId}@example.com`, customerId });
  return { ...base, created_at: placedAt, updated_at: placedAt, line_items: skus.map((sku, i) => line(orderId * 10 + i, sku, sku)) };
}

const RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-order-confirmation' },
  { eventKind: 'replenishment.due', documentType: 'replenishment_reminder', channel: 'email', communicationId: 'comm-replenishment', templateVersion: '4' },
] as const;

for (const target of testDatabaseTargets()) {
  describe(`replenishment reminders on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { clock: () => NOW } });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('reminds the customer of the lines an interval matches once they fall due; not before, not twice, not after a reorder, not long after', async () => {
      // GIVEN a shop that reminds tea after 30 days and honey after 60
      const domain = 'replenish.myshopify.com';
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, {
        connection: sandboxConnection(h.sandbox),
        rules: RULES,
        replenishment: { enabled: true, intervals: [{ skuPrefix: 'TEA-', days: 30 }, { skuPrefix: 'TEA-GIFT', days: 90 }, { skuPrefix: 'HONEY-', days: 60 }] },
      });
      const orders = [
        // due now: its tea (30 days); the mug matches nothing, the gift box has its own 90 days
        order(5601, daysBefore(30, 2), 1, ['TEA-MINT', 'MUG-1', 'TEA-GIFT-BOX']),
        // due now, but customer 2 ordered tea again since
        order(5602, daysBefore(30, 3), 2, ['TEA-BLACK']),
        order(5603, daysBefore(10), 2, ['TEA-BLACK']),
        // not due yet (20 days), and long past due (33 days: outside the 48 h lookback)
        order(5604, daysBefore(20), 3, ['TEA-MINT']),
        order(5605, daysBefore(33), 4, ['TEA-MINT']),
        // honey due now (60 days)
        order(5606, daysBefore(60, 1), 5, ['HONEY-THYME']),
      ];
      for (const body of orders) {
        // Received a minute after it was placed, as Shopify delivers it.
        const receivedAt = new Date(Date.parse(body.created_at) + 60_000);
        expect((await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: `order-${body.id}`, topic: 'orders/create', payload: body, receivedAt })).status).toBe('accepted');
      }

      // WHEN the hourly check runs
      const report = await h.engine.replenishment.scan({ now: NOW });

      // THEN two reminders are due and accepted, one skipped as reordered
      expect(report).toEqual({ stores: 1, due: 3, accepted: 2, duplicates: 0, reordered: 1 });
      const reminders = await eventually(async () => {
        const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'replenishment_reminder' }, orderBy: { orderRef: 'asc' } });
        return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows : null;
      });
      expect(reminders.map((r) => r.orderRef)).toEqual(['5601', '5606']);
      expect(reminders.map((r) => r.templateVersion)).toEqual(['4', '4']);
      const tea = reminders[0]!.documentData as { replenishment: { lines: Array<{ sku: string }>; dueAt: string; reorderUrl: string | null } };
      expect(tea.replenishment.lines.map((l) => l.sku)).toEqual(['TEA-MINT']);
      expect(tea.replenishment.dueAt).toBe(new Date(Date.parse(daysBefore(30, 2)) + 30 * DAY).toISOString());
      expect(reminders[0]!.recipientMasked).toBe('c***@example.com');

      // AND an order that reached the engine weeks after it was placed (a backfill) is not reminded
      const backfilled = order(5607, daysBefore(30, 4), 8, ['TEA-MINT']);
      await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: 'order-5607', topic: 'orders/create', payload: backfilled, receivedAt: new Date(Date.parse(daysBefore(5))) });
      expect(await h.engine.replenishment.scan({ now: NOW })).toMatchObject({ due: 3, accepted: 0 });

      // AND the reminder is on the original order's timeline
      const timeline = await h.engine.history.forOrder(store, '5601');
      expect(timeline.map((e) => e.documentType).sort()).toEqual(['order_confirmation', 'replenishment_reminder']);

      // WHEN the check runs again within the hour
      const again = await h.engine.replenishment.scan({ now: new Date(NOW.getTime() + 3_600_000) });
      // THEN nothing new: the same reminders are duplicates
      expect(again).toMatchObject({ due: 3, accepted: 0, duplicates: 2, reordered: 1 });
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id, documentType: 'replenishment_reminder' } })).toBe(2);
    });

    it('a store without replenishment enabled (or with no interval) is not scanned; bad intervals are refused naming the field', async () => {
      const store = await h.engine.stores.ensureShopifyShop('no-replenish.myshopify.com');
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: RULES });
      await h.engine.accept({ platform: 'shopify', storeKey: 'no-replenish.myshopify.com', eventId: 'order-5701', topic: 'orders/create', payload: order(5701, daysBefore(30, 2), 7, ['TEA-MINT']) });
      expect(await h.engine.replenishment.scan({ now: NOW, storeId: store.id })).toEqual({ stores: 0, due: 0, accepted: 0, duplicates: 0, reordered: 0 });
      await expect(h.engine.settings.update(store, { replenishment: { intervals: [{ skuPrefix: 'TEA-', days: 0 }] } })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path: 'replenishment.intervals.0.days' })],
      });
      await expect(h.engine.settings.update(store, { replenishment: { intervals: [{ skuPrefix: 'TEA-', days: 30 }, { skuPrefix: 'TEA-', days: 40 }] } })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path: 'replenishment.intervals', message: 'each SKU prefix may appear once' })],
      });
      const view = await h.engine.settings.update(store, { replenishment: { enabled: true } });
      expect(view.replenishment).toEqual({ enabled: true, intervals: [] });
      expect((await h.engine.replenishment.scan({ now: NOW, storeId: store.id })).stores).toBe(0);
    });
  });
}
