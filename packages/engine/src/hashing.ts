import { createHash } from 'node:crypto';

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * The Idempotency-Key sent to Exstream for one communication attempt. Deterministic, so a
 * re-run of the same attempt (worker died mid-send) presents the same key and Exstream answers
 * with the first result instead of producing a second document.
 *
 * `exc-<store id, 32 hex>-<40 hex digest>`: the key names its store, so a delivery callback (which
 * carries only the key) is resolved inside that one store (see feedback.ts), never by a lookup
 * across stores.
 */
export function idempotencyKeyFor(input: { storeId: string; businessKey: string; documentType: string; channel: string; attempt: number }): string {
  const digest = sha256Hex([input.storeId, input.businessKey, input.documentType, input.channel, String(input.attempt)].join('\u001f'));
  return `exc-${input.storeId.replace(/-/g, '').toLowerCase()}-${digest.slice(0, 40)}`;
}

const KEY_PATTERN = /^exc-([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})-[0-9a-f]{40}$/;

/** The store id a key of idempotencyKeyFor names, or null for any other string. */
export function storeIdOfIdempotencyKey(key: string): string | null {
  const match = KEY_PATTERN.exec(key);
  return match ? match.slice(1, 6).join('-') : null;
}

/** Hash of a normalised email: finds a customer's rows without keeping the address. */
export function recipientHashFor(email: string | null | undefined): string | null {
  if (!email) return null;
  return sha256Hex(email.trim().toLowerCase());
}

/** The key CustomerPreference rows use: the platform customer id, else a hash of the email (guests). */
export function customerKeyFor(customer: { ref: string | null; email: string | null } | null | undefined): string | null {
  if (!customer) return null;
  if (customer.ref) return customer.ref;
  const hash = recipientHashFor(customer.email);
  return hash ? `email:${hash}` : null;
}
