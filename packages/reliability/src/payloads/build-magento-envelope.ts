export type MagentoEventName = 'order.placed' | 'order.invoiced' | 'creditmemo.created';

export type MagentoEnvelopeInput = {
  event: MagentoEventName;
  storeCode: string;
  orderEntityId: number;
  email: string;
  locale?: string;
};

const pad = (n: number) => String(n).padStart(9, '0');

/** The Magento REST JSON of an order (the module posts it as `entity` or `order`). */
export function buildMagentoOrder(entityId: number, email: string): Record<string, unknown> {
  return {
    entity_id: entityId,
    increment_id: pad(entityId),
    created_at: '2026-05-26 18:30:00',
    updated_at: '2026-05-26 18:30:02',
    state: 'new',
    status: 'pending',
    customer_email: email,
    customer_firstname: 'Grace',
    customer_lastname: 'Hopper',
    customer_id: 100_000 + entityId,
    customer_is_guest: 0,
    order_currency_code: 'EUR',
    base_currency_code: 'EUR',
    grand_total: 60,
    subtotal: 50,
    tax_amount: 10,
    shipping_amount: 0,
    discount_amount: 0,
    total_qty_ordered: 2,
    store_id: 1,
    items: [{ item_id: entityId * 10 + 1, order_id: entityId, name: 'Thermos 500ml', sku: 'THERM-500', product_type: 'simple', qty_ordered: 2, price: 25, row_total: 50, tax_amount: 10 }],
    billing_address: { address_type: 'billing', firstname: 'Grace', lastname: 'Hopper', street: ['1 Navy Way'], city: 'Arlington', postcode: '22201', country_id: 'US', telephone: '+1 555 0100', email },
    payment: { method: 'checkmo', additional_information: [] },
    status_histories: [],
    extension_attributes: {},
  };
}

function buildDocument(kind: 'invoice' | 'creditmemo', orderEntityId: number): Record<string, unknown> {
  const entityId = orderEntityId * 3 + (kind === 'invoice' ? 1 : 2);
  return {
    entity_id: entityId,
    increment_id: pad(entityId),
    order_id: orderEntityId,
    created_at: '2026-05-26 18:45:10',
    updated_at: '2026-05-26 18:45:10',
    order_currency_code: 'EUR',
    base_currency_code: 'EUR',
    grand_total: 60,
    subtotal: 50,
    tax_amount: 10,
    shipping_amount: 0,
    state: 2,
    total_qty: 2,
    ...(kind === 'creditmemo' ? { invoice_id: orderEntityId * 3 + 1, adjustment: 0 } : {}),
    items: [{ entity_id: entityId * 10, order_item_id: orderEntityId * 10 + 1, parent_id: entityId, name: 'Thermos 500ml', sku: 'THERM-500', qty: 2, price: 25, row_total: 50, tax_amount: 10 }],
    comments: [],
  };
}

/** The envelope the Magento module posts to `POST /v1/events`. */
export function buildMagentoEnvelope(input: MagentoEnvelopeInput): Record<string, unknown> {
  const order = buildMagentoOrder(input.orderEntityId, input.email);
  const store = { code: input.storeCode, website: 'base', locale: input.locale ?? 'en_US', currency: 'EUR', base_url: `https://${input.storeCode}.example/` };
  const id = `${input.storeCode}:${input.event}:${input.orderEntityId}:1`;
  if (input.event === 'order.placed') return { id, event: input.event, occurred_at: '2026-05-26 18:30:03', store, entity: order };
  const entity = buildDocument(input.event === 'order.invoiced' ? 'invoice' : 'creditmemo', input.orderEntityId);
  return { id, event: input.event, occurred_at: '2026-05-26 18:45:11', store, entity, order };
}
