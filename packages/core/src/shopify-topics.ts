/** The Shopify webhook topics `mapShopifyWebhook` understands (the app subscribes to exactly these). */
export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
  'returns/request',
  'returns/approve',
  'returns/decline',
  'disputes/create',
  'disputes/update',
  'order_transactions/create',
  'checkouts/update',
  'customers/update',
] as const;
export type TShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

/** Accepts "orders/create" and the enum form "ORDERS_CREATE" that @shopify/shopify-app-remix returns. */
export function normaliseShopifyTopic(topic: string): string {
  const wanted = topic.trim().toUpperCase().replace('/', '_');
  return SHOPIFY_TOPICS.find((t) => t.toUpperCase().replace('/', '_') === wanted) ?? topic.trim().toLowerCase();
}
