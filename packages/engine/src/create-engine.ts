import { open as openFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ConnectError, planCommunications } from '@exstream-connect/core';
import { createQueue } from '@exstream-connect/db';
import { acceptEvent, type AcceptResult, type TAcceptInput } from './accept-event.ts';
import { applyWriteBack } from './apply-write-back.ts';
import { deliverCommunication } from './deliver-communication.ts';
import { QUEUES, SILENT_LOGGER, type DeliverJob, type DeliveryPolicy, type EngineContext, type EngineHooks, type InboundJob, type WriteBackQueueJob } from './engine-context.ts';
import { createExstreamClients } from './exstream-clients.ts';
import { createStoreCache } from './store-cache.ts';
import { createProductFactsCache } from './product-facts-cache.ts';
import { productFactsCarriedByEvent } from './resolve-product-facts.ts';
import { createDeliveryWriter } from './delivery-writer.ts';
import { createJobIdRecorder } from './record-exstream-job-ids.ts';
import { recoverLostDeliveries, startRecoveryTimer, type RecoveryReport } from './recover-lost-deliveries.ts';
import { dropSentDocumentData } from './apply-archive-retention.ts';
import { createInboundWriter } from './inbound-writer.ts';
import { createStoreStateCache } from './store-state.ts';
import { createHistoryApi } from './history.ts';
import { preferencesFor, toCoreRule, withTrace } from './plan-and-record.ts';
import { mapSampleWithFacts, previewEvent } from './preview-event.ts';
import { ensureEngineQueues, SUPERVISE_INTERVAL_SECONDS } from './queue-policy.ts';
import { listRejectedEvents, type TListRejectedFilter } from './list-rejected-events.ts';
import { processInboundBatch } from './process-inbound-event.ts';
import { pollBatchJob, type BatchPollJob } from './poll-batch-job.ts';
import { runCampaignFlush, type CampaignFlushJob } from './flush-campaign-batch.ts';
import { DEFAULT_REPLENISHMENT_CRON, replenishmentWorkerQueue, scanReplenishments, type ReplenishmentScanReport } from './replenishment-scheduler.ts';
import { resendCommunication, retryFailedCommunication } from './resend-communication.ts';
import { startWorkerLoop, type WorkerLoop } from './run-worker.ts';
import { getSettings, updateSettings } from './settings.ts';
import { createStoresApi, requireStore } from './stores.ts';
import { createFeedbackApi, type TFeedbackEvent } from './feedback.ts';
import { createComplianceApi } from './compliance.ts';
import { createSignedRequestUses } from './signed-request-uses.ts';
import { runStatements, type RunStatementsOptions } from './run-statements.ts';
import { createStatementScheduler, ensureStatementQueues } from './statement-scheduler.ts';
import type { EngineOptions, StoreRef } from './types.ts';

export type CreateEngineOptions = EngineOptions & {
  /** Test seams; not for production use. */
  hooks?: EngineHooks;
  /** Out-of-order grace: an event whose order has not arrived is processed with its own data after this (default 600 s). */
  deferGraceSeconds?: number;
};

/**
 * The runtime both apps share: accept → queue → deliver → record → feedback / write-back.
 * Reads no environment: the app parses its config and passes values in.
 *
 * @example
 * const db = await createDatabase({ url: config.databaseUrl });
 * const engine = await createEngine({ db, secretBox: createSecretBox(key), feedbackSecret: config.feedbackSecret });
 * await engine.startWorker();
 * await engine.accept({ platform: 'shopify', storeKey: 'demo.myshopify.com', eventId, topic: 'orders/create', payload });
 */
export async function createEngine(options: CreateEngineOptions) {
  const logger = options.logger ?? SILENT_LOGGER;
  const boss = await createQueue(options.db, {
    supervise: true,
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    // Cron: the period-close check of statements (statement-scheduler.ts).
    schedule: true,
    onError: (error) => logger.error('queue error', { error: error.message }),
  });
  let loop: WorkerLoop | null = null;
  let stopRecovery: (() => Promise<void>) | null = null;
  const delivery: DeliveryPolicy = {
    retryLimit: options.delivery?.retryLimit ?? 5,
    retryDelaySeconds: options.delivery?.retryDelaySeconds ?? 2,
    retryDelayMaxSeconds: options.delivery?.retryDelayMaxSeconds ?? 300,
    recordJobId: options.delivery?.recordJobId ?? true,
    stuckAfterSeconds: options.delivery?.stuckAfterSeconds ?? 300,
    sweepIntervalSeconds: options.delivery?.sweepIntervalSeconds ?? 60,
  };
  const ctx: EngineContext = {
    db: options.db,
    prisma: options.db.prisma,
    boss,
    secretBox: options.secretBox,
    logger,
    clock: options.clock ?? (() => new Date()),
    fetch: options.fetch,
    documentsDir: path.resolve(options.documentsDir ?? path.join('.data', 'documents')),
    feedbackSecret: options.feedbackSecret,
    writeBack: options.writeBack ?? {},
    productFacts: {
      sources: { ...(options.productFacts?.shopify ? { shopify: options.productFacts.shopify } : {}), magento: productFactsCarriedByEvent },
      cache: createProductFactsCache({ ttlMs: (options.productFacts?.cacheTtlSeconds ?? 300) * 1000 }),
      retryLimit: options.productFacts?.retryLimit ?? 5,
      retryDelaySeconds: options.productFacts?.retryDelaySeconds ?? 5,
    },
    batchPolling: { intervalMs: options.batchPolling?.intervalMs ?? 1_000, timeoutMs: options.batchPolling?.timeoutMs ?? 30 * 60_000 },
    exstream: undefined as never,
    storeCache: createStoreCache(options.db.prisma),
    storeState: undefined as never,
    inboundWriter: undefined as never,
    deliveryWriter: undefined as never,
    jobIdRecorder: undefined as never,
    delivery,
    hooks: options.hooks ?? {},
    deferGraceSeconds: options.deferGraceSeconds ?? 600,
    wake: (...queues) => loop?.wake(queues.length > 0 ? queues : undefined),
  };
  ctx.exstream = createExstreamClients(ctx);
  ctx.storeState = createStoreStateCache(ctx);
  // PGlite has one connection: parallel flushes would only queue behind each other.
  const parallel = options.db.kind === 'postgres' ? 2 : 1;
  ctx.inboundWriter = createInboundWriter(ctx, { parallel });
  ctx.deliveryWriter = createDeliveryWriter(ctx, { parallel });
  ctx.jobIdRecorder = createJobIdRecorder(ctx);

  await ensureEngineQueues(boss, delivery);
  // Statements: scheduler and run queues (statement-scheduler.ts); the batch poll is an engine queue.
  await ensureStatementQueues(boss);
  const statements = createStatementScheduler(ctx, options.statements);

  const history = createHistoryApi(ctx);
  const feedback = createFeedbackApi(ctx);

  const engine = {
    accept: (input: TAcceptInput): Promise<AcceptResult> => acceptEvent(ctx, input),

    /** Starts the in-process worker (inbound planning, delivery, write-back). Idempotent. */
    async startWorker(opts: { concurrency?: number } = {}): Promise<void> {
      if (loop) return;
      // Deliveries in flight = 4 × concurrency. Measured at 200 events/s on Postgres (BENCHMARKS.md):
      // 32 in flight backlogged, 96 kept up; PGlite does the database work on the same thread, so
      // more in flight there only queues.
      const concurrency = opts.concurrency ?? (ctx.db.kind === 'pglite' ? 8 : 24);
      loop = startWorkerLoop(
        ctx,
        [
          {
            name: QUEUES.inbound,
            concurrency: 50,
            batch: (jobs) => processInboundBatch(ctx, jobs.map((job) => job.data as InboundJob)),
          },
          {
            name: QUEUES.deliver,
            // Exstream calls are mostly waiting on the network: many in flight, little DB work each.
            concurrency: concurrency * 4,
            handler: async (job) => {
              const outcome = await deliverCommunication(ctx, job.data as DeliverJob, { retryCount: job.retryCount, retryLimit: job.retryLimit });
              return outcome === 'retry' ? 'retry' : 'done';
            },
          },
          {
            name: QUEUES.feedback,
            concurrency: 2,
            handler: (job) => feedback.applyParked((job.data as { event: TFeedbackEvent }).event),
          },
          {
            name: QUEUES.writeBack,
            concurrency: 2,
            handler: async (job) => {
              await applyWriteBack(ctx, job.data as WriteBackQueueJob);
              return 'done';
            },
          },
          {
            name: QUEUES.batchPoll,
            concurrency: 4,
            handler: async (job) => {
              await pollBatchJob(ctx, job.data as BatchPollJob);
              return 'done';
            },
          },
          {
            name: QUEUES.campaignFlush,
            // One flush per store at a time (the queue is stately); two stores' batches may stream together.
            concurrency: 2,
            handler: async (job) => {
              await runCampaignFlush(ctx, { ...job, data: job.data as CampaignFlushJob });
              return 'done';
            },
          },
          replenishmentWorkerQueue(ctx),
          ...statements.workerQueues,
        ],
        { pollIntervalMs: options.pollIntervalMs ?? 500 },
      );
      // Lost deliveries (a worker died on the last attempt, a job vanished) and pg-boss's dead letters.
      stopRecovery = startRecoveryTimer(ctx);
      await statements.schedule();
      await boss.schedule(QUEUES.replenishmentTick, options.replenishment?.cron ?? DEFAULT_REPLENISHMENT_CRON, {}, { tz: 'UTC' });
    },

    /** Stops the worker (finishing jobs in hand) and the queue. The database stays open: its owner closes it. */
    async stop(): Promise<void> {
      const current = loop;
      loop = null;
      await stopRecovery?.();
      stopRecovery = null;
      await current?.stop();
      await ctx.jobIdRecorder.drain();
      await boss.stop({ graceful: true, timeout: 5_000 }).catch(() => undefined);
    },

    stores: createStoresApi(ctx),

    settings: {
      get: (store: StoreRef) => getSettings(ctx, store),
      update: async (store: StoreRef, input: unknown) => {
        const view = await updateSettings(ctx, store, input);
        // Hash-only retention applies to what was sent before the switch too.
        if (!view.archive.storeDocumentData) await dropSentDocumentData(ctx, store.id);
        ctx.exstream.forget(store.id);
        ctx.storeState.forget(store.id);
        ctx.storeCache.clear();
        return view;
      },
      async testConnection(store: StoreRef): Promise<{ ok: boolean; version?: string; error?: string; latencyMs: number }> {
        await requireStore(ctx, store);
        const started = performance.now();
        try {
          const { client } = await ctx.exstream.forStore(store.id);
          const version = await client.getVersion();
          const text = version.versionString ?? [version.major, version.minor, version.patch].filter((v) => v !== undefined).join('.');
          return { ok: true, version: text || 'unknown', latencyMs: Math.round(performance.now() - started) };
        } catch (error) {
          // userMessage of ExstreamError never carries credentials.
          const message = error instanceof ConnectError ? error.userMessage : 'Connection failed';
          return { ok: false, error: message, latencyMs: Math.round(performance.now() - started) };
        }
      },
      /** Which rule wins for a sample `{ topic, payload }` (a webhook payload or module envelope). */
      async previewRule(store: StoreRef, sample: unknown): Promise<{ winner: unknown | null; reason: string; candidates: unknown[] }> {
        const row = await requireStore(ctx, store);
        const input = (sample ?? {}) as { topic?: unknown; payload?: unknown };
        if (typeof input.topic !== 'string') {
          throw new ConnectError('VALIDATION_FAILED', 'Invalid sample', { issues: [{ path: 'topic', message: 'required: the webhook topic or Magento event name' }] });
        }
        const rules = (await ctx.prisma.templateRule.findMany({ where: { storeId: row.id } })).map(toCoreRule);
        const mapped = await mapSampleWithFacts(ctx, row, rules, input.topic, input.payload);
        const candidates: unknown[] = [];
        for (const event of mapped.events) {
          const plans = planCommunications({ event, store: { defaultBrand: row.defaultBrand, defaultLocale: row.defaultLocale }, rules, preferences: await preferencesFor(ctx, row.id, event) });
          candidates.push(...withTrace(plans, mapped.trace));
        }
        const winner = (candidates as Array<{ status: string; rule: unknown; resolution: string[]; reason: string | null }>).find((p) => p.status === 'queued');
        const reason = winner
          ? (winner.resolution.at(-1) ?? 'matched')
          : ((candidates[0] as { reason?: string } | undefined)?.reason ?? mapped.ignored ?? 'the sample produces no communication');
        return { winner: winner?.rule ?? null, reason, candidates };
      },
    },

    history,

    /** Events refused by validation and kept because the adapter asked (`accept({ …, recordRejected: true })`). */
    inbound: {
      listRejected: (store: StoreRef, filter?: TListRejectedFilter) => listRejectedEvents(ctx, store, filter),
    },

    documents: {
      async open(store: StoreRef, communicationId: string): Promise<{ contentType: string; body: Buffer; fileName: string } | null> {
        const file = await locateDocument(ctx, store, communicationId);
        if (!file) return null;
        const body = await readFile(file.absolute).catch(() => null);
        if (!body) return null;
        return { contentType: file.contentType, body, fileName: file.fileName };
      },

      /**
       * The stored document as a stream: the file is never read into memory whole, so serving a
       * large PDF costs a buffer, not its size. The file is opened before this returns, so a missing
       * file is `null` here rather than a failed stream mid-response; the stream closes the file.
       */
      async openStream(store: StoreRef, communicationId: string): Promise<{ contentType: string; fileName: string; size: number; stream: Readable } | null> {
        const file = await locateDocument(ctx, store, communicationId);
        if (!file) return null;
        const handle = await openFile(file.absolute, 'r').catch(() => null);
        if (!handle) return null;
        try {
          const stat = await handle.stat();
          if (!stat.isFile()) {
            await handle.close();
            return null;
          }
          return { contentType: file.contentType, fileName: file.fileName, size: stat.size, stream: handle.createReadStream() };
        } catch (error) {
          await handle.close();
          throw error;
        }
      },
    },

    resend: (store: StoreRef, communicationId: string) => resendCommunication(ctx, store, communicationId),
    /**
     * Delivery housekeeping the worker runs every `delivery.sweepIntervalSeconds`: stuck
     * queued / sending rows with no live job are re-enqueued or failed, engine-deliver-dead is read.
     */
    maintenance: {
      recoverLostDeliveries: (): Promise<RecoveryReport> => recoverLostDeliveries(ctx),
    },
    /** Re-triggers a failed (dead-lettered) communication in place. */
    retryFailed: (store: StoreRef, communicationId: string) => retryFailedCommunication(ctx, store, communicationId),

    feedback: { handleCallback: feedback.handleCallback, since: feedback.since },
    /** One-time use of signed Magento module requests (replay protection shared by every sidecar instance). */
    signedRequests: createSignedRequestUses(ctx),
    compliance: createComplianceApi(ctx),
    preview: (store: StoreRef, input: { topic: string; payload: unknown }) => previewEvent(ctx, store, input),
    runStatements: (store: StoreRef, input: RunStatementsOptions) => runStatements(ctx, store, input),
    /**
     * Replenishment reminders (see replenishment-scheduler.ts): what the hourly tick runs, for every
     * enabled store or one (`storeId`), at `now` (default: the engine's clock).
     */
    replenishment: {
      scan: (options: { now?: Date; storeId?: string } = {}): Promise<ReplenishmentScanReport> => scanReplenishments(ctx, options),
    },
    /** Period-close statements: the scheduler's claims, manual runs of a period, and the runs' states. */
    statements: statements.api,
  };
  return engine;
}

export type Engine = Awaited<ReturnType<typeof createEngine>>;

/** Where the store's document of a communication lives on disk, or null (another store's, none yet). */
async function locateDocument(ctx: EngineContext, store: StoreRef, communicationId: string): Promise<{ absolute: string; contentType: string; fileName: string } | null> {
  const row = await ctx.prisma.communication.findFirst({ where: { id: communicationId, storeId: store.id }, select: { documentPath: true, documentType: true, orderNumber: true, orderRef: true } });
  if (!row?.documentPath) return null;
  const absolute = path.resolve(ctx.documentsDir, row.documentPath);
  // Defence in depth: a stored path never leaves the documents folder.
  if (!absolute.startsWith(ctx.documentsDir + path.sep)) return null;
  const order = (row.orderNumber ?? row.orderRef ?? '').replace(/[^A-Za-z0-9_-]/g, '');
  return { absolute, contentType: 'application/pdf', fileName: `${row.documentType}${order ? `-${order}` : ''}.pdf` };
}
