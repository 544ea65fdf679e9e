import type { Engine } from '@exstream-connect/engine';

export const DEMO_MAGENTO_STORE_KEY = 'demo-magento';
export const DEMO_MAGENTO_SECRET = 'demo-magento-secret';

export type SeedDemoMagentoStoreOptions = {
  /** Base URL of the Exstream sandbox (or a real Exstream). */
  sandboxUrl: string;
  /** OAuth token endpoint of that Exstream. */
  tokenUrl: string;
  /** Sandbox defaults: client `sandbox` / `sandbox-secret`, domain `demo`. */
  clientId?: string;
  clientSecret?: string;
  domain?: string;
};

type Rule = {
  eventKind: string;
  documentType: string;
  brand: string | null;
  locale: string | null;
  channel: 'email' | 'print';
  communicationId: string;
  templateVersion: string;
  priority: number;
};

/** The batch service (Exstream HTTP channel) the demo's period-close statements go to. */
export const DEMO_STATEMENTS_SERVICE = 'statements';

/** The batch service the demo's abandoned-cart reminders go to, one batch job per window. */
export const DEMO_CAMPAIGNS_SERVICE = 'campaign-reminders';
/** Batched reminders with a short window, so `npm start` shows a batch leave within seconds. */
const DEMO_CAMPAIGNS = { batch: true, windowSeconds: 5 };

/** Account statements of the demo's B2B companies: one by email and one on paper per account. */
const STATEMENT_RULES: Rule[] = [
  { eventKind: 'statement.period_closed', documentType: 'account_statement', brand: null, locale: null, channel: 'email', communicationId: 'demo-account_statement', templateVersion: '1', priority: 0 },
  { eventKind: 'statement.period_closed', documentType: 'account_statement', brand: null, locale: null, channel: 'print', communicationId: 'demo-account_statement-print', templateVersion: '1', priority: 0 },
];

/** The demo store's statements: Adobe Commerce B2B company accounts, paid by transfer (Canadian bank details). */
const DEMO_STATEMENTS = {
  enabled: true,
  closeDay: 'last' as const,
  dueDays: 45,
  accounts: 'company' as const,
  paymentInstructions: {
    instructions: 'Please pay by bank transfer within 45 days, quoting your account reference.',
    payUrl: 'https://magento.example.test/company/credit/pay',
    bankName: 'Banque Nationale du Canada',
    accountHolder: 'Boutique Nordique inc.',
    accountNumber: '1234567',
    bankCode: '00006-006',
  },
};

/** The Magento lifecycle and the document each step sends (the module's events, mapped by core). */
const EMAIL_DOCUMENTS: Array<[eventKind: string, documentType: string]> = [
  ['order.placed', 'order_confirmation'],
  ['order.invoiced', 'invoice'],
  ['fulfillment.created', 'shipping_notice'],
  ['fulfillment.updated', 'shipping_notice'],
  ['credit_memo.created', 'credit_memo'],
  ['refund.created', 'refund_confirmation'],
  ['order.cancelled', 'cancellation'],
  ['shipment.delayed', 'delay_notice'],
  ['order.backordered', 'backorder_notice'],
  ['cart.abandoned', 'abandoned_cart_reminder'],
];
/** Documents a merchant also files on paper. */
const PRINT_DOCUMENTS: Array<[eventKind: string, documentType: string]> = [
  ['order.invoiced', 'invoice'],
  ['credit_memo.created', 'credit_memo'],
];
const LOCALES = ['en', 'fr', 'de'] as const;

function demoRules(): Rule[] {
  const rules: Rule[] = [];
  for (const [eventKind, documentType] of EMAIL_DOCUMENTS) {
    for (const locale of LOCALES) {
      // Any brand, per language: the fallback every store view reaches.
      rules.push({ eventKind, documentType, brand: null, locale, channel: 'email', communicationId: `demo-${documentType}-${locale}`, templateVersion: '1', priority: 0 });
    }
    // The Luma brand has its own English template, so brand resolution is visible in the demo.
    rules.push({ eventKind, documentType, brand: 'luma', locale: 'en', channel: 'email', communicationId: `luma-${documentType}-en`, templateVersion: '2', priority: 10 });
  }
  for (const [eventKind, documentType] of PRINT_DOCUMENTS) {
    rules.push({ eventKind, documentType, brand: null, locale: null, channel: 'print', communicationId: `demo-${documentType}-print`, templateVersion: '1', priority: 0 });
  }
  return [...rules, ...STATEMENT_RULES];
}

/**
 * Registers the `npm start` demo store (`demo-magento` / `demo-magento-secret`) with an Exstream
 * connection to the sandbox (statements to the `statements` batch service, abandoned-cart reminders
 * batched every 5 s to `campaign-reminders`) and a set of template
 * rules, statements of its B2B company accounts included. Idempotent: the connection is refreshed
 * on every run (the sandbox URL may change), the rules are only written when the store has none
 * (a store seeded before statements existed gets the statement rules added), and the statement
 * and campaign settings only while they are still the defaults, so what a user edited survives a restart.
 */
export async function seedDemoMagentoStore(engine: Pick<Engine, 'stores' | 'settings'>, options: SeedDemoMagentoStoreOptions) {
  const store = await engine.stores.registerMagentoStore({
    storeKey: DEMO_MAGENTO_STORE_KEY,
    signingSecret: DEMO_MAGENTO_SECRET,
    name: 'Demo Magento store',
    baseUrl: 'https://magento.example.test/',
    defaultLocale: 'en',
    defaultBrand: 'default',
    currency: 'EUR',
  });
  const current = await engine.settings.get({ id: store.id });
  const hasStatementRule = current.rules.some((rule) => rule.eventKind === 'statement.period_closed');
  const statementsUntouched = !current.statements.enabled && current.statements.paymentInstructions === null;
  const campaignsUntouched = !current.campaigns.batch && current.campaigns.windowSeconds === 300;
  await engine.settings.update(
    { id: store.id },
    {
      connection: {
        baseUrl: options.sandboxUrl,
        tokenUrl: options.tokenUrl,
        domain: options.domain ?? 'demo',
        clientId: options.clientId ?? 'sandbox',
        clientSecret: options.clientSecret ?? 'sandbox-secret',
        serviceNames: {
          ...current.connection?.serviceNames,
          statements: current.connection?.serviceNames.statements ?? DEMO_STATEMENTS_SERVICE,
          campaigns: current.connection?.serviceNames.campaigns ?? DEMO_CAMPAIGNS_SERVICE,
        },
      },
      ...(current.rules.length === 0 ? { rules: demoRules() } : hasStatementRule ? {} : { rules: [...current.rules, ...STATEMENT_RULES] }),
      ...(statementsUntouched ? { statements: DEMO_STATEMENTS } : {}),
      ...(campaignsUntouched ? { campaigns: DEMO_CAMPAIGNS } : {}),
    },
  );
  return store;
}
