// Errors and the communication status model
export { ConnectError, ERROR_CODES, httpStatusFor, isConnectError, toConnectError, validationError } from './errors.ts';
export type { ErrorCode, FieldIssue, ConnectErrorOptions } from './errors.ts';
export { ZCommunicationStatus, STATUS_TRANSITIONS, TERMINAL_STATUSES, canTransition, isTerminalStatus } from './communication-status.ts';
export type { TCommunicationStatus } from './communication-status.ts';
export { fieldIssuesFrom, validationErrorFrom } from './zod-issues.ts';
export { DEFAULT_MAX_PAYLOAD_DEPTH, assertStorablePayload, inspectPayload } from './inspect-payload.ts';
export type { InspectPayloadOptions } from './inspect-payload.ts';

// Commerce events
export {
  COMMERCE_EVENT_KINDS,
  ZCommerceEventKind,
  ZPlatform,
  ZTimestamp,
  ZDecimal,
  ZCurrencyCode,
  ZCountryCode,
  ZMoney,
  ZAddress,
  ZTaxLine,
  ZDiscount,
  ZLine,
  ZCustomer,
  ZOrderTotals,
  ZOrderCompany,
  ZOrderSnapshot,
  ZShipmentLine,
  ZShipment,
  ZInvoice,
  ZRefundLine,
  ZRefund,
  ZReturnLine,
  ZReturn,
  ZPayment,
  ZDispute,
  ZCart,
  ZConsentState,
  ZConsent,
  ZStatementLine,
  ZStatementLineKind,
  STATEMENT_LINE_KINDS,
  ZPaymentInstructions,
  ZStatement,
  ZCancellation,
  ZDelay,
  ZBackorder,
  ZReplenishment,
  ZStoreView,
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
  ZCommerceEvent,
  ZMappedEvents,
} from './commerce-event.ts';
export type {
  TCommerceEventKind,
  TPlatform,
  TMoney,
  TAddress,
  TTaxLine,
  TDiscount,
  TLine,
  TCustomer,
  TOrderTotals,
  TOrderCompany,
  TOrderSnapshot,
  TShipment,
  TInvoice,
  TRefund,
  TReturn,
  TPayment,
  TDispute,
  TCart,
  TConsent,
  TStatement,
  TStatementLine,
  TStatementLineKind,
  TPaymentInstructions,
  TStoreView,
  TCommerceEvent,
  TCommerceEventOf,
  TMappedEvents,
} from './commerce-event.ts';
export { businessKeyFor } from './business-key.ts';
export { toDecimal, money, addDecimals, compareDecimals, negateDecimal, isZero } from './money.ts';

// Platform mappers
export { SHOPIFY_TOPICS, normaliseShopifyTopic } from './shopify-topics.ts';
export type { TShopifyTopic } from './shopify-topics.ts';
export { mapShopifyWebhook } from './map-shopify-webhook.ts';
export type { MapShopifyWebhookContext } from './map-shopify-webhook.ts';
export { MAGENTO_EVENT_NAMES, ZMagentoEventName, ZMagentoStore, ZMagentoEventEnvelope } from './magento-envelope.ts';
export type { TMagentoEventName, TMagentoEventEnvelope } from './magento-envelope.ts';
export { mapMagentoEvent } from './map-magento-event.ts';
export type { MapMagentoEventContext } from './map-magento-event.ts';
export { ZProductFact, ZProductFacts, productFactsIndex, platformId } from './product-facts.ts';
export type { TProductFact, TProductFactInput, TProductFacts, TProductFactsInput, TLineProductFields, ProductLookupKeys } from './product-facts.ts';

// Document data contract v1
export { DOCUMENT_TYPES, ZDocumentType, MARKETING_DOCUMENT_TYPES, isMarketingDocument, DOCUMENTS_FOR_EVENT } from './document-types.ts';
export type { TDocumentType } from './document-types.ts';
export {
  DOCUMENT_SCHEMA_VERSION,
  DOCUMENT_DATA_SCHEMAS,
  ZDocumentData,
  ZDocumentBrand,
  ZRecipient,
  ZDocumentMeta,
  ZLegal,
  ZDocumentOrder,
  ZTracking,
  ZReturnInstructions,
  ZDocumentPayment,
  ZDocumentDispute,
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
} from './document-data.ts';
export type { TDocumentData, TDocumentDataOf } from './document-data.ts';
export { buildDocumentData, legalKeysFor } from './build-document-data.ts';
export type { BuildDocumentDataInput } from './build-document-data.ts';
export { validateDocumentData } from './validate-document-data.ts';
export { documentJsonSchemas } from './document-json-schemas.ts';

// Planner
export { CHANNELS, ZChannel } from './channel.ts';
export type { TChannel } from './channel.ts';
export { ZTemplateRule, ZPreference, ZPreferenceState } from './template-rule.ts';
export type { TTemplateRule, TPreference } from './template-rule.ts';
export { planCommunications, ZPlannedCommunication, compareRules, matcherMiss, linesMatchingRule, normaliseLocale } from './plan-communications.ts';
export type { TPlannedCommunication, PlanCommunicationsInput, LineMatchers } from './plan-communications.ts';
export { nextFallbackChannel, isChannelUsable } from './next-fallback-channel.ts';
export { maskEmail, maskEmailsInText } from './mask-personal-data.ts';
