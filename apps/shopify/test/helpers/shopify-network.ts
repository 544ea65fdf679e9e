import type { ShopifyHandler } from './network-setup.ts';

type Registry = { handlers: ShopifyHandler[]; calls: Request[] };
const KEY = Symbol.for('exstream-connect.test.shopify-network');
const registry = () => (globalThis as unknown as { [KEY]: Registry })[KEY];

/** Registers a handler for requests to Shopify (latest first); returns the remover. */
export function interceptShopify(handler: ShopifyHandler): () => void {
  registry().handlers.push(handler);
  return () => {
    const list = registry().handlers;
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  };
}

export function shopifyCalls(): Request[] {
  return registry().calls;
}

export function resetShopifyNetwork(): void {
  registry().handlers.length = 0;
  registry().calls.length = 0;
}

/** A realistic Admin GraphQL 200 with the cost extension Shopify sends. */
export function graphqlOk(data: unknown, cost = { requested: 10, actual: 10, available: 1990 }): Response {
  return Response.json({
    data,
    extensions: {
      cost: {
        requestedQueryCost: cost.requested,
        actualQueryCost: cost.actual,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: cost.available, restoreRate: 100 },
      },
    },
  });
}

/** Shopify's THROTTLED answer: HTTP 200, no data, an error with code THROTTLED and the bucket state. */
export function graphqlThrottled(requested: number, available: number, restoreRate = 100): Response {
  return Response.json({
    errors: [
      {
        message: 'Throttled',
        extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
      },
    ],
    extensions: {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: null,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate },
      },
    },
  });
}
