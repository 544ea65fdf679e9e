/**
 * The sidecar as a standalone process: env checked at boot, database + engine + worker owned here,
 * graceful shutdown on SIGINT / SIGTERM. (`npm start` at the repo root composes the engine and
 * every app in one process instead, through `startMagentoSidecar`.)
 */
import { maskEmailsInText } from '@exstream-connect/core';
import { DEFAULT_DATA_DIR, createDatabase, createSecretBox, loadSecretKey } from '@exstream-connect/db';
import { createEngine } from '@exstream-connect/engine';
import type { FastifyBaseLogger } from 'fastify';
import { startMagentoSidecar, type RunningSidecar } from './app.ts';
import { parseSidecarEnv, type TSidecarEnv } from './parse-sidecar-env.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * The engine logs through the same pino instance as Fastify once it exists; lines from before
 * (migrations at start-up) go to stderr as JSON so nothing is lost.
 */
function createEngineLogger(getLog: () => FastifyBaseLogger | null) {
  const write = (level: Level) => (message: string, context?: Record<string, unknown>) => {
    const log = getLog();
    const text = maskEmailsInText(message);
    if (log) log[level]({ component: 'engine', ...context }, text);
    else if (level === 'warn' || level === 'error') process.stderr.write(`${JSON.stringify({ level, component: 'engine', msg: text, ...context })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

async function main(env: TSidecarEnv): Promise<void> {
  let log: FastifyBaseLogger | null = null;
  const db = await createDatabase({ url: env.DATABASE_URL });
  // parseSidecarEnv already refused Postgres without a key; this keeps key generation embedded-only.
  const key = await loadSecretKey({ envValue: env.EXSTREAM_CONNECT_SECRET_KEY, dataDir: DEFAULT_DATA_DIR, mode: db.kind === 'postgres' ? 'production' : 'embedded' });
  const engine = await createEngine({
    db,
    secretBox: createSecretBox(key.key),
    logger: createEngineLogger(() => log),
    ...(env.EXSTREAM_FEEDBACK_SECRET ? { feedbackSecret: env.EXSTREAM_FEEDBACK_SECRET } : {}),
  });

  let sidecar: RunningSidecar;
  try {
    sidecar = await startMagentoSidecar({
      engine,
      port: env.MAGENTO_SIDECAR_PORT,
      host: env.MAGENTO_SIDECAR_HOST,
      logger: { level: env.LOG_LEVEL },
      ping: () => db.sql.query('select 1'),
    });
  } catch (error) {
    await engine.stop();
    await db.close();
    throw error;
  }
  log = sidecar.app.log;
  await engine.startWorker();

  log.info({ url: sidecar.url, database: db.describe() }, 'magento sidecar listening');
  if (key.source !== 'env') log.warn({ file: key.file }, 'EXSTREAM_CONNECT_SECRET_KEY is not set: using a key generated under the data folder (fine for a laptop, not for production)');
  if (!env.EXSTREAM_FEEDBACK_SECRET) log.warn('EXSTREAM_FEEDBACK_SECRET is not set: delivery-feedback callbacks will be rejected');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      // A second Ctrl-C means "now".
      process.exit(1);
    }
    closing = true;
    log?.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log?.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    // Stop taking requests first, then let the worker finish its job, then release the database.
    void sidecar
      .close()
      .then(() => engine.stop())
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log?.error({ err: { message: error instanceof Error ? maskEmailsInText(error.message) : 'unknown' } }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

let env: TSidecarEnv;
try {
  env = parseSidecarEnv(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
main(env).catch((error: unknown) => {
  process.stderr.write(`magento sidecar failed to start: ${error instanceof Error ? maskEmailsInText(error.message) : String(error)}\n`);
  process.exit(1);
});
