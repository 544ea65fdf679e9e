import { assertStorablePayload, mapMagentoEvent, mapShopifyWebhook, type TCommerceEvent, type TProductFactsInput } from '@exstream-connect/core';
import type { Store } from '@exstream-connect/db';

/**
 * The store's platform mapper: raw webhook / module envelope → normalised events. `products`:
 * product facts for the lines (Shopify's come from the app's source; a Magento envelope carries
 * its own in `products`, which a list given here would replace).
 */
export function mapPlatformEvent(
  store: Pick<Store, 'platform' | 'externalKey'>,
  topic: string,
  payload: unknown,
  receivedAt?: Date,
  products?: TProductFactsInput,
): { events: TCommerceEvent[]; ignored: string | null } {
  // Preview / previewRule take samples straight from a merchant: same limits as accept().
  assertStorablePayload(payload, 'event payload');
  return store.platform === 'shopify'
    ? mapShopifyWebhook(topic, payload, { shopDomain: store.externalKey, ...(receivedAt ? { receivedAt } : {}), ...(products ? { products } : {}) })
    : mapMagentoEvent(payload, products ? { products } : {});
}
