import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_URL } from '@shopify/shopify-api/test-helpers';
import { isConnectError } from '@exstream-connect/core';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { action as settingsAction, loader as settingsLoader } from '../app/routes/app.settings.tsx';
import { action as communicationsAction, loader as communicationsLoader } from '../app/routes/app.communications.tsx';
import { loader as csvExport } from '../app/routes/app.communications_.export.tsx';
import { loader as dashboardLoader } from '../app/routes/app._index.tsx';
import { loadEnv } from '../app/lib/load-env.server.ts';
import { toCsv } from '../app/lib/to-csv.ts';
import { SHOP, authed, form, run, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';


const FAILED_ORDER_ID = 5509990009001;

describe('Embedded pages: loaders and actions', () => {
  let h: AppHarness;
  let orderId: string;
  let failed: Array<{ id: string; lastError: string | null; orderRef: string | null }> = [];

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    const store = await h.installShop(SHOP);
    const body = await shopifyFixture('orders-create');
    orderId = String(JSON.parse(body).id);
    await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', body }), params: {}, context: {} }));
    await eventually(async () => (await h.engine.history.forOrder(store, orderId)).some((e) => e.status !== 'queued'), 'a processed communication');
    // Seeded before the rule tests below replace the demo rules (the German-only rule matches no order).
    failed = await h.seedFailedOrder(SHOP, { id: FAILED_ORDER_ID, name: '#9001' });
  });
  afterAll(async () => h?.close());

  it('GIVEN stored settings WHEN Settings loads THEN the secret is reported as present but never returned', async () => {
    const response = await run(settingsLoader, authed('/app/settings'));
    const text = await response.text();
    expect(text).not.toContain('sandbox-secret');
    expect(JSON.parse(text).settings.connection).toMatchObject({ clientId: 'sandbox', hasClientSecret: true });
    // The failure tag is written back only once the merchant enables it.
    expect(JSON.parse(text).settings.writeBack).toMatchObject({ orderSummary: true, tagOnFailure: false });
  });

  it('GIVEN a rule with an invalid locale WHEN saved THEN 400 naming rules.0.locale; a valid rule THEN saved', async () => {
    const bad = [{ eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', brand: null, locale: 'x', templateVersion: '1', priority: 0, enabled: true }];
    const refused = await run(settingsAction, authed('/app/settings', form({ intent: 'rules', rules: JSON.stringify(bad) })));
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.ok).toBe(false);
    expect(body.issues.map((i: { path: string }) => i.path)).toContain('rules.0.locale');

    const good = [{ ...bad[0], locale: 'de', communicationId: 'order-confirmation-de', templateVersion: '4' }];
    const saved = await run(settingsAction, authed('/app/settings', form({ intent: 'rules', rules: JSON.stringify(good) })));
    expect(saved.status).toBe(200);
    const settings = await (await run(settingsLoader, authed('/app/settings'))).json();
    expect(settings.settings.rules).toEqual([expect.objectContaining({ locale: 'de', communicationId: 'order-confirmation-de', templateVersion: '4' })]);
  });

  it('GIVEN a sample order WHEN previewed THEN the rule for its locale wins, and another locale finds none', async () => {
    const german = await (await run(settingsAction, authed('/app/settings', form({ intent: 'preview', topic: 'orders/create', locale: 'de-AT', country: 'AT' })))).json();
    expect(german.ok).toBe(true);
    expect(german.preview.winner).toMatchObject({ locale: 'de', communicationId: 'order-confirmation-de' });
    const english = await (await run(settingsAction, authed('/app/settings', form({ intent: 'preview', topic: 'orders/create', locale: 'en' })))).json();
    expect(english.preview.winner).toBeNull();
    const invalid = await run(settingsAction, authed('/app/settings', form({ intent: 'preview', topic: 'orders/nope' })));
    expect(invalid.status).toBe(400);
  });

  it('GIVEN the connection form without a secret WHEN saved THEN the stored secret is kept; dry run and failure tag toggles persist', async () => {
    const connection = { intent: 'connection', baseUrl: h.sandbox.url, domain: h.sandbox.domain, tokenUrl: h.sandbox.tokenUrl, clientId: 'sandbox', clientSecret: '' };
    expect((await run(settingsAction, authed('/app/settings', form(connection)))).status).toBe(200);
    const test = await (await run(settingsAction, authed('/app/settings', form({ intent: 'test-connection' })))).json();
    expect(test.ok).toBe(true);

    expect((await run(settingsAction, authed('/app/settings', form({ intent: 'toggles', dryRun: 'on' })))).status).toBe(200);
    const settings = (await (await run(settingsLoader, authed('/app/settings'))).json()).settings;
    expect(settings.dryRun).toBe(true);
    expect(settings.writeBack.tagOnFailure).toBe(false);
    await run(settingsAction, authed('/app/settings', form({ intent: 'toggles', tagOnFailure: 'on' })));
  });

  it.each([
    ['JSON', 'application/json', '{"intent":"toggles"}', 415, /application\/json/],
    ['XML', 'application/xml', '<intent>toggles</intent>', 415, /application\/xml/],
    ['text', 'text/plain', 'intent=toggles', 415, /text\/plain/],
    ['an empty body without a content type', null, null, 415, /no Content-Type/],
    ['multipart without a boundary', 'multipart/form-data', 'intent=toggles', 400, /boundary/],
  ] as const)('GIVEN %s posted to the Settings action THEN %#: a 4xx naming the problem, never a 500', async (_what, contentType, body, status, names) => {
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const response = await run(settingsAction, authed('/app/settings', { method: 'POST', headers, body }));
    expect(response.status).toBe(status);
    const result = await response.json();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(names);
    expect(result.error.message).toBe(result.message);
  });

  it('GIVEN a retry for an id that is not a UUID, or a non-form body, WHEN Communications is posted THEN 404 / 415, never a 500', async () => {
    const notUuid = await run(communicationsAction, authed('/app/communications', form({ communicationId: 'not-a-uuid', status: 'failed' })));
    expect(notUuid.status).toBe(404);
    expect((await notUuid.json()).message).toBe('Communication not found');
    const json = await run(communicationsAction, authed('/app/communications', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }));
    expect(json.status).toBe(415);
  });

  it('GIVEN history WHEN Communications filters by type THEN only matching rows; CSV export has them too', async () => {
    const all = await (await run(communicationsLoader, authed('/app/communications?type=order_confirmation'))).json();
    expect(all.items.length).toBeGreaterThan(0);
    expect(all.items.every((i: { documentType: string }) => i.documentType === 'order_confirmation')).toBe(true);
    const none = await (await run(communicationsLoader, authed('/app/communications?type=invoice'))).json();
    expect(none.items).toEqual([]);

    const csv = await run(csvExport, authed('/app/communications/export?type=order_confirmation'));
    expect(csv.headers.get('Content-Type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,created_at,order_id,order_number,document_type,channel,status,attempt,template_version,resend_of,last_error');
    expect(lines).toHaveLength(all.items.length + 1);
    expect(lines.some((line) => line.includes(orderId))).toBe(true);
  });

  it('GIVEN an order delivered while Exstream was unreachable (seeded in beforeAll) WHEN the Dashboard loads THEN volume, failure rate and last errors match the stored rows', async () => {
    const storeId = (await h.engine.stores.find('shopify', SHOP))!.id;
    const total = await h.db.prisma.communication.count({ where: { storeId } });
    expect(failed.length).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(failed.length);

    const data = await (await run(dashboardLoader, authed('/app'))).json();
    expect(data.stats.today).toBe(total);
    expect(data.stats.failedToday).toBe(failed.length);
    expect(data.stats.failureRate).toBeCloseTo(failed.length / total, 10);
    // Last errors: exactly the failed rows, each with the error the worker recorded.
    expect(data.stats.lastErrors.map((e: { id: string }) => e.id).sort()).toEqual(failed.map((f) => f.id).sort());
    for (const error of data.stats.lastErrors as Array<{ id: string; orderRef: string; error: string; documentType: string }>) {
      const row = failed.find((f) => f.id === error.id)!;
      expect(error.orderRef).toBe(String(FAILED_ORDER_ID));
      expect(error.error).toBe(row.lastError);
      expect(error.error).toMatch(/fetch failed|ECONNREFUSED|connect/i);
    }
  });

  it('GIVEN a failed communication WHEN Communications retries it THEN it is queued again (source retry) and then sent', async () => {
    const target = failed[0]!;
    const response = await run(communicationsAction, authed('/app/communications', form({ communicationId: target.id, status: 'failed' })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, message: 'Retry queued', communicationId: target.id });
    const store = (await h.engine.stores.find('shopify', SHOP))!;
    const entry = await eventually(async () => (await h.engine.history.forOrder(store, String(FAILED_ORDER_ID))).find((e) => e.id === target.id && e.status === 'sent'), 'the retried communication sent');
    const history = entry.statusHistory.map((s) => `${s.status}:${s.source}`);
    expect(history.indexOf('queued:retry')).toBeGreaterThan(history.lastIndexOf('failed:worker'));
    // A second retry of a row that is no longer failed is refused, not re-queued.
    const again = await run(communicationsAction, authed('/app/communications', form({ communicationId: target.id, status: 'failed' })));
    expect(again.status).toBe(409);
  });

  it('GIVEN no session token WHEN an embedded page loads THEN the library refuses or redirects (never renders data)', async () => {
    const response = await responseOf(() => settingsLoader({ request: new Request(`${APP_URL}/app/settings`), params: {}, context: {} }));
    expect(response.status).not.toBe(200);
  });
});

describe('loadEnv', () => {
  it('GIVEN several missing values THEN one error names them all', () => {
    const error = (() => {
      try {
        loadEnv({ SHOPIFY_API_KEY: '', SHOPIFY_APP_URL: 'not a url' });
      } catch (e) {
        return e;
      }
    })();
    expect(isConnectError(error)).toBe(true);
    const paths = isConnectError(error) ? error.issues.map((i) => i.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['SHOPIFY_API_KEY', 'SHOPIFY_API_SECRET', 'SHOPIFY_APP_URL', 'SCOPES']));
  });

  it('GIVEN valid values THEN scopes are split and the port defaults to 3000; local mode is refused in production', () => {
    const base = { SHOPIFY_API_KEY: 'k', SHOPIFY_API_SECRET: 's', SHOPIFY_APP_URL: 'https://app.example.com', SCOPES: 'read_orders, write_orders' };
    expect(loadEnv(base)).toMatchObject({ SCOPES: ['read_orders', 'write_orders'], SHOPIFY_APP_PORT: 3000, SHOPIFY_LOCAL_MODE: false });
    expect(() => loadEnv({ ...base, SHOPIFY_LOCAL_MODE: '1', NODE_ENV: 'production' })).toThrow(/SHOPIFY_LOCAL_MODE/);
  });
});

describe('toCsv', () => {
  it('quotes separators and neutralises spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [['=HYPERLINK("x")', 'one, "two"'], [null, 3]])).toBe('a,b\r\n"\'=HYPERLINK(""x"")","one, ""two"""\r\n,3\r\n');
  });
});
