import type { z } from 'zod';
import type { TAddress, TCommerceEvent, TCustomer, TLine, TMappedEvents, TOrderSnapshot, TOrderTotals, TShipment } from './commerce-event.ts';
import { validationError } from './errors.ts';
import { ZMagentoEventEnvelope, type TMagentoEventEnvelope } from './magento-envelope.ts';
import {
  type ZMagentoAddress,
  ZMagentoCart,
  ZMagentoCreditMemo,
  ZMagentoInvoice,
  ZMagentoOrder,
  ZMagentoShipment,
  ZMagentoSubscriber,
  type TMagentoOrder,
} from './magento-payloads.ts';
import { absDecimal, addDecimals, compareDecimals, isZero, money, multiplyDecimal, subtractDecimals, toDecimal } from './money.ts';
import { normaliseLocale } from './plan-communications.ts';
import { ZProductFacts, productFactsIndex, type ProductLookupKeys, type TLineProductFields, type TProductFactsInput } from './product-facts.ts';
import { fieldIssuesFrom } from './zod-issues.ts';

type MagentoAddress = z.infer<typeof ZMagentoAddress>;
type OrderItem = TMagentoOrder['items'][number];
type Facts = (keys: ProductLookupKeys) => TLineProductFields;

export type MapMagentoEventContext = {
  /**
   * The merchant's product facts for the entity's items (product type, tags, categories, attribute
   * set), which Magento REST order, invoice and cart items do not carry. Validated (`ZProductFacts`);
   * a bad list is rejected on `context.products.<i>.<field>`.
   */
  products?: TProductFactsInput;
};

/**
 * Maps one Magento module envelope `{ id, event, store, entity, order?, detail? }` to commerce
 * events. `entity` is the REST JSON of the entity the event is about; `order` is the parent order
 * when the entity is an invoice, shipment or credit memo (required then: documents need the
 * customer and addresses). orderRef is the order's increment_id. Amounts use the order currency
 * (what the customer paid); the base-currency grand total is kept as `totalInShopCurrency`.
 * Product type, tags, categories and attribute set come from `context.products`, else from the
 * facts the module put in `envelope.products` (Magento's own `product_type` is kept as
 * `platformProductType`).
 * Throws VALIDATION_FAILED naming each field path (`entity.items.0.sku`, `order.customer_email`).
 */
export function mapMagentoEvent(envelope: unknown, context: MapMagentoEventContext = {}): TMappedEvents {
  const env = parse(ZMagentoEventEnvelope, envelope, '');
  // The module sends the facts inline (`envelope.products`); a context list replaces them.
  const facts = productFactsIndex(context.products === undefined || context.products === null ? (env.products ?? []) : parse(ZProductFacts, context.products, 'context.products'));
  const store = env.store;
  const base = {
    platform: 'magento' as const,
    brand: store.brand ?? null,
    locale: normaliseLocale(store.locale),
    storeView: { code: store.code, website: store.website, channels: store.channels ? [...new Set(store.channels)] : null },
  };

  switch (env.event) {
    case 'order.placed':
    case 'order.cancelled':
    case 'order.delayed':
    case 'order.backordered': {
      const order = parse(ZMagentoOrder, env.entity, 'entity');
      const common = { ...base, ...orderCommon(order, env, facts), sourceRef: String(order.entity_id ?? order.increment_id) };
      if (env.event === 'order.placed') return one({ kind: 'order.placed', ...common, occurredAt: when(env, order.created_at) });
      if (env.event === 'order.cancelled') {
        return one({
          kind: 'order.cancelled',
          ...common,
          occurredAt: when(env, order.updated_at),
          cancellation: { reason: env.detail?.reason ?? lastComment(order), cancelledAt: order.updated_at ? magentoDate(order.updated_at, 'entity.updated_at') : null },
        });
      }
      if (env.event === 'order.delayed') {
        return one({
          kind: 'shipment.delayed',
          ...common,
          occurredAt: when(env, order.updated_at),
          shipment: null,
          delay: { reason: env.detail?.reason ?? null, expectedAt: env.detail?.expected_at ? magentoDate(env.detail.expected_at, 'detail.expected_at') : null },
        });
      }
      const backordered = topLevelItems(order).filter((i) => compareDecimals(toDecimal(i.qty_backordered ?? 0), '0') > 0);
      if (backordered.length === 0) return { events: [], ignored: `order ${order.increment_id} has no item with qty_backordered > 0` };
      return one({
        kind: 'order.backordered',
        ...common,
        occurredAt: when(env, order.updated_at),
        backorder: {
          lines: backordered.map((i) => ({ lineRef: i.item_id != null ? String(i.item_id) : null, sku: i.sku, name: i.name ?? i.sku, quantity: Math.round(Number(i.qty_backordered)) })),
          expectedAt: env.detail?.expected_at ? magentoDate(env.detail.expected_at, 'detail.expected_at') : null,
        },
      });
    }
    case 'order.invoiced': {
      const invoice = parse(ZMagentoInvoice, env.entity, 'entity');
      const order = parentOrder(env);
      const snapshot = orderSnapshot(order, facts);
      const byId = new Map(order.items.map((i) => [i.item_id, i]));
      const currency = invoice.order_currency_code ?? order.order_currency_code;
      const lines: TLine[] = invoice.items
        .filter((i) => byId.get(i.order_item_id)?.parent_item_id == null)
        .map((i) => {
          const item = byId.get(i.order_item_id);
          return lineFrom({ ...(item ?? { sku: i.sku }), sku: i.sku, name: i.name ?? item?.name, qty_ordered: i.qty, price: i.price ?? item?.price, row_total: i.row_total, tax_amount: i.tax_amount, discount_amount: i.discount_amount, item_id: i.order_item_id }, currency, factsOfItem(order, facts));
        });
      return one({
        kind: 'order.invoiced',
        ...base,
        ...orderCommon(order, env, facts),
        order: snapshot,
        occurredAt: when(env, invoice.created_at),
        sourceRef: String(invoice.entity_id),
        invoice: {
          ref: String(invoice.entity_id),
          number: invoice.increment_id ?? String(invoice.entity_id),
          createdAt: invoice.created_at ? magentoDate(invoice.created_at, 'entity.created_at') : null,
          lines,
          totals: totalsFrom(invoice, currency, invoice.base_currency_code ?? order.base_currency_code),
        },
      });
    }
    case 'shipment.created':
    case 'shipment.track_added': {
      const shipment = parse(ZMagentoShipment, env.entity, 'entity');
      const order = parentOrder(env);
      const snapshot = orderSnapshot(order, facts);
      const byId = new Map(order.items.map((i) => [i.item_id, i]));
      const tracks = shipment.tracks;
      const latestTrack = tracks.at(-1);
      const mapped: TShipment = {
        ref: String(shipment.entity_id),
        number: shipment.increment_id ?? null,
        status: env.event === 'shipment.created' ? 'shipped' : 'tracking_updated',
        carrier: latestTrack ? latestTrack.title : null,
        trackingNumbers: tracks.map((t) => t.track_number),
        // Magento stores no tracking URL; the template builds it from carrier and number.
        trackingUrls: [],
        estimatedDeliveryAt: null,
        deliveredAt: null,
        lines: shipment.items
          .filter((i) => byId.get(i.order_item_id)?.parent_item_id == null)
          .map((i) => ({ lineRef: String(i.order_item_id), sku: i.sku ?? byId.get(i.order_item_id)?.sku ?? null, name: i.name ?? byId.get(i.order_item_id)?.name ?? 'Item', quantity: Math.round(Number(i.qty)) })),
        destination: snapshot.shippingAddress,
      };
      return one({
        kind: env.event === 'shipment.created' ? 'fulfillment.created' : 'fulfillment.updated',
        ...base,
        ...orderCommon(order, env, facts),
        order: snapshot,
        occurredAt: when(env, env.event === 'shipment.created' ? shipment.created_at : (latestTrack?.created_at ?? shipment.updated_at)),
        sourceRef: String(shipment.entity_id),
        shipment: mapped,
      });
    }
    case 'creditmemo.created': {
      const memo = parse(ZMagentoCreditMemo, env.entity, 'entity');
      const order = parentOrder(env);
      const snapshot = orderSnapshot(order, facts);
      const currency = memo.order_currency_code ?? order.order_currency_code;
      const byId = new Map(order.items.map((i) => [i.item_id, i]));
      const adjustment = subtractDecimals(toDecimal(memo.adjustment_positive ?? 0), toDecimal(memo.adjustment_negative ?? 0));
      const total = money(memo.grand_total, currency);
      return one({
        kind: 'credit_memo.created',
        ...base,
        ...orderCommon(order, env, facts),
        order: snapshot,
        occurredAt: when(env, memo.created_at),
        sourceRef: String(memo.entity_id),
        refund: {
          ref: String(memo.entity_id),
          number: memo.increment_id ?? String(memo.entity_id),
          createdAt: memo.created_at ? magentoDate(memo.created_at, 'entity.created_at') : null,
          note: memo.comments?.map((c) => c.comment).find((c) => c) ?? null,
          lines: memo.items
            .filter((i) => compareDecimals(toDecimal(i.qty), '0') > 0 && byId.get(i.order_item_id)?.parent_item_id == null)
            .map((i) => ({
              lineRef: String(i.order_item_id),
              sku: i.sku ?? byId.get(i.order_item_id)?.sku ?? null,
              name: i.name ?? byId.get(i.order_item_id)?.name ?? 'Item',
              quantity: Math.round(Number(i.qty)),
              // What the customer gets back for the line: row total less the discount it had.
              amount: {
                amount: subtractDecimals(
                  i.row_total != null ? toDecimal(i.row_total) : multiplyDecimal(toDecimal(i.price ?? i.base_price ?? 0), Math.round(Number(i.qty))),
                  absDecimal(toDecimal(i.discount_amount ?? 0)),
                ),
                currency,
              },
              tax: i.tax_amount != null ? money(i.tax_amount, currency) : null,
              restock: i.extension_attributes?.return_to_stock ?? false,
            })),
          shipping: memo.shipping_amount != null && !isZero(toDecimal(memo.shipping_amount)) ? money(memo.shipping_amount, currency) : null,
          adjustment: isZero(adjustment) ? null : { amount: adjustment, currency },
          total,
          isPartial: compareDecimals(total.amount, snapshot.totals.total.amount) < 0,
        },
      });
    }
    case 'cart.abandoned': {
      const cart = parse(ZMagentoCart, env.entity, 'entity');
      const email = nonEmpty(cart.customer.email);
      if (!email) return { events: [], ignored: `cart ${cart.id} has no customer email: nobody to remind` };
      if (cart.is_active === false) return { events: [], ignored: `cart ${cart.id} is no longer active (converted to an order)` };
      const currency = cart.currency?.quote_currency_code ?? store.currency;
      const lines = (cart.items ?? []).map((i, index) =>
        lineFrom({ item_id: i.item_id ?? index, sku: i.sku ?? '', name: i.name, product_type: i.product_type, qty_ordered: i.qty, price: i.price }, currency, (item) => facts({ sku: item.sku })),
      );
      const subtotal = { amount: addDecimals('0', ...lines.map((l) => l.total.amount)), currency };
      return one({
        kind: 'cart.abandoned',
        ...base,
        occurredAt: when(env, cart.updated_at ?? cart.created_at),
        sourceRef: String(cart.id),
        orderRef: null,
        orderNumber: null,
        customer: {
          ref: cart.customer.id != null ? String(cart.customer.id) : null,
          email,
          phone: null,
          firstName: nonEmpty(cart.customer.firstname),
          lastName: nonEmpty(cart.customer.lastname),
          locale: normaliseLocale(store.locale),
          isGuest: cart.customer_is_guest ?? cart.customer.id == null,
        },
        order: null,
        cart: {
          ref: String(cart.id),
          createdAt: cart.created_at ? magentoDate(cart.created_at, 'entity.created_at') : null,
          updatedAt: cart.updated_at ? magentoDate(cart.updated_at, 'entity.updated_at') : null,
          currency,
          lines,
          subtotal,
          total: subtotal,
          recoveryUrl: env.detail?.recovery_url ?? null,
        },
      });
    }
    case 'customer.consent_changed': {
      const subscriber = parse(ZMagentoSubscriber, env.entity, 'entity');
      const state = subscriber.subscriber_status === 1 ? 'subscribed' : subscriber.subscriber_status === 3 ? 'unsubscribed' : null;
      if (state === null) return { events: [], ignored: `newsletter status ${subscriber.subscriber_status} (not active / unconfirmed) is not a consent decision` };
      const updatedAt = subscriber.change_status_at ? magentoDate(subscriber.change_status_at, 'entity.change_status_at') : null;
      return one({
        kind: 'customer.consent_changed',
        ...base,
        occurredAt: when(env, subscriber.change_status_at),
        sourceRef: String(subscriber.subscriber_id ?? subscriber.subscriber_email),
        orderRef: null,
        orderNumber: null,
        customer: {
          ref: subscriber.customer_id ? String(subscriber.customer_id) : null,
          email: subscriber.subscriber_email,
          phone: null,
          firstName: nonEmpty(subscriber.customer_firstname),
          lastName: nonEmpty(subscriber.customer_lastname),
          locale: normaliseLocale(store.locale),
          isGuest: !subscriber.customer_id,
        },
        order: null,
        consent: { channel: 'email', state, source: `magento:newsletter:${store.code}`, updatedAt },
      });
    }
  }
}

// ------------------------------------------------------------------------------------------------

function parentOrder(env: TMagentoEventEnvelope): TMagentoOrder {
  if (env.order === null || env.order === undefined) {
    throw validationError([{ path: 'order', message: `"${env.event}" needs the parent order (Magento REST order JSON) in "order"` }], 'Magento event');
  }
  return parse(ZMagentoOrder, env.order, 'order');
}

function orderCommon(order: TMagentoOrder, env: TMagentoEventEnvelope, facts: Facts) {
  return {
    orderRef: order.increment_id,
    orderNumber: order.increment_id,
    customer: customerOf(order, env.store.locale),
    order: orderSnapshot(order, facts),
  };
}

/**
 * The facts of an order item: a configurable parent is looked up by its child's product id (the
 * variant actually bought), then by SKU (Magento gives the parent item the child's SKU), then by
 * its own product id.
 */
function factsOfItem(order: TMagentoOrder, facts: Facts): (item: Partial<OrderItem> & { sku: string }) => TLineProductFields {
  return (item) => {
    const child = item.item_id != null ? order.items.find((c) => c.parent_item_id === item.item_id) : undefined;
    return facts({ variantId: child?.product_id, sku: item.sku, productId: item.product_id });
  };
}

function orderSnapshot(o: TMagentoOrder, facts: Facts): TOrderSnapshot {
  const currency = o.order_currency_code;
  const lines = topLevelItems(o).map((i) => lineFrom(i, currency, factsOfItem(o, facts)));
  const applied = o.extension_attributes?.applied_taxes ?? [];
  const tax = toDecimal(o.tax_amount ?? 0);
  const shippingAddress = o.extension_attributes?.shipping_assignments?.find((a) => a.shipping.address)?.shipping.address ?? null;
  const discount = absDecimal(toDecimal(o.discount_amount ?? 0));
  return {
    ref: o.increment_id,
    number: o.increment_id,
    createdAt: o.created_at ? magentoDate(o.created_at, 'entity.created_at') : null,
    currency: o.base_currency_code,
    presentmentCurrency: currency,
    // Magento's catalog price setting is not in the order JSON; its REST amounts are tax-exclusive.
    taxesIncluded: false,
    lines,
    totals: { ...totalsFrom(o, currency, o.base_currency_code), refunded: o.total_refunded != null ? money(o.total_refunded, currency) : null },
    taxLines: applied.length > 0
      ? applied.map((t) => ({ title: t.title ?? t.code ?? 'Tax', rate: t.percent != null ? percentToRate(toDecimal(t.percent)) : null, amount: money(t.amount ?? 0, currency) }))
      : isZero(tax) ? [] : [{ title: 'Tax', rate: null, amount: { amount: tax, currency } }],
    discounts: isZero(discount) ? [] : [{ code: nonEmpty(o.coupon_code), type: null, amount: { amount: discount, currency } }],
    billingAddress: address(o.billing_address ?? null),
    shippingAddress: address(shippingAddress),
    shippingMethod: nonEmpty(o.shipping_description),
    paymentMethod: o.payment?.method ?? null,
    financialStatus: nonEmpty(o.state),
    fulfillmentStatus: nonEmpty(o.status),
    tags: [],
    statusUrl: null,
    company: companyOf(o),
    customerGroupRef: o.customer_group_id != null ? String(o.customer_group_id) : null,
  };
}

/** Adobe Commerce B2B's company of the order; open-source Magento has none (company id 0 = none too). */
function companyOf(o: TMagentoOrder): TOrderSnapshot['company'] {
  const attributes = o.extension_attributes?.company_order_attributes;
  if (!attributes?.company_id) return null;
  return { ref: String(attributes.company_id), name: nonEmpty(attributes.company_name) };
}

function totalsFrom(
  t: { subtotal?: number | string | null; discount_amount?: number | string | null; shipping_amount?: number | string | null; tax_amount?: number | string | null; grand_total?: number | string | null; base_grand_total?: number | string | null },
  currency: string,
  baseCurrency: string,
): TOrderTotals {
  return {
    subtotal: money(t.subtotal ?? 0, currency),
    // Magento stores discounts as negative amounts; documents show them positive.
    discounts: { amount: absDecimal(toDecimal(t.discount_amount ?? 0)), currency },
    shipping: money(t.shipping_amount ?? 0, currency),
    tax: money(t.tax_amount ?? 0, currency),
    total: money(t.grand_total ?? 0, currency),
    totalInShopCurrency: t.base_grand_total != null ? money(t.base_grand_total, baseCurrency) : null,
    refunded: null,
  };
}

/** Configurable and bundle children repeat their parent (`parent_item_id`); documents list parents. */
function topLevelItems(o: TMagentoOrder): OrderItem[] {
  return o.items.filter((i) => i.parent_item_id === null || i.parent_item_id === undefined);
}

function lineFrom(i: Partial<OrderItem> & { sku: string }, currency: string, factsOf: (item: Partial<OrderItem> & { sku: string }) => TLineProductFields): TLine {
  const quantity = Math.round(Number(i.qty_ordered ?? 0));
  const unitPrice = money(i.price ?? 0, currency);
  const gross = i.row_total != null ? toDecimal(i.row_total) : multiplyDecimal(unitPrice.amount, quantity);
  const discount = absDecimal(toDecimal(i.discount_amount ?? 0));
  const tax = toDecimal(i.tax_amount ?? 0);
  return {
    ref: i.item_id != null ? String(i.item_id) : i.sku,
    sku: nonEmpty(i.sku),
    name: i.name ?? i.sku,
    variant: null,
    ...factsOf(i),
    // Magento's type_id says how the item is built (simple, configurable...), not what it is.
    platformProductType: nonEmpty(i.product_type),
    quantity,
    unitPrice,
    discount: isZero(discount) ? null : { amount: discount, currency },
    total: { amount: subtractDecimals(gross, discount), currency },
    taxLines: isZero(tax) ? [] : [{ title: 'Tax', rate: i.tax_percent != null ? percentToRate(toDecimal(i.tax_percent)) : null, amount: { amount: tax, currency } }],
  };
}

function customerOf(o: TMagentoOrder, storeLocale: string): TCustomer {
  const billing = o.billing_address ?? null;
  const isGuest = o.customer_is_guest === 1 || o.customer_is_guest === true;
  return {
    ref: !isGuest && o.customer_id != null ? String(o.customer_id) : null,
    email: nonEmpty(o.customer_email),
    phone: nonEmpty(billing?.telephone),
    firstName: nonEmpty(o.customer_firstname) ?? nonEmpty(billing?.firstname),
    lastName: nonEmpty(o.customer_lastname) ?? nonEmpty(billing?.lastname),
    locale: normaliseLocale(storeLocale),
    isGuest,
  };
}

function address(a: MagentoAddress | null): TAddress | null {
  if (a === null) return null;
  const street = (a.street ?? []).filter((s) => s.trim() !== '');
  const country = nonEmpty(a.country_id)?.toUpperCase() ?? null;
  return {
    firstName: nonEmpty(a.firstname),
    lastName: nonEmpty(a.lastname),
    company: nonEmpty(a.company),
    line1: street[0] ?? null,
    line2: street.length > 1 ? street.slice(1).join(', ') : null,
    city: nonEmpty(a.city),
    region: nonEmpty(a.region),
    regionCode: nonEmpty(a.region_code),
    postalCode: nonEmpty(a.postcode),
    countryCode: country !== null && /^[A-Z]{2}$/.test(country) ? country : null,
    phone: nonEmpty(a.telephone),
  };
}

function lastComment(o: TMagentoOrder): string | null {
  const comments = (o.status_histories ?? []).filter((h) => nonEmpty(h.comment));
  return comments.length > 0 ? (comments[0]!.comment ?? null) : null;
}

/** "20.0000" percent → "0.2" rate. */
function percentToRate(percent: string): string {
  const [int, frac = ''] = absDecimal(percent).split('.');
  const digits = `${int}${frac}`.replace(/^0+(?=\d)/, '');
  const scale = frac.length + 2;
  const padded = digits.padStart(scale + 1, '0');
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`.replace(/0+$/, '').replace(/\.$/, '.0');
  return percent.startsWith('-') ? `-${text}` : text;
}

/** Magento dates are "YYYY-MM-DD HH:MM:SS" in UTC without a zone. */
function magentoDate(value: string, path: string): string {
  const trimmed = value.trim();
  const candidate = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed;
  const date = new Date(candidate);
  if (Number.isNaN(date.getTime())) throw validationError([{ path, message: `Not a date: "${value}"` }], 'Magento event');
  return /T.*([+-]\d\d:\d\d|Z)$/.test(candidate) ? candidate : date.toISOString();
}

function when(env: TMagentoEventEnvelope, entityDate: string | null | undefined): string {
  if (env.occurred_at) return magentoDate(env.occurred_at, 'occurred_at');
  if (entityDate) return magentoDate(entityDate, 'entity.created_at');
  throw validationError([{ path: 'occurred_at', message: 'Neither the envelope nor the entity says when the event happened' }], 'Magento event');
}

function parse<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldIssuesFrom(result.error, prefix), 'Magento event');
  return result.data;
}

function one(event: TCommerceEvent): TMappedEvents {
  return { events: [event], ignored: null };
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}
