export type ShopifyOrderInput = {
  orderId: number;
  orderNumber: number;
  email: string;
  customerId: number;
  locale?: string;
  currency?: string;
  cancelled?: boolean;
};

/** A small but realistic Shopify order webhook body (orders/create, orders/paid, orders/cancelled). */
export function buildShopifyOrder(input: ShopifyOrderInput): Record<string, unknown> {
  const currency = input.currency ?? 'EUR';
  const money = (amount: string) => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });
  const address = { first_name: 'Ada', last_name: 'Lovelace', address1: '12 Rue de la Paix', city: 'Paris', zip: '75002', country: 'France', country_code: 'FR', phone: null, company: null, address2: null, province: null, province_code: null };
  const created = new Date(Date.UTC(2026, 4, 1, 9, 0, 0) + input.orderNumber * 1000).toISOString();
  return {
    id: input.orderId,
    admin_graphql_api_id: `gid://shopify/Order/${input.orderId}`,
    name: `#${input.orderNumber}`,
    order_number: input.orderNumber,
    email: input.email,
    contact_email: input.email,
    created_at: created,
    updated_at: created,
    processed_at: created,
    cancelled_at: input.cancelled ? created : null,
    cancel_reason: input.cancelled ? 'customer' : null,
    currency,
    presentment_currency: currency,
    customer_locale: input.locale ?? 'en',
    financial_status: 'paid',
    fulfillment_status: null,
    taxes_included: false,
    tags: '',
    subtotal_price: '50.00',
    subtotal_price_set: money('50.00'),
    total_price: '60.00',
    total_price_set: money('60.00'),
    total_tax: '10.00',
    total_tax_set: money('10.00'),
    total_discounts: '0.00',
    total_discounts_set: money('0.00'),
    total_shipping_price_set: money('0.00'),
    tax_lines: [{ title: 'TVA', rate: 0.2, price: '10.00', price_set: money('10.00') }],
    customer: { id: input.customerId, email: input.email, first_name: 'Ada', last_name: 'Lovelace', locale: input.locale ?? 'en', tags: '' },
    billing_address: address,
    shipping_address: address,
    line_items: [
      {
        id: input.orderId * 10 + 1,
        product_id: 8000 + (input.orderNumber % 50),
        variant_id: 9000 + (input.orderNumber % 50),
        title: 'Thermos 500ml',
        name: 'Thermos 500ml',
        sku: 'THERM-500',
        vendor: 'Soak Supplies',
        quantity: 2,
        price: '25.00',
        price_set: money('25.00'),
        total_discount: '0.00',
        tax_lines: [{ title: 'TVA', rate: 0.2, price: '10.00', price_set: money('10.00') }],
        discount_allocations: [],
      },
    ],
    shipping_lines: [],
    fulfillments: [],
    refunds: [],
    discount_codes: [],
    payment_gateway_names: ['manual'],
  };
}
