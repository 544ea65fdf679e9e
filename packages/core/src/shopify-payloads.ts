import { z } from 'zod';
import { MAX_AMOUNT } from './money.ts';

// The parts of Shopify's REST-shaped webhook bodies the mappers read. Loose objects: Shopify adds
// fields in every API version and unknown fields must never fail a webhook. Only what a document
// cannot do without is required; everything else is optional and nullable, as Shopify sends it.

// Bounded: ids become indexed references (order, customer); an unbounded string was a 500 at the index.
const id = z.union([z.number().int(), z.string().min(1).max(255)]);
// Bounded: a number such as 1e308 has no fixed-point form, and no real amount comes near 1e15.
const amount = z.union([z.string(), z.number().min(-MAX_AMOUNT).max(MAX_AMOUNT)]);
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const ZShopifyMoney = z.looseObject({ amount, currency_code: z.string() });
export const ZShopifyMoneySet = z.looseObject({ shop_money: ZShopifyMoney, presentment_money: ZShopifyMoney });

export const ZShopifyTaxLine = z.looseObject({
  title: opt(z.string()),
  price: opt(amount),
  rate: opt(z.union([z.number(), z.string()])),
  price_set: opt(ZShopifyMoneySet),
});

export const ZShopifyDiscountAllocation = z.looseObject({
  amount: opt(amount),
  amount_set: opt(ZShopifyMoneySet),
  discount_application_index: opt(z.number().int()),
});

export const ZShopifyLineItem = z.looseObject({
  id,
  product_id: opt(id),
  variant_id: opt(id),
  title: opt(z.string()),
  name: opt(z.string()),
  variant_title: opt(z.string()),
  sku: opt(z.string()),
  vendor: opt(z.string()),
  quantity: z.number().int().nonnegative(),
  price: amount,
  price_set: opt(ZShopifyMoneySet),
  total_discount: opt(amount),
  total_discount_set: opt(ZShopifyMoneySet),
  discount_allocations: opt(z.array(ZShopifyDiscountAllocation)),
  tax_lines: opt(z.array(ZShopifyTaxLine)),
});

export const ZShopifyAddress = z.looseObject({
  first_name: opt(z.string()),
  last_name: opt(z.string()),
  company: opt(z.string()),
  address1: opt(z.string()),
  address2: opt(z.string()),
  city: opt(z.string()),
  province: opt(z.string()),
  province_code: opt(z.string()),
  zip: opt(z.string()),
  country_code: opt(z.string()),
  phone: opt(z.string()),
});

export const ZShopifyConsent = z.looseObject({
  state: z.string(),
  opt_in_level: opt(z.string()),
  consent_updated_at: opt(z.string()),
});

export const ZShopifyCustomer = z.looseObject({
  id,
  email: opt(z.string()),
  phone: opt(z.string()),
  first_name: opt(z.string()),
  last_name: opt(z.string()),
  locale: opt(z.string()),
  tags: opt(z.string()),
  email_marketing_consent: opt(ZShopifyConsent),
  sms_marketing_consent: opt(ZShopifyConsent),
  updated_at: opt(z.string()),
});

export const ZShopifyFulfillment = z.looseObject({
  id,
  order_id: opt(id),
  name: opt(z.string()),
  status: opt(z.string()),
  shipment_status: opt(z.string()),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  email: opt(z.string()),
  tracking_company: opt(z.string()),
  tracking_number: opt(z.string()),
  tracking_numbers: opt(z.array(z.string())),
  tracking_url: opt(z.string()),
  tracking_urls: opt(z.array(z.string())),
  estimated_delivery_at: opt(z.string()),
  destination: opt(ZShopifyAddress),
  line_items: opt(z.array(ZShopifyLineItem)),
});

export const ZShopifyShippingLine = z.looseObject({
  title: opt(z.string()),
  price: opt(amount),
  price_set: opt(ZShopifyMoneySet),
  discount_allocations: opt(z.array(ZShopifyDiscountAllocation)),
});

export const ZShopifyOrder = z.looseObject({
  id,
  name: z.string(),
  email: opt(z.string()),
  contact_email: opt(z.string()),
  phone: opt(z.string()),
  created_at: z.string(),
  updated_at: opt(z.string()),
  cancelled_at: opt(z.string()),
  cancel_reason: opt(z.string()),
  currency: z.string(),
  presentment_currency: opt(z.string()),
  customer_locale: opt(z.string()),
  financial_status: opt(z.string()),
  fulfillment_status: opt(z.string()),
  taxes_included: opt(z.boolean()),
  tags: opt(z.string()),
  total_price: amount,
  subtotal_price: opt(amount),
  total_tax: opt(amount),
  total_discounts: opt(amount),
  total_price_set: opt(ZShopifyMoneySet),
  subtotal_price_set: opt(ZShopifyMoneySet),
  total_tax_set: opt(ZShopifyMoneySet),
  total_discounts_set: opt(ZShopifyMoneySet),
  total_shipping_price_set: opt(ZShopifyMoneySet),
  discount_codes: opt(z.array(z.looseObject({ code: z.string(), amount: opt(amount), type: opt(z.string()) }))),
  discount_applications: opt(
    z.array(z.looseObject({ type: opt(z.string()), code: opt(z.string()), title: opt(z.string()), value_type: opt(z.string()) })),
  ),
  tax_lines: opt(z.array(ZShopifyTaxLine)),
  line_items: z.array(ZShopifyLineItem),
  shipping_lines: opt(z.array(ZShopifyShippingLine)),
  billing_address: opt(ZShopifyAddress),
  shipping_address: opt(ZShopifyAddress),
  customer: opt(ZShopifyCustomer),
  fulfillments: opt(z.array(ZShopifyFulfillment)),
  payment_gateway_names: opt(z.array(z.string())),
  order_status_url: opt(z.string()),
  /** B2B (Shopify Plus): the company and company location the order was placed for; ids only. */
  company: opt(z.looseObject({ id, location_id: opt(id) })),
});
export type TShopifyOrder = z.infer<typeof ZShopifyOrder>;

export const ZShopifyRefund = z.looseObject({
  id,
  order_id: id,
  created_at: opt(z.string()),
  processed_at: opt(z.string()),
  note: opt(z.string()),
  refund_line_items: z.array(
    z.looseObject({
      id: opt(id),
      line_item_id: opt(id),
      quantity: z.number().int().nonnegative(),
      restock_type: opt(z.string()),
      subtotal: opt(amount),
      total_tax: opt(amount),
      subtotal_set: opt(ZShopifyMoneySet),
      total_tax_set: opt(ZShopifyMoneySet),
      line_item: opt(ZShopifyLineItem),
    }),
  ),
  transactions: opt(
    z.array(z.looseObject({ id: opt(id), kind: opt(z.string()), status: opt(z.string()), amount, currency: opt(z.string()), gateway: opt(z.string()) })),
  ),
  order_adjustments: opt(
    z.array(z.looseObject({ kind: opt(z.string()), amount: opt(amount), amount_set: opt(ZShopifyMoneySet), reason: opt(z.string()) })),
  ),
});

export const ZShopifyReturn = z.looseObject({
  id,
  admin_graphql_api_id: opt(z.string()),
  name: opt(z.string()),
  status: z.string(),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  order: z.looseObject({ id }),
  return_line_items: opt(
    z.array(
      z.looseObject({
        id: opt(id),
        quantity: z.number().int().nonnegative(),
        return_reason: opt(z.string()),
        return_reason_note: opt(z.string()),
        customer_note: opt(z.string()),
        fulfillment_line_item: opt(z.looseObject({ id: opt(id), line_item: opt(z.looseObject({ id })) })),
      }),
    ),
  ),
  decline: opt(z.looseObject({ reason: opt(z.string()), note: opt(z.string()) })),
  customer: opt(ZShopifyCustomer),
});

export const ZShopifyDispute = z.looseObject({
  id,
  order_id: opt(id),
  type: z.string(),
  amount,
  currency: z.string(),
  reason: opt(z.string()),
  status: z.string(),
  evidence_due_by: opt(z.string()),
  initiated_at: opt(z.string()),
  updated_at: opt(z.string()),
  finalized_on: opt(z.string()),
});

export const ZShopifyTransaction = z.looseObject({
  id,
  order_id: opt(id),
  kind: opt(z.string()),
  gateway: opt(z.string()),
  status: z.string(),
  message: opt(z.string()),
  error_code: opt(z.string()),
  amount,
  currency: z.string(),
  created_at: opt(z.string()),
  processed_at: opt(z.string()),
});

export const ZShopifyCheckout = z.looseObject({
  id,
  token: opt(z.string()),
  email: opt(z.string()),
  phone: opt(z.string()),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  completed_at: opt(z.string()),
  currency: z.string(),
  presentment_currency: opt(z.string()),
  customer_locale: opt(z.string()),
  subtotal_price: opt(amount),
  total_price: amount,
  abandoned_checkout_url: opt(z.string()),
  line_items: z.array(
    z.looseObject({
      key: opt(z.string()),
      product_id: opt(id),
      variant_id: opt(id),
      title: opt(z.string()),
      variant_title: opt(z.string()),
      sku: opt(z.string()),
      quantity: z.number().int().nonnegative(),
      price: amount,
      line_price: opt(amount),
      tax_lines: opt(z.array(ZShopifyTaxLine)),
    }),
  ),
  billing_address: opt(ZShopifyAddress),
  shipping_address: opt(ZShopifyAddress),
  customer: opt(ZShopifyCustomer),
});
