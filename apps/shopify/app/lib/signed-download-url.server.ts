import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived, shop-scoped download links for documents embedded where no session token can be
 * attached: the print page's `<object data=…>` is fetched by the browser itself, without the
 * `Authorization: Bearer` header `authenticate.admin` needs, so a plain `/api/documents/:id` link
 * would be redirected to the login page inside Shopify's admin.
 *
 * The link names its shop and expiry and carries an HMAC-SHA256 of (path, shop, expiry) under a key
 * derived from the app secret: it cannot be moved to another document or shop, nor extended.
 */
export const DOWNLOAD_URL_TTL_SECONDS = 300;
/** Clock skew tolerated between the signing and the verifying instance. */
const MAX_SKEW_SECONDS = 30;
const SIG = /^[A-Za-z0-9_-]{43}$/;
const EXP = /^\d{1,12}$/;

/** A key for download links only, so the app secret itself never signs anything but Shopify's own checks. */
export function downloadSigningKey(appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update('exstream-connect/download-url/v1').digest();
}

function signature(key: Buffer, path: string, shop: string, exp: number): string {
  return createHmac('sha256', key).update(`${path}\n${shop}\n${exp}`).digest('base64url');
}

/** `path?shop=…&exp=…&sig=…`; `path` is the URL path exactly as it will be requested (already encoded). */
export function signDownloadPath(path: string, options: { shop: string; key: Buffer; now?: number; ttlSeconds?: number }): string {
  const ttl = Math.min(options.ttlSeconds ?? DOWNLOAD_URL_TTL_SECONDS, DOWNLOAD_URL_TTL_SECONDS);
  const exp = Math.floor((options.now ?? Date.now()) / 1000) + ttl;
  const query = new URLSearchParams({ shop: options.shop, exp: String(exp), sig: signature(options.key, path, options.shop, exp) });
  return `${path}?${query.toString()}`;
}

export type SignedDownloadCheck = { ok: true; shop: string } | { ok: false; reason: string };

/** Checks a signed link (timing-safe); the reason names what is wrong, never the expected value. */
export function verifySignedDownload(url: URL, key: Buffer, now = Date.now()): SignedDownloadCheck {
  const shop = url.searchParams.get('shop') ?? '';
  const exp = url.searchParams.get('exp') ?? '';
  const sig = url.searchParams.get('sig') ?? '';
  if (!shop || !EXP.test(exp) || !SIG.test(sig)) return { ok: false, reason: 'download link is malformed (shop, exp and sig are required)' };
  const expires = Number(exp);
  const nowSeconds = Math.floor(now / 1000);
  const expected = Buffer.from(signature(key, url.pathname, shop, expires));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return { ok: false, reason: 'download link signature does not match' };
  // Checked after the signature, so an expiry cannot be probed without a valid link.
  if (expires < nowSeconds) return { ok: false, reason: 'download link has expired' };
  if (expires > nowSeconds + DOWNLOAD_URL_TTL_SECONDS + MAX_SKEW_SECONDS) return { ok: false, reason: 'download link expiry is too far in the future' };
  return { ok: true, shop };
}
