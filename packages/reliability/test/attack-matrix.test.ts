import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKER, VICTIM, seedVictims, shopifyCall, sidecarCall, sidecarHeaders, shopifyWebhook, victimToken, type Victims } from '../src/attack/attack-requests.ts';
import { buildMagentoEnvelope } from '../src/payloads/build-magento-envelope.ts';
import { buildShopifyOrder } from '../src/payloads/build-shopify-order.ts';
import { magentoHeaders, signMagentoRequest } from '../src/sign-requests.ts';
import { LOCAL_SECRETS, startLocalProduct, type LocalProduct } from '../src/start-local-product.ts';
import { describeShopifyAttacks } from './shopify-attack-cases.ts';

/**
 * GIVEN the product (scripts/start.ts on PGlite, in a child process, `npm start`'s local mode)
 * with two tenants per platform: the victims `demo-magento` / `demo-shop.myshopify.com` holding
 * produced documents (and a customer data export), and the attackers `attacker-magento` /
 * `attacker-shop.myshopify.com`, fully installed with their own credentials. WHEN requests are
 * forged, replayed, or signed by the wrong tenant, THEN each is refused (401/403/404) and no
 * response carries the victim's data. The Shopify cases run again with NODE_ENV=production in
 * attack-matrix-production.test.ts.
 */
let product: LocalProduct;
let victims: Victims;

const now = () => Math.floor(Date.now() / 1000);
const sidecar = (path: string, init: Parameters<typeof sidecarCall>[2] = {}) => sidecarCall(product, path, init);

beforeAll(async () => {
  product = await startLocalProduct('attack', { extraTenants: ATTACKER });
  victims = await seedVictims(product);
}, 300_000);

afterAll(async () => {
  await product?.cleanup();
});

const victimPath = `/v1/orders/${VICTIM.magentoIncrementId}/communications`;
type SettingsDoc = { connection: { baseUrl: string; clientId: string } | null; rules: unknown[] };

describe('Magento sidecar signatures', () => {
  it('GIVEN a valid request as the victim THEN the timeline is readable (control case)', async () => {
    const r = await sidecar(victimPath);
    expect(r.status).toBe(200);
    expect(r.text).toContain(victims.magentoCommId);
  });

  it('refuses a forged signature (right format, random HMAC)', async () => {
    const r = await sidecar(victimPath, { headers: { 'x-exstream-connect-store': LOCAL_SECRETS.magentoStoreKey, 'x-exstream-connect-signature': `t=${now()},v1=${randomBytes(32).toString('hex')}` } });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(victims.magentoCommId);
  });

  it('refuses a missing signature header', async () => {
    const r = await sidecar(victimPath, { headers: { 'x-exstream-connect-store': LOCAL_SECRETS.magentoStoreKey } });
    expect(r.status).toBe(401);
  });

  it('refuses a missing store header', async () => {
    const r = await sidecar(victimPath, { headers: { 'x-exstream-connect-signature': signMagentoRequest(LOCAL_SECRETS.magentoSecret, { method: 'GET', path: victimPath, body: '' }) } });
    expect(r.status).toBe(401);
  });

  it('refuses a replayed request (correct HMAC over a timestamp 10 minutes old)', async () => {
    const r = await sidecar(victimPath, { t: now() - 600 });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(victims.magentoCommId);
  });

  it('refuses a request stamped 10 minutes in the future', async () => {
    const r = await sidecar(victimPath, { t: now() + 600 });
    expect(r.status).toBe(401);
  });

  it("refuses store A's secret presented with store B's key (cross-store signature)", async () => {
    const r = await sidecar(victimPath, { storeKey: ATTACKER.magento.storeKey, secret: LOCAL_SECRETS.magentoSecret });
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(victims.magentoCommId);
  });

  it("refuses store B's secret presented with store A's key", async () => {
    const r = await sidecar(victimPath, { storeKey: LOCAL_SECRETS.magentoStoreKey, secret: ATTACKER.magento.secret });
    expect(r.status).toBe(401);
  });

  it('refuses a signature made for another path', async () => {
    const headers = magentoHeaders(LOCAL_SECRETS.magentoStoreKey, LOCAL_SECRETS.magentoSecret, { method: 'GET', path: '/v1/settings', body: '' });
    const r = await sidecar(victimPath, { headers });
    expect(r.status).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const signed = JSON.stringify(buildMagentoEnvelope({ event: 'order.placed', storeCode: 'default', orderEntityId: 1, email: 'a@example.com' }));
    const headers = magentoHeaders(LOCAL_SECRETS.magentoStoreKey, LOCAL_SECRETS.magentoSecret, { method: 'POST', path: '/v1/events', body: signed });
    const r = await sidecar('/v1/events', { method: 'POST', body: signed.replace('order.placed', 'order.cancelled'), headers });
    expect(r.status).toBe(401);
  });

  it('answers an unknown store exactly like a bad signature (no store enumeration)', async () => {
    const unknown = await sidecar(victimPath, { storeKey: 'no-such-store', secret: 'whatever-secret-value' });
    const forged = await sidecar(victimPath, { storeKey: LOCAL_SECRETS.magentoStoreKey, secret: 'whatever-secret-value' });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(forged.text);
  });

  // Replay protection of writes (SignedRequestUse): within the 300 s window an exact captured copy
  // of a non-GET request is refused. GETs change nothing and are not tracked; POST /v1/events is
  // idempotent by its envelope id and answers a replay "duplicate" instead.
  for (const [what, path, method] of [
    ['a resend', () => `/v1/communications/${victims.magentoCommId}/resend`, 'POST'],
    ['a connection test', () => '/v1/settings/test', 'POST'],
  ] as const) {
    it(`refuses the exact captured copy of ${what} resent within the 300 s window (401 naming the replay)`, async () => {
      // Stamped a few seconds back: other cases send the same request "now", and within one second
      // theirs would be this very signature (and rightly refused as its replay).
      const headers = sidecarHeaders(path(), { method, t: now() - 7 });
      const first = await sidecar(path(), { method, headers });
      expect(first.status).toBeLessThan(300);
      const replay = await sidecar(path(), { method, headers });
      expect(replay.status).toBe(401);
      expect(replay.text).toMatch(/replay/i);
    });
  }

  it('refuses the exact captured copy of a settings PUT resent within the window, and the replay changes nothing', async () => {
    const body = JSON.stringify({ defaults: { brand: 'default', locale: 'en', channel: 'email' } });
    const headers = sidecarHeaders('/v1/settings', { method: 'PUT', body, t: now() - 7 });
    expect((await sidecar('/v1/settings', { method: 'PUT', body, headers })).status).toBe(200);
    const replay = await sidecar('/v1/settings', { method: 'PUT', body, headers });
    expect(replay.status).toBe(401);
    expect(replay.text).toMatch(/replay/i);
  });
});

describe("Magento: another store's data through every sidecar API", () => {
  it("returns only the attacker's own communications for the same increment id", async () => {
    const r = await sidecar(victimPath, ATTACKER.magento);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain(victims.magentoCommId);
  });

  it("refuses the victim's document", async () => {
    const r = await sidecar(`/v1/documents/${victims.magentoCommId}`, ATTACKER.magento);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('%PDF');
  });

  it("refuses to resend the victim's communication (cross-tenant write)", async () => {
    const before = (JSON.parse((await sidecar(victimPath)).text) as { items: unknown[] }).items.length;
    const r = await sidecar(`/v1/communications/${victims.magentoCommId}/resend`, { method: 'POST', ...ATTACKER.magento });
    expect([403, 404]).toContain(r.status);
    expect((JSON.parse((await sidecar(victimPath)).text) as { items: unknown[] }).items.length).toBe(before);
  });

  it("shows the attacker its own settings, never the victim's", async () => {
    const victim = JSON.parse((await sidecar('/v1/settings')).text) as SettingsDoc;
    const attacker = JSON.parse((await sidecar('/v1/settings', ATTACKER.magento)).text) as SettingsDoc;
    expect(victim.connection).not.toBeNull();
    expect(attacker.connection).toBeNull();
    expect(attacker.rules).toEqual([]);
  });

  it("a settings PUT signed by the attacker store changes only its own settings (cross-tenant write)", async () => {
    const before = JSON.parse((await sidecar('/v1/settings')).text) as SettingsDoc;
    const body = JSON.stringify({
      connection: { baseUrl: 'http://127.0.0.1:9', domain: 'evil', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'attacker-client', clientSecret: 'attacker-client-secret' },
      rules: [],
    });
    const put = await sidecar('/v1/settings', { method: 'PUT', body, ...ATTACKER.magento });
    expect(put.status).toBe(200);
    const after = JSON.parse((await sidecar('/v1/settings')).text) as SettingsDoc;
    expect(after.connection).toEqual(before.connection);
    expect(after.rules).toEqual(before.rules);
    expect((JSON.parse((await sidecar('/v1/settings', ATTACKER.magento)).text) as SettingsDoc).connection?.baseUrl).toBe('http://127.0.0.1:9');
  });

  it("POST /v1/settings/test tests the signing store's own connection, never the victim's", async () => {
    const victim = await sidecar('/v1/settings/test', { method: 'POST' });
    expect(victim.status, victim.text).toBe(200);
    expect((JSON.parse(victim.text) as { ok: boolean }).ok).toBe(true);
    // The attacker's own connection (set above) points nowhere reachable: its test fails, it does not borrow the victim's.
    const attacker = await sidecar('/v1/settings/test', { method: 'POST', ...ATTACKER.magento });
    expect(attacker.status).toBe(200);
    expect((JSON.parse(attacker.text) as { ok: boolean }).ok).toBe(false);
  });

  it('GET /v1/feedback: the victim reads its own delivery feed (control), the attacker store nothing of it', async () => {
    const victim = await sidecar('/v1/feedback');
    expect(victim.status).toBe(200);
    expect(victim.text).toContain(victims.magentoCommId);
    const attacker = await sidecar('/v1/feedback', ATTACKER.magento);
    expect(attacker.status).toBe(200);
    expect(attacker.text).not.toContain(victims.magentoCommId);
    expect(attacker.text).not.toContain('victim.magento@example.com');
  });

  it("refuses the victim's Shopify document through the sidecar (cross-platform)", async () => {
    const r = await sidecar(`/v1/documents/${victims.shopifyCommId}`);
    expect(r.status).toBe(404);
  });

  it('never reveals the client secret through GET /v1/settings', async () => {
    const r = await sidecar('/v1/settings');
    expect(r.text).not.toContain('sandbox-secret');
  });
});

describe('Delivery-feedback callbacks (Exstream → product)', () => {
  // Signed by Exstream with the feedback secret, not by a store: forging one would let anyone mark
  // a victim's documents bounced (and its customers undeliverable).
  const feedbackBody = () => JSON.stringify({ events: [{ idempotencyKey: `exc-forged-${randomBytes(4).toString('hex')}`, jobId: null, outcome: 'bounced', channel: 'email', at: new Date().toISOString(), detail: 'forged' }] });
  const signed = (secret: string, body: string, t = now()) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
  const endpoints = () => [`${product.sidecarUrl}/v1/exstream/feedback`, `${product.shopifyUrl}/exstream/feedback`];
  const post = (url: string, body: string, signature: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-exstream-connect-signature': signature }, body, signal: AbortSignal.timeout(30_000) });

  for (const [what, signature] of [
    ['signed with the wrong secret', (body: string) => signed('not-the-feedback-secret-000', body)],
    ['with the right secret but a timestamp 10 minutes old', (body: string) => signed(LOCAL_SECRETS.feedbackSecret, body, now() - 600)],
  ] as const) {
    it(`refuses a callback ${what} on both endpoints (401)`, async () => {
      for (const url of endpoints()) {
        const body = feedbackBody();
        const r = await post(url, body, signature(body));
        expect(r.status, url).toBe(401);
      }
    });
  }

  it('accepts a correctly signed callback (control case: the refusals above are about the signature)', async () => {
    const body = feedbackBody();
    const r = await post(endpoints()[0]!, body, signed(LOCAL_SECRETS.feedbackSecret, body));
    expect(r.status).toBe(200);
  });
});

describe('Robustness: inputs the fuzzer found answered badly (regression guards, 2026-12-01)', () => {
  it('a 20,000-level nested body is a 400 saying it is nested too deeply (was "Maximum call stack size exceeded")', async () => {
    const body = `{"id":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const r = await sidecar('/v1/events', { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(r.text).toContain('nested too deeply');
    expect(r.text).not.toContain('call stack');
  });

  it('an envelope id with a NUL character is a 400 naming `id` (was reported as the engine\'s "eventId")', async () => {
    const envelope = { ...buildMagentoEnvelope({ event: 'order.placed', storeCode: 'default', orderEntityId: 78, email: 'nul.id@example.com' }), id: 'evt\u0000x' };
    const r = await sidecar('/v1/events', { method: 'POST', body: JSON.stringify(envelope) });
    expect(r.status).toBe(400);
    expect((JSON.parse(r.text) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path)).toContain('id');
  });

  it('the Shopify settings action names `intent` when it is missing or unknown, without echoing a huge value', async () => {
    const missing = await shopifyCall(product, '/app/settings?_data=routes%2Fapp.settings', victimToken(), { form: { dryRun: 'on' } });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('"path":"intent"');
    const huge = await shopifyCall(product, '/app/settings?_data=routes%2Fapp.settings', victimToken(), { form: { intent: 'x'.repeat(200_000) } });
    expect(huge.status).toBe(400);
    expect(huge.text.length).toBeLessThan(2_000);
  });
});

describe('Robustness: identifiers too long for an index', () => {
  // Regression guards (found by the fuzzer, 2026-12-01): an order reference of a few KB of random
  // text reached a btree index ("index row requires 9200 bytes") and answered 500.
  it('a Magento increment_id of 12 KB is a 400 naming order.increment_id, not a 500', async () => {
    const envelope = buildMagentoEnvelope({ event: 'order.placed', storeCode: 'default', orderEntityId: 77, email: 'long.ref@example.com' }) as { order?: { increment_id: string }; entity: { increment_id: string } };
    const huge = randomBytes(9_000).toString('base64');
    envelope.entity.increment_id = huge;
    if (envelope.order) envelope.order.increment_id = huge;
    const r = await sidecar('/v1/events', { method: 'POST', body: JSON.stringify(envelope) });
    expect(r.status).toBe(400);
    expect(r.text).toContain('increment_id');
  });

  it('a Shopify order id of 12 KB is acknowledged (200) and stored as rejected, not a 500', async () => {
    const order = { ...buildShopifyOrder({ orderId: 1, orderNumber: 1, email: 'long.ref@example.com', customerId: 1 }), id: randomBytes(9_000).toString('base64') };
    const r = await shopifyWebhook(product, 'commerce', 'orders/create', order);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-exstream-connect-rejected')).toBe('validation');
  });
});

describeShopifyAttacks('local mode', () => ({ product, victims }));
