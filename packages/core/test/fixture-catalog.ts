import type { TCommerceEventKind, TShopifyTopic } from '../src/index.ts';

/**
 * Every platform fixture and what it must map to. Tests check that this catalogue names every
 * fixture file on disk, so a new fixture cannot slip in untested.
 */
export const SHOPIFY_FIXTURES: Record<TShopifyTopic, Array<{ fixture: string; kinds: TCommerceEventKind[] }>> = {
  'orders/create': [
    { fixture: 'orders-create', kinds: ['order.placed'] },
    { fixture: 'orders-create-guest', kinds: ['order.placed'] },
  ],
  'orders/paid': [{ fixture: 'orders-paid', kinds: ['order.paid'] }],
  'orders/cancelled': [{ fixture: 'orders-cancelled', kinds: ['order.cancelled'] }],
  'orders/fulfilled': [{ fixture: 'orders-fulfilled', kinds: ['order.fulfilled'] }],
  'orders/partially_fulfilled': [{ fixture: 'orders-partially-fulfilled', kinds: ['order.partially_fulfilled'] }],
  'fulfillments/create': [{ fixture: 'fulfillments-create', kinds: ['fulfillment.created'] }],
  'fulfillments/update': [
    { fixture: 'fulfillments-update', kinds: ['fulfillment.updated'] },
    { fixture: 'fulfillments-update-delivered', kinds: ['shipment.delivered'] },
    { fixture: 'fulfillments-update-failure', kinds: ['shipment.delayed'] },
  ],
  'refunds/create': [
    { fixture: 'refunds-create', kinds: ['refund.created'] },
    { fixture: 'refunds-create-shipping-only', kinds: ['refund.created'] },
  ],
  'returns/request': [{ fixture: 'returns-request', kinds: ['return.requested'] }],
  'returns/approve': [{ fixture: 'returns-approve', kinds: ['return.approved'] }],
  'returns/decline': [{ fixture: 'returns-decline', kinds: ['return.declined'] }],
  'disputes/create': [{ fixture: 'disputes-create', kinds: ['dispute.opened'] }],
  'disputes/update': [{ fixture: 'disputes-update', kinds: ['dispute.updated'] }],
  'order_transactions/create': [
    { fixture: 'order-transactions-create-failure', kinds: ['payment.failed'] },
    { fixture: 'order-transactions-create-success', kinds: [] },
  ],
  'checkouts/update': [
    { fixture: 'checkouts-update', kinds: ['cart.abandoned'] },
    { fixture: 'checkouts-update-completed', kinds: [] },
    { fixture: 'checkouts-update-no-email', kinds: [] },
  ],
  'customers/update': [
    { fixture: 'customers-update', kinds: ['customer.consent_changed', 'customer.consent_changed'] },
    { fixture: 'customers-update-pending', kinds: [] },
  ],
};

/** [fixture, topic, expected kinds] for it.each. */
export const SHOPIFY_FIXTURE_FILES: Array<[string, TShopifyTopic, TCommerceEventKind[]]> = Object.entries(SHOPIFY_FIXTURES).flatMap(([topic, fixtures]) =>
  fixtures.map((f): [string, TShopifyTopic, TCommerceEventKind[]] => [f.fixture, topic as TShopifyTopic, f.kinds]),
);

/** Every Magento envelope fixture and the events it must map to. */
export const MAGENTO_ENVELOPES: Record<string, TCommerceEventKind[]> = {
  '01-order-placed': ['order.placed'],
  '02-order-invoiced': ['order.invoiced'],
  '03-shipment-created': ['fulfillment.created'],
  '04-shipment-track-added': ['fulfillment.updated'],
  '05-creditmemo-created': ['credit_memo.created'],
  '06-cart-abandoned': ['cart.abandoned'],
  '07-order-cancelled': ['order.cancelled'],
  '08-order-delayed': ['shipment.delayed'],
  '09-order-backordered': ['order.backordered'],
  '10-customer-consent-changed': ['customer.consent_changed'],
  '11-order-placed-guest': ['order.placed'],
  '12-shipment-created-second-parcel': ['fulfillment.created'],
  '13-order-placed-b2b-company': ['order.placed'],
  '14-order-invoiced-b2b-company': ['order.invoiced'],
  '15-order-placed-with-products': ['order.placed'],
};

/** Raw Magento REST entity fixtures (used by the PHP module's tests) and the envelope that embeds each. */
export const MAGENTO_ENTITIES: Record<string, { envelope: string; part: 'entity' | 'order' }> = {
  order: { envelope: '01-order-placed', part: 'entity' },
  invoice: { envelope: '02-order-invoiced', part: 'entity' },
  shipment: { envelope: '03-shipment-created', part: 'entity' },
  'shipment-with-tracks': { envelope: '04-shipment-track-added', part: 'entity' },
  'shipment-second-parcel': { envelope: '12-shipment-created-second-parcel', part: 'entity' },
  creditmemo: { envelope: '05-creditmemo-created', part: 'entity' },
  cart: { envelope: '06-cart-abandoned', part: 'entity' },
  'order-guest': { envelope: '11-order-placed-guest', part: 'entity' },
  subscriber: { envelope: '10-customer-consent-changed', part: 'entity' },
};
