import { ConnectError } from '@exstream-connect/core';
import { createExstreamClient, type ExstreamClient } from '@exstream-connect/exstream';
import type { EngineContext } from './engine-context.ts';
import { streamingUploadFetch } from './streaming-upload-fetch.ts';
import { loadConnection, type ResolvedConnection } from './load-connection.ts';

export type StoreExstream = { client: ExstreamClient; connection: ResolvedConnection };

/**
 * One Exstream client per store connection, rebuilt when the connection changes, so the OTDS
 * token is reused across sends instead of fetched per document.
 */
export function createExstreamClients(ctx: Pick<EngineContext, 'prisma' | 'secretBox' | 'logger' | 'fetch'>, options: { maxAttempts?: number; ttlMs?: number } = {}) {
  const cache = new Map<string, { expires: number; value: StoreExstream }>();
  const uploadFetch = streamingUploadFetch();

  function build(connection: ResolvedConnection): ExstreamClient {
    return createExstreamClient(
      {
        baseUrl: connection.baseUrl,
        domain: connection.domain,
        auth: {
          tokenUrl: connection.tokenUrl,
          grantType: connection.grantType,
          clientId: connection.clientId,
          ...(connection.clientSecret ? { clientSecret: connection.clientSecret } : {}),
          ...(connection.username ? { username: connection.username } : {}),
          ...(connection.password ? { password: connection.password } : {}),
          ...(connection.scope !== null ? { scope: connection.scope } : {}),
        },
        // The queue owns retries with backoff (a worker is not held for minutes); the client
        // only smooths over a single blip and refreshes an expired token.
        retry: { maxAttempts: options.maxAttempts ?? 2, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 },
        timeoutMs: 30_000,
      },
      // Tests inject their fetch; otherwise streamed uploads (statements) bypass Node's fetch.
      { fetch: ctx.fetch ?? uploadFetch, logger: ctx.logger },
    );
  }

  return {
    async forStore(storeId: string): Promise<StoreExstream> {
      const hit = cache.get(storeId);
      // Local settings changes call forget(); other instances' changes are picked up within the TTL.
      if (hit && hit.expires > Date.now()) return hit.value;
      const connection = await loadConnection(ctx, storeId);
      if (!connection) throw new ConnectError('NOT_CONFIGURED', 'No Exstream connection is configured for this store');
      const value = { client: build(connection), connection };
      cache.set(storeId, { expires: Date.now() + (options.ttlMs ?? 30_000), value });
      return value;
    },
    forget(storeId: string) {
      cache.delete(storeId);
    },
  };
}

export type ExstreamClients = ReturnType<typeof createExstreamClients>;
