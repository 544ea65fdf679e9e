import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, platformId, type TProductFactsInput } from '@exstream-connect/core';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import type { ProductFactsRequest, ProductFactsSource } from '../src/index.ts';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';

const FIXTURES = new URL('../../core/test/fixtures/', import.meta.url);
const json = async <T = Record<string, unknown>>(path: string): Promise<T> => JSON.parse(await readFile(new URL(path, FIXTURES), 'utf8')) as T;

/** Order #1001 of velo-polska: a helmet (product 8712442880189) and winter gloves (8712443011261). */
const SHOPIFY_ORDER = 'shopify/orders-create.json';
const ORDER_ID = '5501234567890';

const rule = (overrides: Record<string, unknown>) => ({ eventKind: 'order.placed', channel: 'email', templateVersion: '1', ...overrides });
const CONFIRMATION = rule({ documentType: 'order_confirmation', communicationId: 'comm-oc' });
const HELMET_WARRANTY = rule({ documentType: 'warranty_document', channel: 'print', productType: 'Helmet', communicationId: 'comm-warranty' });

type Sent = { products: Array<{ sku: string; productType: string | null }>; order: { lines: Array<{ sku: string }> } };

/**
 * A source that answers like the Shopify app's (one fact per ProductVariant, with its product's
 * type and tags), from core's documented facts of the fixture products; `fail` scripts failures.
 */
function catalogueSource(facts: TProductFactsInput) {
  const calls: ProductFactsRequest[] = [];
  const failures: Error[] = [];
  let types: Record<string, string> = {};
  const source: ProductFactsSource = {
    name: 'test catalogue',
    async lookup(request) {
      calls.push(request);
      const failure = failures.shift();
      if (failure) throw failure;
      return request.products.flatMap((key) => {
        const fact = facts.find((f) => key.productId !== null && platformId(String(f.productId)) === platformId(key.productId));
        if (!fact) return [];
        const productType = types[String(fact.productType)] ?? fact.productType;
        return [{ ...fact, productType, variantId: key.variantId, sku: key.sku }];
      });
    },
  };
  return {
    source,
    calls,
    failNext: (...errors: Error[]) => failures.push(...errors),
    /** From now on the catalogue calls a product type something else (the merchant renamed it). */
    rename: (map: Record<string, string>) => (types = map),
  };
}

for (const target of testDatabaseTargets()) {
  describe(`product facts in planning on ${target.name}`, () => {
    let h: Harness;
    let catalogue: ReturnType<typeof catalogueSource>;
    let shopCount = 0;

    beforeAll(async () => {
      catalogue = catalogueSource(await json<TProductFactsInput>('product-facts/shopify-velo-polska.json'));
      h = await startHarness(target, { engine: { productFacts: { shopify: catalogue.source, retryDelaySeconds: 1, retryLimit: 2 } } });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    /** A fresh shop with the given rules; every test gets its own, so caches and orders never mix. */
    async function shop(rules: unknown[], settings: Record<string, unknown> = {}) {
      const domain = `facts-${++shopCount}.myshopify.com`;
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules, ...settings });
      return { store, domain };
    }

    async function postOrder(domain: string, eventId: string, topic = 'orders/create') {
      return h.engine.accept({ platform: 'shopify', storeKey: domain, eventId, topic, payload: await json(SHOPIFY_ORDER) });
    }

    const settled = (store: { id: string }, count: number) =>
      eventually(async () => {
        const t = await h.engine.history.forOrder(store, ORDER_ID);
        return t.length >= count && t.every((e) => ['sent', 'skipped', 'failed'].includes(e.status)) ? t : null;
      }, { timeoutMs: 30_000, what: `${count} settled communication(s)` });

    /** What Exstream received for a communication (the sandbox's request log). */
    async function sentData(communicationId: string): Promise<Sent> {
      const row = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });
      const request = h.sandbox.requests().find((r) => r.idempotencyKey === row.idempotencyKey && r.path.endsWith('/generate'));
      expect(request, 'the sandbox received the document').toBeTruthy();
      return request!.body as Sent;
    }

    it('Shopify: a helmet + gloves order and a Helmet warranty rule → a warranty listing only the helmet is sent', async () => {
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY]);
      const before = catalogue.calls.length;
      const accepted = await postOrder(domain, 'facts-shopify-1');
      const timeline = await settled(store, 2);

      const warranty = timeline.find((e) => e.documentType === 'warranty_document');
      expect(warranty).toMatchObject({ channel: 'print', status: 'sent', templateId: 'comm-warranty' });
      const data = await sentData(warranty!.id);
      expect(data.products.map((p) => [p.sku, p.productType])).toEqual([['HLM-AERO-M', 'Helmet']]);
      expect(data.order.lines.map((l) => l.sku)).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);

      // ONE lookup, by the lines' variants, in the worker (after accept answered).
      const calls = catalogue.calls.slice(before);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.store).toEqual({ id: store.id, platform: 'shopify', storeKey: domain });
      expect(calls[0]!.products).toEqual([
        { productId: '8712443011261', variantId: '46870091333821', sku: 'GLV-WIN-L' },
        { productId: '8712442880189', variantId: '46870091137213', sku: 'HLM-AERO-M' },
      ]);

      // The facts used are recorded with the inbound event.
      const inbound = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
      const recorded = (inbound.payload as { productFacts: { source: string; warning: string | null; facts: Array<{ sku: string; productType: string }> } }).productFacts;
      expect(recorded.source).toBe('test catalogue');
      expect(recorded.warning).toBeNull();
      expect(recorded.facts.map((f) => [f.sku, f.productType]).sort()).toEqual([['GLV-WIN-L', 'Gloves'], ['HLM-AERO-M', 'Helmet']]);
    });

    it('no rule matching on productType or tag → the source is never called', async () => {
      const { store, domain } = await shop([CONFIRMATION, rule({ documentType: 'warranty_document', channel: 'print', skuPrefix: 'HLM-', communicationId: 'comm-warranty' })]);
      const before = catalogue.calls.length;
      const accepted = await postOrder(domain, 'facts-none-1');
      const timeline = await settled(store, 2);
      expect(catalogue.calls.length).toBe(before);
      expect(timeline.find((e) => e.documentType === 'warranty_document')?.status).toBe('sent');
      const inbound = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
      expect((inbound.payload as { productFacts?: unknown }).productFacts).toBeUndefined();
      // A disabled productType rule does not count either.
      const other = await shop([CONFIRMATION, { ...HELMET_WARRANTY, enabled: false }]);
      await postOrder(other.domain, 'facts-none-2');
      await settled(other.store, 1);
      expect(catalogue.calls.length).toBe(before);
    });

    it('the next event of the same order is planned from the cache (no second lookup)', async () => {
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY, rule({ eventKind: 'order.paid', documentType: 'warranty_document', channel: 'print', tag: 'warranty-2y', communicationId: 'comm-warranty-paid' })]);
      const before = catalogue.calls.length;
      await postOrder(domain, 'facts-cache-1');
      await settled(store, 2);
      await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: 'facts-cache-2', topic: 'orders/paid', payload: await json('shopify/orders-paid.json') });
      const timeline = await settled(store, 4);
      expect(catalogue.calls.length - before).toBe(1);
      const paidWarranty = timeline.find((e) => e.templateId === 'comm-warranty-paid');
      expect(paidWarranty?.status).toBe('sent');
      // The tag came from the helmet's product facts (the order's own tags do not say warranty-2y).
      expect((await sentData(paidWarranty!.id)).products.map((p) => p.sku)).toEqual(['HLM-AERO-M']);
    });

    it('a transient failure of the source retries the event; it is then planned with the facts', async () => {
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY]);
      catalogue.failNext(new ConnectError('UPSTREAM_FAILED', 'Shopify Admin API still throttled', { retryable: true }));
      const accepted = await postOrder(domain, 'facts-transient-1');
      // First planning attempt: nothing is recorded yet, the event waits for its retry.
      await eventually(async () => {
        const row = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
        return row.lastError?.includes('still throttled') ? row : null;
      }, { what: 'the throttled attempt recorded on the event' });
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(0);
      const timeline = await settled(store, 2);
      expect(timeline.find((e) => e.documentType === 'warranty_document')?.status).toBe('sent');
      const inbound = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
      expect(inbound.state).toBe('processed');
      expect(inbound.attempts).toBe(2);
      expect(inbound.lastError).toBeNull();
    });

    it('a permanent failure → planned without facts, the warning on the timeline and recorded', async () => {
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY]);
      catalogue.failNext(new ConnectError('UPSTREAM_FAILED', 'Shopify refused the product lookup: Access denied for nodes field', { retryable: false }));
      const accepted = await postOrder(domain, 'facts-permanent-1');
      const timeline = await settled(store, 2);
      const warranty = timeline.find((e) => e.documentType === 'warranty_document')!;
      expect(warranty.status).toBe('skipped');
      const planned = warranty.statusHistory[0]!.detail!;
      expect(planned).toContain('no template rule for order.placed → warranty_document matches');
      expect(planned).toContain('warning: product facts unavailable from test catalogue (Shopify refused the product lookup: Access denied for nodes field)');
      expect(timeline.find((e) => e.documentType === 'order_confirmation')?.status).toBe('sent');
      const inbound = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
      expect((inbound.payload as { productFacts: { facts: unknown[]; warning: string } }).productFacts).toMatchObject({ facts: [], warning: expect.stringContaining('Access denied') });
    });

    it('transient failures past the retry limit → planned without facts, saying after how many attempts', async () => {
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY]);
      const down = () => Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED') });
      catalogue.failNext(down(), down(), down());
      await postOrder(domain, 'facts-exhausted-1');
      const timeline = await settled(store, 2);
      const warranty = timeline.find((e) => e.documentType === 'warranty_document')!;
      expect(warranty.status).toBe('skipped');
      expect(warranty.statusHistory[0]!.detail).toContain('product facts unavailable from test catalogue after 3 attempts (fetch failed)');
    });

    it('a resend rebuilt from the inbound event uses the facts recorded at planning, not a new lookup', async () => {
      // Hash-only archive: the sent data is dropped, so a resend rebuilds it from the event.
      const { store, domain } = await shop([CONFIRMATION, HELMET_WARRANTY], { archive: { storeDocumentData: false } });
      await postOrder(domain, 'facts-rebuild-1');
      const timeline = await settled(store, 2);
      const warranty = timeline.find((e) => e.documentType === 'warranty_document')!;
      await eventually(async () => ((await h.db.prisma.communication.findUniqueOrThrow({ where: { id: warranty.id } })).documentData === null ? true : null), { what: 'data dropped after sending' });
      // The merchant renames the product type meanwhile: a fresh lookup would no longer match "Helmet".
      catalogue.rename({ Helmet: 'Casque' });
      const before = catalogue.calls.length;
      try {
        const resent = await h.engine.resend(store, warranty.id);
        const data = await eventually(async () => {
          const row = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: resent.communicationId } });
          return row.status === 'sent' ? sentData(row.id) : null;
        }, { timeoutMs: 30_000, what: 'the resend sent' });
        expect(data.products.map((p) => [p.sku, p.productType])).toEqual([['HLM-AERO-M', 'Helmet']]);
        expect(catalogue.calls.length).toBe(before);
      } finally {
        catalogue.rename({});
      }
    });

    it('preview and "which rule wins" show the facts in the resolution trace', async () => {
      const { store } = await shop([CONFIRMATION, HELMET_WARRANTY]);
      const preview = await h.engine.preview(store, { topic: 'orders/create', payload: await json(SHOPIFY_ORDER) });
      const plan = (preview.plan as Array<{ documentType: string; status: string; resolution: string[] }>).find((p) => p.documentType === 'warranty_document')!;
      expect(plan.status).toBe('queued');
      expect(plan.resolution.join('\n')).toMatch(/product facts \(test catalogue\): .*HLM-AERO-M → type "Helmet", tags warranty-2y, EN 1078/);
      const wins = await h.engine.settings.previewRule(store, { topic: 'orders/create', payload: await json(SHOPIFY_ORDER) });
      expect((wins.candidates as Array<{ documentType: string; status: string }>).find((c) => c.documentType === 'warranty_document')?.status).toBe('queued');
    });

    it('Magento: the facts the module sends in the envelope select the coat for a "Manteau" warranty', async () => {
      const magento = await h.engine.stores.registerMagentoStore({ storeKey: 'facts-nordique', signingSecret: 'shared-secret-of-the-module', name: 'Nordique', defaultLocale: 'fr-CA' });
      await h.engine.settings.update(magento, {
        connection: sandboxConnection(h.sandbox),
        rules: [CONFIRMATION, rule({ documentType: 'warranty_document', channel: 'print', productType: 'Manteau', communicationId: 'comm-garantie' })],
      });
      const before = catalogue.calls.length;
      const envelope = await json<{ id: string; event: string }>('magento/envelopes/15-order-placed-with-products.json');
      const accepted = await h.engine.accept({ platform: 'magento', storeKey: 'facts-nordique', eventId: envelope.id, topic: envelope.event, payload: envelope });
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(magento, '000000142');
        return t.length === 2 && t.every((e) => e.status === 'sent') ? t : null;
      }, { timeoutMs: 30_000, what: 'the Magento order confirmation and warranty' });
      const data = await sentData(timeline.find((e) => e.documentType === 'warranty_document')!.id);
      expect(data.products.map((p) => [p.sku, p.productType])).toEqual([['JKT-HIVER-M', 'Manteau']]);
      expect(catalogue.calls.length).toBe(before);
      const inbound = await h.db.prisma.inboundEvent.findUniqueOrThrow({ where: { id: accepted.inboundEventId } });
      expect((inbound.payload as { productFacts: { source: string; facts: Array<{ sku: string; attributeSet: string }> } }).productFacts).toMatchObject({
        source: 'the Magento event',
        facts: [{ sku: 'JKT-HIVER-M', attributeSet: "Vêtements d'hiver" }, { sku: 'WRN-GANT-01', attributeSet: 'Accessoires' }],
      });
    });

    it('Magento: an envelope without products plans without them, and says why', async () => {
      const magento = await h.engine.stores.registerMagentoStore({ storeKey: 'facts-old-module', signingSecret: 'shared-secret-of-the-module', name: 'Old', defaultLocale: 'fr-CA' });
      await h.engine.settings.update(magento, {
        connection: sandboxConnection(h.sandbox),
        rules: [CONFIRMATION, rule({ documentType: 'warranty_document', channel: 'print', productType: 'Manteau', communicationId: 'comm-garantie' })],
      });
      const envelope = await json<{ id: string; event: string }>('magento/envelopes/01-order-placed.json');
      await h.engine.accept({ platform: 'magento', storeKey: 'facts-old-module', eventId: envelope.id, topic: envelope.event, payload: envelope });
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(magento, '000000142');
        return t.length === 2 && t.every((e) => ['sent', 'skipped'].includes(e.status)) ? t : null;
      }, { timeoutMs: 30_000, what: 'the Magento order planned' });
      const warranty = timeline.find((e) => e.documentType === 'warranty_document')!;
      expect(warranty.status).toBe('skipped');
      expect(warranty.statusHistory[0]!.detail).toContain('the Magento event carried no product facts');
    });
  });
}
