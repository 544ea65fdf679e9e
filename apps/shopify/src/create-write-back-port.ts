import type { WriteBackJob } from '@exstream-connect/engine';
import { createShopifyWriteBack } from '../app/write-back.server.ts';
import { runtime } from '../app/runtime.server.ts';
import { SHOPIFY_API_VERSION } from '../app/shopify.server.ts';

export type CreateWriteBackPortOptions = { fetch?: typeof fetch; sleep?: (ms: number) => Promise<void> };

/**
 * The engine's `writeBack.shopify` port for the composition root. The engine is created before
 * the app, so the port resolves the app's runtime at call time. Tokens come from
 * `unauthenticated.admin(shop)`: the offline session from session storage, refreshed (and stored
 * again) by the library when it has expired or expires within 5 minutes. In local mode the demo
 * shop is skipped: it is not a real shop and there is no Shopify to call.
 */
export function createWriteBackPort(options: CreateWriteBackPortOptions = {}) {
  return {
    async apply(job: WriteBackJob): Promise<void> {
      const rt = runtime();
      if (rt.localShop && job.storeKey === rt.localShop) {
        rt.logger.debug('Local mode: write-back to the demo shop skipped', { kind: job.kind });
        return;
      }
      const writeBack = createShopifyWriteBack({
        accessToken: async (shop) => (await rt.shopify.unauthenticated.admin(shop)).session.accessToken ?? '',
        apiVersion: SHOPIFY_API_VERSION,
        logger: rt.logger,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      await writeBack.apply(job);
    },
  };
}
