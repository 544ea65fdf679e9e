import type { Prng } from '../create-prng.ts';
import { buildMagentoEnvelope, type MagentoEventName } from '../payloads/build-magento-envelope.ts';
import { buildShopifyOrder } from '../payloads/build-shopify-order.ts';

export type SoakStore = { platform: 'shopify' | 'magento'; storeKey: string; secret?: string };

export type SoakEvent = {
  /** Unique per business event; all deliveries of an event share it. */
  eventId: string;
  store: SoakStore;
  platform: 'shopify' | 'magento';
  topic: string;
  body: string;
  /** What the engine must end up with: exactly one communication with this key. */
  expected: { storeKey: string; orderRef: string; documentType: string };
  /** The customer's address is a `+bounce` one: the sandbox reports the document bounced. */
  bounces: boolean;
};

export type SoakDelivery = { event: SoakEvent; attempt: number };

const SHOPIFY_STEPS: Array<[string, string]> = [
  ['orders/create', 'order_confirmation'],
  ['orders/paid', 'invoice'],
  ['orders/cancelled', 'cancellation'],
];
const MAGENTO_STEPS: Array<[MagentoEventName, string]> = [
  ['order.placed', 'order_confirmation'],
  ['order.invoiced', 'invoice'],
  ['creditmemo.created', 'credit_memo'],
];

/**
 * `count` events over the stores, two or three per order (placed, paid/invoiced, and for a third
 * of orders cancelled/refunded), each delivered 1–3 times, all deliveries shuffled together so
 * duplicates and out-of-order arrivals interleave. About 3 % of customers bounce (`+bounce`).
 */
export function generateSoakEvents(prng: Prng, count: number, stores: SoakStore[]): { events: SoakEvent[]; deliveries: SoakDelivery[] } {
  const events: SoakEvent[] = [];
  let order = 0;
  while (events.length < count) {
    order++;
    const store = stores[order % stores.length]!;
    const steps = Math.min(prng.chance(1 / 3) ? 3 : 2, count - events.length);
    const bounces = prng.chance(0.03);
    const email = `soak.customer${order}${bounces ? '+bounce' : ''}@example.com`;
    for (let step = 0; step < steps; step++) {
      if (store.platform === 'shopify') {
        const [topic, documentType] = SHOPIFY_STEPS[step]!;
        const orderId = 6_000_000_000_000 + order;
        const body = JSON.stringify(buildShopifyOrder({ orderId, orderNumber: 1000 + order, email, customerId: 700_000 + order, cancelled: topic === 'orders/cancelled' }));
        events.push({ eventId: `soak-${order}-${step}`, store, platform: 'shopify', topic, body, expected: { storeKey: store.storeKey, orderRef: String(orderId), documentType }, bounces });
      } else {
        const [event, documentType] = MAGENTO_STEPS[step]!;
        const envelope = buildMagentoEnvelope({ event, storeCode: 'default', orderEntityId: order, email });
        envelope.id = `soak-${order}-${step}`;
        events.push({ eventId: envelope.id as string, store, platform: 'magento', topic: event, body: JSON.stringify(envelope), expected: { storeKey: store.storeKey, orderRef: String(order).padStart(9, '0'), documentType }, bounces });
      }
    }
  }
  const deliveries: SoakDelivery[] = [];
  for (const event of events) {
    const times = prng.int(1, 3);
    for (let attempt = 1; attempt <= times; attempt++) deliveries.push({ event, attempt });
  }
  return { events, deliveries: prng.shuffle(deliveries) };
}
