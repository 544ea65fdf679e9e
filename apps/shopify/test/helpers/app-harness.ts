import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase, eventually as poll } from '@exstream-connect/db/testing';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest, setUpValidSession } from '@shopify/shopify-api/test-helpers';
import type { LoaderFunctionArgs } from '@remix-run/node';
import { testConfig } from '@shopify/shopify-app-remix/test-helpers';
import { LogSeverity } from '@shopify/shopify-api';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import { FUTURE_FLAGS } from '../../app/shopify.server.ts';
import { action as commerceWebhook } from '../../app/routes/webhooks.commerce.tsx';
import { setShopifyRuntime, type Logger } from '../../app/runtime.server.ts';
import type { AppEngine } from '../../app/lib/app-engine.ts';
import { configureShopifyApp } from '../../src/start-shopify-app.ts';
import { createWriteBackPort } from '../../src/create-write-back-port.ts';
import { createProductFactsSource } from '../../src/create-product-facts-source.ts';
import { DEMO_RULES } from '../../src/seed-demo-shop.ts';

export const SHOP = 'test-shop.myshopify.com';
export const OTHER_SHOP = 'other-shop.myshopify.com';

// The real engine must satisfy the app's structural view of it.
const _engineFits = (engine: Engine): AppEngine => engine;
void _engineFits;

export type LogLine = { level: string; message: string; context?: Record<string, unknown> };

export type AppHarness = {
  db: Database;
  engine: Engine;
  sandbox: Sandbox;
  sessionStorage: SessionStorage;
  dir: string;
  exportsDir: string;
  logs: LogLine[];
  /** Stores an offline session and the engine store for a shop, connected to the sandbox. */
  installShop(shop: string, options?: { rules?: unknown[] }): Promise<{ id: string }>;
  /**
   * Delivers a signed orders/create (core's fixture with this id and name) while the shop's
   * Exstream connection points at a closed port, waits until its communications are `failed`
   * (after the engine's one retry), then reconnects the shop to the sandbox.
   */
  seedFailedOrder(shop: string, order: { id: number; name: string }): Promise<Array<{ id: string; lastError: string | null; orderRef: string | null }>>;
  close(): Promise<void>;
};

export function memoryLogger(lines: LogLine[]): Logger {
  const log = (level: string) => (message: string, context?: Record<string, unknown>) => void lines.push({ level, message, ...(context ? { context } : {}) });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * The app wired to the REAL engine on PGlite and the REAL Exstream sandbox, with the Shopify
 * library in test configuration (`testConfig()`: test key/secret, same future flags as
 * production) over our Prisma session storage.
 */
export async function startAppHarness(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<AppHarness> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shopify-app-test-'));
  const sandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'sandbox') });
  const engine = await createEngine({
    db,
    secretBox: createSecretBox(randomBytes(32)),
    documentsDir: path.join(dir, 'documents'),
    feedbackSecret: 'test-feedback-secret',
    pollIntervalMs: 100,
    delivery: { retryLimit: 1, retryDelaySeconds: 1, retryDelayMaxSeconds: 1 },
    writeBack: { shopify: createWriteBackPort({ sleep: async () => undefined }) },
    productFacts: { shopify: createProductFactsSource({ sleep: async () => undefined }), retryDelaySeconds: 1 },
  });
  if (options.worker) await engine.startWorker();
  const logs: LogLine[] = [];
  const exportsDir = path.join(dir, 'exports');
  const { sessionStorage } = configureShopifyApp({
    engine,
    db,
    env: { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET_KEY, SHOPIFY_APP_URL: APP_URL, SCOPES: 'read_orders,write_orders', ...options.env },
    shopifyOverrides: testConfig({ future: FUTURE_FLAGS, logger: { level: LogSeverity.Error } }),
    exportsDir,
    logger: memoryLogger(logs),
  });
  return {
    db,
    engine,
    sandbox,
    sessionStorage,
    dir,
    exportsDir,
    logs,
    async installShop(shop, install = {}) {
      await sessionStorage.storeSession(setUpValidSession({ shop }));
      const store = await engine.stores.ensureShopifyShop(shop);
      await engine.settings.update(store, {
        connection: { baseUrl: sandbox.url, domain: sandbox.domain, tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret', defaultCommunicationId: 'comm-default' },
        rules: install.rules ?? DEMO_RULES,
      });
      return store;
    },
    async seedFailedOrder(shop, order) {
      const store = (await engine.stores.find('shopify', shop))!;
      const connection = { domain: sandbox.domain, clientId: 'sandbox', clientSecret: 'sandbox-secret', defaultCommunicationId: 'comm-default' };
      // Port 9 (discard) on loopback: nothing listens, so every call is refused at once.
      await engine.settings.update(store, { connection: { ...connection, baseUrl: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9/token' } });
      try {
        const body = JSON.stringify({ ...JSON.parse(await shopifyFixture('orders-create')), id: order.id, name: order.name });
        const response = await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', shop, body }), params: {}, context: {} }));
        if (response.status !== 200) throw new Error(`orders/create answered ${response.status}`);
        return await eventually(async () => {
          const rows = await db.prisma.communication.findMany({ where: { storeId: store.id, orderRef: String(order.id) }, select: { id: true, status: true, lastError: true, orderRef: true } });
          return rows.length > 0 && rows.every((row) => row.status === 'failed') && rows.map(({ id, lastError, orderRef }) => ({ id, lastError, orderRef }));
        }, `the communications of order ${order.id} failed`);
      } finally {
        await engine.settings.update(store, { connection: { ...connection, baseUrl: sandbox.url, tokenUrl: sandbox.tokenUrl } });
      }
    },
    async close() {
      setShopifyRuntime(undefined);
      await engine.stop();
      await sandbox.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../packages/core/test/fixtures/shopify');

/** Core's recorded Shopify webhook bodies (packages/core/test/fixtures/shopify). */
/** A request from the embedded admin (App Bridge's bearer session token) for the test shop. */
export const authed = (path: string, init?: RequestInit) =>
  setUpValidRequest({ type: RequestType.Bearer, store: 'test-shop', apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}${path}`, init));
/** A form post, as the app's pages submit them. */
export const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });
/** Runs a route's loader or action on a request, answering its Response (thrown ones included). */
export const run = async (fn: (args: LoaderFunctionArgs) => Promise<unknown>, request: Promise<Request>) => {
  const req = await request;
  return responseOf(() => fn({ request: req, params: {}, context: {} }));
};

export async function shopifyFixture(name: string): Promise<string> {
  return readFile(path.join(FIXTURES, `${name}.json`), 'utf8');
}

export type SignedWebhook = { topic: string; shop?: string; body: string; secret?: string; eventId?: string | null; webhookId?: string; omit?: string[]; path?: string; method?: string };

/** A webhook as Shopify delivers it: raw body, the five required headers, base64 HMAC-SHA256. */
export function webhookRequest(input: SignedWebhook): Request {
  const hmac = createHmac('sha256', input.secret ?? API_SECRET_KEY).update(input.body, 'utf8').digest('base64');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Shopify-Hmac-Sha256': hmac,
    'X-Shopify-Topic': input.topic,
    'X-Shopify-Shop-Domain': input.shop ?? SHOP,
    'X-Shopify-API-Version': '2026-04',
    'X-Shopify-Webhook-Id': input.webhookId ?? randomUUID(),
    'X-Shopify-Triggered-At': new Date().toISOString(),
  };
  if (input.eventId !== null) headers['X-Shopify-Event-Id'] = input.eventId ?? randomUUID();
  for (const name of input.omit ?? []) delete headers[name];
  const method = input.method ?? 'POST';
  return new Request(`${APP_URL}${input.path ?? '/webhooks/commerce'}`, { method, headers, ...(method === 'GET' ? {} : { body: input.body }) });
}

/** Bounded polling (`@exstream-connect/db/testing`), with this suite's positional arguments. */
export const eventually = <T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> =>
  poll(check, { what, timeoutMs, intervalMs: 50 });

/** Calls a route export and returns the Response whether it was returned or thrown. */
export async function responseOf(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    throw new Error(`Route returned ${typeof result}, not a Response`);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}
