import { ZChannel, ZPaymentInstructions, ZTemplateRule } from '@exstream-connect/core';
import { z } from 'zod';
import { isValidTimeZone } from './statement-period.ts';

export const ZChannelName = ZChannel;

/** One template rule as the settings page edits it: the planner's rule, with defaults and an optional id on create. */
export const ZRuleInput = ZTemplateRule.extend({
  id: z.uuid().optional(),
  brand: ZTemplateRule.shape.brand.default(null),
  locale: ZTemplateRule.shape.locale.default(null),
  fallbackChannels: ZTemplateRule.shape.fallbackChannels.max(5).default([]),
  productType: ZTemplateRule.shape.productType.default(null),
  skuPrefix: ZTemplateRule.shape.skuPrefix.default(null),
  tag: ZTemplateRule.shape.tag.default(null),
  country: ZTemplateRule.shape.country.default(null),
  communicationId: ZTemplateRule.shape.communicationId.default(null),
  serviceName: ZTemplateRule.shape.serviceName.default(null),
  templateVersion: ZTemplateRule.shape.templateVersion.default('1'),
  priority: ZTemplateRule.shape.priority.min(-1000).max(1000).default(0),
  enabled: ZTemplateRule.shape.enabled.default(true),
});
export type TRuleInput = z.infer<typeof ZRuleInput>;

export const ZServiceNames = z.object({
  onDemand: z.string().min(1).max(200).optional(),
  batch: z.string().min(1).max(200).optional(),
  statements: z.string().min(1).max(200).optional(),
  /** The batch service of batched campaign reminders (settings → campaigns); `batch` when not set. */
  campaigns: z.string().min(1).max(200).optional(),
});

export const ZConnectionInput = z.object({
  baseUrl: z.string().url(),
  domain: z.string().min(1).max(255),
  tokenUrl: z.string().url(),
  grantType: z.enum(['client_credentials', 'password']).default('client_credentials'),
  clientId: z.string().min(1).max(200),
  /** Write-only: omitted keeps the stored secret. */
  clientSecret: z.string().min(1).max(2000).optional(),
  username: z.string().max(200).nullable().optional(),
  /** Write-only, password grant only. */
  password: z.string().min(1).max(2000).optional(),
  scope: z.string().max(500).nullable().optional(),
  serviceNames: ZServiceNames.default({}),
  /** The communication's driver DSN (DAS manifest prodDsn) sent as `driverDataSource`. */
  driverDataSource: z.string().min(1).max(500).default('driver'),
  /** Used when a rule names no communication id. */
  defaultCommunicationId: z.string().max(200).nullable().default(null),
});

export const ZWriteBackSettings = z.object({
  orderSummary: z.boolean().default(true),
  // Off until the merchant enables it: tagging orders changes what staff see in the Shopify admin.
  tagOnFailure: z.boolean().default(false),
  consent: z.boolean().default(true),
});

export const ZArchiveSettings = z.object({
  /** false: the archive keeps only the SHA-256 and a pointer to the stored document, not the data. */
  storeDocumentData: z.boolean().default(true),
});

/** Payment instructions as the settings page edits them: only the text is required. */
export const ZPaymentInstructionsInput = ZPaymentInstructions.extend({
  reference: ZPaymentInstructions.shape.reference.default(null),
  payUrl: ZPaymentInstructions.shape.payUrl.default(null),
  bankName: ZPaymentInstructions.shape.bankName.default(null),
  accountHolder: ZPaymentInstructions.shape.accountHolder.default(null),
  iban: ZPaymentInstructions.shape.iban.default(null),
  bic: ZPaymentInstructions.shape.bic.default(null),
  accountNumber: ZPaymentInstructions.shape.accountNumber.default(null),
  bankCode: ZPaymentInstructions.shape.bankCode.default(null),
}).strict();

/**
 * Where the default statement source finds a store's B2B accounts (see statement-accounts-from-events.ts):
 * `company`: orders placed for a B2B company (Shopify `company` on the order; Adobe Commerce B2B's
 * company on a Magento order); `billing_company`: orders of registered customers whose billing
 * address names a company, one account per customer (both platforms, open-source Magento included).
 */
export const ZStatementAccountMatch = z.enum(['company', 'billing_company']);

const statementFields = {
  enabled: z.boolean(),
  period: z.enum(['monthly']),
  /** Day of the month each period ends on (1–28), or the month's last day. */
  closeDay: z.union([z.number().int().min(1).max(28), z.literal('last')]),
  /** Days after the period end the balance is due (the statement's due date). */
  dueDays: z.number().int().min(0).max(365),
  /** Printed on every statement unless the account's own statement brings instructions. */
  paymentInstructions: ZPaymentInstructionsInput.nullable(),
  accounts: ZStatementAccountMatch,
};

/** Period-close statements of a B2B store: run by the engine's scheduler at each close, in the store's time zone. */
export const ZStatementSettings = z.object({
  enabled: statementFields.enabled.default(false),
  period: statementFields.period.default('monthly'),
  closeDay: statementFields.closeDay.default('last'),
  dueDays: statementFields.dueDays.default(30),
  paymentInstructions: statementFields.paymentInstructions.default(null),
  accounts: statementFields.accounts.default('company'),
});
export type TStatementSettings = z.infer<typeof ZStatementSettings>;

/** A settings update of the statements section: only the fields sent change. */
export const ZStatementSettingsPatch = z.object(statementFields).partial().strict();

/** Longest campaign window: a reminder waits at most a day for its batch. */
export const MAX_CAMPAIGN_WINDOW_SECONDS = 86_400;

const campaignFields = {
  /**
   * Abandoned-cart and replenishment reminders go to Exstream in batches (one batch job per store
   * and window) instead of one on-demand call each. Needs a batch service (service names
   * `campaigns` or `batch`). Off by default: a reminder then leaves at once.
   */
  batch: z.boolean(),
  /** How long the first reminder of a batch waits for others before the batch is sent. */
  windowSeconds: z.number().int().min(1).max(MAX_CAMPAIGN_WINDOW_SECONDS),
};

/** Marketing reminders (abandoned cart, replenishment): on demand, or batched per window (flush-campaign-batch.ts). */
export const ZCampaignSettings = z.object({
  batch: campaignFields.batch.default(false),
  windowSeconds: campaignFields.windowSeconds.default(300),
});
export type TCampaignSettings = z.infer<typeof ZCampaignSettings>;

/** One replenishment interval: lines whose SKU starts with `skuPrefix` are due again `days` after the order. */
export const ZReplenishmentInterval = z.object({
  skuPrefix: z.string().trim().min(1).max(100),
  days: z.number().int().min(1).max(730),
});

const replenishmentFields = {
  /** Off by default: a reminder to reorder is marketing, which the merchant opts into. */
  enabled: z.boolean(),
  /** Longest prefix wins for a line; a line no interval matches is never reminded. */
  intervals: z
    .array(ZReplenishmentInterval)
    .max(50)
    .refine((intervals) => new Set(intervals.map((i) => i.skuPrefix)).size === intervals.length, 'each SKU prefix may appear once'),
};

/** Replenishment reminders computed from the store's own orders (replenishment-scheduler.ts). */
export const ZReplenishmentSettings = z.object({
  enabled: replenishmentFields.enabled.default(false),
  intervals: replenishmentFields.intervals.default([]),
});
export type TReplenishmentSettings = z.infer<typeof ZReplenishmentSettings>;

/** What lives in Store.settings (JSON). */
export const ZStoreSettingsJson = z.object({
  defaultChannel: ZChannelName.default('email'),
  writeBack: ZWriteBackSettings.default({ orderSummary: true, tagOnFailure: false, consent: true }),
  archive: ZArchiveSettings.default({ storeDocumentData: true }),
  statements: ZStatementSettings.default(ZStatementSettings.parse({})),
  campaigns: ZCampaignSettings.default(ZCampaignSettings.parse({})),
  replenishment: ZReplenishmentSettings.default(ZReplenishmentSettings.parse({})),
});
export type TStoreSettingsJson = z.infer<typeof ZStoreSettingsJson>;

export const ZSettingsUpdate = z
  .object({
    connection: ZConnectionInput.nullable().optional(),
    rules: z
      .array(ZRuleInput)
      .max(500)
      .refine((rules) => new Set(rules.flatMap((r) => (r.id ? [r.id] : []))).size === rules.filter((r) => r.id).length, 'rule ids must be unique')
      .optional(),
    defaults: z
      .object({
        brand: z.string().min(1).max(100).optional(),
        locale: z.string().min(2).max(20).optional(),
        timezone: z
          .string()
          .min(1)
          .max(100)
          .refine(isValidTimeZone, 'Expected an IANA time zone such as "Europe/Berlin"')
          .optional(),
        currency: z.string().length(3).nullable().optional(),
        channel: ZChannelName.optional(),
      })
      .optional(),
    dryRun: z.boolean().optional(),
    writeBack: ZWriteBackSettings.partial().optional(),
    archive: ZArchiveSettings.partial().optional(),
    statements: ZStatementSettingsPatch.optional(),
    campaigns: z.object(campaignFields).partial().strict().optional(),
    replenishment: z.object(replenishmentFields).partial().strict().optional(),
  })
  .strict();
export type TSettingsUpdate = z.infer<typeof ZSettingsUpdate>;

export type SettingsView = {
  connection: null | {
    baseUrl: string;
    domain: string;
    tokenUrl: string;
    grantType: string;
    clientId: string;
    username: string | null;
    scope: string | null;
    serviceNames: z.infer<typeof ZServiceNames>;
    driverDataSource: string;
    defaultCommunicationId: string | null;
    hasClientSecret: boolean;
    hasPassword: boolean;
  };
  rules: Array<TRuleInput & { id: string }>;
  defaults: { brand: string; locale: string; timezone: string; currency: string | null; channel: z.infer<typeof ZChannelName> };
  dryRun: boolean;
  writeBack: z.infer<typeof ZWriteBackSettings>;
  archive: z.infer<typeof ZArchiveSettings>;
  statements: TStatementSettings;
  campaigns: TCampaignSettings;
  replenishment: TReplenishmentSettings;
};
