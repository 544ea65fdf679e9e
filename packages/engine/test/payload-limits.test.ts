import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { shopifyOrder } from './helpers/shopify-fixtures.ts';

const ENVELOPES = new URL('../../core/test/fixtures/magento/envelopes/', import.meta.url);

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

for (const target of testDatabaseTargets()) {
  describe(`unstorable and hostile payloads on ${target.name}`, () => {
    let h: Harness;
    let shopId: { id: string };
    beforeAll(async () => {
      h = await startHarness(target);
      shopId = await h.engine.stores.ensureShopifyShop('limits.myshopify.com');
      await h.engine.stores.registerMagentoStore({ storeKey: 'limits-magento', signingSecret: 'shared-secret-of-the-module', name: 'Limits' });
    });
    afterAll(async () => {
      await h?.close();
    });

    const acceptShopify = (eventId: string, payload: unknown, extra: { recordRejected?: boolean } = {}) =>
      h.engine.accept({ platform: 'shopify', storeKey: 'limits.myshopify.com', eventId, topic: 'orders/create', payload, ...extra });

    it('a NUL character in a Shopify string is a 400 naming the field, not a 500', async () => {
      const order = shopifyOrder(8800000000001);
      order.billing_address.first_name = 'Ja\u0000ne';
      const error = await rejection(acceptShopify('nul-1', order));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues).toEqual([{ path: 'billing_address.first_name', message: 'contains a NUL character' }]);
    });

    it('a NUL character in a Magento envelope names entity.customer_firstname', async () => {
      const env = JSON.parse(await readFile(new URL('01-order-placed.json', ENVELOPES), 'utf8')) as { id: string; event: string; entity: Record<string, unknown> };
      env.entity.customer_firstname = 'Ren\u0000ée';
      const error = await rejection(h.engine.accept({ platform: 'magento', storeKey: 'limits-magento', eventId: env.id, topic: env.event, payload: env }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain('entity.customer_firstname: contains a NUL character');
    });

    it('a lone surrogate is a 400 too (Postgres jsonb refuses it)', async () => {
      const order = shopifyOrder(8800000000002);
      order.line_items[0]!.title = 'Mug \ud800';
      const error = await rejection(acceptShopify('surrogate-1', order));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues?.[0]?.path).toBe('line_items.0.title');
    });

    it('a body nested 20,000 levels deep is a 400, not a stack overflow', async () => {
      const order = shopifyOrder(8800000000003) as Record<string, unknown>;
      order.note_attributes = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000));
      const error = await rejection(acceptShopify('deep-1', order));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues?.[0]?.message).toBe('nested deeper than 64 levels');
    });

    it('a huge number in an amount is a 400, not a BigInt error', async () => {
      const order = shopifyOrder(8800000000004) as Record<string, unknown>;
      order.total_price = 1e308;
      const error = await rejection(acceptShopify('huge-1', order));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues?.map((i) => i.path)).toContain('total_price');
    });

    it('settings.update rejects a NUL character naming the path', async () => {
      const error = await rejection(h.engine.settings.update(shopId, { connection: { ...sandboxConnection(h.sandbox), clientId: 'sand\u0000box' } }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues).toEqual([{ path: 'connection.clientId', message: 'contains a NUL character' }]);
    });

    it('keeps a rejected webhook when asked, once per delivery, without personal data in the error', async () => {
      const order = shopifyOrder(8800000000005, { email: 'rejected.person@example.com' }) as Record<string, unknown>;
      order.line_items = 'not a list';
      // WHEN Shopify delivers the same invalid webhook twice, and another one whose text is unstorable
      for (let i = 0; i < 2; i++) expect((await rejection(acceptShopify('rejected-1', order, { recordRejected: true }))).code).toBe('VALIDATION_FAILED');
      const nul = shopifyOrder(8800000000006);
      nul.email = 'x\u0000@example.com';
      expect((await rejection(acceptShopify('rejected-2', nul, { recordRejected: true }))).code).toBe('VALIDATION_FAILED');
      // AND one without the option
      expect((await rejection(acceptShopify('rejected-3', order))).code).toBe('VALIDATION_FAILED');

      // THEN the merchant sees the two rejected deliveries, newest first
      const page1 = await h.engine.inbound.listRejected(shopId, { limit: 1 });
      const page2 = await h.engine.inbound.listRejected(shopId, { limit: 1, cursor: page1.nextCursor! });
      const items = [...page1.items, ...page2.items];
      expect(page2.nextCursor).toBeNull();
      expect(items.map((i) => i.eventId).sort()).toEqual(['rejected-1', 'rejected-2']);
      const first = items.find((i) => i.eventId === 'rejected-1')!;
      expect(first).toMatchObject({ platform: 'shopify', topic: 'orders/create', orderRef: '8800000000005', payloadKept: true });
      expect(first.error).toContain('line_items');
      expect(first.error).not.toContain('rejected.person');
      const second = items.find((i) => i.eventId === 'rejected-2')!;
      expect(second).toMatchObject({ payloadKept: false });
      expect(second.error).toBe('email: contains a NUL character');
      // AND the kept payload is the body as received
      const rows = await h.db.prisma.inboundEvent.findMany({ where: { storeId: shopId.id, eventId: 'rejected-1' } });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.state).toBe('failed');
      expect((rows[0]!.payload as { raw: unknown }).raw).toEqual(order);
      // AND another store sees none of them
      const other = await h.engine.stores.ensureShopifyShop('other-limits.myshopify.com');
      expect((await h.engine.inbound.listRejected(other)).items).toEqual([]);
    });
  });
}

describe('Shopify returns webhooks (no timestamp in the payload)', () => {
  it('are dated by their delivery time and accepted, at intake and when re-mapped with the stored order', async () => {
    const h = await startHarness({ name: 'pglite' });
    try {
      const store = await h.engine.stores.ensureShopifyShop('returns.myshopify.com');
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox) });
      const returnBody = JSON.parse(await readFile(new URL('../../core/test/fixtures/shopify/returns-request.json', import.meta.url), 'utf8')) as { order: { id: number } };
      const orderId = returnBody.order.id;
      await h.engine.accept({ platform: 'shopify', storeKey: 'returns.myshopify.com', eventId: 'ret-order', topic: 'orders/create', payload: shopifyOrder(orderId) });
      const receivedAt = new Date('2026-11-20T10:00:00Z');
      const result = await h.engine.accept({ platform: 'shopify', storeKey: 'returns.myshopify.com', eventId: 'ret-1', topic: 'returns/request', payload: returnBody, receivedAt });
      expect(result.status).toBe('accepted');
      expect(result.eventKinds).toEqual(['return.requested']);
      // The worker re-maps it with the stored order; it must not fail on the missing timestamp.
      await h.engine.startWorker();
      const deadline = Date.now() + 30_000;
      let state = '';
      while (Date.now() < deadline) {
        const row = await h.db.prisma.inboundEvent.findFirst({ where: { storeId: store.id, eventId: 'ret-1' } });
        state = row?.state ?? '';
        if (state === 'processed' || state === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(state).toBe('processed');
    } finally {
      await h.close();
    }
  });
});
