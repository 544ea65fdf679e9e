import { z } from 'zod';
import { MAX_AMOUNT } from './money.ts';

// Magento 2.4 REST shapes (GET /V1/orders/{id}, /V1/invoices/{id}, /V1/shipment/{id},
// /V1/creditmemo/{id}, /V1/carts/{id}) as the module serialises them with ServiceOutputProcessor.
// Required here = required in Magento's own OpenAPI or needed for any document; loose objects so
// edition-specific extension attributes never fail a request.

// Bounded: a number such as 1e308 has no fixed-point form, and no real amount comes near 1e15.
const num = z.union([z.number().min(-MAX_AMOUNT).max(MAX_AMOUNT), z.string().regex(/^-?\d+(\.\d+)?$/)]);
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const ZMagentoAddress = z.looseObject({
  address_type: opt(z.string()),
  firstname: opt(z.string()),
  lastname: opt(z.string()),
  company: opt(z.string()),
  street: opt(z.array(z.string())),
  city: opt(z.string()),
  region: opt(z.string()),
  region_code: opt(z.string()),
  postcode: opt(z.string()),
  country_id: opt(z.string()),
  telephone: opt(z.string()),
  email: opt(z.string()),
});

export const ZMagentoOrderItem = z.looseObject({
  item_id: opt(z.number().int()),
  parent_item_id: opt(z.number().int()),
  product_id: opt(z.number().int()),
  sku: z.string(),
  name: opt(z.string()),
  product_type: opt(z.string()),
  qty_ordered: opt(num),
  qty_backordered: opt(num),
  price: opt(num),
  row_total: opt(num),
  tax_amount: opt(num),
  tax_percent: opt(num),
  discount_amount: opt(num),
});

export const ZMagentoOrder = z.looseObject({
  entity_id: opt(z.number().int()),
  // Magento stores it as varchar(50); it becomes the indexed order reference, so an unbounded one was a 500.
  increment_id: z.string().min(1).max(50),
  state: opt(z.string()),
  status: opt(z.string()),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  customer_email: z.string(),
  customer_firstname: opt(z.string()),
  customer_lastname: opt(z.string()),
  customer_id: opt(z.number().int()),
  customer_is_guest: opt(z.union([z.number().int(), z.boolean()])),
  customer_group_id: opt(z.number().int().nonnegative()),
  order_currency_code: z.string(),
  base_currency_code: z.string(),
  grand_total: num,
  base_grand_total: opt(num),
  subtotal: opt(num),
  tax_amount: opt(num),
  shipping_amount: opt(num),
  discount_amount: opt(num),
  discount_description: opt(z.string()),
  total_refunded: opt(num),
  shipping_description: opt(z.string()),
  coupon_code: opt(z.string()),
  billing_address: opt(ZMagentoAddress),
  items: z.array(ZMagentoOrderItem),
  payment: opt(z.looseObject({ method: z.string(), additional_information: opt(z.array(z.string())) })),
  status_histories: opt(z.array(z.looseObject({ comment: opt(z.string()), status: opt(z.string()), created_at: opt(z.string()) }))),
  extension_attributes: opt(
    z.looseObject({
      shipping_assignments: opt(
        z.array(z.looseObject({ shipping: z.looseObject({ address: opt(ZMagentoAddress), method: opt(z.string()) }) })),
      ),
      applied_taxes: opt(z.array(z.looseObject({ code: opt(z.string()), title: opt(z.string()), percent: opt(num), amount: opt(num) }))),
      // Adobe Commerce B2B (Magento_Company's CompanyOrderInterface): the company the order was placed for.
      company_order_attributes: opt(z.looseObject({ order_id: opt(z.number().int()), company_id: opt(z.number().int().nonnegative()), company_name: opt(z.string()) })),
    }),
  ),
});
export type TMagentoOrder = z.infer<typeof ZMagentoOrder>;

export const ZMagentoInvoice = z.looseObject({
  entity_id: z.number().int(),
  order_id: z.number().int(),
  increment_id: opt(z.string()),
  created_at: opt(z.string()),
  grand_total: opt(num),
  subtotal: opt(num),
  tax_amount: opt(num),
  shipping_amount: opt(num),
  discount_amount: opt(num),
  base_grand_total: opt(num),
  order_currency_code: opt(z.string()),
  base_currency_code: opt(z.string()),
  total_qty: num,
  items: z.array(
    z.looseObject({ order_item_id: z.number().int(), sku: z.string(), qty: num, name: opt(z.string()), price: opt(num), row_total: opt(num), tax_amount: opt(num), discount_amount: opt(num) }),
  ),
});

export const ZMagentoShipment = z.looseObject({
  entity_id: z.number().int(),
  order_id: z.number().int(),
  increment_id: opt(z.string()),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  items: z.array(z.looseObject({ order_item_id: z.number().int(), qty: num, sku: opt(z.string()), name: opt(z.string()) })),
  tracks: z.array(
    z.looseObject({
      track_number: z.string(),
      title: z.string(),
      carrier_code: z.string(),
      order_id: opt(z.number().int()),
      parent_id: opt(z.number().int()),
      created_at: opt(z.string()),
    }),
  ),
});

export const ZMagentoCreditMemo = z.looseObject({
  entity_id: z.number().int(),
  order_id: z.number().int(),
  increment_id: opt(z.string()),
  created_at: opt(z.string()),
  grand_total: num,
  subtotal: opt(num),
  tax_amount: opt(num),
  shipping_amount: opt(num),
  adjustment_positive: opt(num),
  adjustment_negative: opt(num),
  order_currency_code: opt(z.string()),
  items: z.array(
    z.looseObject({
      entity_id: opt(z.number().int()),
      order_item_id: z.number().int(),
      qty: num,
      base_price: opt(num),
      sku: opt(z.string()),
      name: opt(z.string()),
      price: opt(num),
      row_total: opt(num),
      tax_amount: opt(num),
      discount_amount: opt(num),
      extension_attributes: opt(z.looseObject({ return_to_stock: opt(z.boolean()) })),
    }),
  ),
  comments: opt(z.array(z.looseObject({ comment: opt(z.string()) }))),
});

export const ZMagentoCart = z.looseObject({
  id: z.number().int(),
  store_id: opt(z.number().int()),
  is_active: opt(z.boolean()),
  created_at: opt(z.string()),
  updated_at: opt(z.string()),
  customer: z.looseObject({ id: opt(z.number().int()), email: opt(z.string()), firstname: opt(z.string()), lastname: opt(z.string()) }),
  customer_is_guest: opt(z.boolean()),
  items: opt(z.array(z.looseObject({ item_id: opt(z.number().int()), sku: opt(z.string()), qty: num, name: opt(z.string()), price: opt(num), product_type: opt(z.string()) }))),
  currency: opt(z.looseObject({ quote_currency_code: opt(z.string()), base_currency_code: opt(z.string()) })),
});

/** A newsletter subscriber row (Magento_Newsletter): status 1 subscribed, 2 not active, 3 unsubscribed, 4 unconfirmed. */
export const ZMagentoSubscriber = z.looseObject({
  subscriber_id: opt(z.number().int()),
  customer_id: opt(z.number().int()),
  subscriber_email: z.string(),
  subscriber_status: z.number().int(),
  change_status_at: opt(z.string()),
  customer_firstname: opt(z.string()),
  customer_lastname: opt(z.string()),
});
