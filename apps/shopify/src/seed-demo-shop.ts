import { Session } from '@shopify/shopify-api';
import type { StoreInfo } from '@exstream-connect/engine';
import type { AppEngine } from '../app/lib/app-engine.ts';
import { runtime } from '../app/runtime.server.ts';

export const DEMO_SHOP = 'demo-shop.myshopify.com';
/** A placeholder: local mode never calls Shopify (write-back is skipped for the demo shop). */
export const DEMO_ACCESS_TOKEN = 'local-demo-offline-token';

export type SeedDemoShopOptions = {
  /** Exstream root of the sandbox (startSandbox().url). */
  sandboxUrl: string;
  /** OTDS token URL of the sandbox (startSandbox().tokenUrl). */
  tokenUrl: string;
  domain?: string;
  clientId?: string;
  clientSecret?: string;
};

/** Rules that make the demo meaningful: English and French confirmations, shipping and refunds. */
export const DEMO_RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', locale: null, communicationId: 'order-confirmation', templateVersion: '3', priority: 0 },
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', locale: 'fr', communicationId: 'order-confirmation-fr', templateVersion: '2', priority: 0 },
  { eventKind: 'fulfillment.created', documentType: 'shipping_notice', channel: 'email', locale: null, communicationId: 'shipping-notice', templateVersion: '1', priority: 0 },
  { eventKind: 'refund.created', documentType: 'refund_confirmation', channel: 'email', locale: null, communicationId: 'refund-confirmation', templateVersion: '1', priority: 0 },
];

/**
 * What `npm start` adds on top of DEMO_RULES (which tests use as their baseline): a German locale,
 * a brand-specific template that outranks the default, invoices by email and print, and return
 * instructions, so the replayed lifecycle shows every kind of resolution.
 */
export const DEMO_SHOP_EXTRA_RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', locale: 'de', communicationId: 'order-confirmation-de', templateVersion: '1', priority: 0 },
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', brand: 'outlet', locale: null, communicationId: 'order-confirmation-outlet', templateVersion: '1', priority: 10 },
  { eventKind: 'order.paid', documentType: 'invoice', channel: 'email', fallbackChannels: ['print'], locale: null, communicationId: 'invoice', templateVersion: '2', priority: 0 },
  { eventKind: 'order.paid', documentType: 'invoice', channel: 'print', locale: null, communicationId: 'invoice-print', templateVersion: '2', priority: 0 },
  { eventKind: 'return.requested', documentType: 'return_update', channel: 'email', locale: null, communicationId: 'return-instructions', templateVersion: '1', priority: 0 },
];

/** The batch service (Exstream HTTP channel) the demo shop's period-close statements go to. */
export const DEMO_STATEMENTS_SERVICE = 'statements';

/** Account statements of the demo shop's B2B companies: one by email and one on paper per account. */
export const DEMO_STATEMENT_RULES = [
  { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'email', locale: null, communicationId: 'account-statement', templateVersion: '1', priority: 0 },
  { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'print', locale: null, communicationId: 'account-statement-print', templateVersion: '1', priority: 0 },
];

/** Monthly statements of the shop's B2B companies (Shopify company locations), paid by SEPA transfer or online. */
export const DEMO_STATEMENTS = {
  enabled: true,
  closeDay: 'last' as const,
  dueDays: 30,
  accounts: 'company' as const,
  paymentInstructions: {
    instructions: 'Please pay by bank transfer within 30 days, quoting your account reference.',
    payUrl: 'https://demo-shop.example/pay/statement',
    bankName: 'Commerzbank',
    accountHolder: 'Demo Shop GmbH',
    iban: 'DE89370400440532013000',
    bic: 'COBADEFFXXX',
  },
};

/**
 * Seeds `demo-shop.myshopify.com` for local mode: the store, an offline session in session
 * storage (so signed webhooks and local-mode pages work), an Exstream connection to the sandbox
 * and template rules, and monthly statements of its B2B companies. Idempotent: an existing
 * connection or rule set is left as the merchant (or a previous run) made it, except that a shop
 * seeded before statements existed gets the statements service and rules added; statement settings
 * are written only while they are still the defaults. Call after startShopifyApp / configureShopifyApp.
 */
export async function seedDemoShop(engine: AppEngine, options: SeedDemoShopOptions): Promise<StoreInfo> {
  const store = await engine.stores.ensureShopifyShop(DEMO_SHOP, { name: 'Demo shop' });
  const { shopify } = runtime();
  const storage = shopify.sessionStorage;
  if (!storage) throw new Error('The Shopify app has no session storage');
  const existing = await storage.loadSession(`offline_${DEMO_SHOP}`);
  if (!existing) {
    await storage.storeSession(
      new Session({
        id: `offline_${DEMO_SHOP}`,
        shop: DEMO_SHOP,
        state: '',
        isOnline: false,
        accessToken: DEMO_ACCESS_TOKEN,
        scope: 'read_orders,write_orders,read_fulfillments,read_returns,read_shopify_payments_disputes,read_customers,write_customers,read_products',
      }),
    );
  }
  const settings = await engine.settings.get(store);
  const { connection } = settings;
  const hasStatementRule = settings.rules.some((rule) => rule.eventKind === 'statement.period_closed');
  const statementsUntouched = !settings.statements.enabled && settings.statements.paymentInstructions === null;
  await engine.settings.update(store, {
    ...(connection
      ? // The stored connection as it is (the secret omitted stays), with a statements service if it has none.
        connection.serviceNames.statements || connection.serviceNames.batch
        ? {}
        : {
            connection: {
              baseUrl: connection.baseUrl,
              domain: connection.domain,
              tokenUrl: connection.tokenUrl,
              grantType: connection.grantType as 'client_credentials' | 'password',
              clientId: connection.clientId,
              username: connection.username,
              scope: connection.scope,
              driverDataSource: connection.driverDataSource,
              defaultCommunicationId: connection.defaultCommunicationId,
              serviceNames: { ...connection.serviceNames, statements: DEMO_STATEMENTS_SERVICE },
            },
          }
      : {
          connection: {
            baseUrl: options.sandboxUrl,
            domain: options.domain ?? 'demo',
            tokenUrl: options.tokenUrl,
            clientId: options.clientId ?? 'sandbox',
            clientSecret: options.clientSecret ?? 'sandbox-secret',
            defaultCommunicationId: 'order-confirmation',
            serviceNames: { statements: DEMO_STATEMENTS_SERVICE },
          },
        }),
    ...(settings.rules.length === 0
      ? { rules: [...DEMO_RULES, ...DEMO_SHOP_EXTRA_RULES, ...DEMO_STATEMENT_RULES] }
      : hasStatementRule
        ? {}
        : { rules: [...settings.rules, ...DEMO_STATEMENT_RULES] }),
    ...(statementsUntouched ? { statements: DEMO_STATEMENTS } : {}),
  });
  return store;
}
