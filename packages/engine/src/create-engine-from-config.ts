import { createDatabase, createSecretBox, parseSecretKey, type Database } from '@exstream-connect/db';
import { z } from 'zod';
import { createEngine, type CreateEngineOptions, type Engine } from './create-engine.ts';
import type { StatementsOptions } from './statement-scheduler.ts';
import type { Logger, ProductFactsSource, WriteBackPort } from './types.ts';

/** What an app passes after parsing its own environment; this module reads nothing itself. */
export const ZEngineConfig = z.object({
  /** postgres://… for Postgres; a folder, `file:<folder>` or nothing for embedded PGlite; `memory://` for tests. */
  databaseUrl: z.string().optional(),
  /** 32 bytes as 64 hex characters or base64 (EXSTREAM_CONNECT_SECRET_KEY). */
  secretKey: z.string().min(1),
  documentsDir: z.string().min(1).default('.data/documents'),
  /** HMAC secret of the delivery-feedback callback; without it the callback answers NOT_CONFIGURED. */
  feedbackSecret: z.string().min(16).optional(),
  /** Start the in-process worker (default true). A web-only instance can leave it to worker instances. */
  startWorker: z.boolean().default(true),
  concurrency: z.number().int().min(1).max(64).optional(),
  delivery: z
    .object({
      retryLimit: z.number().int().min(0).max(20).optional(),
      retryDelaySeconds: z.number().int().min(1).optional(),
      retryDelayMaxSeconds: z.number().int().min(1).optional(),
      /** Fill the Exstream job id after each on-demand send by a job lookup on externalId (inferred behaviour; default true). */
      recordJobId: z.boolean().optional(),
      /** A queued / sending delivery idle this long with no live job is recovered (default 300). */
      stuckAfterSeconds: z.number().int().min(30).optional(),
      /** How often the worker looks for lost deliveries and reads engine-deliver-dead (default 60; 0 = never). */
      sweepIntervalSeconds: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type TEngineConfig = z.input<typeof ZEngineConfig>;

export type EngineRuntime = { engine: Engine; db: Database; close(): Promise<void> };

/**
 * Opens the database, builds the secret box and the engine, and starts the worker: the one call
 * an app's composition root needs. `close()` stops the worker and closes the database.
 *
 * @example
 * const runtime = await createEngineFromConfig(
 *   { databaseUrl: env.DATABASE_URL, secretKey: env.EXSTREAM_CONNECT_SECRET_KEY, feedbackSecret: env.EXSTREAM_FEEDBACK_SECRET },
 *   { logger, writeBack: { shopify: shopifyWriteBack } },
 * );
 */
export async function createEngineFromConfig(
  rawConfig: TEngineConfig,
  deps: {
    logger?: Logger;
    fetch?: typeof fetch;
    writeBack?: { shopify?: WriteBackPort; magento?: WriteBackPort };
    /** The Shopify app's product facts source (Magento events carry their own). */
    productFacts?: { shopify?: ProductFactsSource };
    clock?: () => Date;
    /** The app's StatementAccountsSource per platform (default: the engine's event ledger), the statements cron. */
    statements?: StatementsOptions;
  } = {},
): Promise<EngineRuntime> {
  const config = ZEngineConfig.parse(rawConfig);
  const secretBox = createSecretBox(parseSecretKey(config.secretKey));
  const db = await createDatabase({ url: config.databaseUrl });
  try {
    const options: CreateEngineOptions = {
      db,
      secretBox,
      documentsDir: config.documentsDir,
      ...(config.feedbackSecret ? { feedbackSecret: config.feedbackSecret } : {}),
      ...(config.delivery ? { delivery: config.delivery } : {}),
      ...deps,
    };
    const engine = await createEngine(options);
    if (config.startWorker) await engine.startWorker(config.concurrency ? { concurrency: config.concurrency } : {});
    return {
      engine,
      db,
      async close() {
        await engine.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
