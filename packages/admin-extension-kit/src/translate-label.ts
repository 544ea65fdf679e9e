import type { TChannel, TCommunicationStatus, TDocumentType } from '@exstream-connect/core';

/** The extension's translate function (`shopify.i18n.translate`), narrowed to string results. */
export type TTranslate = (key: string, replacements?: Record<string, string | number>) => string;

/*
 * Values the locale files label: copies of core's catalogues (DOCUMENT_TYPES, CHANNELS,
 * ZCommunicationStatus), typed against core and compared with it in the tests. Copied rather than
 * imported because importing core's values would pull classic zod into the extension bundles.
 */
export const KNOWN_DOCUMENT_TYPES = [
  'order_confirmation', 'invoice', 'packing_slip', 'shipping_notice', 'delivery_notice', 'delay_notice',
  'backorder_notice', 'cancellation', 'refund_confirmation', 'credit_memo', 'return_authorization', 'return_update',
  'payment_failure_notice', 'dispute_notice', 'warranty_document', 'compliance_document', 'abandoned_cart_reminder',
  'replenishment_reminder', 'account_statement',
] as const satisfies readonly TDocumentType[];

export const KNOWN_CHANNELS = ['email', 'print', 'web', 'sms', 'archive'] as const satisfies readonly TChannel[];

export const KNOWN_STATUSES = [
  'queued', 'sending', 'sent', 'delivered', 'opened', 'bounced', 'failed', 'suppressed', 'skipped',
] as const satisfies readonly TCommunicationStatus[];

export type TLabelKind = 'documentType' | 'status' | 'channel';

const KNOWN: Readonly<Record<TLabelKind, readonly string[]>> = {
  documentType: KNOWN_DOCUMENT_TYPES,
  status: KNOWN_STATUSES,
  channel: KNOWN_CHANNELS,
};

/** `order_confirmation` → `Order confirmation`: readable fallback for values added after this build. */
export function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : value;
}

/**
 * The merchant-facing label of a document type, status or channel: the locale file's
 * `<kind>.<value>` when the value is known, a humanised value otherwise (asking the translator
 * for a missing key would show the raw key).
 */
export function translateLabel(kind: TLabelKind, value: string, translate: TTranslate): string {
  return KNOWN[kind].includes(value) ? translate(`${kind}.${value}`) : humanize(value);
}
