/** Order topics the "which rule wins" preview can simulate (their payload is the order itself). */
export const PREVIEW_TOPICS = ['orders/create', 'orders/paid', 'orders/cancelled', 'orders/fulfilled', 'orders/partially_fulfilled'] as const;
export type TPreviewTopic = (typeof PREVIEW_TOPICS)[number];

export type SampleOrderInput = { locale: string | null; country: string | null; tags: string[]; sku: string | null; email: string | null };

/**
 * A minimal but valid orders/* webhook body for the preview: the engine maps it exactly like a
 * real delivery, so the preview answers with the same rule the worker would pick.
 */
export function buildSampleOrderPayload(topic: TPreviewTopic, input: SampleOrderInput) {
  const now = new Date().toISOString();
  const country = input.country?.toUpperCase() ?? null;
  const address = { first_name: 'Sample', last_name: 'Customer', address1: '1 Sample Street', city: 'Sample City', zip: '00000', country_code: country };
  return {
    id: 1000000000001,
    name: '#PREVIEW',
    email: input.email ?? 'sample.customer@example.com',
    created_at: now,
    updated_at: now,
    cancelled_at: topic === 'orders/cancelled' ? now : null,
    cancel_reason: topic === 'orders/cancelled' ? 'customer' : null,
    currency: 'EUR',
    presentment_currency: 'EUR',
    customer_locale: input.locale,
    financial_status: topic === 'orders/create' ? 'pending' : 'paid',
    fulfillment_status: topic === 'orders/fulfilled' ? 'fulfilled' : topic === 'orders/partially_fulfilled' ? 'partial' : null,
    tags: input.tags.join(', '),
    total_price: '10.00',
    line_items: [{ id: 1, title: 'Sample item', sku: input.sku ?? 'SAMPLE-1', quantity: 1, price: '10.00' }],
    billing_address: address,
    shipping_address: address,
    customer: { id: 1, email: input.email ?? 'sample.customer@example.com', first_name: 'Sample', last_name: 'Customer', locale: input.locale },
  };
}
