import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { PrismaSessionStorage } from '@shopify/shopify-app-session-storage-prisma';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import { loadEnv, type TShopifyEnv } from '../app/lib/load-env.server.ts';
import type { AppEngine } from '../app/lib/app-engine.ts';
import { createShopify, type ShopifyAppInstance } from '../app/shopify.server.ts';
import { setShopifyRuntime, type Logger } from '../app/runtime.server.ts';
import { downloadSigningKey } from '../app/lib/signed-download-url.server.ts';
import { createStoredOrderPayloads, type InboundEventReader } from '../app/lib/stored-order-payloads.server.ts';
import { createNodeHandler } from './node-request-handler.ts';
import { maskEmailsInText } from '@exstream-connect/core';
import { DEMO_SHOP } from './seed-demo-shop.ts';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = path.join(PACKAGE_DIR, 'build');

/**
 * Local defaults applied ONLY in local mode (SHOPIFY_LOCAL_MODE=1), so `npm start` runs without a
 * Partner app; documented in .env.example. A deployed app must set every value itself.
 */
export const LOCAL_ENV_DEFAULTS = {
  SHOPIFY_API_KEY: 'local-dev-shopify-key',
  SHOPIFY_API_SECRET: 'local-dev-shopify-secret',
  SHOPIFY_APP_URL: 'http://localhost:3000',
  SCOPES: 'read_orders,write_orders,read_fulfillments,read_returns,read_shopify_payments_disputes,read_customers,write_customers,read_products',
} as const;

export type StartShopifyAppOptions = {
  engine: AppEngine;
  /** The product database (createDatabase()); sessions live in its `Session` table. */
  db: { prisma: unknown };
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** customers/data_request exports (default .data/exports). */
  exportsDir?: string;
  /** Merged over the shopifyApp config (tests: `testConfig()`). */
  shopifyOverrides?: Record<string, unknown>;
  /** Run `remix vite:build` first when build/ is missing (default true). */
  buildIfMissing?: boolean;
};

export type ShopifyAppServer = {
  url: string;
  port: number;
  shopify: ShopifyAppInstance;
  sessionStorage: SessionStorage;
  env: TShopifyEnv;
  close(): Promise<void>;
};

export const consoleLogger: Logger = {
  debug: () => undefined,
  info: (message, context) => console.log(`[shopify] ${message}`, context ? JSON.stringify(context) : ''),
  warn: (message, context) => console.warn(`[shopify] ${message}`, context ? JSON.stringify(context) : ''),
  error: (message, context) => console.error(`[shopify] ${message}`, context ? JSON.stringify(context) : ''),
};

/**
 * Configures the app's runtime (engine, Prisma session storage, shopifyApp) without serving
 * HTTP. startShopifyApp calls it; tests call it to exercise route modules directly.
 */
export function configureShopifyApp(options: Omit<StartShopifyAppOptions, 'port' | 'host' | 'buildIfMissing'>) {
  const rawEnv = options.env ?? process.env;
  const localRequested = rawEnv.SHOPIFY_LOCAL_MODE === '1' || rawEnv.SHOPIFY_LOCAL_MODE === 'true';
  const env = loadEnv(localRequested ? { ...LOCAL_ENV_DEFAULTS, ...stripBlank(rawEnv) } : rawEnv);
  const logger = options.logger ?? consoleLogger;
  const sessionStorage = new PrismaSessionStorage(options.db.prisma as never, { connectionRetries: 2, connectionRetryIntervalMs: 200 }) as unknown as SessionStorage;
  const shopify = createShopify({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    appUrl: env.SHOPIFY_APP_URL,
    scopes: env.SCOPES,
    sessionStorage,
    engine: options.engine,
    ...(options.shopifyOverrides ? { overrides: { ...options.shopifyOverrides, sessionStorage } } : {}),
  });
  setShopifyRuntime({
    engine: options.engine,
    shopify,
    apiKey: env.SHOPIFY_API_KEY,
    logger,
    exportsDir: path.resolve(options.exportsDir ?? path.join('.data', 'exports')),
    localShop: env.SHOPIFY_LOCAL_MODE ? DEMO_SHOP : null,
    downloadSigningKey: downloadSigningKey(env.SHOPIFY_API_SECRET),
    storedOrderPayloads: createStoredOrderPayloads(options.db.prisma as InboundEventReader),
  });
  if (env.SHOPIFY_LOCAL_MODE) logger.warn('SHOPIFY_LOCAL_MODE=1: embedded pages open without Shopify as the demo shop (never use in production)', { shop: DEMO_SHOP });
  return { env, shopify, sessionStorage, logger };
}

/**
 * Serves the Shopify app (production build of the Remix app) on node:http. Builds it first when
 * build/ is missing, so `npm start` works from a fresh checkout.
 *
 * @example
 * const app = await startShopifyApp({ engine, db, port: 3000 });
 * await seedDemoShop(engine, { sandboxUrl: sandbox.url, tokenUrl: sandbox.tokenUrl });
 */
export async function startShopifyApp(options: StartShopifyAppOptions): Promise<ShopifyAppServer> {
  const { env, shopify, sessionStorage, logger } = configureShopifyApp(options);
  const serverBuild = path.join(BUILD_DIR, 'server', 'index.js');
  if (!existsSync(serverBuild)) {
    if (options.buildIfMissing === false) throw new Error(`No Remix build at ${serverBuild}: run \`npm run build -w @exstream-connect/shopify-app\``);
    logger.info('Building the Shopify app (first start)…');
    await runRemixBuild();
  }
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
  const handle = createRequestHandler(build, 'production');
  const clientDir = path.join(BUILD_DIR, 'client');

  const server = createServer(
    createNodeHandler({
      handle,
      clientDir,
      onError: (error, req) => logger.error('Request failed', { method: req.method, path: new URL(req.url ?? '/', 'http://x').pathname, error: maskEmailsInText(String(error)) }),
    }),
  );
  const port = options.port ?? env.SHOPIFY_APP_PORT;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
  logger.info('Shopify app listening', { url, localMode: env.SHOPIFY_LOCAL_MODE });
  return {
    url,
    port: actualPort,
    shopify,
    sessionStorage,
    env,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `remix vite:build` in this package, bounded to 5 minutes. */
export async function runRemixBuild(timeoutMs = 300_000): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve('@remix-run/dev/package.json')), 'dist', 'cli.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'vite:build'], { cwd: PACKAGE_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`remix vite:build failed (exit ${code}): ${stderr}`));
    });
  });
}

function stripBlank(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== ''));
}
