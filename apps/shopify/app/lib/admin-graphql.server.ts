import { GraphQLClient, ClientError } from 'graphql-request';
import { ConnectError } from '@exstream-connect/core';
import type { Logger } from '@exstream-connect/engine';

export type AdminGraphqlOptions = {
  /**
   * The shop's OFFLINE access token, refreshed when expired or about to expire. The app wires
   * this to `unauthenticated.admin(shop)`, which reloads the offline session from session storage
   * and, with the `expiringOfflineAccessTokens` flag, refreshes it through shopify-api's
   * `auth.refreshToken` and stores the new one.
   */
  accessToken: (shop: string) => Promise<string>;
  apiVersion: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** THROTTLED retries per call (default 3); each wait is capped at `maxWaitMs` (default 10 s). */
  maxThrottleRetries?: number;
  maxWaitMs?: number;
};

type ThrottleStatus = { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
type CostExtensions = { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus } };

/**
 * Admin GraphQL for code that runs in the engine's worker, outside any Remix request (write-back,
 * product facts): `graphql-request` with the shop's offline token. Cost-based throttling: a
 * THROTTLED error waits (requestedQueryCost − currentlyAvailable) / restoreRate seconds, then
 * retries, at most `maxThrottleRetries` times; an HTTP 429 waits Retry-After. Failures are
 * ConnectError UPSTREAM_FAILED, `retryable` for throttles, 5xx and network errors.
 */
export function createAdminGraphql(options: AdminGraphqlOptions) {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxRetries = options.maxThrottleRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 10_000;

  return {
    async request<T>(shop: string, document: string, variables: Record<string, unknown>): Promise<T> {
      const token = await options.accessToken(shop);
      const client = new GraphQLClient(`https://${shop}/admin/api/${options.apiVersion}/graphql.json`, {
        headers: { 'X-Shopify-Access-Token': token },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      for (let attempt = 0; ; attempt++) {
        try {
          const { data } = await client.rawRequest<T>(document, variables);
          return data;
        } catch (error) {
          const waitMs = throttleWait(error);
          if (waitMs === null || attempt >= maxRetries) throw toUpstreamError(error, waitMs !== null);
          const bounded = Math.min(maxWaitMs, waitMs);
          options.logger?.info('Shopify Admin API throttled; waiting before retry', { shop, waitMs: bounded, attempt: attempt + 1 });
          await sleep(bounded);
        }
      }
    },
  };
}

export type AdminGraphql = ReturnType<typeof createAdminGraphql>;

/** Milliseconds to wait before retrying, or null when the error is not a throttle. */
export function throttleWait(error: unknown): number | null {
  if (!(error instanceof ClientError)) return null;
  const { response } = error;
  if (response.status === 429) {
    const retryAfter = Number(response.headers?.get?.('retry-after') ?? '1');
    return Math.max(0, Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000);
  }
  const throttled = (response.errors ?? []).some((e) => (e.extensions as { code?: string } | undefined)?.code === 'THROTTLED');
  if (!throttled) return null;
  const cost = (response.extensions as CostExtensions | undefined)?.cost;
  const status = cost?.throttleStatus;
  if (!status || !cost?.requestedQueryCost || status.restoreRate <= 0) return 1000;
  const deficit = Math.max(0, cost.requestedQueryCost - status.currentlyAvailable);
  return Math.ceil((deficit / status.restoreRate) * 1000);
}

function toUpstreamError(error: unknown, throttled: boolean): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof ClientError) {
    const status = error.response.status;
    const messages = (error.response.errors ?? []).map((e) => e.message).join('; ');
    return new ConnectError('UPSTREAM_FAILED', `Shopify Admin API ${throttled ? 'still throttled' : `failed (HTTP ${status})`}${messages ? `: ${messages}` : ''}`, {
      // Throttles and 5xx heal on their own: the engine's job retry takes it from here.
      retryable: throttled || status >= 500 || status === 429,
    });
  }
  return new ConnectError('UPSTREAM_FAILED', `Shopify Admin API unreachable: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error });
}
