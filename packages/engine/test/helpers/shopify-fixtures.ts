/** Shopify webhook bodies shaped like the real REST payloads (trimmed to what the mapper reads). */
const money = (amount: string, currency = 'EUR') => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });

export function shopifyOrder(orderId: number, options: { email?: string; locale?: string; customerId?: number } = {}) {
  const email = options.email ?? 'jane.doe@example.com';
  return {
    id: orderId,
    name: `#${1000 + (orderId % 1000)}`,
    email,
    created_at: '2026-11-20T10:00:00+01:00',
    updated_at: '2026-11-20T10:00:00+01:00',
    currency: 'EUR',
    presentment_currency: 'EUR',
    customer_locale: options.locale ?? 'en',
    financial_status: 'paid',
    tags: '',
    total_price: '59.00',
    subtotal_price: '50.00',
    total_tax: '9.00',
    total_discounts: '0.00',
    total_price_set: money('59.00'),
    subtotal_price_set: money('50.00'),
    total_tax_set: money('9.00'),
    total_discounts_set: money('0.00'),
    total_shipping_price_set: money('0.00'),
    line_items: [
      { id: orderId * 10 + 1, product_id: 7001, title: 'Mug', name: 'Mug', sku: 'MUG-1', quantity: 2, price: '25.00', price_set: money('25.00') },
    ],
    shipping_lines: [],
    billing_address: { first_name: 'Jane', last_name: 'Doe', address1: '1 Main St', city: 'Paris', zip: '75001', country_code: 'FR' },
    shipping_address: { first_name: 'Jane', last_name: 'Doe', address1: '1 Main St', city: 'Paris', zip: '75001', country_code: 'FR' },
    customer: { id: options.customerId ?? 9001, email, first_name: 'Jane', last_name: 'Doe', locale: options.locale ?? 'en' },
  };
}

export function shopifyFulfillment(orderId: number) {
  return {
    id: orderId * 100 + 1,
    order_id: orderId,
    name: `#${1000 + (orderId % 1000)}.1`,
    status: 'success',
    created_at: '2026-11-21T09:00:00+01:00',
    updated_at: '2026-11-21T09:00:00+01:00',
    tracking_company: 'DHL',
    tracking_number: 'TRACK123',
    tracking_numbers: ['TRACK123'],
    tracking_url: 'https://track.example/TRACK123',
    tracking_urls: ['https://track.example/TRACK123'],
    line_items: [{ id: orderId * 10 + 1, title: 'Mug', name: 'Mug', sku: 'MUG-1', quantity: 2, price: '25.00' }],
  };
}

export function shopifyRefund(orderId: number) {
  return {
    id: orderId * 100 + 2,
    order_id: orderId,
    created_at: '2026-11-22T09:00:00+01:00',
    processed_at: '2026-11-22T09:00:00+01:00',
    note: 'Damaged mug',
    refund_line_items: [
      {
        id: 1,
        line_item_id: orderId * 10 + 1,
        quantity: 1,
        restock_type: 'no_restock',
        subtotal: '25.00',
        total_tax: '4.50',
        subtotal_set: money('25.00'),
        total_tax_set: money('4.50'),
        line_item: { id: orderId * 10 + 1, title: 'Mug', name: 'Mug', sku: 'MUG-1', quantity: 2, price: '25.00' },
      },
    ],
    transactions: [{ id: 55, kind: 'refund', status: 'success', amount: '29.50', currency: 'EUR', gateway: 'manual' }],
  };
}

export function shopifyReturn(orderId: number) {
  return {
    id: orderId * 100 + 3,
    name: `#${1000 + (orderId % 1000)}-R1`,
    status: 'REQUESTED',
    created_at: '2026-11-23T09:00:00+01:00',
    updated_at: '2026-11-23T09:00:00+01:00',
    order: { id: orderId },
    return_line_items: [{ id: 1, quantity: 1, return_reason: 'DEFECTIVE', fulfillment_line_item: { id: 3, line_item: { id: orderId * 10 + 1 } } }],
  };
}

/** The sample lifecycle: placed → paid → shipped with tracking → partially refunded → return requested. */
export function lifecycle(orderId: number, options: { email?: string } = {}) {
  return [
    { eventId: `evt-${orderId}-1`, topic: 'orders/create', payload: shopifyOrder(orderId, options) },
    { eventId: `evt-${orderId}-2`, topic: 'orders/paid', payload: shopifyOrder(orderId, options) },
    { eventId: `evt-${orderId}-3`, topic: 'fulfillments/create', payload: shopifyFulfillment(orderId) },
    { eventId: `evt-${orderId}-4`, topic: 'refunds/create', payload: shopifyRefund(orderId) },
    { eventId: `evt-${orderId}-5`, topic: 'returns/request', payload: shopifyReturn(orderId) },
  ];
}

export const LIFECYCLE_RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', fallbackChannels: ['print'], communicationId: 'comm-order-confirmation', templateVersion: '3' },
  { eventKind: 'order.paid', documentType: 'invoice', channel: 'email', communicationId: 'comm-invoice', templateVersion: '1' },
  { eventKind: 'fulfillment.created', documentType: 'shipping_notice', channel: 'email', communicationId: 'comm-shipping', templateVersion: '1' },
  { eventKind: 'refund.created', documentType: 'refund_confirmation', channel: 'email', communicationId: 'comm-refund', templateVersion: '1' },
  { eventKind: 'return.requested', documentType: 'return_update', channel: 'email', communicationId: 'comm-return', templateVersion: '1' },
] as const;

export const LIFECYCLE_DOCUMENTS = ['order_confirmation', 'invoice', 'shipping_notice', 'refund_confirmation', 'return_update'];

/** A `checkouts/update` body of a checkout left before payment: the mapper makes it `cart.abandoned`. */
export function shopifyAbandonedCheckout(checkoutId: number, options: { email?: string; locale?: string } = {}) {
  return {
    id: checkoutId,
    token: `tok-${checkoutId}`,
    email: options.email ?? `shopper-${checkoutId}@example.com`,
    created_at: '2026-11-20T18:00:00+01:00',
    updated_at: '2026-11-20T18:05:00+01:00',
    completed_at: null,
    currency: 'EUR',
    presentment_currency: 'EUR',
    customer_locale: options.locale ?? 'en',
    line_items: [{ key: `line-${checkoutId}`, product_id: 7001, variant_id: 7101, sku: 'MUG-1', title: 'Mug', quantity: 2, price: '25.00', line_price: '50.00' }],
    subtotal_price: '50.00',
    total_price: '59.00',
    abandoned_checkout_url: `https://shop.example/checkouts/${checkoutId}/recover`,
  };
}

export const CAMPAIGN_RULES = [
  { eventKind: 'cart.abandoned', documentType: 'abandoned_cart_reminder', channel: 'email', communicationId: 'comm-cart-reminder', templateVersion: '2' },
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-order-confirmation', templateVersion: '3' },
] as const;
