import { describe, expect, it } from 'vitest';
import {
  ATTACKER,
  VICTIM,
  VICTIM_EXPORT_ID,
  attackerToken,
  expiredVictimToken,
  printPageLinks,
  shopifyCall,
  shopifyWebhook,
  victimToken,
  type Victims,
} from '../src/attack/attack-requests.ts';
import { buildShopifyOrder } from '../src/payloads/build-shopify-order.ts';
import { shopifyWebhookHeaders, signDownloadLink } from '../src/sign-requests.ts';
import { LOCAL_SECRETS, type LocalProduct } from '../src/start-local-product.ts';

export type ShopifyAttackContext = () => { product: LocalProduct; victims: Victims };

const now = () => Math.floor(Date.now() / 1000);
const SETTINGS = '/app/settings?_data=routes%2Fapp.settings';
const COMMUNICATIONS = '/app/communications?_data=routes%2Fapp.communications';

type SettingsView = { settings: { connection: { baseUrl: string; clientId: string } | null; rules: unknown[] } };

/**
 * The Shopify half of the attack matrix, registered by both suites: local mode
 * (attack-matrix.test.ts, `npm start`'s defaults) and NODE_ENV=production
 * (attack-matrix-production.test.ts), where local mode is off and a request without a session
 * token must be refused instead of acting as the demo shop.
 */
export function describeShopifyAttacks(mode: 'local mode' | 'production', context: ShopifyAttackContext) {
  const p = () => context().product;
  const v = () => context().victims;

  describe(`Shopify webhook HMACs (${mode})`, () => {
    const topics = ['orders/create', 'customers/data_request', 'customers/redact', 'shop/redact'];
    for (const topic of topics) {
      it(`refuses ${topic} signed with the wrong secret (401)`, async () => {
        const route = topic.includes('/redact') || topic.includes('data_request') ? 'compliance' : 'commerce';
        const payload =
          topic === 'orders/create'
            ? buildShopifyOrder({ orderId: 1, orderNumber: 1, email: 'x@example.com', customerId: 1 })
            : { shop_domain: LOCAL_SECRETS.shop, customer: { id: 4242, email: 'victim.shopify@example.com' }, orders_to_redact: [], data_request: { id: 1 } };
        const r = await shopifyWebhook(p(), route, topic, payload, { secret: 'not-the-app-secret' });
        expect(r.status).toBe(401);
      });
    }

    it('refuses a webhook without an HMAC header', async () => {
      const body = JSON.stringify(buildShopifyOrder({ orderId: 2, orderNumber: 2, email: 'x@example.com', customerId: 2 }));
      const headers = shopifyWebhookHeaders({ shop: LOCAL_SECRETS.shop, topic: 'orders/create', secret: LOCAL_SECRETS.shopifyApiSecret, body });
      delete headers['x-shopify-hmac-sha256'];
      const response = await fetch(`${p().shopifyUrl}/webhooks/commerce`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
      expect([400, 401]).toContain(response.status);
    });

    for (const route of ['commerce', 'compliance']) {
      it(`answers GET /webhooks/${route} with 405 and Allow: POST`, async () => {
        const r = await shopifyCall(p(), `/webhooks/${route}`, null);
        expect(r.status).toBe(405);
        expect(r.headers.get('allow')).toBe('POST');
      });
    }

    it('keeps the victim data after a forged shop/redact', async () => {
      const r = await shopifyCall(p(), `/api/orders/${VICTIM.shopifyOrder}/communications`, victimToken());
      expect(r.status).toBe(200);
      expect(r.text).toContain(v().shopifyCommId);
    });
  });

  describe(`Shopify session tokens (${mode})`, () => {
    const path = () => `/api/orders/${VICTIM.shopifyOrder}/communications`;

    it('GIVEN a valid token of the victim shop THEN its timeline is readable (control case)', async () => {
      const r = await shopifyCall(p(), path(), victimToken());
      expect(r.status).toBe(200);
      expect(r.text).toContain(v().shopifyCommId);
    });

    const refused: Array<[string, () => string]> = [
      ['an expired token', expiredVictimToken],
      ['a token that is not valid yet', () => victimToken({ issuedAt: now() + 600, notBefore: now() + 600, expiresAt: now() + 660 })],
      ['a token for another audience (another app)', () => victimToken({ audience: 'some-other-app-key' })],
      ['a token signed with the wrong secret', () => victimToken({ secret: 'not-the-app-secret' })],
      [
        'an unsigned token (alg none)',
        () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${victimToken().split('.')[1]}.`,
      ],
    ];
    for (const [what, token] of refused) {
      it(`refuses ${what}`, async () => {
        const r = await shopifyCall(p(), path(), token());
        expect([401, 403]).toContain(r.status);
        expect(r.text).not.toContain(v().shopifyCommId);
      });
    }

    // Every API of the app, without a session token (paths resolved when the case runs: the victims exist by then).
    const apis: Array<[string, () => string]> = [
      ['order timeline', () => `/api/orders/${VICTIM.shopifyOrder}/communications`],
      ['document', () => `/api/documents/${v().shopifyCommId}`],
      ['print page', () => `/api/orders/${VICTIM.shopifyOrder}/documents/print`],
      ['communications list', () => COMMUNICATIONS],
      ['communications CSV export', () => '/app/communications/export'],
      ['customer data export', () => `/app/exports/${VICTIM_EXPORT_ID}`],
      ['settings', () => SETTINGS],
      ['retry action', () => COMMUNICATIONS],
    ];
    if (mode === 'production') {
      for (const [name, path] of apis) {
        it(`refuses the ${name} without an Authorization header (local mode is off in production)`, async () => {
          const init = name === 'retry action' ? { form: { communicationId: v().shopifyCommId, status: 'failed' } } : {};
          const r = await shopifyCall(p(), path(), null, init);
          expect(r.status, `${path()} → ${r.status}`).not.toBe(200);
          expect(r.status).toBeLessThan(500);
          for (const secret of [v().shopifyCommId, v().shopifyCommId2, '%PDF', 'victim.shopify', VICTIM_EXPORT_ID]) expect(r.text).not.toContain(secret);
        });
      }
    } else {
      // Documented behaviour, pinned so a change is noticed: this is why NODE_ENV=production refuses local mode.
      it('local mode (never in production): a request without an Authorization header acts as the demo shop', async () => {
        const r = await shopifyCall(p(), path(), null);
        expect(r.status).toBe(200);
        expect(r.text).toContain(v().shopifyCommId);
      });
    }
  });

  describe(`Shopify: another shop's data through every API (${mode})`, () => {
    it("shows the attacker shop no communication of the victim's order", async () => {
      const r = await shopifyCall(p(), `/api/orders/${VICTIM.shopifyOrder}/communications`, attackerToken());
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(v().shopifyCommId);
    });

    it("refuses the victim's document to the attacker shop", async () => {
      const r = await shopifyCall(p(), `/api/documents/${v().shopifyCommId}`, attackerToken());
      expect(r.status).toBe(404);
      expect(r.text).not.toContain('%PDF');
    });

    it("refuses to resend the victim's communication for the attacker shop", async () => {
      const r = await shopifyCall(p(), `/api/orders/${VICTIM.shopifyOrder}/resend`, attackerToken(), { body: JSON.stringify({ communicationId: v().shopifyCommId }) });
      expect(r.status).toBe(404);
    });

    it("refuses the victim's Magento document through the Shopify API (cross-platform)", async () => {
      const r = await shopifyCall(p(), `/api/documents/${v().magentoCommId}`, victimToken());
      expect(r.status).toBe(404);
    });

    // Regression guard: a non-UUID id used to reach a query on a uuid column and answer 500.
    it('answers a document id that is not a UUID with 404, not a server error', async () => {
      const r = await shopifyCall(p(), '/api/documents/not-a-uuid', victimToken());
      expect(r.status).toBe(404);
    });

    it("print page: lists the victim's documents to the victim (control), none to the attacker shop", async () => {
      const path = `/api/orders/${VICTIM.shopifyOrder}/documents/print`;
      const victim = await shopifyCall(p(), path, victimToken());
      expect(victim.status).toBe(200);
      expect(printPageLinks(victim.text).some((link) => link.includes(v().shopifyCommId))).toBe(true);
      const attacker = await shopifyCall(p(), path, attackerToken());
      expect(attacker.status).toBe(200);
      expect(printPageLinks(attacker.text)).toEqual([]);
      expect(attacker.text).not.toContain(v().shopifyCommId);
    });

    it('communications list (app.communications): the victim sees its own (control), the attacker shop none of them', async () => {
      const victim = await shopifyCall(p(), COMMUNICATIONS, victimToken());
      expect(victim.status).toBe(200);
      expect(victim.text).toContain(v().shopifyCommId);
      const attacker = await shopifyCall(p(), COMMUNICATIONS, attackerToken());
      expect(attacker.status).toBe(200);
      for (const id of [v().shopifyCommId, v().shopifyCommId2, v().magentoCommId]) expect(attacker.text).not.toContain(id);
    });

    for (const status of ['failed', 'bounced']) {
      it(`retry action (app.communications, status=${status}) on the victim's communication: 404, and nothing new in the victim's history`, async () => {
        const timeline = `/api/orders/${VICTIM.shopifyOrder}/communications`;
        const before = (JSON.parse((await shopifyCall(p(), timeline, victimToken())).text) as { items: unknown[] }).items.length;
        const r = await shopifyCall(p(), COMMUNICATIONS, attackerToken(), { form: { communicationId: v().shopifyCommId, status } });
        expect(r.status).toBe(404);
        const after = (JSON.parse((await shopifyCall(p(), timeline, victimToken())).text) as { items: unknown[] }).items.length;
        expect(after).toBe(before);
      });
    }

    it('CSV export (app.communications_.export): the victim gets its rows (control), the attacker shop none of them', async () => {
      const victim = await shopifyCall(p(), '/app/communications/export', victimToken());
      expect(victim.status).toBe(200);
      expect(victim.headers.get('content-type')).toContain('text/csv');
      expect(victim.text).toContain(v().shopifyCommId);
      const attacker = await shopifyCall(p(), '/app/communications/export', attackerToken());
      expect(attacker.status).toBe(200);
      for (const id of [v().shopifyCommId, v().shopifyCommId2, String(VICTIM.shopifyOrder)]) expect(attacker.text).not.toContain(id);
    });

    it("customer data export (app.exports.$id): the victim downloads its export (control), the attacker shop gets 404", async () => {
      const victim = await shopifyCall(p(), `/app/exports/${VICTIM_EXPORT_ID}`, victimToken());
      expect(victim.status).toBe(200);
      expect(victim.text).toContain(VICTIM_EXPORT_ID);
      const attacker = await shopifyCall(p(), `/app/exports/${VICTIM_EXPORT_ID}`, attackerToken());
      expect(attacker.status).toBe(404);
      expect(attacker.text).not.toContain('victim.shopify');
    });

    it("shows the attacker shop its own settings, never the victim's", async () => {
      const victim = await shopifyCall(p(), SETTINGS, victimToken());
      const attacker = await shopifyCall(p(), SETTINGS, attackerToken());
      expect(victim.status).toBe(200);
      expect(attacker.status).toBe(200);
      expect((JSON.parse(victim.text) as SettingsView).settings.connection).not.toBeNull();
      expect((JSON.parse(attacker.text) as SettingsView).settings.connection).toBeNull();
    });

    it("settings writes by the attacker shop (connection, rules) change only its own settings, never the victim's", async () => {
      const before = JSON.parse((await shopifyCall(p(), SETTINGS, victimToken())).text) as SettingsView;
      const connection = await shopifyCall(p(), SETTINGS, attackerToken(), {
        form: { intent: 'connection', baseUrl: 'http://127.0.0.1:9', domain: 'evil', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'attacker-client', clientSecret: 'attacker-client-secret' },
      });
      expect(connection.status).toBe(200);
      const rules = await shopifyCall(p(), SETTINGS, attackerToken(), { form: { intent: 'rules', rules: '[]' } });
      expect(rules.status).toBe(200);
      const after = JSON.parse((await shopifyCall(p(), SETTINGS, victimToken())).text) as SettingsView;
      expect(after.settings.connection).toEqual(before.settings.connection);
      expect(after.settings.rules).toEqual(before.settings.rules);
      const attacker = JSON.parse((await shopifyCall(p(), SETTINGS, attackerToken())).text) as SettingsView;
      expect(attacker.settings.connection?.baseUrl).toBe('http://127.0.0.1:9');
    });
  });

  describe(`Shopify signed document links (${mode})`, () => {
    const docPath = (id: string) => `/api/documents/${id}`;
    const victimLink = async () => {
      const page = await shopifyCall(p(), `/api/orders/${VICTIM.shopifyOrder}/documents/print`, victimToken());
      const link = printPageLinks(page.text).find((l) => l.startsWith(docPath(v().shopifyCommId)));
      if (!link) throw new Error(`no signed link for ${v().shopifyCommId} on the print page: ${page.status}`);
      return link;
    };
    const sign = (id: string, shop: string, exp: number) => signDownloadLink({ appSecret: LOCAL_SECRETS.shopifyApiSecret, path: docPath(id), shop, exp });

    it("GIVEN the print page's link WHEN the browser loads it without a session token THEN it gets the PDF (control case)", async () => {
      const r = await shopifyCall(p(), await victimLink(), null);
      expect(r.status).toBe(200);
      expect(r.text.startsWith('%PDF')).toBe(true);
    });

    it("a link the harness signs from the contract works (control: the forged links below differ only in what they test)", async () => {
      const r = await shopifyCall(p(), sign(v().shopifyCommId, LOCAL_SECRETS.shop, now() + 120), null);
      expect(r.status).toBe(200);
    });

    it('refuses a link whose signature was tampered with (401)', async () => {
      const link = await victimLink();
      const url = new URL(link, 'http://x');
      const sig = url.searchParams.get('sig')!;
      url.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`);
      const r = await shopifyCall(p(), `${url.pathname}${url.search}`, null);
      expect(r.status).toBe(401);
      expect(r.text).not.toContain('%PDF');
    });

    it("refuses the victim's link re-addressed to the attacker shop (shop changed, signature kept): 401", async () => {
      const url = new URL(await victimLink(), 'http://x');
      url.searchParams.set('shop', ATTACKER.shopify.shop);
      const r = await shopifyCall(p(), `${url.pathname}${url.search}`, null);
      expect(r.status).toBe(401);
    });

    it("a validly signed link of the attacker shop cannot open the victim's document (404)", async () => {
      const r = await shopifyCall(p(), sign(v().shopifyCommId, ATTACKER.shopify.shop, now() + 120), null);
      expect(r.status).toBe(404);
      expect(r.text).not.toContain('%PDF');
    });

    it('refuses an expired link even with a valid signature (401 naming the expiry)', async () => {
      const r = await shopifyCall(p(), sign(v().shopifyCommId, LOCAL_SECRETS.shop, now() - 10), null);
      expect(r.status).toBe(401);
      expect(r.text).toContain('expired');
    });

    it('refuses a link valid for longer than the 5-minute lifetime (401)', async () => {
      const r = await shopifyCall(p(), sign(v().shopifyCommId, LOCAL_SECRETS.shop, now() + 3600), null);
      expect(r.status).toBe(401);
    });

    it("refuses the victim's link replayed on another document of the same shop, and on the Magento store's (401)", async () => {
      const query = new URL(await victimLink(), 'http://x').search;
      for (const other of [v().shopifyCommId2, v().magentoCommId]) {
        const r = await shopifyCall(p(), `${docPath(other)}${query}`, null);
        expect(r.status, other).toBe(401);
        expect(r.text).not.toContain('%PDF');
      }
    });
  });
}
