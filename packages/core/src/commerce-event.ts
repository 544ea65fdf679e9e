import { z } from 'zod';
import { ZChannel } from './channel.ts';

/**
 * The canonical commerce events. Both platform mappers produce only these, so one template model
 * serves Shopify and Magento alike.
 */
export const COMMERCE_EVENT_KINDS = [
  'order.placed',
  'order.paid',
  'order.invoiced',
  'fulfillment.created',
  'fulfillment.updated',
  'order.partially_fulfilled',
  'order.fulfilled',
  'shipment.delivered',
  'shipment.delayed',
  'order.backordered',
  'order.cancelled',
  'refund.created',
  'credit_memo.created',
  'return.requested',
  'return.approved',
  'return.declined',
  'return.closed',
  'payment.failed',
  'dispute.opened',
  'dispute.updated',
  'cart.abandoned',
  'replenishment.due',
  'statement.period_closed',
  'customer.consent_changed',
] as const;

export const ZCommerceEventKind = z.enum(COMMERCE_EVENT_KINDS);
export type TCommerceEventKind = z.infer<typeof ZCommerceEventKind>;

export const ZPlatform = z.enum(['shopify', 'magento']);
export type TPlatform = z.infer<typeof ZPlatform>;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** ISO-8601 timestamp; offsets are kept as the platform sent them (Shopify sends local offsets). */
export const ZTimestamp = z.iso.datetime({ offset: true });

/** A decimal amount as a string ("12.50", "-3.00"). Never a float: money must not drift. */
export const ZDecimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'Expected a decimal string such as "12.50"');

export const ZCurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code such as "EUR"');

export const ZMoney = z.object({ amount: ZDecimal, currency: ZCurrencyCode });
export type TMoney = z.infer<typeof ZMoney>;

export const ZCountryCode = z.string().regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code such as "PL"');

export const ZAddress = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  regionCode: z.string().nullable(),
  postalCode: z.string().nullable(),
  countryCode: ZCountryCode.nullable(),
  phone: z.string().nullable(),
});
export type TAddress = z.infer<typeof ZAddress>;

export const ZTaxLine = z.object({
  title: z.string(),
  /** Rate as a decimal fraction string ("0.2" = 20 %), null when the platform does not say. */
  rate: ZDecimal.nullable(),
  amount: ZMoney,
});
export type TTaxLine = z.infer<typeof ZTaxLine>;

export const ZDiscount = z.object({
  code: z.string().nullable(),
  /** Platform wording: "percentage", "fixed_amount", "shipping"... */
  type: z.string().nullable(),
  amount: ZMoney,
});
export type TDiscount = z.infer<typeof ZDiscount>;

/** One product line. Amounts are in the currency the customer saw (presentment). */
export const ZLine = z.object({
  ref: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  variant: z.string().nullable(),
  /**
   * The merchant's product type ("Helmet", "Manteau"), from the product facts the adapter passes
   * (`ZProductFacts`); null when none were passed. Template rules match on it.
   */
  productType: z.string().nullable(),
  /** Product tags from the product facts (webhooks and Magento REST items carry none). */
  tags: z.array(z.string()),
  /** Category names from the product facts, most general first where the platform says. */
  categories: z.array(z.string()),
  /** Magento attribute set name from the product facts; null elsewhere. */
  attributeSet: z.string().nullable(),
  /**
   * The platform's technical product kind (Magento `product_type`: simple, configurable, bundle,
   * virtual, downloadable); null on Shopify. Kept apart from `productType` because it says how the
   * item is built, not what it is: rules never match on it.
   */
  platformProductType: z.string().nullable(),
  quantity: z.number().int().nonnegative(),
  unitPrice: ZMoney,
  /** Discount applied to the whole line. */
  discount: ZMoney.nullable(),
  /** Line total after discount, before tax (unless the order has taxes included). */
  total: ZMoney,
  taxLines: z.array(ZTaxLine),
});
export type TLine = z.infer<typeof ZLine>;

export const ZCustomer = z.object({
  ref: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  locale: z.string().nullable(),
  isGuest: z.boolean(),
});
export type TCustomer = z.infer<typeof ZCustomer>;

export const ZOrderTotals = z.object({
  subtotal: ZMoney,
  discounts: ZMoney,
  shipping: ZMoney,
  tax: ZMoney,
  total: ZMoney,
  /** The total in the shop's own currency, for multi-currency orders (null when unknown). */
  totalInShopCurrency: ZMoney.nullable(),
  refunded: ZMoney.nullable(),
});
export type TOrderTotals = z.infer<typeof ZOrderTotals>;

/**
 * The B2B company an order was placed for, as the platform records it on the order (Magento:
 * Adobe Commerce B2B's `extension_attributes.company_order_attributes`). Statements group a
 * store's orders into accounts by `ref`.
 */
export const ZOrderCompany = z.object({
  /** The platform's company id. */
  ref: z.string().min(1),
  name: z.string().nullable(),
  /**
   * Shopify B2B: the company location the order was placed for. Payment terms are set per location,
   * so statements keep one account per location. Magento has none.
   */
  locationRef: z.string().min(1).nullable().optional(),
});
export type TOrderCompany = z.infer<typeof ZOrderCompany>;

export const ZOrderSnapshot = z.object({
  ref: z.string(),
  number: z.string(),
  createdAt: ZTimestamp.nullable(),
  /** The shop's own (base) currency. */
  currency: ZCurrencyCode,
  /** The currency the customer paid in; every amount in this snapshot is in it. */
  presentmentCurrency: ZCurrencyCode,
  taxesIncluded: z.boolean(),
  lines: z.array(ZLine),
  totals: ZOrderTotals,
  taxLines: z.array(ZTaxLine),
  discounts: z.array(ZDiscount),
  billingAddress: ZAddress.nullable(),
  shippingAddress: ZAddress.nullable(),
  shippingMethod: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  financialStatus: z.string().nullable(),
  fulfillmentStatus: z.string().nullable(),
  tags: z.array(z.string()),
  statusUrl: z.string().nullable(),
  /** B2B: the company the order was placed for; null when none (optional: events mapped before it existed have none). */
  company: ZOrderCompany.nullable().optional(),
  /** The buyer's customer group when the order was placed (Magento `customer_group_id`; 0 = not logged in). */
  customerGroupRef: z.string().nullable().optional(),
});
export type TOrderSnapshot = z.infer<typeof ZOrderSnapshot>;

export const ZShipmentLine = z.object({
  lineRef: z.string().nullable(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int().nonnegative(),
});

export const ZShipment = z.object({
  ref: z.string(),
  number: z.string().nullable(),
  status: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumbers: z.array(z.string()),
  trackingUrls: z.array(z.string()),
  estimatedDeliveryAt: ZTimestamp.nullable(),
  deliveredAt: ZTimestamp.nullable(),
  lines: z.array(ZShipmentLine),
  /** Where the parcel goes (Shopify fulfillment destination; Magento order shipping address). */
  destination: ZAddress.nullable(),
});
export type TShipment = z.infer<typeof ZShipment>;

export const ZInvoice = z.object({
  ref: z.string(),
  number: z.string(),
  createdAt: ZTimestamp.nullable(),
  lines: z.array(ZLine),
  totals: ZOrderTotals,
});
export type TInvoice = z.infer<typeof ZInvoice>;

export const ZRefundLine = z.object({
  lineRef: z.string().nullable(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int().nonnegative(),
  amount: ZMoney,
  tax: ZMoney.nullable(),
  restock: z.boolean(),
});

export const ZRefund = z.object({
  ref: z.string(),
  /** Credit memo number on Magento; null on Shopify. */
  number: z.string().nullable(),
  createdAt: ZTimestamp.nullable(),
  note: z.string().nullable(),
  lines: z.array(ZRefundLine),
  shipping: ZMoney.nullable(),
  adjustment: ZMoney.nullable(),
  total: ZMoney,
  /** True when less than the whole order was refunded. */
  isPartial: z.boolean(),
});
export type TRefund = z.infer<typeof ZRefund>;

export const ZReturnLine = z.object({
  lineRef: z.string().nullable(),
  sku: z.string().nullable(),
  name: z.string(),
  quantity: z.number().int().nonnegative(),
  reason: z.string().nullable(),
  customerNote: z.string().nullable(),
});

export const ZReturn = z.object({
  ref: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  lines: z.array(ZReturnLine),
  declineReason: z.string().nullable(),
  declineNote: z.string().nullable(),
});
export type TReturn = z.infer<typeof ZReturn>;

export const ZPayment = z.object({
  ref: z.string(),
  gateway: z.string().nullable(),
  kind: z.string().nullable(),
  status: z.string(),
  amount: ZMoney,
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  processedAt: ZTimestamp.nullable(),
});
export type TPayment = z.infer<typeof ZPayment>;

export const ZDispute = z.object({
  ref: z.string(),
  type: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  amount: ZMoney,
  evidenceDueBy: ZTimestamp.nullable(),
  initiatedAt: ZTimestamp.nullable(),
  finalizedOn: z.string().nullable(),
});
export type TDispute = z.infer<typeof ZDispute>;

export const ZCart = z.object({
  ref: z.string(),
  createdAt: ZTimestamp.nullable(),
  updatedAt: ZTimestamp.nullable(),
  currency: ZCurrencyCode,
  lines: z.array(ZLine),
  subtotal: ZMoney,
  total: ZMoney,
  recoveryUrl: z.string().nullable(),
});
export type TCart = z.infer<typeof ZCart>;

export const ZConsentState = z.enum(['subscribed', 'unsubscribed']);
export const ZConsent = z.object({
  channel: z.enum(['email', 'sms']),
  state: ZConsentState,
  source: z.string().nullable(),
  updatedAt: ZTimestamp.nullable(),
});
export type TConsent = z.infer<typeof ZConsent>;

/**
 * What a statement line records: an `order` or `invoice` the account was charged for (debit), a
 * `credit` (credit memo, refund) or `payment` received (credit), or an `adjustment` either way
 * (a cancellation, a write-off, a refund paid back out).
 */
export const STATEMENT_LINE_KINDS = ['order', 'invoice', 'credit', 'payment', 'adjustment'] as const;
export const ZStatementLineKind = z.enum(STATEMENT_LINE_KINDS);
export type TStatementLineKind = z.infer<typeof ZStatementLineKind>;

export const ZStatementLine = z.object({
  kind: ZStatementLineKind,
  date: z.string(),
  ref: z.string(),
  description: z.string(),
  debit: ZMoney.nullable(),
  credit: ZMoney.nullable(),
  balance: ZMoney,
});
export type TStatementLine = z.infer<typeof ZStatementLine>;

/**
 * How the account pays what it owes. Flat (no nested bank object) so a generic renderer shows
 * every field as a labelled row; every field but the text is optional.
 */
export const ZPaymentInstructions = z.object({
  /** What the customer reads: how and by when to pay. */
  instructions: z.string().min(1).max(2000),
  /** What to quote with the payment (the remittance reference), e.g. the account number. */
  reference: z.string().min(1).max(140).nullable(),
  /** A page where the balance can be paid online. */
  payUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
  bankName: z.string().min(1).max(200).nullable(),
  accountHolder: z.string().min(1).max(200).nullable(),
  iban: z
    .string()
    .regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/, 'Expected an IBAN without spaces, such as "DE89370400440532013000"')
    .nullable(),
  bic: z
    .string()
    .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'Expected a BIC / SWIFT code such as "COBADEFFXXX"')
    .nullable(),
  /** A domestic account number, where IBANs are not used. */
  accountNumber: z.string().min(1).max(40).nullable(),
  /** The domestic bank code that goes with it (UK sort code, US ABA routing number...). */
  bankCode: z.string().min(1).max(40).nullable(),
});
export type TPaymentInstructions = z.infer<typeof ZPaymentInstructions>;

export const ZStatement = z.object({
  accountRef: z.string(),
  accountName: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  currency: ZCurrencyCode,
  openingBalance: ZMoney,
  closingBalance: ZMoney,
  dueDate: z.string().nullable(),
  lines: z.array(ZStatementLine),
  billingAddress: ZAddress.nullable(),
  paymentInstructions: ZPaymentInstructions.nullable(),
});
export type TStatement = z.infer<typeof ZStatement>;

export const ZCancellation = z.object({
  reason: z.string().nullable(),
  cancelledAt: ZTimestamp.nullable(),
});

export const ZDelay = z.object({
  reason: z.string().nullable(),
  /** The new expected date, when known. */
  expectedAt: ZTimestamp.nullable(),
});

export const ZBackorder = z.object({
  lines: z.array(ZShipmentLine),
  expectedAt: ZTimestamp.nullable(),
});

export const ZReplenishment = z.object({
  lines: z.array(ZLine),
  dueAt: ZTimestamp,
  reorderUrl: z.string().nullable(),
});

export const ZStoreView = z.object({
  code: z.string().min(1),
  website: z.string().nullable(),
  channels: z.array(ZChannel).min(1).nullable(),
});
export type TStoreView = z.infer<typeof ZStoreView>;

// ---------------------------------------------------------------------------------------------
// The event union
// ---------------------------------------------------------------------------------------------

const base = {
  platform: ZPlatform,
  occurredAt: ZTimestamp,
  /** Platform id of the entity the event is about (order, fulfillment, refund, checkout...). */
  sourceRef: z.string().min(1),
  /** Shopify: numeric order id as a string; Magento: increment_id. */
  orderRef: z.string().nullable(),
  /** Display number: "#1001" / "000000142". */
  orderNumber: z.string().nullable(),
  customer: ZCustomer.nullable(),
  /** Brand hint from the platform (Magento store config); null = the store's default brand. */
  brand: z.string().nullable(),
  /** Buyer's locale as the platform knows it ("fr-CA"); null = unknown. */
  locale: z.string().nullable(),
  order: ZOrderSnapshot.nullable(),
  /**
   * Magento: the store view the event happened in. `channels` is that view's "Channels" setting
   * (null = no restriction); the planner uses only rules of those channels. Shopify: absent.
   */
  storeView: ZStoreView.nullable().optional(),
};
/**
 * Order-level events carry the order. Events about a fulfillment, refund, return, payment or
 * dispute carry it only when the platform sends it (Magento envelopes do; Shopify's fulfillment,
 * refund and return webhooks don't, unless the caller passes the order as mapping context).
 */
const withOrder = { ...base, order: ZOrderSnapshot };

const ev = <K extends TCommerceEventKind, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ kind: z.literal(kind), ...shape });

export const ZOrderPlacedEvent = ev('order.placed', withOrder);
export const ZOrderPaidEvent = ev('order.paid', { ...withOrder, payment: ZPayment.nullable() });
export const ZOrderInvoicedEvent = ev('order.invoiced', { ...withOrder, invoice: ZInvoice });
export const ZFulfillmentCreatedEvent = ev('fulfillment.created', { ...base, shipment: ZShipment });
export const ZFulfillmentUpdatedEvent = ev('fulfillment.updated', { ...base, shipment: ZShipment });
export const ZOrderPartiallyFulfilledEvent = ev('order.partially_fulfilled', { ...withOrder, shipment: ZShipment.nullable() });
export const ZOrderFulfilledEvent = ev('order.fulfilled', { ...withOrder, shipment: ZShipment.nullable() });
export const ZShipmentDeliveredEvent = ev('shipment.delivered', { ...base, shipment: ZShipment });
export const ZShipmentDelayedEvent = ev('shipment.delayed', { ...base, shipment: ZShipment.nullable(), delay: ZDelay });
export const ZOrderBackorderedEvent = ev('order.backordered', { ...withOrder, backorder: ZBackorder });
export const ZOrderCancelledEvent = ev('order.cancelled', { ...withOrder, cancellation: ZCancellation });
export const ZRefundCreatedEvent = ev('refund.created', { ...base, refund: ZRefund });
export const ZCreditMemoCreatedEvent = ev('credit_memo.created', { ...base, refund: ZRefund });
export const ZReturnRequestedEvent = ev('return.requested', { ...base, return: ZReturn });
export const ZReturnApprovedEvent = ev('return.approved', { ...base, return: ZReturn });
export const ZReturnDeclinedEvent = ev('return.declined', { ...base, return: ZReturn });
export const ZReturnClosedEvent = ev('return.closed', { ...base, return: ZReturn });
export const ZPaymentFailedEvent = ev('payment.failed', { ...base, payment: ZPayment });
export const ZDisputeOpenedEvent = ev('dispute.opened', { ...base, dispute: ZDispute });
export const ZDisputeUpdatedEvent = ev('dispute.updated', { ...base, dispute: ZDispute });
export const ZCartAbandonedEvent = ev('cart.abandoned', { ...base, cart: ZCart });
export const ZReplenishmentDueEvent = ev('replenishment.due', { ...base, replenishment: ZReplenishment });
export const ZStatementPeriodClosedEvent = ev('statement.period_closed', { ...base, statement: ZStatement });
export const ZCustomerConsentChangedEvent = ev('customer.consent_changed', { ...base, consent: ZConsent });

export const ZCommerceEvent = z.discriminatedUnion('kind', [
  ZOrderPlacedEvent,
  ZOrderPaidEvent,
  ZOrderInvoicedEvent,
  ZFulfillmentCreatedEvent,
  ZFulfillmentUpdatedEvent,
  ZOrderPartiallyFulfilledEvent,
  ZOrderFulfilledEvent,
  ZShipmentDeliveredEvent,
  ZShipmentDelayedEvent,
  ZOrderBackorderedEvent,
  ZOrderCancelledEvent,
  ZRefundCreatedEvent,
  ZCreditMemoCreatedEvent,
  ZReturnRequestedEvent,
  ZReturnApprovedEvent,
  ZReturnDeclinedEvent,
  ZReturnClosedEvent,
  ZPaymentFailedEvent,
  ZDisputeOpenedEvent,
  ZDisputeUpdatedEvent,
  ZCartAbandonedEvent,
  ZReplenishmentDueEvent,
  ZStatementPeriodClosedEvent,
  ZCustomerConsentChangedEvent,
]);
export type TCommerceEvent = z.infer<typeof ZCommerceEvent>;

/** The event of one kind, e.g. `TCommerceEventOf<'refund.created'>`. */
export type TCommerceEventOf<K extends TCommerceEventKind> = Extract<TCommerceEvent, { kind: K }>;

export const ZMappedEvents = z.object({
  events: z.array(ZCommerceEvent),
  /** Why a valid payload produced no event (e.g. a successful transaction); null when events were produced. */
  ignored: z.string().nullable(),
});
export type TMappedEvents = z.infer<typeof ZMappedEvents>;
