import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '@shopify/shopify-api';
import { isConnectError } from '@exstream-connect/core';
import { createShopifyWriteBack, FAILURE_TAG, METAFIELD_KEY, METAFIELD_NAMESPACE } from '../app/write-back.server.ts';
import { createWriteBackPort } from '../src/create-write-back-port.ts';
import { SHOP, startAppHarness, type AppHarness } from './helpers/app-harness.ts';
import { graphqlOk, graphqlThrottled, interceptShopify, resetShopifyNetwork } from './helpers/shopify-network.ts';

type Captured = { url: string; token: string | null; query: string; variables: Record<string, unknown> };

/** A fetch that answers Admin GraphQL with the queued responses and records each request. */
function stubAdmin(responses: Array<() => Response>) {
  const calls: Captured[] = [];
  const fetch: typeof globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = (await request.json()) as { query: string; variables: Record<string, unknown> };
    calls.push({ url: request.url, token: request.headers.get('X-Shopify-Access-Token'), query: body.query, variables: body.variables });
    const next = responses.shift();
    if (!next) throw new Error('No more stubbed Admin API responses');
    return next();
  };
  return { fetch, calls };
}

const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
afterEach(() => void (sleeps.length = 0));

const writeBackWith = (fetch: typeof globalThis.fetch, extra: { maxThrottleRetries?: number } = {}) =>
  createShopifyWriteBack({ accessToken: async () => 'shpat_offline_token', apiVersion: '2026-04', fetch, sleep, ...extra });

describe('Shopify write-back (Admin GraphQL)', () => {
  it('GIVEN an order summary THEN metafieldsSet writes the app-namespaced json metafield on the order with the offline token', async () => {
    const { fetch, calls } = stubAdmin([() => graphqlOk({ metafieldsSet: { metafields: [{ id: 'gid://shopify/Metafield/1', namespace: 'app--123--exstream_connect', key: 'communications' }], userErrors: [] } })]);
    const summary = { total: 2, failed: 0, last: { documentType: 'order_confirmation', status: 'delivered' } };
    await writeBackWith(fetch).apply({ kind: 'order_summary', storeKey: SHOP, orderRef: '5501234567890', summary });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(`https://${SHOP}/admin/api/2026-04/graphql.json`);
    expect(calls[0]!.token).toBe('shpat_offline_token');
    expect(calls[0]!.query).toContain('metafieldsSet');
    expect(calls[0]!.variables).toEqual({
      metafields: [{ ownerId: 'gid://shopify/Order/5501234567890', namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEY, type: 'json', value: JSON.stringify(summary) }],
    });
  });

  it('GIVEN a failure THEN tagsAdd puts the exstream-failed tag on the order', async () => {
    const { fetch, calls } = stubAdmin([() => graphqlOk({ tagsAdd: { node: { id: 'gid://shopify/Order/77' }, userErrors: [] } })]);
    await writeBackWith(fetch).apply({ kind: 'order_failure_tag', storeKey: SHOP, orderRef: '77' });
    expect(calls[0]!.variables).toEqual({ id: 'gid://shopify/Order/77', tags: [FAILURE_TAG] });
  });

  it('GIVEN an email opt-out known only by email THEN the customer is looked up and set UNSUBSCRIBED; a subscribe is never written', async () => {
    const { fetch, calls } = stubAdmin([
      () => graphqlOk({ customers: { nodes: [{ id: 'gid://shopify/Customer/9001' }] } }),
      () => graphqlOk({ customerEmailMarketingConsentUpdate: { customer: { id: 'gid://shopify/Customer/9001' }, userErrors: [] } }),
    ]);
    const writeBack = writeBackWith(fetch);
    await writeBack.apply({ kind: 'customer_consent', storeKey: SHOP, email: 'jane+optout@example.com', consent: { channel: 'email', state: 'unsubscribed' } });
    await writeBack.apply({ kind: 'customer_consent', storeKey: SHOP, customerRef: '9001', consent: { channel: 'email', state: 'subscribed' } });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.variables).toEqual({ query: 'email:"jane+optout@example.com"' });
    expect(calls[1]!.variables).toEqual({
      input: { customerId: 'gid://shopify/Customer/9001', emailMarketingConsent: { marketingState: 'UNSUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' } },
    });
  });

  it('GIVEN a THROTTLED answer THEN it waits (requested − available) / restoreRate seconds and retries', async () => {
    const { fetch, calls } = stubAdmin([() => graphqlThrottled(500, 100, 100), () => graphqlOk({ tagsAdd: { node: { id: 'gid://shopify/Order/1' }, userErrors: [] } })]);
    await writeBackWith(fetch).apply({ kind: 'order_failure_tag', storeKey: SHOP, orderRef: '1' });
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([4000]);
  });

  it('GIVEN Shopify stays THROTTLED THEN it gives up after the bounded retries with a retryable UPSTREAM_FAILED', async () => {
    const { fetch, calls } = stubAdmin(Array.from({ length: 10 }, () => () => graphqlThrottled(50, 0, 50)));
    const error = await writeBackWith(fetch, { maxThrottleRetries: 2 })
      .apply({ kind: 'order_failure_tag', storeKey: SHOP, orderRef: '1' })
      .catch((e: unknown) => e);
    expect(isConnectError(error) && error.code === 'UPSTREAM_FAILED' && error.retryable).toBe(true);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('GIVEN userErrors THEN a non-retryable UPSTREAM_FAILED naming the field', async () => {
    const { fetch } = stubAdmin([() => graphqlOk({ metafieldsSet: { metafields: [], userErrors: [{ field: ['metafields', '0', 'value'], message: 'Value is invalid JSON', code: 'INVALID_VALUE' }] } })]);
    const error = await writeBackWith(fetch)
      .apply({ kind: 'order_summary', storeKey: SHOP, orderRef: '1', summary: {} })
      .catch((e: unknown) => e);
    expect(isConnectError(error) && error.code === 'UPSTREAM_FAILED' && !error.retryable).toBe(true);
    expect(isConnectError(error) && error.issues[0]?.path).toBe('metafields.0.value');
  });
});

describe('Write-back port wired to session storage', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterAll(async () => h?.close());
  afterEach(() => resetShopifyNetwork());

  it('GIVEN an expired expiring offline token THEN it is refreshed through Shopify, stored, and used for the Admin call', async () => {
    await h.sessionStorage.storeSession(
      new Session({
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: '',
        isOnline: false,
        accessToken: 'shpat_expired',
        scope: 'read_orders,write_orders',
        expires: new Date(Date.now() - 60_000),
        refreshToken: 'shprt_refresh_1',
        refreshTokenExpires: new Date(Date.now() + 30 * 24 * 3600_000),
      }),
    );
    const seen: Array<{ path: string; token: string | null; body: string }> = [];
    interceptShopify(async (request) => {
      const url = new URL(request.url);
      seen.push({ path: url.pathname, token: request.headers.get('X-Shopify-Access-Token'), body: await request.text() });
      if (url.pathname === '/admin/oauth/access_token') {
        return Response.json({ access_token: 'shpat_fresh', scope: 'read_orders,write_orders', expires_in: 86400, refresh_token: 'shprt_refresh_2', refresh_token_expires_in: 2592000 });
      }
      if (url.pathname === '/admin/api/2026-04/graphql.json') return graphqlOk({ tagsAdd: { node: { id: 'gid://shopify/Order/5' }, userErrors: [] } });
      return undefined;
    });
    await createWriteBackPort({ sleep }).apply({ kind: 'order_failure_tag', storeKey: SHOP, orderRef: '5' });

    expect(seen.map((s) => s.path)).toEqual(['/admin/oauth/access_token', '/admin/api/2026-04/graphql.json']);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'shprt_refresh_1' });
    expect(seen[1]!.token).toBe('shpat_fresh');
    const stored = await h.sessionStorage.loadSession(`offline_${SHOP}`);
    expect(stored?.accessToken).toBe('shpat_fresh');
    expect(stored?.refreshToken).toBe('shprt_refresh_2');
  });
});
