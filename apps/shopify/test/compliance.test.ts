import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET_KEY, RequestType, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { action as complianceWebhook } from '../app/routes/webhooks.compliance.tsx';
import { action as feedbackCallback } from '../app/routes/exstream.feedback.tsx';
import { loader as dashboardLoader } from '../app/routes/app._index.tsx';
import { loader as exportDownload } from '../app/routes/app.exports.$id.tsx';
import { SHOP, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';

const post = (request: Request) => responseOf(() => complianceWebhook({ request, params: {}, context: {} }));
const bearer = async (url: string, shop = SHOP) =>
  await setUpValidRequest({ type: RequestType.Bearer, store: shop.replace('.myshopify.com', ''), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(url));

/** Every text column of the rows the product keeps for a store, as one string to search. */
async function storeDataText(h: AppHarness, storeId: string): Promise<string> {
  const tables = ['Communication', 'CommunicationEvent', 'InboundEvent', 'CustomerPreference', 'ConsentEvent'];
  const parts: string[] = [];
  for (const table of tables) {
    const column = table === 'CommunicationEvent' ? `"communicationId" IN (SELECT id FROM "Communication" WHERE "storeId" = $1)` : `"storeId" = $1`;
    const rows = await h.db.sql.query<{ t: string }>(`SELECT row_to_json(x)::text AS t FROM "${table}" x WHERE ${column}`, [storeId]);
    parts.push(...rows.map((r) => r.t));
  }
  return parts.join('\n');
}

describe('Mandatory compliance webhooks', () => {
  let h: AppHarness;
  let storeId: string;
  let order: { id: number; email: string; customer: { id: number; email: string; first_name: string; last_name: string } };

  let documentFiles: string[] = [];

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    storeId = (await h.installShop(SHOP)).id;
    const body = await shopifyFixture('orders-create');
    order = JSON.parse(body);
    expect((await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', body }), params: {}, context: {} }))).status).toBe(200);
    const sent = await eventually(
      async () => (await h.db.prisma.communication.findMany({ where: { storeId, orderRef: String(order.id), status: 'sent', documentPath: { not: null } } }))[0],
      'the order confirmation sent, its PDF stored',
    );
    documentFiles = [path.join(h.dir, 'documents', sent.documentPath!)];
    // The customer opts out of email (Exstream's signed delivery feedback): a preference and a
    // consent event are now held about them.
    const feedback = JSON.stringify({ events: [{ idempotencyKey: sent.idempotencyKey, jobId: null, outcome: 'opted_out', channel: 'email', at: new Date().toISOString(), detail: 'unsubscribe link' }] });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac('sha256', 'test-feedback-secret').update(`${t}.${feedback}`).digest('hex')}`;
    const applied = await responseOf(() =>
      feedbackCallback({ request: new Request('https://my-test-app.myshopify.io/exstream/feedback', { method: 'POST', headers: { 'x-exstream-connect-signature': signature }, body: feedback }), params: {}, context: {} }),
    );
    expect(applied.status).toBe(200);
    expect(await h.db.prisma.consentEvent.count({ where: { storeId } })).toBe(1);
  });
  afterAll(async () => h?.close());

  it.each(['customers/data_request', 'customers/redact', 'shop/redact'])('GIVEN %s signed with the wrong secret THEN 401', async (topic) => {
    const response = await post(webhookRequest({ topic, body: JSON.stringify({ shop_domain: SHOP }), secret: 'wrong', path: '/webhooks/compliance' }));
    expect(response.status).toBe(401);
  });

  it('GIVEN customers/data_request THEN an export with the customer history, archived document data, preferences, consent log and the raw bodies of the requested orders is stored, listed on the Dashboard and downloadable by that shop only', async () => {
    const payload = { shop_id: 1, shop_domain: SHOP, orders_requested: [order.id], customer: { id: order.customer.id, email: order.customer.email }, data_request: { id: 9999 } };
    const response = await post(webhookRequest({ topic: 'customers/data_request', body: JSON.stringify(payload), path: '/webhooks/compliance' }));
    expect(response.status).toBe(200);

    const files = await readdir(path.join(h.exportsDir, SHOP));
    expect(files).toEqual(['data-request-9999.json']);
    const exported = JSON.parse(await readFile(path.join(h.exportsDir, SHOP, files[0]!), 'utf8'));
    expect(exported.customerRef).toBe(String(order.customer.id));
    const { data } = exported;
    // History, with the archived document data that was sent to Exstream.
    const confirmation = data.communications.find((c: { orderRef: string; documentType: string }) => c.orderRef === String(order.id) && c.documentType === 'order_confirmation');
    expect(confirmation).toMatchObject({ status: 'sent', statusHistory: expect.arrayContaining([expect.objectContaining({ status: 'sent' })]) });
    expect(JSON.stringify(confirmation.documentData)).toContain(order.customer.email);
    // Preferences and the consent log.
    expect(data.preferences).toEqual([expect.objectContaining({ channel: 'email', state: 'opted_out', source: 'exstream_feedback' })]);
    expect(data.consentChanges).toEqual([expect.objectContaining({ channel: 'email', state: 'opted_out' })]);
    // orders_requested: named, and the raw Shopify body we keep for each of those orders.
    expect(data.ordersRequested).toEqual([String(order.id)]);
    expect(data.orderPayloads).toEqual([expect.objectContaining({ orderRef: String(order.id), topic: 'orders/create', payload: expect.objectContaining({ id: order.id, email: order.email }) })]);

    const dashboard = await responseOf(async () => dashboardLoader({ request: await bearer('https://my-test-app.myshopify.io/app'), params: {}, context: {} }));
    const listed = await dashboard.json();
    expect(listed.exports.map((e: { id: string }) => e.id)).toEqual(['data-request-9999']);

    const download = await responseOf(async () => exportDownload({ request: await bearer('https://my-test-app.myshopify.io/app/exports/data-request-9999'), params: { id: 'data-request-9999' }, context: {} }));
    expect(download.status).toBe(200);
    expect(download.headers.get('Content-Disposition')).toContain('attachment');
    expect(JSON.parse(await download.text()).id).toBe('data-request-9999');

    await h.installShop('other-shop.myshopify.com');
    const otherShop = await responseOf(async () =>
      exportDownload({ request: await bearer('https://my-test-app.myshopify.io/app/exports/data-request-9999', 'other-shop.myshopify.com'), params: { id: 'data-request-9999' }, context: {} }),
    );
    expect(otherShop.status).toBe(404);
    const traversal = await responseOf(async () => exportDownload({ request: await bearer('https://my-test-app.myshopify.io/app/exports/x'), params: { id: '../other-shop.myshopify.com/data-request-9999' }, context: {} }));
    expect(traversal.status).toBe(404);
  });

  it('GIVEN a data_request that names only orders (no customer) THEN those orders\' history and raw bodies are exported', async () => {
    const payload = { shop_id: 1, shop_domain: SHOP, orders_requested: [order.id], customer: null, data_request: { id: 9998 } };
    expect((await post(webhookRequest({ topic: 'customers/data_request', body: JSON.stringify(payload), path: '/webhooks/compliance' }))).status).toBe(200);
    const exported = JSON.parse(await readFile(path.join(h.exportsDir, SHOP, 'data-request-9998.json'), 'utf8'));
    expect(exported.data.communications.map((c: { orderRef: string }) => c.orderRef)).toContain(String(order.id));
    expect(exported.data.orderPayloads.map((p: { orderRef: string }) => p.orderRef)).toEqual([String(order.id)]);
    // Nothing names whose data it is: refused with the field, not a 500.
    const nobody = await post(webhookRequest({ topic: 'customers/data_request', body: JSON.stringify({ shop_domain: SHOP, customer: null, data_request: { id: 9997 } }), path: '/webhooks/compliance' }));
    expect(nobody.status).toBe(400);
    expect((await nobody.json()).error.issues).toEqual([{ path: 'customer', message: 'customer.id, customer.email or orders_requested is required' }]);
  });

  it('GIVEN customers/redact THEN no personal data of that customer is left: history, inbound events, preferences, consent log, stored PDFs and exports', async () => {
    expect(await storeDataText(h, storeId)).toContain(order.customer.email);
    expect(documentFiles.every((file) => existsSync(file))).toBe(true);
    expect(await h.db.prisma.customerPreference.count({ where: { storeId } })).toBe(1);
    const payload = { shop_id: 1, shop_domain: SHOP, customer: { id: order.customer.id, email: order.customer.email, phone: null }, orders_to_redact: [order.id] };
    const response = await post(webhookRequest({ topic: 'customers/redact', body: JSON.stringify(payload), path: '/webhooks/compliance' }));
    expect(response.status).toBe(200);

    const text = await storeDataText(h, storeId);
    for (const personal of [order.customer.email, order.customer.first_name, order.customer.last_name, 'Piotrkowska']) {
      expect(text, personal).not.toContain(personal);
    }
    // The PDFs produced for the customer are deleted from disk and no longer referenced.
    expect(documentFiles.filter((file) => existsSync(file))).toEqual([]);
    expect(await h.db.prisma.communication.count({ where: { storeId, documentPath: { not: null }, orderRef: String(order.id) } })).toBe(0);
    expect(await h.db.prisma.consentEvent.count({ where: { storeId } })).toBe(0);
    expect(await h.db.prisma.customerPreference.count({ where: { storeId } })).toBe(0);
    // The exports go too: the customer's, and the orders-only one (it holds a redacted order).
    expect(await readdir(path.join(h.exportsDir, SHOP))).toEqual([]);
  });

  it('GIVEN shop/redact THEN the store, its sessions and its exports are erased', async () => {
    const shop = 'erased-shop.myshopify.com';
    const store = await h.installShop(shop);
    const response = await post(webhookRequest({ topic: 'shop/redact', shop, body: JSON.stringify({ shop_id: 2, shop_domain: shop }), path: '/webhooks/compliance' }));
    expect(response.status).toBe(200);
    expect(await h.engine.stores.find('shopify', shop)).toBeNull();
    expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(0);
    expect(await h.sessionStorage.findSessionsByShop(shop)).toHaveLength(0);
  });
});
