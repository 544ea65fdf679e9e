import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, getJwt, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { loader as communicationsApi } from '../app/routes/api.orders.$id.communications.tsx';
import { action as resendApi } from '../app/routes/api.orders.$id.resend.tsx';
import { loader as documentApi } from '../app/routes/api.documents.$communicationId.tsx';
import { loader as printApi } from '../app/routes/api.orders.$id.documents.print.tsx';
import type { TimelineEntry } from '@exstream-connect/engine';
import { OTHER_SHOP, SHOP, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';

const args = (request: Request, params: Record<string, string>) => ({ request, params, context: {} });
const asShop = (shop: string, request: Request) =>
  setUpValidRequest({ type: RequestType.Bearer, store: shop.replace('.myshopify.com', ''), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, request);
const withToken = (token: string, url: string, init: RequestInit = {}) =>
  new Request(url, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` } });

describe('API routes for the admin UI extensions', () => {
  let h: AppHarness;
  let orderId: string;
  let entry: TimelineEntry;

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    const store = await h.installShop(SHOP);
    await h.installShop(OTHER_SHOP);
    const body = await shopifyFixture('orders-create');
    orderId = String(JSON.parse(body).id);
    expect((await responseOf(() => commerceWebhook(args(webhookRequest({ topic: 'orders/create', body }), {})))).status).toBe(200);
    entry = await eventually(async () => (await h.engine.history.forOrder(store, orderId)).find((e) => e.hasDocument), 'a produced document');
  });
  afterAll(async () => h?.close());

  it('GIVEN a valid session token WHEN the block asks for an order (numeric id or GID) THEN it gets the timeline with CORS headers', async () => {
    for (const id of [orderId, `gid://shopify/Order/${orderId}`]) {
      const response = await responseOf(async () =>
        communicationsApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/orders/${encodeURIComponent(id)}/communications`, { headers: { Origin: 'https://extensions.shopifycdn.com' } })), { id })),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const { items } = await response.json();
      expect(items.map((i: TimelineEntry) => i.id)).toContain(entry.id);
      expect(items[0]).toMatchObject({ orderRef: orderId, documentType: expect.any(String), statusHistory: expect.any(Array) });
    }
  });

  it('GIVEN an OPTIONS preflight from the extension origin THEN 204 with the CORS allowances', async () => {
    const request = new Request(`${APP_URL}/api/orders/${orderId}/resend`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://extensions.shopifycdn.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    const response = await responseOf(() => communicationsApi(args(request, { id: orderId })));
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
  });

  it('GIVEN no token, an expired token, a wrong audience or a wrong signature THEN refused', async () => {
    const url = `${APP_URL}/api/orders/${orderId}/communications`;
    const now = Date.now() / 1000;
    const expired = (await getJwt(SHOP, API_KEY, API_SECRET_KEY, { exp: now - 600, nbf: now - 7200, iat: now - 7200 })).token;
    const wrongAudience = (await getJwt(SHOP, 'another-apps-key', API_SECRET_KEY)).token;
    const wrongSecret = (await getJwt(SHOP, API_KEY, 'not-our-secret')).token;
    const noToken = await responseOf(() => communicationsApi(args(new Request(url), { id: orderId })));
    expect([302, 401]).toContain(noToken.status);
    for (const token of [expired, wrongAudience, wrongSecret]) {
      const response = await responseOf(() => communicationsApi(args(withToken(token, url), { id: orderId })));
      expect(response.status).toBe(401);
    }
  });

  it('GIVEN another shop\'s valid token THEN it cannot read, resend or open this shop\'s communications', async () => {
    const read = await responseOf(async () => communicationsApi(args(await asShop(OTHER_SHOP, new Request(`${APP_URL}/api/orders/${orderId}/communications`)), { id: orderId })));
    expect((await read.json()).items).toEqual([]);

    const resend = await responseOf(async () =>
      resendApi(args(await asShop(OTHER_SHOP, new Request(`${APP_URL}/api/orders/${orderId}/resend`, { method: 'POST', body: JSON.stringify({ communicationId: entry.id }) })), { id: orderId })),
    );
    expect(resend.status).toBe(404);

    const document = await responseOf(async () => documentApi(args(await asShop(OTHER_SHOP, new Request(`${APP_URL}/api/documents/${entry.id}`)), { communicationId: entry.id })));
    expect(document.status).toBe(404);
  });

  it('GIVEN this shop\'s token THEN the PDF opens and the print page embeds it', async () => {
    const document = await responseOf(async () => documentApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/documents/${entry.id}`)), { communicationId: entry.id })));
    expect(document.status).toBe(200);
    expect(document.headers.get('Content-Type')).toBe('application/pdf');
    expect(Buffer.from(await document.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const print = await responseOf(async () => printApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/orders/${orderId}/documents/print`)), { id: orderId })));
    expect(print.status).toBe(200);
    const html = await print.text();
    expect(html).toContain(`/api/documents/${entry.id}`);
    expect(html).not.toContain('<script');
  });

  it.each(['not-a-uuid', 'doc_1', `${'a'.repeat(36)}`, '00000000-0000-0000-0000-00000000000g'])('GIVEN a document id %s that is not a UUID THEN 404 (it never reaches the uuid column)', async (id) => {
    const response = await responseOf(async () => documentApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/documents/${id}`)), { communicationId: id })));
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });

  it('GIVEN an order id with a stray percent sign THEN 400, not a URIError 500', async () => {
    const response = await responseOf(async () => communicationsApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/orders/x/communications`)), { id: '%E0%A4%A' })));
    expect(response.status).toBe(400);
  });

  it('GIVEN a well-formed UUID of no communication THEN 404; a resend naming a non-UUID THEN 404', async () => {
    const unknown = '3f0e2c1a-9b8d-4e7f-a6b5-c4d3e2f1a0b9';
    const document = await responseOf(async () => documentApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/documents/${unknown}`)), { communicationId: unknown })));
    expect(document.status).toBe(404);
    const resend = await responseOf(async () =>
      resendApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/orders/${orderId}/resend`, { method: 'POST', body: JSON.stringify({ communicationId: 'not-a-uuid' }) })), { id: orderId })),
    );
    expect(resend.status).toBe(404);
  });

  it('GIVEN a resend for the wrong order or a malformed body THEN 404 / 400; for the right order THEN a new linked attempt', async () => {
    const post = async (id: string, body: string) =>
      responseOf(async () => resendApi(args(await asShop(SHOP, new Request(`${APP_URL}/api/orders/${id}/resend`, { method: 'POST', body })), { id })));
    expect((await post('1234', JSON.stringify({ communicationId: entry.id }))).status).toBe(404);
    expect((await post(orderId, '{"nope":1}')).status).toBe(400);
    const ok = await post(orderId, JSON.stringify({ communicationId: entry.id }));
    expect(ok.status).toBe(200);
    const { communicationId } = await ok.json();
    expect(communicationId).not.toBe(entry.id);
    const timeline = await h.engine.history.forOrder({ id: (await h.engine.stores.find('shopify', SHOP))!.id }, orderId);
    expect(timeline.find((e) => e.id === communicationId)?.resendOfId).toBe(entry.id);
  });
});
