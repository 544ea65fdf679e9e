import { ConnectError } from '@exstream-connect/core';
import type { FastifyRequest } from 'fastify';
import type { SidecarEngine, StoreInfo } from './engine-port.ts';
import { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, STORE_HEADER, verifySignature } from './verify-signature.ts';

/** One message for every cause, so a caller cannot probe which store keys exist. */
export const UNAUTHENTICATED_MESSAGE = 'Missing or invalid store signature.';
/** A valid signature used a second time. Saying so reveals nothing: only the store could sign it. */
export const REPLAYED_MESSAGE = 'Replayed request: this signature was already used. Sign every request afresh.';

/** Methods that change nothing: replaying one returns what the captured request already returned. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Verifying against a throw-away secret when the store is unknown keeps the work (and so the
// response time) the same as for a real store with a wrong signature.
const DECOY_SECRET = 'decoy-secret-for-unknown-stores';

export type AuthenticateStoreOptions = {
  engine: SidecarEngine;
  clock: () => Date;
  toleranceSeconds?: number;
};

function singleHeader(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/**
 * Resolves and authenticates the signing store of a module request. Throws UNAUTHENTICATED with
 * the same message for a missing header, an unknown or uninstalled store, a bad, stale or future
 * signature; the real reason goes to the log (never the signature itself). A write request whose
 * signature was already used is refused with REPLAYED_MESSAGE.
 */
export async function authenticateStore(request: FastifyRequest, options: AuthenticateStoreOptions): Promise<StoreInfo> {
  const storeKey = singleHeader(request.headers[STORE_HEADER])?.trim();
  const header = singleHeader(request.headers[SIGNATURE_HEADER]);
  const fail = (reason: string): never => {
    request.log.info({ reason, storeKey: storeKey ? storeKey.slice(0, 100) : null }, 'store authentication failed');
    throw new ConnectError('UNAUTHENTICATED', UNAUTHENTICATED_MESSAGE);
  };
  if (!storeKey || storeKey.length > 200) return fail('missing_store_header');

  const [store, secret] = await Promise.all([
    options.engine.stores.find('magento', storeKey),
    options.engine.stores.signingSecret(storeKey),
  ]);
  const usable = store !== null && store.installed && secret !== null && secret !== '';
  const check = verifySignature({
    header,
    secret: usable ? secret : DECOY_SECRET,
    request: { method: request.method, path: request.url, rawBody: request.rawBody ?? Buffer.alloc(0) },
    now: options.clock(),
    ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
  });
  if (!usable) return fail(store === null ? 'unknown_store' : !store.installed ? 'store_uninstalled' : 'no_signing_secret');
  if (!check.ok) return fail(`signature_${check.reason}`);

  // A write request is served once per signature: an exact captured copy (a resend, a settings PUT)
  // is refused for as long as its timestamp would be accepted. Routes that are idempotent by their
  // own key (POST /v1/events) opt out: their replay answers "duplicate", which is what a retrying
  // proxy needs. The record is in the database, shared by every sidecar instance.
  if (!SAFE_METHODS.has(request.method) && request.routeOptions.config.replaySafe !== true) {
    const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
    const first = await options.engine.signedRequests.claimOnce(
      { id: store.id },
      { signature: check.signature, expiresAt: new Date((check.timestamp + tolerance + 1) * 1000), now: options.clock() },
    );
    if (!first) {
      request.log.info({ reason: 'replayed', storeKey }, 'store authentication failed');
      throw new ConnectError('UNAUTHENTICATED', REPLAYED_MESSAGE);
    }
  }
  return store;
}
