import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, getJwt, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import type { TimelineEntry } from '@exstream-connect/engine';
import { signDownloadPath } from '../app/lib/signed-download-url.server.ts';
import { writeCustomerExport } from '../app/lib/customer-exports.server.ts';
import { DownloadError, downloadWithSessionToken } from '../app/lib/download-with-session-token.ts';
import { runtime } from '../app/runtime.server.ts';
import { OTHER_SHOP, SHOP, eventually, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';
import { startRemixRequestHandler, type RemixRequestHandler } from './helpers/remix-request-handler.ts';
import { interceptShopify } from './helpers/shopify-network.ts';

/**
 * Requests through the app's real Remix request handler (route matching, loader-vs-action by
 * method, error boundaries, entry.server), with local mode OFF: what Shopify's admin and Shopify's
 * webhook deliveries actually reach.
 */
const WEBHOOK_ROUTES = ['/webhooks/commerce', '/webhooks/compliance', '/webhooks/app/uninstalled', '/webhooks/app/scopes_update'] as const;
const FAILED_ORDER_ID = 5509990007001;
/** `getJwt` takes the store name and adds `.myshopify.com` itself. */
const SHOP_NAME = SHOP.replace('.myshopify.com', '');

const bearer = (shop: string, path: string, init?: RequestInit) =>
  setUpValidRequest({ type: RequestType.Bearer, store: shop.replace('.myshopify.com', ''), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}${path}`, init));
/** A first document load inside the admin: `?embedded=1&shop&host&id_token`. */
const adminDocument = (shop: string, path: string) =>
  setUpValidRequest({ type: RequestType.Admin, store: shop.replace('.myshopify.com', ''), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}${path}`));
const anonymous = (path: string) => new Request(`${APP_URL}${path}`);

describe('Through the Remix request handler (local mode off)', () => {
  let h: AppHarness;
  let app: RemixRequestHandler;
  let orderId: string;
  let document: TimelineEntry;

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    const store = await h.installShop(SHOP);
    await h.installShop(OTHER_SHOP);
    app = await startRemixRequestHandler();
    const body = await shopifyFixture('orders-create');
    orderId = String(JSON.parse(body).id);
    // Delivered through routing too: POST reaches the action.
    expect((await app.handle(webhookRequest({ topic: 'orders/create', body }))).status).toBe(200);
    document = await eventually(async () => (await h.engine.history.forOrder(store, orderId)).find((e) => e.hasDocument), 'a produced document');
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  describe('webhook routes refuse other methods', () => {
    const cases = WEBHOOK_ROUTES.flatMap((path) => (['GET', 'PUT', 'DELETE'] as const).map((method) => [method, path] as const));

    it.each(cases)('GIVEN %s %s THEN 405, Allow: POST and a JSON error naming the method; nothing is stored', async (method, path) => {
      const before = await h.db.prisma.inboundEvent.count();
      // Correctly signed, so only the method is wrong.
      const request = webhookRequest({ topic: path === '/webhooks/commerce' ? 'orders/create' : 'shop/redact', body: method === 'GET' ? '' : await shopifyFixture('orders-create'), path, method });
      const response = await app.handle(request);
      expect(response.status).toBe(405);
      expect(response.headers.get('Allow')).toBe('POST');
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: `method ${method} is not allowed: webhooks are delivered with POST` } });
      expect(await h.db.prisma.inboundEvent.count()).toBe(before);
    });

    it('GIVEN HEAD THEN 405 with Allow: POST', async () => {
      const response = await app.handle(new Request(`${APP_URL}/webhooks/commerce`, { method: 'HEAD' }));
      expect(response.status).toBe(405);
      expect(response.headers.get('Allow')).toBe('POST');
    });
  });

  describe('document links the browser loads without a session token (print page)', () => {
    const key = () => runtime().downloadSigningKey;
    const documentPath = () => `/api/documents/${document.id}`;

    it('GIVEN the print page THEN every embedded document is a signed, shop-scoped link that loads without a token', async () => {
      const print = await app.handle(await bearer(SHOP, `/api/orders/${orderId}/documents/print`));
      expect(print.status).toBe(200);
      const html = await print.text();
      const links = [...html.matchAll(/<object data="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const url = new URL(link, APP_URL);
        expect(url.searchParams.get('shop')).toBe(SHOP);
        expect(Number(url.searchParams.get('exp')) - Date.now() / 1000).toBeLessThanOrEqual(300);
        // No Authorization header, no id_token: only the signature.
        const pdf = await app.handle(anonymous(`${url.pathname}${url.search}`));
        expect(pdf.status).toBe(200);
        expect(pdf.headers.get('Content-Type')).toBe('application/pdf');
        expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
      }
    });

    it('GIVEN no token and no signature THEN the document is refused', async () => {
      const response = await app.handle(anonymous(documentPath()));
      expect(response.status).not.toBe(200);
      expect(response.headers.get('Content-Type')).not.toBe('application/pdf');
    });

    it('GIVEN a tampered, moved, expired or over-long link THEN 401 naming the problem', async () => {
      const valid = new URL(signDownloadPath(documentPath(), { shop: SHOP, key: key() }), APP_URL);
      const sig = valid.searchParams.get('sig')!;
      const tampered = new URL(valid);
      tampered.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
      const otherShop = new URL(valid);
      otherShop.searchParams.set('shop', OTHER_SHOP);
      const extended = new URL(valid);
      extended.searchParams.set('exp', String(Number(valid.searchParams.get('exp')) + 3600));
      const otherDocument = new URL(valid);
      otherDocument.pathname = '/api/documents/3f0e2c1a-9b8d-4e7f-a6b5-c4d3e2f1a0b9';
      const expired = new URL(signDownloadPath(documentPath(), { shop: SHOP, key: key(), now: Date.now() - 10 * 60_000 }), APP_URL);
      const farFuture = new URL(signDownloadPath(documentPath(), { shop: SHOP, key: key(), now: Date.now() + 24 * 3600_000 }), APP_URL);
      const otherSecret = new URL(signDownloadPath(documentPath(), { shop: SHOP, key: createHmac('sha256', 'not-the-app-secret').update('x').digest() }), APP_URL);
      const cases: Array<[URL, RegExp]> = [
        [tampered, /signature does not match/],
        [otherShop, /signature does not match/],
        [extended, /signature does not match/],
        [otherDocument, /signature does not match/],
        [otherSecret, /signature does not match/],
        [expired, /expired/],
        [farFuture, /too far in the future/],
      ];
      for (const [url, reason] of cases) {
        const response = await app.handle(anonymous(`${url.pathname}${url.search}`));
        expect(response.status, url.href).toBe(401);
        const { error } = await response.json();
        expect(error.code).toBe('UNAUTHENTICATED');
        expect(error.message).toMatch(reason);
        expect(JSON.stringify(error)).not.toContain(sig);
      }
      const malformed = await app.handle(anonymous(`${documentPath()}?sig=x`));
      expect(malformed.status).toBe(401);
      expect((await malformed.json()).error.message).toMatch(/malformed/);
      // The untouched link works.
      expect((await app.handle(anonymous(`${valid.pathname}${valid.search}`))).status).toBe(200);
    });

    it('GIVEN a valid link signed for another shop THEN that shop cannot open this shop\'s document', async () => {
      const url = new URL(signDownloadPath(documentPath(), { shop: OTHER_SHOP, key: key() }), APP_URL);
      const response = await app.handle(anonymous(`${url.pathname}${url.search}`));
      expect(response.status).toBe(404);
    });
  });

  describe('embedded downloads fetched with the session token (CSV export, customer data export)', () => {
    const routeFetch = (input: RequestInfo | URL, init?: RequestInit) => app.handle(new Request(new URL(String(input), APP_URL), init));

    it('GIVEN no token THEN the CSV export and the data export are refused; GIVEN an expired token THEN 401 asking for a retry', async () => {
      await writeCustomerExport(h.exportsDir, SHOP, 'data-request-42', { customerRef: '7', data: { hello: 'world' }, createdAt: new Date().toISOString() });
      for (const path of ['/app/communications/export', '/app/exports/data-request-42']) {
        const response = await app.handle(anonymous(path));
        expect(response.status, path).not.toBe(200);
        const now = Date.now() / 1000;
        const { token } = await getJwt(SHOP_NAME, API_KEY, API_SECRET_KEY, { exp: now - 600, nbf: now - 7200, iat: now - 7200 });
        const expired = await app.handle(new Request(`${APP_URL}${path}`, { headers: { Authorization: `Bearer ${token}` } }));
        expect(expired.status, path).toBe(401);
        expect(expired.headers.get('X-Shopify-Retry-Invalid-Session-Request')).toBe('1');
      }
    });

    it('GIVEN App Bridge\'s session token THEN downloadWithSessionToken gets the CSV and the export as files through the real routes', async () => {
      const saved: Array<{ name: string; blob: Blob }> = [];
      const deps = {
        idToken: async () => (await getJwt(SHOP_NAME, API_KEY, API_SECRET_KEY)).token,
        fetch: routeFetch as typeof fetch,
        save: (blob: Blob, name: string) => void saved.push({ name, blob }),
      };
      const csv = await downloadWithSessionToken(`/app/communications/export?type=order_confirmation`, 'communications.csv', deps);
      expect(csv.fileName).toMatch(/^communications-test-shop-\d{4}-\d{2}-\d{2}\.csv$/);
      const exported = await downloadWithSessionToken('/app/exports/data-request-42', 'x.json', deps);
      expect(exported.fileName).toBe('data-request-42.json');
      expect(saved.map((file) => file.name)).toEqual([csv.fileName, 'data-request-42.json']);
      const csvText = await saved[0]!.blob.text();
      expect(csvText.split('\r\n')[0]).toBe('id,created_at,order_id,order_number,document_type,channel,status,attempt,template_version,resend_of,last_error');
      expect(csvText).toContain(orderId);
      expect(JSON.parse(await saved[1]!.blob.text())).toMatchObject({ id: 'data-request-42', shop: SHOP, data: { hello: 'world' } });
    });

    it('GIVEN no session token (outside local mode) THEN downloadWithSessionToken saves nothing and reports the failure', async () => {
      let saves = 0;
      const attempt = downloadWithSessionToken('/app/communications/export', 'c.csv', { idToken: async () => '', fetch: routeFetch as typeof fetch, save: () => void saves++ });
      await expect(attempt).rejects.toBeInstanceOf(DownloadError);
      expect(saves).toBe(0);
    });
  });

  describe('error boundaries', () => {
    it('GIVEN a page loader that throws WHEN the Dashboard is opened in the admin THEN the layout renders a Polaris error page (500), not Remix\'s default, and leaks nothing', async () => {
      const stats = h.engine.history.stats;
      h.engine.history.stats = async () => {
        throw new Error('database unreachable at 10.0.0.7:5432 (password=hunter2) while loading stats for jane.doe@example.com');
      };
      const logged = h.logs.length;
      try {
        const response = await app.handle(await adminDocument(SHOP, '/app'));
        expect(response.status).toBe(500);
        const html = await response.text();
        expect(html).toContain('data-testid="error-page"');
        expect(html).toContain('Something went wrong');
        expect(html).toContain('Polaris-Page');
        // The layout loader succeeded: App Bridge stays in the page for the admin frame.
        expect(html).toContain('https://cdn.shopify.com/shopifycloud/app-bridge.js');
        expect(html).not.toContain('Application Error');
        expect(html).not.toContain('hunter2');
        expect(html).not.toContain('10.0.0.7');
        expect(html).not.toContain('jane.doe');
        // entry.server's handleError: one structured line in the app's logger, the address masked.
        const lines = h.logs.slice(logged).filter((l) => l.level === 'error' && l.message.startsWith('request failed'));
        expect(lines).toHaveLength(1);
        expect(lines[0]!.message).toContain('j***@example.com');
        expect(JSON.stringify(lines[0])).not.toContain('jane.doe@example.com');
        expect(lines[0]!.context).toMatchObject({ method: 'GET', path: '/app', type: 'Error' });
      } finally {
        h.engine.history.stats = stats;
      }
    });

    it('GIVEN the layout loader itself throws THEN its boundary still renders the Polaris error page', async () => {
      const find = h.engine.stores.find;
      h.engine.stores.find = async () => {
        throw new Error('store lookup failed');
      };
      try {
        const response = await app.handle(await adminDocument(SHOP, '/app/settings'));
        expect(response.status).toBe(500);
        const html = await response.text();
        expect(html).toContain('data-testid="error-page"');
        expect(html).toContain('Polaris-Page');
        expect(html).not.toContain('store lookup failed');
      } finally {
        h.engine.stores.find = find;
      }
    });

    it('GIVEN a Response thrown by the Shopify library (expired session token on a page) THEN boundary.error renders it and its retry header survives', async () => {
      const now = Date.now() / 1000;
      const { token } = await getJwt(SHOP_NAME, API_KEY, API_SECRET_KEY, { exp: now - 600, nbf: now - 7200, iat: now - 7200 });
      const response = await app.handle(new Request(`${APP_URL}/app/settings`, { headers: { Authorization: `Bearer ${token}` } }));
      expect(response.status).toBe(401);
      // boundary.headers keeps the library's header, so App Bridge fetches a new token and retries.
      expect(response.headers.get('X-Shopify-Retry-Invalid-Session-Request')).toBe('1');
      const html = await response.text();
      expect(html).toContain('Handling response');
      expect(html).not.toContain('data-testid="error-page"');
      expect(html).not.toContain('Application Error');
    });

    it('GIVEN an unknown URL THEN the root boundary renders a Polaris "Page not found" (404) without echoing the URL', async () => {
      const response = await app.handle(anonymous('/no-such-page-%3Cimg%20src=x%20onerror=alert(1)%3E'));
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toContain('data-testid="error-page"');
      expect(html).toContain('Page not found');
      expect(html).toMatch(/<link rel="stylesheet" href="[^"]*styles[^"]*\.css"/);
      // Remix serialises the error into its own JSON state; the page itself never renders the URL.
      expect(html).not.toMatch(/<img src=x/i);
      expect(html).not.toContain('Application Error');
    });
  });

  describe('rendered pages', () => {
    it('GIVEN failed communications WHEN the Dashboard renders THEN it shows the failure rate and the last errors from the stored rows', async () => {
      const failed = await h.seedFailedOrder(SHOP, { id: FAILED_ORDER_ID, name: '#7001' });
      const storeId = (await h.engine.stores.find('shopify', SHOP))!.id;
      const total = await h.db.prisma.communication.count({ where: { storeId } });
      const response = await app.handle(await adminDocument(SHOP, '/app'));
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`${((failed.length / total) * 100).toFixed(1)} %`);
      expect(html).toContain('Last errors');
      expect(html).toContain(`order ${FAILED_ORDER_ID}`);
      const escaped = failed[0]!.lastError!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
      expect(html).toContain(escaped);
      // The volume chart: one bar group per day, today's holding every stored row of today.
      const bars = [...html.matchAll(/<g data-day="(\d{4}-\d{2}-\d{2})" data-total="(\d+)">/g)].map((m) => ({ day: m[1]!, total: Number(m[2]) }));
      expect(bars).toHaveLength(14);
      const today = await h.db.prisma.communication.count({ where: { storeId, createdAt: { gte: new Date(`${bars.at(-1)!.day}T00:00:00Z`) } } });
      expect(bars.at(-1)!.total).toBe(today);
      expect(bars.reduce((sum, b) => sum + b.total, 0)).toBe(total);
    });
  });

  describe('install: first admin visit with an id_token and no session (token exchange)', () => {
    const shop = 'fresh-install.myshopify.com';

    it('GIVEN a first visit through the admin THEN the offline token is exchanged, stored, the store is created and the Dashboard renders', async () => {
      const exchanges: Array<Record<string, string>> = [];
      const remove = interceptShopify(async (request) => {
        if (request.url !== `https://${shop}/admin/oauth/access_token`) return undefined;
        exchanges.push((await request.json()) as Record<string, string>);
        return Response.json({ access_token: 'shpat_fresh_offline', scope: 'read_orders,write_orders', expires_in: 86_400, refresh_token: 'shprt_fresh', refresh_token_expires_in: 7_776_000 });
      });
      try {
        expect(await h.engine.stores.find('shopify', shop)).toBeNull();
        const response = await app.handle(await adminDocument(shop, '/app'));
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('Dashboard');
        expect(exchanges).toHaveLength(1);
        expect((await h.sessionStorage.loadSession(`offline_${shop}`))?.accessToken).toBe('shpat_fresh_offline');
        expect((await h.engine.stores.find('shopify', shop))?.installed).toBe(true);
        // A second visit uses the stored session: no new exchange.
        expect((await app.handle(await adminDocument(shop, '/app/communications'))).status).toBe(200);
        expect(exchanges).toHaveLength(1);
      } finally {
        remove();
      }
    });
  });
});
