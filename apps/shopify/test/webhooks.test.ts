import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_SECRET_KEY } from '@shopify/shopify-api/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOPIFY_TOPICS } from '@exstream-connect/core';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { action as uninstalledWebhook } from '../app/routes/webhooks.app.uninstalled.tsx';
import { action as scopesUpdateWebhook } from '../app/routes/webhooks.app.scopes_update.tsx';
import { action as complianceWebhook } from '../app/routes/webhooks.compliance.tsx';
import { SHOP, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Subscription = { topics: string[]; complianceTopics: string[]; uri: string };

/**
 * The `[[webhooks.subscriptions]]` tables of shopify.app.toml (their `topics`,
 * `compliance_topics` and `uri`), read strictly enough that a subscription the CLI would see
 * cannot be missed: every such table must have a uri and at least one topic.
 */
function readWebhookSubscriptions(toml: string): Subscription[] {
  const text = toml.replace(/#[^\n"]*$/gm, '');
  const tables = text.split(/^\s*\[\[webhooks\.subscriptions\]\]\s*$/m).slice(1).map((table) => table.split(/^\s*\[/m)[0]!);
  return tables.map((table) => {
    const list = (key: string) => {
      const match = new RegExp(`^\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(table);
      return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
    };
    const uri = /^\s*uri\s*=\s*"([^"]+)"/m.exec(table)?.[1];
    const subscription = { topics: list('topics'), complianceTopics: list('compliance_topics'), uri: uri ?? '' };
    if (!uri || subscription.topics.length + subscription.complianceTopics.length === 0) throw new Error(`incomplete subscription: ${table.trim()}`);
    return subscription;
  });
}

const call = (handler: typeof commerceWebhook, request: Request) => responseOf(() => handler({ request, params: {}, context: {} }));

/** Topic → the core fixture that carries its payload. */
const FIXTURE_FOR: Record<string, string> = {
  'order_transactions/create': 'order-transactions-create-failure',
};
const fixtureName = (topic: string) => FIXTURE_FOR[topic] ?? topic.replace('/', '-').replace(/_/g, '-');

describe('Shopify webhooks → engine', () => {
  let h: AppHarness;
  let storeId: string;

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    storeId = (await h.installShop(SHOP)).id;
  });
  afterAll(async () => h?.close());

  it('GIVEN a correctly signed orders/create WHEN delivered THEN 200 and the engine produces the order confirmation', async () => {
    const body = await shopifyFixture('orders-create');
    const orderId = String(JSON.parse(body).id);
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body }));
    expect(response.status).toBe(200);
    const timeline = await eventually(async () => {
      const items = await h.engine.history.forOrder({ id: storeId }, orderId);
      return items.length > 0 && items;
    }, 'a communication for the order');
    expect(timeline[0]!.documentType).toBe('order_confirmation');
  });

  it('GIVEN a delivery repeated with the same X-Shopify-Event-Id WHEN delivered twice THEN both answer 200 and no second communication is created', async () => {
    const body = await shopifyFixture('orders-paid');
    const eventId = 'evt-duplicate-1';
    const before = await h.db.prisma.communication.count({ where: { storeId } });
    const first = await call(commerceWebhook, webhookRequest({ topic: 'orders/paid', body, eventId }));
    expect(first.status).toBe(200);
    await eventually(async () => (await h.db.prisma.inboundEvent.findFirst({ where: { storeId, eventId, state: 'processed' } })) !== null, 'the event processed');
    const afterFirst = await h.db.prisma.communication.count({ where: { storeId } });
    expect(afterFirst).toBeGreaterThan(before);

    const second = await call(commerceWebhook, webhookRequest({ topic: 'orders/paid', body, eventId }));
    expect(second.status).toBe(200);
    expect(await h.db.prisma.inboundEvent.count({ where: { storeId, eventId } })).toBe(1);
    expect(await h.db.prisma.communication.count({ where: { storeId } })).toBe(afterFirst);
  });

  it('GIVEN no X-Shopify-Event-Id WHEN delivered THEN the X-Shopify-Webhook-Id is the idempotency key', async () => {
    const body = await shopifyFixture('orders-cancelled');
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/cancelled', body, eventId: null, webhookId: 'wh-only-1' }));
    expect(response.status).toBe(200);
    expect(await h.db.prisma.inboundEvent.count({ where: { storeId, eventId: 'wh-only-1' } })).toBe(1);
  });

  it('GIVEN every subscribed commerce topic WHEN its core fixture is delivered THEN each reaches engine.accept with its topic and event id, is stored, and none is rejected', async () => {
    const handed: Array<{ topic: string; eventId: string; receivedAt: Date | undefined }> = [];
    const rejected: string[] = [];
    const accept = h.engine.accept;
    h.engine.accept = async (input) => {
      handed.push({ topic: input.topic, eventId: input.eventId, receivedAt: input.receivedAt });
      return accept(input).catch((error: unknown) => {
        rejected.push(input.topic);
        throw error;
      });
    };
    try {
      for (const topic of SHOPIFY_TOPICS) {
        const response = await call(commerceWebhook, webhookRequest({ topic, body: await shopifyFixture(fixtureName(topic)), eventId: `all-topics-${topic}` }));
        expect(response.status, topic).toBe(200);
      }
    } finally {
      h.engine.accept = accept;
    }
    expect(handed.map((x) => x.topic)).toEqual([...SHOPIFY_TOPICS]);
    expect(handed.every((x) => x.eventId === `all-topics-${x.topic}` && x.receivedAt instanceof Date)).toBe(true);
    // Every delivery is stored: accepted ones to be processed, rejected ones kept as `failed`.
    const rows = await h.db.prisma.inboundEvent.findMany({ where: { storeId, eventId: { startsWith: 'all-topics-' } }, select: { topic: true, state: true } });
    expect(rows.map((r) => r.topic).sort()).toEqual([...SHOPIFY_TOPICS].sort());
    // Every fixture maps (returns/* included: the engine dates them by the delivery time).
    expect(rejected).toEqual([]);
    expect(rows.filter((r) => r.state === 'failed')).toEqual([]);
  });

  it('GIVEN shopify.app.toml THEN it subscribes exactly core\'s SHOPIFY_TOPICS plus the app and compliance topics, each to a route that exists', async () => {
    const subscriptions = readWebhookSubscriptions(await readFile(path.join(PACKAGE_DIR, 'shopify.app.toml'), 'utf8'));
    const topics = subscriptions.flatMap((s) => s.topics);
    expect([...topics].sort()).toEqual([...SHOPIFY_TOPICS, 'app/uninstalled', 'app/scopes_update'].sort());
    expect(new Set(topics).size).toBe(topics.length);
    const compliance = subscriptions.flatMap((s) => s.complianceTopics);
    expect([...compliance].sort()).toEqual(['customers/data_request', 'customers/redact', 'shop/redact']);
    const routeOf = (topic: string) => subscriptions.find((s) => s.topics.includes(topic) || s.complianceTopics.includes(topic))!.uri;
    expect(SHOPIFY_TOPICS.every((topic) => routeOf(topic) === '/webhooks/commerce')).toBe(true);
    expect(routeOf('app/uninstalled')).toBe('/webhooks/app/uninstalled');
    expect(routeOf('app/scopes_update')).toBe('/webhooks/app/scopes_update');
    expect(routeOf('shop/redact')).toBe('/webhooks/compliance');
    for (const { uri } of subscriptions) {
      // Remix flat routes: /webhooks/app/uninstalled → app/routes/webhooks.app.uninstalled.tsx
      expect(existsSync(path.join(PACKAGE_DIR, 'app', 'routes', `${uri.slice(1).replaceAll('/', '.')}.tsx`)), uri).toBe(true);
    }
  });

  it('GIVEN a body signed with another secret WHEN delivered THEN 401 and nothing is stored', async () => {
    const body = await shopifyFixture('orders-create');
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body, secret: 'not-the-app-secret', eventId: 'evt-bad-hmac' }));
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'HMAC signature does not match' } });
    // Neither the secret nor the signature the body should have carried is ever disclosed.
    const expected = createHmac('sha256', API_SECRET_KEY).update(body, 'utf8').digest('base64');
    expect(text).not.toContain(expected);
    expect(text).not.toContain(API_SECRET_KEY);
    expect(await h.db.prisma.inboundEvent.count({ where: { eventId: 'evt-bad-hmac' } })).toBe(0);
  });

  it('GIVEN a compliance topic with a bad HMAC WHEN delivered THEN 401 with a JSON error (App Review checks this)', async () => {
    const body = JSON.stringify({ shop_id: 1, shop_domain: SHOP });
    const response = await call(complianceWebhook, webhookRequest({ topic: 'shop/redact', body, secret: 'not-the-app-secret', path: '/webhooks/compliance' }));
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toBe('HMAC signature does not match');
  });

  it('GIVEN a correctly signed compliance payload of the wrong shape WHEN delivered THEN 400 naming the field', async () => {
    const body = JSON.stringify({ customer: { id: 1 } });
    const response = await call(complianceWebhook, webhookRequest({ topic: 'customers/data_request', body, path: '/webhooks/compliance' }));
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.message).toBe('invalid customers/data_request payload');
    expect(error.issues.map((issue: { path: string }) => issue.path)).toContain('data_request');
  });

  it('GIVEN a signed body holding bytes that are not UTF-8 WHEN delivered THEN 401 whose JSON says so', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":1,"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const signed = webhookRequest({ topic: 'orders/create', body: '{}' });
    const headers = new Headers(signed.headers);
    headers.set('X-Shopify-Hmac-Sha256', createHmac('sha256', API_SECRET_KEY).update(bytes).digest('base64'));
    const response = await call(commerceWebhook, new Request(signed.url, { method: 'POST', headers, body: bytes }));
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toBe('HMAC signature does not match (the body is not valid UTF-8)');
  });

  it('GIVEN a signed body whose bytes were altered after signing WHEN delivered THEN 401', async () => {
    const body = await shopifyFixture('orders-create');
    const request = webhookRequest({ topic: 'orders/create', body });
    const tampered = new Request(request.url, { method: 'POST', headers: request.headers, body: body.replace('"59', '"1') + ' ' });
    expect((await call(commerceWebhook, tampered)).status).toBe(401);
  });

  it.each(['X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-Webhook-Id', 'X-Shopify-API-Version'])('GIVEN the %s header missing WHEN delivered THEN 400', async (header) => {
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body: await shopifyFixture('orders-create'), omit: [header] }));
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toEqual({ code: 'VALIDATION_FAILED', message: `missing header ${header}`, issues: [{ path: `headers.${header}`, message: 'required' }] });
  });

  it('GIVEN no HMAC header, or an empty body, WHEN delivered THEN 400 naming which', async () => {
    const body = await shopifyFixture('orders-create');
    const noHmac = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body, omit: ['X-Shopify-Hmac-Sha256'] }));
    expect(noHmac.status).toBe(400);
    expect((await noHmac.json()).error.message).toBe('missing header X-Shopify-Hmac-Sha256');
    const empty = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body: '' }));
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toEqual({ code: 'MALFORMED_BODY', message: 'body is empty' });
  });

  // Other methods (GET / PUT / DELETE / HEAD on every webhook route) are tested through the real
  // Remix routing in remix-routing.test.ts: a GET reaches a route's loader, never its action.

  it('GIVEN a signed body that is not JSON WHEN delivered THEN 400 with a JSON error, not a 500 Shopify would retry', async () => {
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body: '{"id": 1, "name":' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect((await response.json()).error).toEqual({ code: 'MALFORMED_BODY', message: 'body is not valid JSON' });
  });

  it('GIVEN a signed payload the mapper rejects WHEN delivered THEN 200 (a retry can never succeed) and a warning names the fields, not the data', async () => {
    const body = JSON.stringify({ id: 42, email: 'jane.doe@example.com' });
    const response = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body, eventId: 'evt-invalid' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Exstream-Connect-Rejected')).toBe('validation');
    const warning = h.logs.find((l) => l.level === 'warn' && l.context?.eventId === 'evt-invalid');
    expect(warning?.context?.issues).toEqual(expect.arrayContaining(['name', 'line_items']));
    expect(JSON.stringify(warning)).not.toContain('jane.doe@example.com');
    // Answered 200, so Shopify never redelivers it: the engine must have kept it durably.
    const row = await h.db.prisma.inboundEvent.findFirst({ where: { storeId, eventId: 'evt-invalid' } });
    expect(row?.state).toBe('failed');
    expect(row?.lastError).toMatch(/line_items/);
    expect(row?.lastError).not.toContain('jane.doe@example.com');
    // A retry of the same delivery adds no second row.
    expect((await call(commerceWebhook, webhookRequest({ topic: 'orders/create', body, eventId: 'evt-invalid' }))).status).toBe(200);
    expect(await h.db.prisma.inboundEvent.count({ where: { storeId, eventId: 'evt-invalid' } })).toBe(1);
  });

  it('GIVEN app/scopes_update WHEN delivered THEN the stored offline session carries the new scopes', async () => {
    const body = JSON.stringify({ id: 1, previous: ['read_orders'], current: ['read_orders', 'write_orders', 'read_customers'], updated_at: new Date().toISOString() });
    const response = await call(scopesUpdateWebhook, webhookRequest({ topic: 'app/scopes_update', body, path: '/webhooks/app/scopes_update' }));
    expect(response.status).toBe(200);
    expect((await h.sessionStorage.loadSession(`offline_${SHOP}`))?.scope).toBe('read_orders,write_orders,read_customers');
  });

  it('GIVEN app/uninstalled WHEN delivered twice THEN sessions are gone, the store is uninstalled, and later order webhooks are acknowledged but ignored', async () => {
    const shop = 'leaving-shop.myshopify.com';
    await h.installShop(shop);
    const request = () => webhookRequest({ topic: 'app/uninstalled', shop, body: JSON.stringify({ id: 1, domain: shop }), path: '/webhooks/app/uninstalled' });
    expect((await call(uninstalledWebhook, request())).status).toBe(200);
    expect((await call(uninstalledWebhook, request())).status).toBe(200);
    expect(await h.sessionStorage.findSessionsByShop(shop)).toHaveLength(0);
    expect((await h.engine.stores.find('shopify', shop))?.installed).toBe(false);
    const late = await call(commerceWebhook, webhookRequest({ topic: 'orders/create', shop, body: await shopifyFixture('orders-create'), eventId: 'evt-after-uninstall' }));
    expect(late.status).toBe(200);
    expect(await h.db.prisma.inboundEvent.count({ where: { eventId: 'evt-after-uninstall' } })).toBe(0);
  });
});
