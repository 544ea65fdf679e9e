import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, getJwt, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { authenticate } from '../app/shopify.server.ts';
import { startAppHarness, type AppHarness } from './helpers/app-harness.ts';
import { interceptShopify, resetShopifyNetwork, shopifyCalls } from './helpers/shopify-network.ts';

/** A first document load inside Shopify's admin: `/app?embedded=1&shop=…&host=…&id_token=…`. */
const firstVisit = (shop: string, path = '/app') =>
  setUpValidRequest({ type: RequestType.Admin, store: shop.replace('.myshopify.com', ''), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}${path}`));

/** What Shopify answers a token exchange for an expiring offline token (shopify.dev, token exchange). */
const offlineTokenAnswer = { access_token: 'shpat_new_install', scope: 'read_orders,write_orders', expires_in: 86_400, refresh_token: 'shprt_new_install', refresh_token_expires_in: 7_776_000 };

async function thrown(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error('expected a thrown Response');
}

describe('Install and embedded auth (new embedded auth strategy, token exchange)', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness();
  });
  afterEach(() => resetShopifyNetwork());
  afterAll(async () => h?.close());

  it('GIVEN a first admin visit with an id_token and no session THEN the offline token is exchanged, stored with its refresh token, and afterAuth creates the Store row', async () => {
    const shop = 'new-merchant.myshopify.com';
    const exchanges: Array<{ url: string; body: Record<string, string> }> = [];
    interceptShopify(async (request) => {
      if (request.method !== 'POST' || request.url !== `https://${shop}/admin/oauth/access_token`) return undefined;
      exchanges.push({ url: request.url, body: (await request.json()) as Record<string, string> });
      return Response.json(offlineTokenAnswer);
    });
    const request = await firstVisit(shop);
    const idToken = new URL(request.url).searchParams.get('id_token');
    expect(await h.sessionStorage.loadSession(`offline_${shop}`)).toBeUndefined();
    expect(await h.engine.stores.find('shopify', shop)).toBeNull();

    const before = Date.now();
    const { session } = await authenticate.admin(request);

    expect(session).toMatchObject({ id: `offline_${shop}`, shop, isOnline: false, accessToken: 'shpat_new_install' });
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.body).toEqual({
      client_id: API_KEY,
      client_secret: API_SECRET_KEY,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      // FUTURE_FLAGS.expiringOfflineAccessTokens
      expiring: '1',
    });
    const stored = await h.sessionStorage.loadSession(`offline_${shop}`);
    expect(stored).toMatchObject({ shop, isOnline: false, accessToken: 'shpat_new_install', scope: 'read_orders,write_orders', refreshToken: 'shprt_new_install' });
    expect(stored!.expires!.getTime()).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(stored!.refreshTokenExpires!.getTime()).toBeGreaterThanOrEqual(before + 7_776_000_000 - 1000);
    // Created by the afterAuth hook (nothing else ran: authenticate.admin was called directly).
    const store = await h.engine.stores.find('shopify', shop);
    expect(store).toMatchObject({ platform: 'shopify', storeKey: shop, installed: true });

    // The next visit with a fresh id_token uses the stored session: no second exchange.
    const again = await authenticate.admin(await firstVisit(shop, '/app/settings'));
    expect(again.session.accessToken).toBe('shpat_new_install');
    expect(exchanges).toHaveLength(1);
  });

  it('GIVEN Shopify refuses the id_token in the exchange (invalid_subject_token) THEN the request is bounced for a new token and nothing is stored', async () => {
    const shop = 'refused-merchant.myshopify.com';
    interceptShopify((request) =>
      request.url === `https://${shop}/admin/oauth/access_token` ? Response.json({ error: 'invalid_subject_token', error_description: 'Token is invalid' }, { status: 400 }) : undefined,
    );
    const response = await thrown(async () => authenticate.admin(await firstVisit(shop)));
    // A document request is sent to the session-token bounce page to fetch a new id_token.
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toContain('/auth/session-token');
    expect(await h.sessionStorage.loadSession(`offline_${shop}`)).toBeUndefined();
    expect(await h.engine.stores.find('shopify', shop)).toBeNull();
  });

  it('GIVEN an expired id_token THEN no exchange is attempted and the request is bounced', async () => {
    const shop = 'late-merchant.myshopify.com';
    const now = Date.now() / 1000;
    const { token } = await getJwt(shop, API_KEY, API_SECRET_KEY, { exp: now - 600, nbf: now - 7200, iat: now - 7200 });
    const url = new URL(`${APP_URL}/app`);
    for (const [name, value] of Object.entries({ embedded: '1', shop, host: Buffer.from(`admin.shopify.com/store/late-merchant`).toString('base64'), id_token: token })) url.searchParams.set(name, value);
    const response = await thrown(() => authenticate.admin(new Request(url)));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toContain('/auth/session-token');
    expect(shopifyCalls()).toHaveLength(0);
    expect(await h.engine.stores.find('shopify', shop)).toBeNull();
  });
});
