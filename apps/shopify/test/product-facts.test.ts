import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConnectError } from '@exstream-connect/core';
import type { ProductFactsRequest } from '@exstream-connect/engine';
import { createShopifyProductFacts, PRODUCT_FACTS_QUERY } from '../app/product-facts.server.ts';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { SHOP, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';
import { graphqlOk, graphqlThrottled, interceptShopify, resetShopifyNetwork } from './helpers/shopify-network.ts';

type Captured = { url: string; token: string | null; query: string; variables: { ids: string[] } };

/** Admin GraphQL answered at the fetch level with the queued responses; each request recorded. */
function stubAdmin(responses: Array<(ids: string[]) => Response>) {
  const calls: Captured[] = [];
  const fetch: typeof globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = (await request.json()) as { query: string; variables: { ids: string[] } };
    calls.push({ url: request.url, token: request.headers.get('X-Shopify-Access-Token'), query: body.query, variables: body.variables });
    const next = responses.shift();
    if (!next) throw new Error('No more stubbed Admin API responses');
    return next(body.variables.ids);
  };
  return { fetch, calls };
}

/**
 * The catalogue of velo-polska as Admin GraphQL returns it (tags sorted, as Shopify does): order
 * #1001's helmet and gloves variants, and the products behind them.
 */
const HELMET = { id: 'gid://shopify/Product/8712442880189', productType: 'Helmet', tags: ['EN 1078', 'warranty-2y'], category: { fullName: 'Sporting Goods > Outdoor Recreation > Cycling > Bicycle Helmets' } };
const GLOVES = { id: 'gid://shopify/Product/8712443011261', productType: 'Gloves', tags: ['winter'], category: { fullName: 'Apparel & Accessories > Clothing Accessories > Gloves & Mittens' } };
const CATALOGUE: Record<string, unknown> = {
  'gid://shopify/ProductVariant/46870091137213': { __typename: 'ProductVariant', id: 'gid://shopify/ProductVariant/46870091137213', sku: 'HLM-AERO-M', product: HELMET },
  'gid://shopify/ProductVariant/46870091333821': { __typename: 'ProductVariant', id: 'gid://shopify/ProductVariant/46870091333821', sku: 'GLV-WIN-L', product: GLOVES },
  [HELMET.id]: { __typename: 'Product', ...HELMET },
};
/** `nodes(ids:)` answers one entry per id, null for ids that do not resolve (deleted products). */
const nodesAnswer = (ids: string[]) => graphqlOk({ nodes: ids.map((id) => CATALOGUE[id] ?? null) }, { requested: 2 + ids.length, actual: 2 + ids.length, available: 1990 });

const request = (products: ProductFactsRequest['products']): ProductFactsRequest => ({ store: { id: 's-1', platform: 'shopify', storeKey: SHOP }, products, carried: [] });
const sleeps: number[] = [];
const sourceWith = (fetch: typeof globalThis.fetch) =>
  createShopifyProductFacts({ accessToken: async () => 'shpat_offline_token', apiVersion: '2026-04', fetch, sleep: async (ms) => void sleeps.push(ms) });
afterEach(() => void (sleeps.length = 0));

describe('Shopify product facts source (Admin GraphQL nodes)', () => {
  it('GIVEN the lines of order #1001 THEN one nodes query by ProductVariant GID returns type, tags and category per variant', async () => {
    const { fetch, calls } = stubAdmin([nodesAnswer]);
    const facts = await sourceWith(fetch).lookup(
      request([
        { productId: '8712442880189', variantId: '46870091137213', sku: 'HLM-AERO-M' },
        { productId: '8712443011261', variantId: '46870091333821', sku: 'GLV-WIN-L' },
      ]),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`https://${SHOP}/admin/api/2026-04/graphql.json`);
    expect(calls[0]!.token).toBe('shpat_offline_token');
    expect(calls[0]!.query).toBe(PRODUCT_FACTS_QUERY);
    expect(calls[0]!.query).toMatch(/nodes\(ids: \$ids\)[\s\S]*\.\.\. on ProductVariant[\s\S]*product \{ id productType tags category \{ fullName \} \}/);
    expect(calls[0]!.variables).toEqual({ ids: ['gid://shopify/ProductVariant/46870091137213', 'gid://shopify/ProductVariant/46870091333821'] });
    expect(facts).toEqual([
      {
        productId: HELMET.id,
        variantId: 'gid://shopify/ProductVariant/46870091137213',
        sku: 'HLM-AERO-M',
        productType: 'Helmet',
        tags: ['EN 1078', 'warranty-2y'],
        categories: ['Sporting Goods', 'Outdoor Recreation', 'Cycling', 'Bicycle Helmets'],
      },
      {
        productId: GLOVES.id,
        variantId: 'gid://shopify/ProductVariant/46870091333821',
        sku: 'GLV-WIN-L',
        productType: 'Gloves',
        tags: ['winter'],
        categories: ['Apparel & Accessories', 'Clothing Accessories', 'Gloves & Mittens'],
      },
    ]);
  });

  it('GIVEN a line without a variant THEN its Product is asked for; a deleted variant (null node) is left out', async () => {
    const { fetch, calls } = stubAdmin([nodesAnswer]);
    const facts = await sourceWith(fetch).lookup(
      request([
        { productId: '8712442880189', variantId: null, sku: 'HLM-AERO-M' },
        { productId: '999', variantId: '555', sku: 'GONE-1' },
        { productId: null, variantId: null, sku: 'CUSTOM-ITEM' },
      ]),
    );
    expect(calls[0]!.variables.ids).toEqual([HELMET.id, 'gid://shopify/ProductVariant/555']);
    expect(facts).toEqual([{ productId: HELMET.id, productType: 'Helmet', tags: ['EN 1078', 'warranty-2y'], categories: ['Sporting Goods', 'Outdoor Recreation', 'Cycling', 'Bicycle Helmets'] }]);
  });

  it('GIVEN 250 variants THEN 3 calls of at most 100 ids', async () => {
    const { fetch, calls } = stubAdmin([nodesAnswer, nodesAnswer, nodesAnswer]);
    const keys = Array.from({ length: 250 }, (_, i) => ({ productId: null, variantId: String(40_000_000 + i), sku: null }));
    await sourceWith(fetch).lookup(request(keys));
    expect(calls.map((c) => c.variables.ids.length)).toEqual([100, 100, 50]);
    expect(new Set(calls.flatMap((c) => c.variables.ids)).size).toBe(250);
  });

  it('GIVEN a THROTTLED answer THEN it waits (requested − available) / restoreRate seconds and asks again', async () => {
    const { fetch, calls } = stubAdmin([() => graphqlThrottled(52, 2, 50), nodesAnswer]);
    const facts = await sourceWith(fetch).lookup(request([{ productId: null, variantId: '46870091137213', sku: null }]));
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
    expect(facts.map((f) => f.productType)).toEqual(['Helmet']);
  });

  it('GIVEN Shopify stays THROTTLED or answers 5xx THEN a retryable UPSTREAM_FAILED (the engine retries the event)', async () => {
    const throttled = stubAdmin(Array.from({ length: 5 }, () => () => graphqlThrottled(52, 0, 50)));
    const error = await sourceWith(throttled.fetch).lookup(request([{ productId: null, variantId: '1', sku: null }])).catch((e: unknown) => e);
    expect(isConnectError(error) && error.code === 'UPSTREAM_FAILED' && error.retryable).toBe(true);
    const down = stubAdmin([() => new Response('Service Unavailable', { status: 503 })]);
    const outage = await sourceWith(down.fetch).lookup(request([{ productId: null, variantId: '1', sku: null }])).catch((e: unknown) => e);
    expect(isConnectError(outage) && outage.retryable).toBe(true);
  });

  it('GIVEN ACCESS_DENIED (read_products not granted) THEN a permanent UPSTREAM_FAILED naming it', async () => {
    const denied = () =>
      Response.json({
        errors: [{ message: 'Access denied for nodes field. Required access: `read_products` access scope.', extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes' }, path: ['nodes'] }],
        data: null,
        extensions: { cost: { requestedQueryCost: 3, actualQueryCost: 2, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 } } },
      });
    const { fetch } = stubAdmin([denied]);
    const error = await sourceWith(fetch).lookup(request([{ productId: null, variantId: '1', sku: null }])).catch((e: unknown) => e);
    expect(isConnectError(error) && error.code === 'UPSTREAM_FAILED' && !error.retryable).toBe(true);
    expect((error as Error).message).toContain('read_products');
  });
});

describe('Shopify order → warranty document, end to end (webhook → worker → Admin GraphQL → sandbox)', () => {
  let h: AppHarness;
  let storeId: string;
  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    storeId = (
      await h.installShop(SHOP, {
        rules: [
          { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-oc', templateVersion: '1' },
          { eventKind: 'order.placed', documentType: 'warranty_document', channel: 'print', productType: 'Helmet', communicationId: 'comm-helmet-warranty', templateVersion: '1' },
        ],
      })
    ).id;
  });
  afterAll(async () => h?.close());
  afterEach(() => resetShopifyNetwork());

  it('GIVEN a helmet + gloves order and a Helmet warranty rule THEN a warranty with only the helmet line reaches the sandbox', async () => {
    const graphql: Captured[] = [];
    let throttledOnce = false;
    interceptShopify(async (req) => {
      const url = new URL(req.url);
      if (url.pathname !== '/admin/api/2026-04/graphql.json') return undefined;
      const body = (await req.json()) as { query: string; variables: { ids?: string[] } };
      // The write-back (order metafield) talks to the same endpoint once the rows are sent: not ours to count.
      if (!body.variables.ids) return graphqlOk({ metafieldsSet: { metafields: [], userErrors: [] } });
      graphql.push({ url: req.url, token: req.headers.get('X-Shopify-Access-Token'), query: body.query, variables: { ids: body.variables.ids } });
      // The bucket is empty the first time: the source waits and asks again.
      if (!throttledOnce) {
        throttledOnce = true;
        return graphqlThrottled(4, 0, 100);
      }
      return nodesAnswer(body.variables.ids);
    });

    const body = await shopifyFixture('orders-create');
    const orderId = String(JSON.parse(body).id);
    const response = await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', body }), params: {}, context: {} }));
    expect(response.status).toBe(200);

    const rows = await eventually(async () => {
      const found = await h.db.prisma.communication.findMany({ where: { storeId, orderRef: orderId } });
      return found.length === 2 && found.every((r) => r.status === 'sent' || r.status === 'delivered' || r.status === 'opened') ? found : null;
    }, 'the order confirmation and the helmet warranty sent');
    const warranty = rows.find((r) => r.documentType === 'warranty_document')!;
    expect(warranty).toMatchObject({ channel: 'print', exstreamCommunicationId: 'comm-helmet-warranty' });
    const sent = h.sandbox.requests().find((r) => r.idempotencyKey === warranty.idempotencyKey && r.path.endsWith('/generate'));
    const data = sent!.body as { products: Array<{ sku: string; productType: string; tags: string[] }>; order: { lines: unknown[] } };
    expect(data.products).toHaveLength(1);
    expect(data.products[0]).toMatchObject({ sku: 'HLM-AERO-M', productType: 'Helmet', tags: ['EN 1078', 'warranty-2y'] });
    expect(data.order.lines).toHaveLength(2);

    // Two Admin calls (THROTTLED, then the answer), with the shop's offline token, by variant GID.
    expect(graphql).toHaveLength(2);
    expect(graphql[1]!.token).toBeTruthy();
    expect(graphql[1]!.variables.ids.sort()).toEqual(['gid://shopify/ProductVariant/46870091137213', 'gid://shopify/ProductVariant/46870091333821']);
  });
});
