import type { ProductFactsSource } from '@exstream-connect/engine';
import { createShopifyProductFacts } from '../app/product-facts.server.ts';
import { runtime } from '../app/runtime.server.ts';
import { SHOPIFY_API_VERSION } from '../app/shopify.server.ts';

export type CreateProductFactsSourceOptions = { fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> };

/**
 * The engine's `productFacts.shopify` source for the composition root. Like the write-back port,
 * it resolves the app's runtime at call time (the engine is created before the app) and takes the
 * shop's offline token from `unauthenticated.admin(shop)`, refreshed when it has expired. In local
 * mode the demo shop has no Shopify behind it: its products have no facts.
 */
export function createProductFactsSource(options: CreateProductFactsSourceOptions = {}): ProductFactsSource {
  return {
    name: 'Shopify Admin GraphQL',
    async lookup(request) {
      const rt = runtime();
      if (rt.localShop && request.store.storeKey === rt.localShop) {
        rt.logger.debug('Local mode: product facts of the demo shop skipped', { products: request.products.length });
        return [];
      }
      const source = createShopifyProductFacts({
        accessToken: async (shop) => (await rt.shopify.unauthenticated.admin(shop)).session.accessToken ?? '',
        apiVersion: SHOPIFY_API_VERSION,
        logger: rt.logger,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      return source.lookup(request);
    },
  };
}
