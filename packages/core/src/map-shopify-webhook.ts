import type { z } from 'zod';
import type {
  TAddress,
  TCommerceEvent,
  TCustomer,
  TDiscount,
  TLine,
  TMappedEvents,
  TMoney,
  TOrderSnapshot,
  TShipment,
  TTaxLine,
} from './commerce-event.ts';
import { ConnectError, validationError } from './errors.ts';
import { addDecimals, absDecimal, compareDecimals, isZero, money, multiplyDecimal, subtractDecimals, toDecimal } from './money.ts';
import { normaliseLocale } from './plan-communications.ts';
import { ZProductFacts, productFactsIndex, type ProductLookupKeys, type TLineProductFields, type TProductFactsInput } from './product-facts.ts';
import { SHOPIFY_TOPICS, normaliseShopifyTopic, type TShopifyTopic } from './shopify-topics.ts';
import {
  ZShopifyCheckout,
  ZShopifyCustomer,
  ZShopifyDispute,
  ZShopifyFulfillment,
  ZShopifyOrder,
  ZShopifyRefund,
  ZShopifyReturn,
  ZShopifyTransaction,
  type TShopifyOrder,
} from './shopify-payloads.ts';
import { fieldIssuesFrom } from './zod-issues.ts';

export type MapShopifyWebhookContext = {
  shopDomain: string;
  /**
   * The order's REST JSON (e.g. the stored orders/create body) for topics whose payload does not
   * carry the order (fulfillments, refunds, returns, disputes, transactions). Optional: without it
   * those events have `order: null` and only what the payload itself says.
   */
  order?: unknown;
  /**
   * Product facts webhooks don't carry (line items have no product type or tags): one per product
   * or variant, e.g. from Admin GraphQL `nodes(ids:) { ... on Product { id productType tags } }`.
   * Validated (`ZProductFacts`); a bad list is rejected on `context.products.<i>.<field>`.
   */
  products?: TProductFactsInput;
  /** When the webhook arrived; dates an event whose payload carries no timestamp (returns). */
  receivedAt?: Date | string;
};

type Shopify = z.infer<typeof ZShopifyOrder>;
type ShopifyLine = Shopify['line_items'][number];
type ShopifyAddress = NonNullable<Shopify['billing_address']>;
type ShopifyMoneySet = NonNullable<Shopify['total_price_set']>;
type Ctx = Omit<MapShopifyWebhookContext, 'receivedAt' | 'products'> & {
  orderJson: TShopifyOrder | null;
  receivedAt: string | undefined;
  productFacts: (keys: ProductLookupKeys) => TLineProductFields;
};

/**
 * Maps one Shopify webhook (topic + JSON body) to commerce events.
 *
 * Topics: see SHOPIFY_TOPICS (the enum form "ORDERS_CREATE" is accepted too). Amounts are taken in
 * the presentment currency (what the customer saw); the shop-currency total is kept beside it.
 * Throws VALIDATION_FAILED naming each field path when the payload is not what the topic promises,
 * and VALIDATION_FAILED on `topic` for an unsupported topic.
 */
export function mapShopifyWebhook(topic: string, payload: unknown, context: MapShopifyWebhookContext): TMappedEvents {
  const normalised = normaliseShopifyTopic(topic);
  if (!(SHOPIFY_TOPICS as readonly string[]).includes(normalised)) {
    throw validationError([{ path: 'topic', message: `Unsupported Shopify topic "${topic}"; expected one of ${SHOPIFY_TOPICS.join(', ')}` }], 'Shopify webhook');
  }
  const orderJson = context.order === undefined || context.order === null ? null : parse(ZShopifyOrder, context.order, 'context.order');
  const receivedAt = context.receivedAt instanceof Date ? context.receivedAt.toISOString() : context.receivedAt;
  const facts = context.products === undefined || context.products === null ? [] : parse(ZProductFacts, context.products, 'context.products');
  const ctx: Ctx = { ...context, orderJson, receivedAt, productFacts: productFactsIndex(facts) };
  return mapTopic(normalised as TShopifyTopic, payload, ctx);
}

function mapTopic(topic: TShopifyTopic, payload: unknown, ctx: Ctx): TMappedEvents {
  switch (topic) {
    case 'orders/create':
    case 'orders/paid':
    case 'orders/cancelled':
    case 'orders/fulfilled':
    case 'orders/partially_fulfilled':
      return mapOrderTopic(topic, parse(ZShopifyOrder, payload), ctx);
    case 'fulfillments/create':
    case 'fulfillments/update':
      return mapFulfillment(topic, parse(ZShopifyFulfillment, payload), ctx);
    case 'refunds/create':
      return mapRefund(parse(ZShopifyRefund, payload), ctx);
    case 'returns/request':
    case 'returns/approve':
    case 'returns/decline':
      return mapReturn(topic, parse(ZShopifyReturn, payload), ctx);
    case 'disputes/create':
    case 'disputes/update':
      return mapDispute(topic, parse(ZShopifyDispute, payload), ctx);
    case 'order_transactions/create':
      return mapTransaction(parse(ZShopifyTransaction, payload), ctx);
    case 'checkouts/update':
      return mapCheckout(parse(ZShopifyCheckout, payload), ctx);
    case 'customers/update':
      return mapCustomer(parse(ZShopifyCustomer, payload), ctx.receivedAt);
  }
}

// ------------------------------------------------------------------------------------------------

function mapOrderTopic(topic: TShopifyTopic, o: TShopifyOrder, ctx: Ctx): TMappedEvents {
  const order = orderSnapshot(o, ctx);
  const common = {
    platform: 'shopify' as const,
    sourceRef: String(o.id),
    orderRef: String(o.id),
    orderNumber: o.name,
    customer: orderCustomer(o),
    brand: null,
    locale: normaliseLocale(o.customer_locale ?? null),
    order,
  };
  const latest = latestFulfillment(o);
  switch (topic) {
    case 'orders/create':
      return one({ kind: 'order.placed', ...common, occurredAt: iso(o.created_at) });
    case 'orders/paid':
      return one({ kind: 'order.paid', ...common, occurredAt: iso(o.updated_at ?? o.created_at), payment: null });
    case 'orders/cancelled':
      return one({
        kind: 'order.cancelled',
        ...common,
        occurredAt: iso(o.cancelled_at ?? o.updated_at ?? o.created_at),
        cancellation: { reason: o.cancel_reason ?? null, cancelledAt: o.cancelled_at ? iso(o.cancelled_at) : null },
      });
    case 'orders/fulfilled':
    case 'orders/partially_fulfilled':
      return one({
        kind: topic === 'orders/fulfilled' ? 'order.fulfilled' : 'order.partially_fulfilled',
        ...common,
        occurredAt: iso(latest?.updated_at ?? latest?.created_at ?? o.updated_at ?? o.created_at),
        shipment: latest ? shipmentFrom(latest, o.shipping_address ?? null) : null,
      });
    default:
      throw new ConnectError('INTERNAL', `unexpected order topic ${topic}`);
  }
}

function mapFulfillment(topic: TShopifyTopic, f: z.infer<typeof ZShopifyFulfillment>, ctx: Ctx): TMappedEvents {
  const shipment = shipmentFrom(f, ctx.orderJson?.shipping_address ?? null);
  const orderRef = f.order_id !== null && f.order_id !== undefined ? String(f.order_id) : (ctx.orderJson ? String(ctx.orderJson.id) : null);
  const common = {
    platform: 'shopify' as const,
    occurredAt: iso(f.updated_at ?? f.created_at ?? ctx.receivedAt),
    sourceRef: String(f.id),
    orderRef,
    orderNumber: ctx.orderJson?.name ?? orderNumberFromFulfillmentName(f.name),
    customer: ctx.orderJson ? orderCustomer(ctx.orderJson) : emailOnlyCustomer(f.email, shipment.destination),
    brand: null,
    locale: normaliseLocale(ctx.orderJson?.customer_locale ?? null),
    order: ctx.orderJson ? orderSnapshot(ctx.orderJson, ctx) : null,
  };
  if (topic === 'fulfillments/create') return one({ kind: 'fulfillment.created', ...common, shipment });
  // Shopify's shipment_status follows the carrier: the terminal states become their own events.
  if (f.shipment_status === 'delivered') return one({ kind: 'shipment.delivered', ...common, shipment });
  if (f.shipment_status === 'failure' || f.shipment_status === 'attempted_delivery') {
    return one({
      kind: 'shipment.delayed',
      ...common,
      shipment,
      delay: { reason: f.shipment_status === 'failure' ? 'delivery_failure' : 'attempted_delivery', expectedAt: shipment.estimatedDeliveryAt },
    });
  }
  return one({ kind: 'fulfillment.updated', ...common, shipment });
}

function mapRefund(r: z.infer<typeof ZShopifyRefund>, ctx: Ctx): TMappedEvents {
  const fallbackCurrency = ctx.orderJson?.presentment_currency ?? ctx.orderJson?.currency ?? r.transactions?.[0]?.currency ?? null;
  const lines = r.refund_line_items.map((rli) => {
    const amountMoney = presentment(rli.subtotal_set, rli.subtotal, fallbackCurrency);
    return {
      lineRef: rli.line_item_id !== null && rli.line_item_id !== undefined ? String(rli.line_item_id) : rli.line_item ? String(rli.line_item.id) : null,
      sku: nonEmpty(rli.line_item?.sku),
      name: rli.line_item?.name ?? rli.line_item?.title ?? `Line item ${rli.line_item_id ?? ''}`.trim(),
      quantity: rli.quantity,
      amount: amountMoney,
      tax: rli.total_tax_set || rli.total_tax !== undefined ? presentment(rli.total_tax_set, rli.total_tax, amountMoney.currency) : null,
      restock: rli.restock_type !== null && rli.restock_type !== undefined && rli.restock_type !== 'no_restock',
    };
  });
  const currency = lines[0]?.amount.currency ?? r.transactions?.find((t) => t.currency)?.currency ?? fallbackCurrency;
  if (!currency) throw validationError([{ path: 'transactions', message: 'Cannot tell the refund currency: no refund line, transaction or order' }], 'Shopify refunds/create payload');

  const adjustments = r.order_adjustments ?? [];
  const adjustmentSum = (kinds: (k: string | null | undefined) => boolean) => {
    const picked = adjustments.filter((a) => kinds(a.kind));
    if (picked.length === 0) return null;
    // Shopify records refunded shipping as a negative adjustment; the document shows it positive.
    return { amount: absDecimal(addDecimals(...picked.map((a) => presentment(a.amount_set, a.amount, currency).amount))), currency };
  };
  const shipping = adjustmentSum((k) => k === 'shipping_refund');
  const adjustment = adjustmentSum((k) => k !== 'shipping_refund');
  const refundTransactions = (r.transactions ?? []).filter((t) => (t.kind ?? 'refund') === 'refund' && (t.status ?? 'success') === 'success');
  const total = refundTransactions.length > 0
    ? { amount: addDecimals(...refundTransactions.map((t) => toDecimal(t.amount))), currency: refundTransactions[0]!.currency ?? currency }
    : { amount: addDecimals('0', ...lines.flatMap((l) => [l.amount.amount, l.tax?.amount ?? '0']), shipping?.amount ?? '0'), currency };

  const order = ctx.orderJson ? orderSnapshot(ctx.orderJson, ctx) : null;
  const isPartial = order
    ? compareDecimals(total.amount, order.totals.total.amount) < 0
    : lines.length === 0 || r.refund_line_items.some((rli) => rli.line_item !== null && rli.line_item !== undefined && rli.quantity < rli.line_item.quantity);

  return one({
    kind: 'refund.created',
    platform: 'shopify',
    occurredAt: iso(r.processed_at ?? r.created_at ?? ctx.receivedAt),
    sourceRef: String(r.id),
    orderRef: String(r.order_id),
    orderNumber: ctx.orderJson?.name ?? null,
    customer: ctx.orderJson ? orderCustomer(ctx.orderJson) : null,
    brand: null,
    locale: normaliseLocale(ctx.orderJson?.customer_locale ?? null),
    order,
    refund: {
      ref: String(r.id),
      number: null,
      createdAt: r.created_at ? iso(r.created_at) : null,
      note: nonEmpty(r.note),
      lines,
      shipping,
      adjustment,
      total,
      isPartial,
    },
  });
}

function mapReturn(topic: TShopifyTopic, r: z.infer<typeof ZShopifyReturn>, ctx: Ctx): TMappedEvents {
  const kind = topic === 'returns/request' ? 'return.requested' : topic === 'returns/approve' ? 'return.approved' : 'return.declined';
  const orderLines = new Map((ctx.orderJson?.line_items ?? []).map((l) => [String(l.id), l]));
  const lines = (r.return_line_items ?? []).map((rli) => {
    const lineRef = rli.fulfillment_line_item?.line_item ? String(rli.fulfillment_line_item.line_item.id) : null;
    const known = lineRef ? orderLines.get(lineRef) : undefined;
    return {
      lineRef,
      sku: nonEmpty(known?.sku),
      name: known?.name ?? known?.title ?? (lineRef ? `Line item ${lineRef}` : 'Returned item'),
      quantity: rli.quantity,
      reason: nonEmpty(rli.return_reason),
      customerNote: nonEmpty(rli.customer_note) ?? nonEmpty(rli.return_reason_note),
    };
  });
  const customer = r.customer ? customerFrom(r.customer, null, false) : ctx.orderJson ? orderCustomer(ctx.orderJson) : null;
  return one({
    kind,
    platform: 'shopify',
    occurredAt: iso(r.updated_at ?? r.created_at ?? ctx.receivedAt, 'updated_at'),
    sourceRef: String(r.id),
    orderRef: String(r.order.id),
    orderNumber: ctx.orderJson?.name ?? orderNumberFromFulfillmentName(r.name?.replace(/-R\d+$/, '') ?? null),
    customer,
    brand: null,
    locale: normaliseLocale(ctx.orderJson?.customer_locale ?? null),
    order: ctx.orderJson ? orderSnapshot(ctx.orderJson, ctx) : null,
    return: {
      ref: String(r.id),
      name: nonEmpty(r.name),
      status: r.status.toLowerCase(),
      lines,
      declineReason: nonEmpty(r.decline?.reason),
      declineNote: nonEmpty(r.decline?.note),
    },
  });
}

function mapDispute(topic: TShopifyTopic, d: z.infer<typeof ZShopifyDispute>, ctx: Ctx): TMappedEvents {
  return one({
    kind: topic === 'disputes/create' ? 'dispute.opened' : 'dispute.updated',
    platform: 'shopify',
    occurredAt: iso(d.updated_at ?? d.initiated_at ?? ctx.receivedAt, 'initiated_at'),
    sourceRef: String(d.id),
    orderRef: d.order_id !== null && d.order_id !== undefined ? String(d.order_id) : null,
    orderNumber: ctx.orderJson?.name ?? null,
    customer: ctx.orderJson ? orderCustomer(ctx.orderJson) : null,
    brand: null,
    locale: normaliseLocale(ctx.orderJson?.customer_locale ?? null),
    order: ctx.orderJson ? orderSnapshot(ctx.orderJson, ctx) : null,
    dispute: {
      ref: String(d.id),
      type: d.type,
      status: d.status,
      reason: nonEmpty(d.reason),
      amount: money(d.amount, d.currency),
      evidenceDueBy: d.evidence_due_by ? iso(d.evidence_due_by) : null,
      initiatedAt: d.initiated_at ? iso(d.initiated_at) : null,
      finalizedOn: nonEmpty(d.finalized_on),
    },
  });
}

function mapTransaction(t: z.infer<typeof ZShopifyTransaction>, ctx: Ctx): TMappedEvents {
  // order_transactions/create fires for every transaction; only a failed or errored one is news.
  if (t.status !== 'failure' && t.status !== 'error') {
    return { events: [], ignored: `transaction ${t.id} has status "${t.status}": only failure and error are payment failures` };
  }
  return one({
    kind: 'payment.failed',
    platform: 'shopify',
    occurredAt: iso(t.processed_at ?? t.created_at ?? ctx.receivedAt),
    sourceRef: String(t.id),
    orderRef: t.order_id !== null && t.order_id !== undefined ? String(t.order_id) : null,
    orderNumber: ctx.orderJson?.name ?? null,
    customer: ctx.orderJson ? orderCustomer(ctx.orderJson) : null,
    brand: null,
    locale: normaliseLocale(ctx.orderJson?.customer_locale ?? null),
    order: ctx.orderJson ? orderSnapshot(ctx.orderJson, ctx) : null,
    payment: {
      ref: String(t.id),
      gateway: nonEmpty(t.gateway),
      kind: nonEmpty(t.kind),
      status: t.status,
      amount: money(t.amount, t.currency),
      errorCode: nonEmpty(t.error_code),
      message: nonEmpty(t.message),
      processedAt: t.processed_at || t.created_at ? iso(t.processed_at ?? t.created_at) : null,
    },
  });
}

function mapCheckout(c: z.infer<typeof ZShopifyCheckout>, ctx: Ctx): TMappedEvents {
  if (c.completed_at) return { events: [], ignored: `checkout ${c.id} completed at ${c.completed_at}: not abandoned` };
  const email = nonEmpty(c.email) ?? nonEmpty(c.customer?.email);
  if (!email) return { events: [], ignored: `checkout ${c.id} has no email address: nobody to remind` };
  const currency = c.presentment_currency ?? c.currency;
  const lines: TLine[] = c.line_items.map((l, index) => {
    const unitPrice = money(l.price, currency);
    const total = l.line_price !== null && l.line_price !== undefined ? money(l.line_price, currency) : { amount: multiplyDecimal(unitPrice.amount, l.quantity), currency };
    return {
      ref: l.key ?? String(l.variant_id ?? index),
      sku: nonEmpty(l.sku),
      name: l.title ?? 'Item',
      variant: nonEmpty(l.variant_title),
      ...ctx.productFacts({ productId: l.product_id, variantId: l.variant_id, sku: l.sku }),
      platformProductType: null,
      quantity: l.quantity,
      unitPrice,
      discount: null,
      total,
      taxLines: (l.tax_lines ?? []).map((t) => taxLine(t, currency)),
    };
  });
  const subtotal = c.subtotal_price !== null && c.subtotal_price !== undefined
    ? money(c.subtotal_price, currency)
    : { amount: addDecimals('0', ...lines.map((l) => l.total.amount)), currency };
  const customer: TCustomer = c.customer
    ? customerFrom(c.customer, c.billing_address ?? null, false)
    : { ...emptyCustomer(), ...emailOnlyCustomer(email, address(c.billing_address ?? null), true) };
  return one({
    kind: 'cart.abandoned',
    platform: 'shopify',
    occurredAt: iso(c.updated_at ?? c.created_at ?? ctx.receivedAt, 'updated_at'),
    sourceRef: String(c.id),
    orderRef: null,
    orderNumber: null,
    customer: { ...customer, email, phone: customer.phone ?? nonEmpty(c.phone), locale: customer.locale ?? normaliseLocale(c.customer_locale ?? null) },
    brand: null,
    locale: normaliseLocale(c.customer_locale ?? null),
    order: null,
    cart: {
      ref: c.token ?? String(c.id),
      createdAt: c.created_at ? iso(c.created_at) : null,
      updatedAt: c.updated_at ? iso(c.updated_at) : null,
      currency,
      lines,
      subtotal,
      total: money(c.total_price, currency),
      recoveryUrl: nonEmpty(c.abandoned_checkout_url),
    },
  });
}

function mapCustomer(c: z.infer<typeof ZShopifyCustomer>, receivedAt: string | undefined): TMappedEvents {
  const customer = customerFrom(c, null, false);
  const events: TCommerceEvent[] = [];
  const skipped: string[] = [];
  for (const [channel, consent] of [['email', c.email_marketing_consent], ['sms', c.sms_marketing_consent]] as const) {
    if (!consent) continue;
    const state = consentState(consent.state);
    if (state === null) {
      skipped.push(`${channel} consent state "${consent.state}" is not a decision`);
      continue;
    }
    events.push({
      kind: 'customer.consent_changed',
      platform: 'shopify',
      occurredAt: iso(consent.consent_updated_at ?? c.updated_at ?? receivedAt, 'updated_at'),
      sourceRef: String(c.id),
      orderRef: null,
      orderNumber: null,
      customer,
      brand: null,
      locale: customer.locale,
      order: null,
      consent: {
        channel,
        state,
        source: consent.opt_in_level ? `shopify:${consent.opt_in_level}` : 'shopify',
        updatedAt: consent.consent_updated_at ? iso(consent.consent_updated_at) : null,
      },
    });
  }
  if (events.length > 0) return { events, ignored: null };
  return { events: [], ignored: skipped.length > 0 ? skipped.join('; ') : `customer ${c.id} update carries no marketing consent` };
}

// ------------------------------------------------------------------------------------------------

function orderSnapshot(o: TShopifyOrder, ctx: Ctx): TOrderSnapshot {
  const presentmentCurrency = o.presentment_currency ?? o.currency;
  const pm = (set: ShopifyMoneySet | null | undefined, plain: unknown): TMoney => presentment(set, plain, presentmentCurrency);
  const lines = o.line_items.map((l) => lineFrom(l, presentmentCurrency, ctx));
  const shippingLines = o.shipping_lines ?? [];
  const shipping = o.total_shipping_price_set
    ? pm(o.total_shipping_price_set, null)
    : { amount: addDecimals('0', ...shippingLines.map((s) => pm(s.price_set, s.price).amount)), currency: presentmentCurrency };
  return {
    ref: String(o.id),
    number: o.name,
    createdAt: iso(o.created_at),
    currency: o.currency,
    presentmentCurrency,
    taxesIncluded: o.taxes_included ?? false,
    lines,
    totals: {
      subtotal: o.subtotal_price_set || o.subtotal_price !== undefined ? pm(o.subtotal_price_set, o.subtotal_price) : { amount: addDecimals('0', ...lines.map((l) => l.total.amount)), currency: presentmentCurrency },
      discounts: pm(o.total_discounts_set, o.total_discounts ?? '0'),
      shipping,
      tax: pm(o.total_tax_set, o.total_tax ?? '0'),
      total: pm(o.total_price_set, o.total_price),
      totalInShopCurrency: o.total_price_set ? money(o.total_price_set.shop_money.amount, o.total_price_set.shop_money.currency_code) : money(o.total_price, o.currency),
      refunded: null,
    },
    taxLines: (o.tax_lines ?? []).map((t) => taxLine(t, presentmentCurrency)),
    discounts: discountsFrom(o, presentmentCurrency),
    billingAddress: address(o.billing_address ?? null),
    shippingAddress: address(o.shipping_address ?? null),
    shippingMethod: nonEmpty(shippingLines[0]?.title),
    paymentMethod: o.payment_gateway_names && o.payment_gateway_names.length > 0 ? o.payment_gateway_names.join(', ') : null,
    financialStatus: nonEmpty(o.financial_status),
    fulfillmentStatus: nonEmpty(o.fulfillment_status),
    tags: splitTags(o.tags),
    statusUrl: nonEmpty(o.order_status_url),
    // The webhook names the company by id only; the statement falls back to the billing company's name.
    company: o.company ? { ref: String(o.company.id), name: null, locationRef: o.company.location_id === null || o.company.location_id === undefined ? null : String(o.company.location_id) } : null,
  };
}

function lineFrom(l: ShopifyLine, currency: string, ctx: Pick<Ctx, 'productFacts'>): TLine {
  const unitPrice = presentment(l.price_set, l.price, currency);
  const allocations = l.discount_allocations ?? [];
  const discountAmount = allocations.length > 0
    ? addDecimals(...allocations.map((a) => presentment(a.amount_set, a.amount, currency).amount))
    : presentment(l.total_discount_set, l.total_discount ?? '0', currency).amount;
  const gross = multiplyDecimal(unitPrice.amount, l.quantity);
  return {
    ref: String(l.id),
    sku: nonEmpty(l.sku),
    name: l.name ?? l.title ?? 'Item',
    variant: nonEmpty(l.variant_title),
    ...ctx.productFacts({ productId: l.product_id, variantId: l.variant_id, sku: l.sku }),
    // Shopify has no technical product kind comparable to Magento's type_id.
    platformProductType: null,
    quantity: l.quantity,
    unitPrice,
    discount: isZero(discountAmount) ? null : { amount: discountAmount, currency: unitPrice.currency },
    total: { amount: subtractDecimals(gross, discountAmount), currency: unitPrice.currency },
    taxLines: (l.tax_lines ?? []).map((t) => taxLine(t, currency)),
  };
}

function discountsFrom(o: TShopifyOrder, currency: string): TDiscount[] {
  const applications = o.discount_applications ?? [];
  if (applications.length > 0) {
    // Sum what each application actually took off, from the per-line allocations, in presentment money.
    const allocations = [...o.line_items.flatMap((l) => l.discount_allocations ?? []), ...(o.shipping_lines ?? []).flatMap((s) => s.discount_allocations ?? [])];
    return applications.map((app, index) => {
      const mine = allocations.filter((a) => a.discount_application_index === index);
      return {
        code: nonEmpty(app.code) ?? nonEmpty(app.title),
        type: nonEmpty(app.value_type) ?? nonEmpty(app.type),
        amount: { amount: addDecimals('0', ...mine.map((a) => presentment(a.amount_set, a.amount, currency).amount)), currency },
      };
    });
  }
  const codes = o.discount_codes ?? [];
  // Without applications only the order total is reliably in presentment money.
  if (codes.length === 1) return [{ code: codes[0]!.code, type: nonEmpty(codes[0]!.type), amount: presentment(o.total_discounts_set, o.total_discounts ?? '0', currency) }];
  return codes.map((c) => ({ code: c.code, type: nonEmpty(c.type), amount: money(c.amount ?? '0', o.currency) }));
}

function shipmentFrom(f: z.infer<typeof ZShopifyFulfillment>, orderShippingAddress: ShopifyAddress | null): TShipment {
  const trackingNumbers = f.tracking_numbers && f.tracking_numbers.length > 0 ? f.tracking_numbers : f.tracking_number ? [f.tracking_number] : [];
  const trackingUrls = f.tracking_urls && f.tracking_urls.length > 0 ? f.tracking_urls : f.tracking_url ? [f.tracking_url] : [];
  return {
    ref: String(f.id),
    number: nonEmpty(f.name),
    status: nonEmpty(f.shipment_status) ?? nonEmpty(f.status),
    carrier: nonEmpty(f.tracking_company),
    trackingNumbers,
    trackingUrls,
    estimatedDeliveryAt: f.estimated_delivery_at ? iso(f.estimated_delivery_at) : null,
    deliveredAt: f.shipment_status === 'delivered' ? iso(f.updated_at ?? f.created_at) : null,
    lines: (f.line_items ?? []).map((l) => ({ lineRef: String(l.id), sku: nonEmpty(l.sku), name: l.name ?? l.title ?? 'Item', quantity: l.quantity })),
    destination: address(f.destination ?? orderShippingAddress),
  };
}

function latestFulfillment(o: TShopifyOrder): z.infer<typeof ZShopifyFulfillment> | null {
  const fulfillments = [...(o.fulfillments ?? [])].filter((f) => f.status !== 'cancelled');
  fulfillments.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || String(a.id).localeCompare(String(b.id)));
  return fulfillments.at(-1) ?? null;
}

function orderCustomer(o: TShopifyOrder): TCustomer {
  const c = o.customer ?? null;
  const billing = o.billing_address ?? o.shipping_address ?? null;
  return {
    ref: c ? String(c.id) : null,
    email: nonEmpty(o.email) ?? nonEmpty(o.contact_email) ?? nonEmpty(c?.email),
    phone: nonEmpty(o.phone) ?? nonEmpty(c?.phone) ?? nonEmpty(billing?.phone),
    firstName: nonEmpty(c?.first_name) ?? nonEmpty(billing?.first_name),
    lastName: nonEmpty(c?.last_name) ?? nonEmpty(billing?.last_name),
    locale: normaliseLocale(o.customer_locale ?? c?.locale ?? null),
    // Shopify sends no customer object for a guest checkout.
    isGuest: c === null,
  };
}

function customerFrom(c: z.infer<typeof ZShopifyCustomer>, billing: ShopifyAddress | null, isGuest: boolean): TCustomer {
  return {
    ref: String(c.id),
    email: nonEmpty(c.email),
    phone: nonEmpty(c.phone) ?? nonEmpty(billing?.phone),
    firstName: nonEmpty(c.first_name) ?? nonEmpty(billing?.first_name),
    lastName: nonEmpty(c.last_name) ?? nonEmpty(billing?.last_name),
    locale: normaliseLocale(c.locale ?? null),
    isGuest,
  };
}

function emailOnlyCustomer(email: string | null | undefined, addr: TAddress | null, isGuest = false): TCustomer | null {
  if (!nonEmpty(email) && addr === null) return null;
  return { ref: null, email: nonEmpty(email), phone: addr?.phone ?? null, firstName: addr?.firstName ?? null, lastName: addr?.lastName ?? null, locale: null, isGuest };
}

function emptyCustomer(): TCustomer {
  return { ref: null, email: null, phone: null, firstName: null, lastName: null, locale: null, isGuest: true };
}

function address(a: ShopifyAddress | null): TAddress | null {
  if (a === null) return null;
  const country = nonEmpty(a.country_code)?.toUpperCase() ?? null;
  return {
    firstName: nonEmpty(a.first_name),
    lastName: nonEmpty(a.last_name),
    company: nonEmpty(a.company),
    line1: nonEmpty(a.address1),
    line2: nonEmpty(a.address2),
    city: nonEmpty(a.city),
    region: nonEmpty(a.province),
    regionCode: nonEmpty(a.province_code),
    postalCode: nonEmpty(a.zip),
    countryCode: country !== null && /^[A-Z]{2}$/.test(country) ? country : null,
    phone: nonEmpty(a.phone),
  };
}

function taxLine(t: { title?: string | null; price?: string | number | null; rate?: number | string | null; price_set?: ShopifyMoneySet | null }, currency: string): TTaxLine {
  return {
    title: t.title ?? 'Tax',
    rate: t.rate === null || t.rate === undefined ? null : toDecimal(t.rate),
    amount: presentment(t.price_set, t.price ?? '0', currency),
  };
}

/** The presentment side of a MoneyBag, else the plain amount in the given currency. */
function presentment(set: ShopifyMoneySet | null | undefined, plain: unknown, currency: string | null): TMoney {
  if (set) return money(set.presentment_money.amount, set.presentment_money.currency_code);
  return money(plain ?? '0', currency ?? 'XXX');
}

function one(event: TCommerceEvent): TMappedEvents {
  return { events: [event], ignored: null };
}

function parse<T extends z.ZodType>(schema: T, payload: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) throw validationError(fieldIssuesFrom(result.error, prefix), 'Shopify webhook payload');
  return result.data;
}

/** Shopify timestamps carry an offset already; pass them through, but reject garbage loudly. */
function iso(value: string | null | undefined, path = 'created_at'): string {
  if (!value) throw validationError([{ path, message: 'A timestamp is required to date the event (or pass context.receivedAt)' }], 'Shopify webhook payload');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw validationError([{ path, message: `Not a timestamp: "${value}"` }], 'Shopify webhook payload');
  return /T.*([+-]\d\d:\d\d|Z)$/.test(value) ? value : date.toISOString();
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
}

function orderNumberFromFulfillmentName(name: string | null | undefined): string | null {
  // Fulfillment names are "<order name>.<n>" ("#1001.2").
  return name ? name.replace(/\.\d+$/, '') : null;
}

function consentState(state: string): 'subscribed' | 'unsubscribed' | null {
  const s = state.toLowerCase();
  if (s === 'subscribed') return 'subscribed';
  if (s === 'unsubscribed' || s === 'not_subscribed' || s === 'redacted') return 'unsubscribed';
  return null; // pending (double opt-in not confirmed yet), invalid
}
