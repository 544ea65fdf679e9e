import type { TProductFact, TProductFactsInput } from '@exstream-connect/core';
import type { StatementsOptions } from './statement-scheduler.ts';
import type { Database, SecretBox } from '@exstream-connect/db';

/** Structured logger; context values must never hold secrets or full personal data. */
export type Logger = {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
};

export type PlatformName = 'shopify' | 'magento';

/** Every engine call below the store level takes the authenticated store; nothing reads across stores. */
export type StoreRef = { id: string };

export type StoreInfo = {
  id: string;
  platform: PlatformName;
  storeKey: string;
  name: string;
  installed: boolean;
  defaultBrand: string;
  defaultLocale: string;
  dryRun: boolean;
};

export type StatusHistoryEntry = { status: string; at: string; source: string; detail: string | null };

export type TimelineEntry = {
  id: string;
  orderRef: string | null;
  orderNumber: string | null;
  documentType: string;
  channel: string;
  status: string;
  statusHistory: StatusHistoryEntry[];
  templateId: string | null;
  templateVersion: string | null;
  hasDocument: boolean;
  lastError: string | null;
  attempt: number;
  resendOfId: string | null;
  dryRun: boolean;
  reason: string | null;
  createdAt: string;
};

export type WriteBackJob = {
  kind: 'order_summary' | 'order_failure_tag' | 'customer_consent';
  storeKey: string;
  orderRef?: string | null;
  customerRef?: string | null;
  email?: string | null;
  summary?: unknown;
  consent?: { channel: string; state: 'subscribed' | 'unsubscribed' };
};

/** Implemented by each app (Shopify: metafield / tags / marketing consent; Magento: order comment / consent). */
export type WriteBackPort = { apply(job: WriteBackJob): Promise<void> };

/**
 * One product an event's lines name, as the platform identifies it: ids as given by the payload
 * (numbers as decimal strings, or Admin GraphQL GIDs), null when the line does not say.
 */
export type ProductKey = { productId: string | null; variantId: string | null; sku: string | null };

export type ProductFactsRequest = {
  store: { id: string; platform: PlatformName; storeKey: string };
  /** The products of the event's lines that the engine's cache does not hold, deduplicated. */
  products: ProductKey[];
  /** Facts the platform event carried itself (Magento: the module's `envelope.products`), else []. */
  carried: TProductFact[];
};

/**
 * The engine's port for product facts (product type, tags, categories, attribute set), which
 * neither platform's events carry in full: given the products of an event's lines, return their
 * facts (`ZProductFacts` input; unknown products are simply left out). Called by the worker while
 * it plans an event, never by accept(), and only for stores with an enabled rule that matches on
 * productType or tag for the event's kind.
 *
 * Errors: a ConnectError with `retryable: true` (throttled, 5xx, timeout) or a network error makes
 * the engine retry the event later (`productFacts.retryLimit` times); any other error is permanent:
 * the event is planned without facts and the resolution trace says why.
 */
export type ProductFactsSource = {
  /** Named in the resolution trace ("Shopify Admin GraphQL"). */
  name: string;
  /** false when the answer comes from the event itself, so caching it would gain nothing. Default true. */
  cacheable?: boolean;
  lookup(request: ProductFactsRequest): Promise<TProductFactsInput>;
};

export type EngineOptions = {
  db: Database;
  secretBox: SecretBox;
  logger?: Logger;
  /** Injected into Exstream clients (tests). */
  fetch?: typeof fetch;
  /** Where produced documents are stored (default .data/documents). */
  documentsDir?: string;
  /** HMAC secret for the delivery-feedback callback. */
  feedbackSecret?: string;
  writeBack?: { shopify?: WriteBackPort; magento?: WriteBackPort };
  /**
   * Product facts for productType / tag rules. `shopify`: the app's Admin GraphQL source (without
   * it, Shopify events are planned without facts and the trace says so). Magento events carry
   * their facts (`envelope.products`): the engine's `productFactsCarriedByEvent` is used. Answers
   * are cached per store + product for `cacheTtlSeconds` (default 300). A transient failure retries
   * the event up to `retryLimit` times (default 5), `retryDelaySeconds` (default 5) doubling each time.
   */
  productFacts?: { shopify?: ProductFactsSource; cacheTtlSeconds?: number; retryLimit?: number; retryDelaySeconds?: number };
  clock?: () => Date;
  /**
   * Retry policy of the delivery queue (pg-boss retryLimit / retryDelay seconds with backoff), and
   * its recovery: `recordJobId` (default true) fills the Exstream job id after each on-demand send
   * by a job lookup on externalId (inferred Exstream behaviour: turn off if the tenant does not record
   * on-demand jobs); `stuckAfterSeconds` (default 300) and `sweepIntervalSeconds` (default 60) drive
   * the sweeper of lost deliveries.
   */
  delivery?: { retryLimit?: number; retryDelaySeconds?: number; retryDelayMaxSeconds?: number; recordJobId?: boolean; stuckAfterSeconds?: number; sweepIntervalSeconds?: number };
  /** Idle poll of the in-process worker; local accepts wake it at once. Default 500 ms. */
  pollIntervalMs?: number;
  /** Batch job polling for statements (first poll after intervalMs; overall deadline timeoutMs). */
  batchPolling?: { intervalMs?: number; timeoutMs?: number };
  /** Period-close statements: the apps' account sources per platform, the scheduler's cron. */
  statements?: StatementsOptions;
  /** Replenishment reminders: the pg-boss cron (UTC) of the check; default hourly (`7 * * * *`). */
  replenishment?: { cron?: string };
};
