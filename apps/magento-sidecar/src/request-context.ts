import { ConnectError } from '@exstream-connect/core';
import type { FastifyRequest } from 'fastify';
import type { StoreInfo } from './engine-port.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route is idempotent by its own key, so an exact replay of a signed request is answered
     * by the route (e.g. 200 duplicate) instead of being refused by the replay guard.
     */
    replaySafe?: boolean;
  }
  interface FastifyRequest {
    /** The body bytes exactly as received (signatures are computed over these), or null. */
    rawBody: Buffer | null;
    /** The authenticated signing store; set by the auth hook on every /v1 module route. */
    store: StoreInfo | null;
  }
}

/** The signing store of a module route; every engine call is scoped by it. */
export function signingStore(request: FastifyRequest): StoreInfo {
  if (!request.store) throw new ConnectError('UNAUTHENTICATED', 'Missing or invalid store signature.');
  return request.store;
}
