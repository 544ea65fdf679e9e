import type { Database, PrismaClient, Queue, SecretBox } from '@exstream-connect/db';
import type { ExstreamClients } from './exstream-clients.ts';
import type { DeliveryWriter } from './delivery-writer.ts';
import type { InboundWriter } from './inbound-writer.ts';
import type { JobIdRecorder } from './record-exstream-job-ids.ts';
import type { ProductFactsContext } from './resolve-product-facts.ts';
import type { StoreCache } from './store-cache.ts';
import type { StoreStateCache } from './store-state.ts';
import type { Logger, WriteBackPort } from './types.ts';

/** What every engine module shares; built once by createEngine. */
export type EngineContext = {
  db: Database;
  prisma: PrismaClient;
  boss: Queue;
  secretBox: SecretBox;
  logger: Logger;
  clock: () => Date;
  fetch: typeof fetch | undefined;
  documentsDir: string;
  feedbackSecret: string | undefined;
  writeBack: { shopify?: WriteBackPort; magento?: WriteBackPort };
  /** Product facts sources per platform, their cache and retry policy (resolve-product-facts.ts). */
  productFacts: ProductFactsContext;
  batchPolling: { intervalMs: number; timeoutMs: number };
  exstream: ExstreamClients;
  storeCache: StoreCache;
  inboundWriter: InboundWriter;
  deliveryWriter: DeliveryWriter;
  /** Fills exstreamJobId after on-demand sends (batched lookups off the request path). */
  jobIdRecorder: JobIdRecorder;
  storeState: StoreStateCache;
  /** Test seams (e.g. simulate a worker dying right after the Exstream call). */
  hooks: EngineHooks;
  /** How long an event whose order has not arrived waits before it is processed with what it carries. */
  deferGraceSeconds: number;
  delivery: DeliveryPolicy;
  /**
   * Wakes the in-process worker loops of these queues so a just-committed job is picked up without
   * waiting for the poll. Name the queues: every loop woken runs a fetch query.
   */
  wake(...queues: string[]): void;
};

export type DeliveryPolicy = {
  retryLimit: number;
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** After `sent`, fill `exstreamJobId` by a job lookup on externalId = idempotency key (inferred Exstream behaviour). */
  recordJobId: boolean;
  /** A queued / sending row untouched this long with no live delivery job is recovered by the sweeper. */
  stuckAfterSeconds: number;
  /** How often the worker runs the sweeper and drains engine-deliver-dead (0: never, tests call it). */
  sweepIntervalSeconds: number;
};

export const QUEUES = {
  inbound: 'engine-inbound',
  deliver: 'engine-deliver',
  deliverDead: 'engine-deliver-dead',
  writeBack: 'engine-writeback',
  writeBackDead: 'engine-writeback-dead',
  feedback: 'engine-feedback',
  /** Polls one submitted Exstream batch job (statements, campaigns) until it ends, then settles its rows. */
  batchPoll: 'engine-batch-poll',
  /** One store's batched campaign reminders of a window, streamed into one batch job (flush-campaign-batch.ts). */
  campaignFlush: 'engine-campaign-flush',
  /** Cron (pg-boss schedule): turns the replenishments now due into `replenishment.due` events (replenishment-scheduler.ts). */
  replenishmentTick: 'engine-replenishment-tick',
} as const;

/** The queues of period-close statements (created by ensureStatementQueues). */
export const STATEMENT_QUEUES = {
  /** Cron (pg-boss schedule): claims the just-closed period of every store with statements enabled. */
  tick: 'engine-statements-tick',
  /** One job per store and period (a deterministic id): plans, records and submits the batch. */
  run: 'engine-statements-run',
} as const;

/**
 * `force`: process with the data the event carries even if its order never arrived.
 * `factsAttempt`: how many times the product facts source failed transiently for this event.
 */
export type InboundJob = { storeId: string; inboundEventId: string; force?: boolean; factsAttempt?: number };
/**
 * `reconcile`: an earlier attempt of this row may have reached Exstream (a retryFailed, a lost job
 * re-enqueued by the sweeper): look the key up at Exstream before sending.
 */
export type DeliverJob = { storeId: string; communicationId: string; reconcile?: boolean };
export type WriteBackQueueJob = {
  storeId: string;
  kind: 'order_summary' | 'order_failure_tag' | 'customer_consent';
  orderRef?: string | null;
  customerRef?: string | null;
  email?: string | null;
  consent?: { channel: string; state: 'subscribed' | 'unsubscribed' };
};

export const SILENT_LOGGER: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type EngineHooks = {
  /** Runs before a delivery claims its row; throwing here simulates a claim that failed (the row stays queued). */
  beforeClaim?: (job: DeliverJob) => void | Promise<void>;
  /** Runs after Exstream answered and before anything is recorded; throwing here simulates a crash. */
  afterExstreamCall?: (communicationId: string) => void | Promise<void>;
  /** Runs after a campaign batch was submitted and before its job id is recorded; throwing here simulates a crash. */
  afterBatchSubmit?: (batchKey: string) => void | Promise<void>;
  /** Runs before an inbound event is planned; throwing a transient error simulates a cut connection. */
  beforePlan?: (inboundEventId: string) => void | Promise<void>;
};
