import { randomUUID } from 'node:crypto';
import { buildMagentoEnvelope } from '../payloads/build-magento-envelope.ts';
import { buildShopifyOrder } from '../payloads/build-shopify-order.ts';
import { magentoHeaders, makeSessionToken, shopifyWebhookHeaders } from '../sign-requests.ts';
import { LOCAL_SECRETS, type LocalProduct } from '../start-local-product.ts';

/**
 * The tenants and requests of the attack matrix. The victims are the demo tenants the product
 * seeds (`demo-magento`, `demo-shop.myshopify.com`); the attackers are fully installed tenants of
 * their own (seeded before start), so every refusal is about WHOSE data, not about a broken login.
 */
export const ATTACKER = { magento: { storeKey: 'attacker-magento', secret: 'attacker-magento-secret-4b1d' }, shopify: { shop: 'attacker-shop.myshopify.com' } };
export const VICTIM = {
  magentoIncrement: 4242,
  magentoIncrementId: '000004242',
  shopifyOrder: 5_500_000_004_242,
  /** A second order of the victim shop: a second document, for links moved between documents. */
  shopifyOrder2: 5_500_000_004_243,
  /** customers/data_request id → export `data-request-4242`. */
  dataRequestId: 4242,
} as const;
export const VICTIM_EXPORT_ID = `data-request-${VICTIM.dataRequestId}`;

/** The admin extensions call from the merchant's browser; the library answers self-identified bots (Node's "node") with 410. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
/** Every attack request is bounded: a hung product fails the case instead of the suite's hook timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

export type HttpAnswer = { status: number; text: string; headers: Headers };

const now = () => Math.floor(Date.now() / 1000);

export const victimToken = (overrides: Partial<Parameters<typeof makeSessionToken>[0]> = {}) =>
  makeSessionToken({ shop: LOCAL_SECRETS.shop, apiKey: LOCAL_SECRETS.shopifyApiKey, secret: LOCAL_SECRETS.shopifyApiSecret, ...overrides });
export const attackerToken = () => makeSessionToken({ shop: ATTACKER.shopify.shop, apiKey: LOCAL_SECRETS.shopifyApiKey, secret: LOCAL_SECRETS.shopifyApiSecret });
export const expiredVictimToken = () => victimToken({ issuedAt: now() - 600, notBefore: now() - 600, expiresAt: now() - 300 });

async function answer(response: Response): Promise<HttpAnswer> {
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export type SidecarInit = { method?: string; body?: string; storeKey?: string; secret?: string; headers?: Record<string, string>; t?: number };

/** The signed headers a sidecar call would carry (to send the exact same request twice). */
export function sidecarHeaders(path: string, init: SidecarInit = {}): Record<string, string> {
  const method = init.method ?? 'GET';
  const body = init.body ?? '';
  return {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(init.headers ?? magentoHeaders(init.storeKey ?? LOCAL_SECRETS.magentoStoreKey, init.secret ?? LOCAL_SECRETS.magentoSecret, { method, path, body }, init.t)),
  };
}

/** A Magento module call to the sidecar, signed as `storeKey` (default: the victim) unless `headers` are given. */
export async function sidecarCall(product: LocalProduct, path: string, init: SidecarInit = {}): Promise<HttpAnswer> {
  const method = init.method ?? 'GET';
  const body = init.body ?? '';
  const headers = init.headers ? { ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers } : sidecarHeaders(path, init);
  return answer(await fetch(product.sidecarUrl + path, { method, headers, ...(body ? { body } : {}), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
}

export type ShopifyInit = { method?: string; body?: string; form?: Record<string, string> };

/** A call of an admin extension / embedded page: `token` as `Authorization: Bearer`, or none. */
export async function shopifyCall(product: LocalProduct, path: string, token: string | null, init: ShopifyInit = {}): Promise<HttpAnswer> {
  const body = init.form ? new URLSearchParams(init.form).toString() : init.body;
  const contentType = init.form ? 'application/x-www-form-urlencoded' : init.body ? 'application/json' : null;
  const response = await fetch(product.shopifyUrl + path, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers: { 'user-agent': BROWSER_UA, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    ...(body ? { body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return answer(response);
}

/** A signed Shopify webhook delivery (the app's secret unless `secret` is given). */
export async function shopifyWebhook(product: LocalProduct, route: 'commerce' | 'compliance', topic: string, payload: unknown, options: { shop?: string; secret?: string } = {}): Promise<HttpAnswer> {
  const body = JSON.stringify(payload);
  const headers = shopifyWebhookHeaders({ shop: options.shop ?? LOCAL_SECRETS.shop, topic, secret: options.secret ?? LOCAL_SECRETS.shopifyApiSecret, body });
  return answer(await fetch(`${product.shopifyUrl}/webhooks/${route}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

type Timeline = { items: Array<{ id: string; status: string; hasDocument: boolean }> };

export type Victims = {
  magentoCommId: string;
  shopifyCommId: string;
  /** The victim shop's second document (another order). */
  shopifyCommId2: string;
};

/**
 * The victims' data, created the way the platforms create it: a Magento order (and the attacker's
 * own order with the SAME increment id), two Shopify orders, and a customers/data_request export
 * of the victim shop. Resolves once each order has its produced document.
 */
export async function seedVictims(product: LocalProduct): Promise<Victims> {
  const envelope = buildMagentoEnvelope({ event: 'order.placed', storeCode: 'default', orderEntityId: VICTIM.magentoIncrement, email: 'victim.magento@example.com' });
  const placed = await sidecarCall(product, '/v1/events', { method: 'POST', body: JSON.stringify(envelope) });
  if (placed.status !== 202) throw new Error(`victim Magento event: ${placed.status} ${placed.text}`);
  const attackerOwn = await sidecarCall(product, '/v1/events', { method: 'POST', body: JSON.stringify({ ...envelope, id: `attacker-${randomUUID()}` }), ...ATTACKER.magento });
  if (attackerOwn.status !== 202) throw new Error(`attacker Magento event: ${attackerOwn.status} ${attackerOwn.text}`);
  for (const [orderId, n] of [[VICTIM.shopifyOrder, 4242], [VICTIM.shopifyOrder2, 4243]] as const) {
    const r = await shopifyWebhook(product, 'commerce', 'orders/create', buildShopifyOrder({ orderId, orderNumber: n, email: 'victim.shopify@example.com', customerId: 4242 }));
    if (r.status !== 200) throw new Error(`victim Shopify webhook: ${r.status} ${r.text}`);
  }
  const dataRequest = await shopifyWebhook(product, 'compliance', 'customers/data_request', {
    shop_id: 1,
    shop_domain: LOCAL_SECRETS.shop,
    customer: { id: 4242, email: 'victim.shopify@example.com' },
    orders_requested: [VICTIM.shopifyOrder],
    data_request: { id: VICTIM.dataRequestId },
  });
  if (dataRequest.status !== 200) throw new Error(`victim customers/data_request: ${dataRequest.status} ${dataRequest.text}`);

  const sent = (t: Timeline) => t.items.find((i) => i.hasDocument) ?? null;
  const magentoCommId = (await waitFor('the victim Magento document', async () => sent(JSON.parse((await sidecarCall(product, `/v1/orders/${VICTIM.magentoIncrementId}/communications`)).text) as Timeline))).id;
  const shopifyDoc = (order: number) =>
    waitFor(`the victim Shopify document of order ${order}`, async () => {
      const r = await shopifyCall(product, `/api/orders/${order}/communications`, victimToken());
      return r.status === 200 ? sent(JSON.parse(r.text) as Timeline) : null;
    });
  return { magentoCommId, shopifyCommId: (await shopifyDoc(VICTIM.shopifyOrder)).id, shopifyCommId2: (await shopifyDoc(VICTIM.shopifyOrder2)).id };
}

/** The document links of a print page (`<object data="…">`, HTML-escaped). */
export function printPageLinks(html: string): string[] {
  return [...html.matchAll(/<object data="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}
