import { createHmac } from 'node:crypto';
import { safeEqual } from '@exstream-connect/db';

/** How far the signer's clock may be from ours before a request counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const STORE_HEADER = 'x-exstream-connect-store';
export const SIGNATURE_HEADER = 'x-exstream-connect-signature';

export type SignedRequest = {
  method: string;
  /** The request target exactly as sent: path plus query string (`/v1/feedback?after=12`). */
  path: string;
  /** The raw body bytes; empty for GET. */
  rawBody: Buffer | string;
};

/** The string the module signs: `t + "." + METHOD + "." + path + "." + rawBody`. */
function signedPayload(timestamp: string, request: SignedRequest): Buffer {
  const body = typeof request.rawBody === 'string' ? Buffer.from(request.rawBody, 'utf8') : request.rawBody;
  return Buffer.concat([Buffer.from(`${timestamp}.${request.method.toUpperCase()}.${request.path}.`, 'utf8'), body]);
}

export function computeSignature(secret: string, timestamp: string, request: SignedRequest): string {
  return createHmac('sha256', secret).update(signedPayload(timestamp, request)).digest('hex');
}

/**
 * Builds the `X-Exstream-Connect-Signature` value (`t=<unix seconds>,v1=<hex>`) the Magento module
 * sends. Exported for tests, scripts and the README example; the PHP client does the same.
 */
export function signMagentoRequest(secret: string, request: SignedRequest, now: Date = new Date()): string {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, request)}`;
}

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';
/**
 * On success: the request's signature as computed here (hex, the same for every valid header of
 * this exact request) and its timestamp, which the replay guard keys on.
 */
export type SignatureCheck = { ok: true; signature: string; timestamp: number } | { ok: false; reason: SignatureFailure };

/** Parses `t=…,v1=…[,v1=…]`; several v1 values allow a secret rotation window. */
function parseHeader(header: string): { timestamp: string; signatures: string[] } | null {
  let timestamp: string | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
      timestamp = value;
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
    // Unknown schemes (v0, v2…) are ignored so a future signer can send both.
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/**
 * Verifies a module request signature in constant time per candidate. The timestamp is part of
 * the signed string, so rewriting it breaks the HMAC; the tolerance window bounds replays, and the
 * replay guard (authenticate-store.ts) refuses a second use of a write request inside it.
 */
export function verifySignature(options: {
  header: string | undefined;
  secret: string;
  request: SignedRequest;
  now: Date;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!options.header) return { ok: false, reason: 'missing' };
  const parsed = parseHeader(options.header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const expected = computeSignature(options.secret, parsed.timestamp, options.request);
  // Compare every candidate (no early exit) so timing does not reveal which one matched.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (safeEqual(candidate, expected)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'mismatch' };
  const skew = Math.abs(Math.floor(options.now.getTime() / 1000) - Number(parsed.timestamp));
  if (skew > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  return { ok: true, signature: expected, timestamp: Number(parsed.timestamp) };
}
