export { createEngine } from './create-engine.ts';
export type { Engine, CreateEngineOptions } from './create-engine.ts';
export type {
  EngineOptions,
  Logger,
  StoreRef,
  StoreInfo,
  TimelineEntry,
  StatusHistoryEntry,
  WriteBackJob,
  WriteBackPort,
  PlatformName,
  ProductFactsSource,
  ProductFactsRequest,
  ProductKey,
} from './types.ts';
export { productFactsCarriedByEvent } from './resolve-product-facts.ts';
export type { StoredProductFacts } from './resolve-product-facts.ts';
export { ZAcceptInput } from './accept-event.ts';
export type { TAcceptInput, AcceptResult } from './accept-event.ts';
export { ZSettingsUpdate, ZRuleInput, ZConnectionInput } from './settings-schema.ts';
export type { SettingsView, TSettingsUpdate, TRuleInput } from './settings-schema.ts';
export { ZRegisterMagentoStore } from './stores.ts';
export type { TRegisterMagentoStore } from './stores.ts';
export type { THistoryFilter } from './history.ts';
export { ZFeedbackItem, ZFeedbackPage, ZFeedbackStatusItem, ZFeedbackConsentItem } from './feedback-feed.ts';
export type { FeedbackItem, FeedbackPage } from './feedback-feed.ts';
export type { PreviewResult } from './preview-event.ts';
export { ZAccountStatementInput } from './run-statements.ts';
export type { RunStatementsOptions, RunStatementsResult, AccountStatementInput, StatementsProgress } from './run-statements.ts';
export type { StatementAccountsSource, StatementAccountsRequest, StatementStore } from './statement-accounts-source.ts';
export { statementAccountsFromEvents } from './statement-accounts-from-events.ts';
export type { StatementPeriod, CloseDay } from './statement-period.ts';
export type { StatementsOptions, StatementClaim, StatementRun } from './statement-scheduler.ts';
export type { StatementRunProgress, StatementRunStatus } from './statement-run-progress.ts';
export { ZCampaignSettings, ZReplenishmentSettings, ZStatementSettings, ZPaymentInstructionsInput } from './settings-schema.ts';
export type { TCampaignSettings, TReplenishmentSettings, TStatementSettings } from './settings-schema.ts';
export type { ReplenishmentScanReport } from './replenishment-scheduler.ts';
export { idempotencyKeyFor, storeIdOfIdempotencyKey } from './hashing.ts';
export type { RecoveryReport } from './recover-lost-deliveries.ts';
export { createEngineFromConfig, ZEngineConfig } from './create-engine-from-config.ts';
export type { TEngineConfig, EngineRuntime } from './create-engine-from-config.ts';
export { verifyFeedbackSignature, ZFeedbackBody, ZFeedbackEvent, SIGNATURE_TOLERANCE_SECONDS } from './feedback.ts';
export type { TFeedbackEvent } from './feedback.ts';
export type { CustomerSelector } from './compliance.ts';
export { ZListRejectedFilter } from './list-rejected-events.ts';
export type { RejectedEvent, TListRejectedFilter } from './list-rejected-events.ts';
