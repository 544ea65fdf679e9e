import { createHmac, randomUUID } from 'node:crypto';

/**
 * Client-side signers, written from the published contracts (issue 6, Shopify's webhook and
 * session-token docs) rather than imported from an app: the harness must catch an app whose
 * verification drifts from the contract, which re-using its own signer would hide.
 */

/** `X-Exstream-Connect-Signature: t=<unix>,v1=hex(HMAC-SHA256(secret, t.METHOD.path.rawBody))`. */
export function signMagentoRequest(secret: string, request: { method: string; path: string; body: Buffer | string }, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const mac = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${unixSeconds}.${request.method.toUpperCase()}.${request.path}.`, 'utf8'), body]))
    .digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Headers of a Magento module call: store key + signature. */
export function magentoHeaders(storeKey: string, secret: string, request: { method: string; path: string; body: Buffer | string }, unixSeconds?: number): Record<string, string> {
  return {
    'x-exstream-connect-store': storeKey,
    'x-exstream-connect-signature': signMagentoRequest(secret, request, unixSeconds),
  };
}

/** `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body with the app's API secret. */
export function shopifyWebhookHmac(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export type ShopifyWebhookHeaderOptions = { shop: string; topic: string; secret: string; body: Buffer | string; webhookId?: string; eventId?: string; apiVersion?: string; triggeredAt?: string };

/** Every header a real Shopify delivery carries (HTTPS webhooks, not EventBridge). */
export function shopifyWebhookHeaders(options: ShopifyWebhookHeaderOptions): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': options.topic,
    'x-shopify-shop-domain': options.shop,
    'x-shopify-hmac-sha256': shopifyWebhookHmac(options.secret, options.body),
    'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
    'x-shopify-event-id': options.eventId ?? randomUUID(),
    'x-shopify-api-version': options.apiVersion ?? '2026-04',
    'x-shopify-triggered-at': options.triggeredAt ?? new Date().toISOString(),
  };
}

export type SessionTokenOptions = {
  shop: string;
  apiKey: string;
  secret: string;
  /** Defaults: issued now, valid 60 s. */
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  audience?: string;
  userId?: string;
};

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An App Bridge session token: HS256 JWT, `aud` = API key, `dest` = https://<shop>. */
export function makeSessionToken(options: SessionTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const iat = options.issuedAt ?? now;
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.audience ?? options.apiKey,
    sub: options.userId ?? '42',
    exp: options.expiresAt ?? iat + 60,
    nbf: options.notBefore ?? iat,
    iat,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const head = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', options.secret).update(head).digest('base64url');
  return `${head}.${signature}`;
}

/**
 * A signed document link of the Shopify app (print page `<object data>`), from its contract:
 * `path?shop=…&exp=…&sig=…`, sig = base64url(HMAC-SHA256(key, path + "\n" + shop + "\n" + exp))
 * with key = HMAC-SHA256(app secret, "exstream-connect/download-url/v1"). The harness signs its own
 * (expired, other shop) links with it; the app's verifier is not reused.
 */
export function signDownloadLink(options: { appSecret: string; path: string; shop: string; exp: number }): string {
  const key = createHmac('sha256', options.appSecret).update('exstream-connect/download-url/v1').digest();
  const sig = createHmac('sha256', key).update(`${options.path}\n${options.shop}\n${options.exp}`).digest('base64url');
  return `${options.path}?${new URLSearchParams({ shop: options.shop, exp: String(options.exp), sig }).toString()}`;
}
