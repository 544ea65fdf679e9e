import type { AccountStatementInput } from './run-statements.ts';
import type { TStatementSettings } from './settings-schema.ts';
import type { StatementPeriod } from './statement-period.ts';
import type { PlatformName } from './types.ts';

/** The store a statement run is for, as a source sees it. */
export type StatementStore = {
  id: string;
  platform: PlatformName;
  storeKey: string;
  name: string;
  timezone: string;
  currency: string | null;
};

export type StatementAccountsRequest = {
  store: StatementStore;
  period: StatementPeriod;
  /** The store's statement settings (account matching, due days, payment instructions). */
  settings: TStatementSettings;
};

/**
 * The port that supplies a store's B2B accounts at period close: one `AccountStatementInput` per
 * account (or per account and currency), yielded one at a time. The engine streams them straight
 * into the Exstream batch, so a source must page its own reads and never collect all accounts in
 * memory. A statement may leave `dueDate` and `paymentInstructions` null: the engine fills them
 * from the store's statement settings.
 *
 * The engine's default (statement-accounts-from-events.ts) builds accounts from the order,
 * invoice, payment, refund and credit memo events it has received. An app with a richer source
 * (Magento company accounts and their credit limits, Shopify companies through the Admin API, an
 * ERP's receivables ledger) implements this and passes it to `createEngine({ statements: { accounts } })`.
 */
export type StatementAccountsSource = {
  accounts(request: StatementAccountsRequest): AsyncIterable<AccountStatementInput>;
};
