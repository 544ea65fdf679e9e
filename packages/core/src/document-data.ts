import { z } from 'zod';
import {
  ZAddress,
  ZCommerceEventKind,
  ZCurrencyCode,
  ZDiscount,
  ZLine,
  ZMoney,
  ZOrderTotals,
  ZPlatform,
  ZRefund,
  ZReturn,
  ZShipment,
  ZShipmentLine,
  ZPaymentInstructions,
  ZStatement,
  ZTaxLine,
  ZTimestamp,
} from './commerce-event.ts';
import { ZChannel } from './channel.ts';
import type { TDocumentType } from './document-types.ts';

/**
 * Document data contract v1: the JSON the engine sends to Exstream for one document. Every key is
 * always present (null when unknown) so template designers can map fields without guessing.
 * Changing a shape in a breaking way means a v2 next to v1, never an edit of v1.
 */
export const DOCUMENT_SCHEMA_VERSION = '1';

export const ZDocumentBrand = z.object({
  /** The brand code the template rules resolved on. */
  code: z.string().min(1),
  storeName: z.string().min(1),
});

export const ZRecipient = z.object({
  name: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  customerRef: z.string().nullable(),
  isGuest: z.boolean(),
});

export const ZDocumentMeta = z.object({
  communicationId: z.string().min(1),
  templateVersion: z.string().min(1),
  idempotencyKey: z.string().min(1),
  schemaVersion: z.literal(DOCUMENT_SCHEMA_VERSION),
  platform: ZPlatform,
  eventKind: ZCommerceEventKind,
  /** Platform id of the entity the document is about. */
  sourceRef: z.string().min(1),
  eventOccurredAt: ZTimestamp,
});

export const ZLegal = z.object({
  /** Keys of legal texts the template must print (the texts themselves live in Exstream). */
  keys: z.array(z.string().regex(/^[a-z0-9_.-]+$/, 'Expected a lowercase legal-text key such as "legal.terms_of_sale"')),
});

/** The order as a document shows it. Amounts are in the presentment (customer's) currency. */
export const ZDocumentOrder = z.object({
  ref: z.string(),
  number: z.string(),
  placedAt: ZTimestamp.nullable(),
  taxesIncluded: z.boolean(),
  lines: z.array(ZLine),
  totals: ZOrderTotals,
  taxLines: z.array(ZTaxLine),
  discounts: z.array(ZDiscount),
  shippingMethod: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  statusUrl: z.string().nullable(),
});

const common = {
  schemaVersion: z.literal(DOCUMENT_SCHEMA_VERSION),
  brand: ZDocumentBrand,
  /** BCP 47 locale the document is written in, e.g. "fr-CA". */
  locale: z.string().min(2),
  /** IANA time zone for printing dates, e.g. "Europe/Warsaw". */
  timezone: z.string().min(1),
  /** The currency of every amount in the document. */
  currency: ZCurrencyCode,
  recipient: ZRecipient,
  billingAddress: ZAddress.nullable(),
  shippingAddress: ZAddress.nullable(),
  legal: ZLegal,
  delivery: z.object({ channel: ZChannel }),
  meta: ZDocumentMeta,
};

const doc = <T extends TDocumentType, S extends z.ZodRawShape>(documentType: T, shape: S) =>
  z.object({ documentType: z.literal(documentType), ...common, ...shape }).strict();

export const ZTracking = ZShipment.pick({
  ref: true,
  number: true,
  status: true,
  carrier: true,
  trackingNumbers: true,
  trackingUrls: true,
  estimatedDeliveryAt: true,
  deliveredAt: true,
  lines: true,
});

export const ZReturnInstructions = z.object({
  /** Keys of instruction texts in Exstream (pack, label, drop-off...). */
  stepKeys: z.array(z.string()),
  returnByDate: z.string().nullable(),
  returnAddress: ZAddress.nullable(),
});

export const ZDocumentPayment = z.object({
  ref: z.string(),
  gateway: z.string().nullable(),
  status: z.string(),
  amount: ZMoney,
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  retryUrl: z.string().nullable(),
});

export const ZDocumentDispute = z.object({
  ref: z.string(),
  type: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  amount: ZMoney,
  evidenceDueBy: ZTimestamp.nullable(),
});

export const ZOrderConfirmationData = doc('order_confirmation', { order: ZDocumentOrder });
export const ZInvoiceData = doc('invoice', {
  order: ZDocumentOrder,
  invoice: z.object({ number: z.string(), issuedAt: ZTimestamp.nullable(), lines: z.array(ZLine), totals: ZOrderTotals }),
});
export const ZPackingSlipData = doc('packing_slip', { order: ZDocumentOrder.nullable(), shipment: ZTracking });
export const ZShippingNoticeData = doc('shipping_notice', { order: ZDocumentOrder.nullable(), shipment: ZTracking });
export const ZDeliveryNoticeData = doc('delivery_notice', { order: ZDocumentOrder.nullable(), shipment: ZTracking });
export const ZDelayNoticeData = doc('delay_notice', {
  order: ZDocumentOrder.nullable(),
  shipment: ZTracking.nullable(),
  delay: z.object({ reason: z.string().nullable(), expectedAt: ZTimestamp.nullable() }),
});
export const ZBackorderNoticeData = doc('backorder_notice', {
  order: ZDocumentOrder,
  backorder: z.object({ lines: z.array(ZShipmentLine), expectedAt: ZTimestamp.nullable() }),
});
export const ZCancellationData = doc('cancellation', {
  order: ZDocumentOrder,
  cancellation: z.object({ reason: z.string().nullable(), cancelledAt: ZTimestamp.nullable() }),
});
export const ZRefundConfirmationData = doc('refund_confirmation', { order: ZDocumentOrder.nullable(), refund: ZRefund });
export const ZCreditMemoData = doc('credit_memo', { order: ZDocumentOrder.nullable(), creditMemo: ZRefund.extend({ number: z.string() }) });
export const ZReturnAuthorizationData = doc('return_authorization', { order: ZDocumentOrder.nullable(), return: ZReturn, instructions: ZReturnInstructions });
export const ZReturnUpdateData = doc('return_update', { order: ZDocumentOrder.nullable(), return: ZReturn });
export const ZPaymentFailureNoticeData = doc('payment_failure_notice', { order: ZDocumentOrder.nullable(), payment: ZDocumentPayment });
export const ZDisputeNoticeData = doc('dispute_notice', { order: ZDocumentOrder.nullable(), dispute: ZDocumentDispute });
/** `products`: the lines the template rule is about (its productType / skuPrefix / tag matchers), never empty. */
export const ZWarrantyDocumentData = doc('warranty_document', { order: ZDocumentOrder, products: z.array(ZLine).min(1), countryCode: z.string().nullable() });
export const ZComplianceDocumentData = doc('compliance_document', { order: ZDocumentOrder, products: z.array(ZLine).min(1), countryCode: z.string().nullable() });
export const ZAbandonedCartReminderData = doc('abandoned_cart_reminder', {
  cart: z.object({ ref: z.string(), lines: z.array(ZLine), subtotal: ZMoney, total: ZMoney, recoveryUrl: z.string().nullable(), updatedAt: ZTimestamp.nullable() }),
});
export const ZReplenishmentReminderData = doc('replenishment_reminder', {
  replenishment: z.object({ lines: z.array(ZLine), dueAt: ZTimestamp, reorderUrl: z.string().nullable() }),
});
export const ZAccountStatementData = doc('account_statement', {
  statement: ZStatement.omit({ billingAddress: true, paymentInstructions: true }).extend({
    totalDebits: ZMoney,
    totalCredits: ZMoney,
    /** Closing balance still owed (zero or positive). */
    amountDue: ZMoney,
  }),
  /** How to pay the amount due; top level, beside the statement, so it is a block of its own. */
  paymentInstructions: ZPaymentInstructions.nullable(),
});

/** One schema per document type, keyed by type (used for the published JSON Schema files). */
export const DOCUMENT_DATA_SCHEMAS = {
  order_confirmation: ZOrderConfirmationData,
  invoice: ZInvoiceData,
  packing_slip: ZPackingSlipData,
  shipping_notice: ZShippingNoticeData,
  delivery_notice: ZDeliveryNoticeData,
  delay_notice: ZDelayNoticeData,
  backorder_notice: ZBackorderNoticeData,
  cancellation: ZCancellationData,
  refund_confirmation: ZRefundConfirmationData,
  credit_memo: ZCreditMemoData,
  return_authorization: ZReturnAuthorizationData,
  return_update: ZReturnUpdateData,
  payment_failure_notice: ZPaymentFailureNoticeData,
  dispute_notice: ZDisputeNoticeData,
  warranty_document: ZWarrantyDocumentData,
  compliance_document: ZComplianceDocumentData,
  abandoned_cart_reminder: ZAbandonedCartReminderData,
  replenishment_reminder: ZReplenishmentReminderData,
  account_statement: ZAccountStatementData,
} as const satisfies Record<TDocumentType, z.ZodType>;

export const ZDocumentData = z.discriminatedUnion('documentType', [
  ZOrderConfirmationData,
  ZInvoiceData,
  ZPackingSlipData,
  ZShippingNoticeData,
  ZDeliveryNoticeData,
  ZDelayNoticeData,
  ZBackorderNoticeData,
  ZCancellationData,
  ZRefundConfirmationData,
  ZCreditMemoData,
  ZReturnAuthorizationData,
  ZReturnUpdateData,
  ZPaymentFailureNoticeData,
  ZDisputeNoticeData,
  ZWarrantyDocumentData,
  ZComplianceDocumentData,
  ZAbandonedCartReminderData,
  ZReplenishmentReminderData,
  ZAccountStatementData,
]);
export type TDocumentData = z.infer<typeof ZDocumentData>;
export type TDocumentDataOf<T extends TDocumentType> = Extract<TDocumentData, { documentType: T }>;
