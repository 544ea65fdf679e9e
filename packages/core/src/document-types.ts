import { z } from 'zod';
import type { TCommerceEventKind } from './commerce-event.ts';

export const DOCUMENT_TYPES = [
  'order_confirmation',
  'invoice',
  'packing_slip',
  'shipping_notice',
  'delivery_notice',
  'delay_notice',
  'backorder_notice',
  'cancellation',
  'refund_confirmation',
  'credit_memo',
  'return_authorization',
  'return_update',
  'payment_failure_notice',
  'dispute_notice',
  'warranty_document',
  'compliance_document',
  'abandoned_cart_reminder',
  'replenishment_reminder',
  'account_statement',
] as const;
export const ZDocumentType = z.enum(DOCUMENT_TYPES);
export type TDocumentType = z.infer<typeof ZDocumentType>;

/** Documents that need marketing consent: an opted-out customer never gets them. */
export const MARKETING_DOCUMENT_TYPES: readonly TDocumentType[] = ['abandoned_cart_reminder', 'replenishment_reminder'];

export function isMarketingDocument(documentType: TDocumentType): boolean {
  return MARKETING_DOCUMENT_TYPES.includes(documentType);
}

/**
 * The documents each event produces by default. Template rules can add more for an event (a
 * packing slip on `fulfillment.created`, a warranty document on `order.placed`...).
 * `order.fulfilled` / `order.partially_fulfilled` default to nothing because Shopify also sends
 * `fulfillments/create` for the same shipment, which already yields the shipping notice.
 * `customer.consent_changed` updates preferences and produces no document.
 */
export const DOCUMENTS_FOR_EVENT: Readonly<Record<TCommerceEventKind, readonly TDocumentType[]>> = {
  'order.placed': ['order_confirmation'],
  'order.paid': ['invoice'],
  'order.invoiced': ['invoice'],
  'fulfillment.created': ['shipping_notice'],
  'fulfillment.updated': ['shipping_notice'],
  'order.partially_fulfilled': [],
  'order.fulfilled': [],
  'shipment.delivered': ['delivery_notice'],
  'shipment.delayed': ['delay_notice'],
  'order.backordered': ['backorder_notice'],
  'order.cancelled': ['cancellation'],
  'refund.created': ['refund_confirmation'],
  'credit_memo.created': ['credit_memo'],
  'return.requested': ['return_update'],
  'return.approved': ['return_authorization'],
  'return.declined': ['return_update'],
  'return.closed': ['return_update'],
  'payment.failed': ['payment_failure_notice'],
  'dispute.opened': ['dispute_notice'],
  'dispute.updated': ['dispute_notice'],
  'cart.abandoned': ['abandoned_cart_reminder'],
  'replenishment.due': ['replenishment_reminder'],
  'statement.period_closed': ['account_statement'],
  'customer.consent_changed': [],
};
