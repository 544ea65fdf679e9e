import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { authenticateStore } from './authenticate-store.ts';
import { drainOversizeBodies } from './drain-oversize-body.ts';
import type { SidecarEngine } from './engine-port.ts';
import { registerErrorHandling } from './handle-errors.ts';
import { parseJsonBody } from './parse-json-body.ts';
import './request-context.ts';
import { registerCommunicationRoutes } from './routes/communications.ts';
import { registerDocumentRoutes } from './routes/documents.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerExstreamFeedbackRoute } from './routes/exstream-feedback.ts';
import { registerFeedbackRoutes } from './routes/feedback.ts';
import { registerHealthRoute } from './routes/health.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import { registerStatementRoutes } from './routes/statements.ts';
import { SIGNATURE_HEADER } from './verify-signature.ts';

/** 1 MiB: a Magento order with a few hundred lines fits many times over. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export type LoggerOption = boolean | { level: string; stream?: { write(line: string): unknown } } | FastifyBaseLogger;

export type BuildAppOptions = {
  engine: SidecarEngine;
  /** false (default, silent), true / `{ level }` for Fastify's pino, or a pino-compatible instance. */
  logger?: LoggerOption;
  /** Clock for signature timestamps (tests). */
  clock?: () => Date;
  /** Largest accepted body in bytes (default 1 MiB); larger → 413. */
  bodyLimit?: number;
  /** Liveness of the database, run by /healthz (e.g. `() => db.sql.query('select 1')`). */
  ping?: () => Promise<unknown>;
  /** Accepted clock skew of signed requests in seconds (default 300). */
  signatureToleranceSeconds?: number;
};

function isLoggerInstance(logger: LoggerOption | undefined): logger is FastifyBaseLogger {
  return typeof logger === 'object' && typeof (logger as FastifyBaseLogger).child === 'function';
}

// Fastify's default request serializer logs no headers; redaction guards any custom log line.
const REDACT = {
  paths: [`req.headers["${SIGNATURE_HEADER}"]`, 'req.headers.authorization', 'headers.authorization', `headers["${SIGNATURE_HEADER}"]`, '*.clientSecret', '*.secret', '*.signingSecret'],
  censor: '[redacted]',
};

/**
 * The sidecar as a Fastify instance (no process access: no env, no signals, no listen).
 * Module routes under /v1 require a store signature; /healthz and the Exstream feedback
 * callback (verified by the engine with its own secret) do not.
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger;
  const app = Fastify({
    bodyLimit,
    genReqId: () => randomUUID(),
    ...(isLoggerInstance(logger)
      ? { loggerInstance: logger }
      : { logger: logger === true ? { level: 'info', redact: REDACT } : logger ? { level: logger.level, redact: REDACT, ...(logger.stream ? { stream: logger.stream } : {}) } : false }),
  }) as unknown as FastifyInstance;

  app.decorateRequest('rawBody', null);
  app.decorateRequest('store', null);

  // Keep the exact bytes: signatures are over the raw body, so nothing may re-serialise it.
  // Only JSON is accepted; any other content type is a 415 (Fastify's text parser is removed).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });

  registerErrorHandling(app, { bodyLimit });
  drainOversizeBodies(app, { bodyLimit });
  registerHealthRoute(app, { ping: options.ping });
  registerExstreamFeedbackRoute(app, { engine: options.engine });

  void app.register(async (scope) => {
    scope.addHook('preValidation', async (request) => {
      request.store = await authenticateStore(request, {
        engine: options.engine,
        clock,
        ...(options.signatureToleranceSeconds === undefined ? {} : { toleranceSeconds: options.signatureToleranceSeconds }),
      });
      request.body = parseJsonBody(request.rawBody);
    });
    registerEventRoutes(scope, { engine: options.engine });
    registerOrderRoutes(scope, { engine: options.engine });
    registerDocumentRoutes(scope, { engine: options.engine });
    registerCommunicationRoutes(scope, { engine: options.engine });
    registerSettingsRoutes(scope, { engine: options.engine });
    registerStatementRoutes(scope, { engine: options.engine });
    registerFeedbackRoutes(scope, { engine: options.engine });
  });

  return app;
}

export type StartMagentoSidecarOptions = BuildAppOptions & {
  /** 0 = a free port (tests); the process default is 4020 (MAGENTO_SIDECAR_PORT). */
  port: number;
  host: string;
};

export type RunningSidecar = { app: FastifyInstance; url: string; close(): Promise<void> };

/**
 * Builds and listens. For the `npm start` composition root, which owns the engine (embedded
 * PGlite is single-connection, so the engine and every app share one process).
 */
export async function startMagentoSidecar(options: StartMagentoSidecarOptions): Promise<RunningSidecar> {
  const { port, host, ...appOptions } = options;
  const app = buildApp(appOptions);
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return { app, url, close: () => app.close() };
}

export type { SidecarEngine, StoreInfo } from './engine-port.ts';
export { signMagentoRequest, verifySignature, SIGNATURE_TOLERANCE_SECONDS } from './verify-signature.ts';
export { parseSidecarEnv, ZSidecarEnv } from './parse-sidecar-env.ts';
export type { TSidecarEnv } from './parse-sidecar-env.ts';
export { seedDemoMagentoStore, DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET, DEMO_STATEMENTS_SERVICE } from './seed-demo-store.ts';
export type { SeedDemoMagentoStoreOptions } from './seed-demo-store.ts';
