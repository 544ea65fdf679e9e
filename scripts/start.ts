/**
 * `npm start`: the whole product in one process on embedded defaults.
 *
 * Why one process: embedded PGlite is a single connection, so the engine worker, the Magento
 * sidecar and the Shopify app must share the process that owns it. In production each app runs as
 * its own process on Postgres (DATABASE_URL) and this file is not used; EXSTREAM_CONNECT_ROLES lets
 * the same entry point run only some roles (the soak runs intake and workers as separate processes).
 *
 * This is the composition root: the only place allowed to import the apps (see eslint.config.js).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, createSecretBox, loadFeedbackSecret, loadSecretKey, parseRuntimeConfig, type Database } from '@exstream-connect/db';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { startMagentoSidecar, seedDemoMagentoStore, signMagentoRequest, DEMO_MAGENTO_SECRET, DEMO_MAGENTO_STORE_KEY } from '@exstream-connect/magento-sidecar';
import { startShopifyApp, seedDemoShop, createWriteBackPort, createProductFactsSource, LOCAL_ENV_DEFAULTS, DEMO_SHOP } from '@exstream-connect/shopify-app';
import { createConsoleLogger } from './lib/console-logger.ts';
import { printTable } from './lib/print-table.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const ALL_ROLES = ['sandbox', 'worker', 'sidecar', 'shopify'] as const;
type Role = (typeof ALL_ROLES)[number];

type Issue = { variable: string; message: string };

/**
 * `.env` at the repository root, when present, through Node's own loader (no dotenv). Variables
 * already set in the environment win, so `FOO=1 npm start` overrides the file.
 * EXSTREAM_CONNECT_ENV_FILE names another file, or `none` for none: harnesses that start this
 * script with an exact environment (packages/reliability) must not pick up a developer's .env.
 */
function loadDotEnv(): string | null {
  const chosen = env.EXSTREAM_CONNECT_ENV_FILE?.trim();
  if (chosen === 'none') return null;
  const file = path.resolve(ROOT, chosen || '.env');
  if (!existsSync(file)) {
    if (chosen) throw new Error(`EXSTREAM_CONNECT_ENV_FILE: ${file} does not exist`);
    return null;
  }
  process.loadEnvFile(file);
  return file;
}

function readPort(name: string, fallback: number, issues: Issue[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) issues.push({ variable: name, message: `must be a port number (0-65535), got "${raw}"` });
  return port;
}

function readRoles(issues: Issue[]): Set<Role> {
  const raw = env.EXSTREAM_CONNECT_ROLES?.trim();
  if (!raw) return new Set(ALL_ROLES);
  const roles = raw.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) issues.push({ variable: 'EXSTREAM_CONNECT_ROLES', message: `unknown role(s) ${unknown.join(', ')}; expected ${ALL_ROLES.join(', ')}` });
  return new Set(roles as Role[]);
}

/**
 * Every variable `npm start` reads, checked before anything starts: one error lists every bad or
 * missing value (the database/secret rules live in @exstream-connect/db's readRuntimeConfig, where
 * they are tested).
 */
function readStartConfig() {
  const issues: Issue[] = [];
  const runtime = parseRuntimeConfig(env, { baseDir: ROOT });
  if (!runtime.success) issues.push(...runtime.issues);
  const roles = readRoles(issues);
  const ports = {
    sidecar: readPort('MAGENTO_SIDECAR_PORT', 4020, issues),
    shopify: readPort('SHOPIFY_APP_PORT', 3000, issues),
    sandbox: readPort('EXSTREAM_SANDBOX_PORT', 4010, issues),
  };
  if (!runtime.success || issues.length > 0) {
    throw new Error(`Invalid environment (see .env.example):\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
  }
  return { runtime: runtime.config, roles, ports };
}

async function main() {
  const envFile = loadDotEnv();
  const { runtime, roles, ports } = readStartConfig();
  const logger = createConsoleLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, name: 'start' });
  if (envFile) logger.info(`loaded ${envFile.startsWith(ROOT + path.sep) ? path.relative(ROOT, envFile) : envFile} (variables already in the environment take precedence)`);
  const { dataDir, mode } = runtime;
  const host = env.EXSTREAM_CONNECT_HOST?.trim() || '127.0.0.1';
  const demo = env.EXSTREAM_CONNECT_DEMO !== '0';
  // Local mode unless told otherwise: `npm start` runs without Shopify. Never by default under
  // NODE_ENV=production, where the Shopify app refuses local mode.
  const shopifyEnv: Record<string, string | undefined> = { ...(env.NODE_ENV === 'production' ? {} : { SHOPIFY_LOCAL_MODE: '1' }), ...env };

  const db = await createDatabase({ url: runtime.databaseUrl });
  const applied = db.migrations.filter((m) => m.appliedNow).map((m) => m.name);
  logger.info(`database: ${db.describe()}`, { mode, migrationsApplied: applied, migrationsTotal: db.migrations.length });

  // Production mode never gets here without both variables (readRuntimeConfig refused to start).
  const key = await loadSecretKey({ envValue: runtime.secretKey, dataDir, mode });
  if (key.source !== 'env') {
    logger.warn(
      `EXSTREAM_CONNECT_SECRET_KEY is not set: using ${key.source === 'generated' ? 'a NEW key generated into' : 'the key in'} ${key.file}. ` +
        'Fine for a local demo; in production set the variable (openssl rand -base64 32) and keep it out of the data folder.',
    );
  }
  const feedback = await loadFeedbackSecret({ envValue: runtime.feedbackSecret, dataDir, mode });
  if (feedback.source !== 'env') {
    logger.warn(
      `EXSTREAM_FEEDBACK_SECRET is not set: using ${feedback.source === 'generated' ? 'a NEW secret generated into' : 'the secret in'} ${feedback.file} ` +
        'for the local sandbox\'s delivery callbacks. In production set the variable to the secret Exstream signs its callbacks with.',
    );
  }
  const feedbackSecret = feedback.secret;

  const engine: Engine = await createEngine({
    db,
    secretBox: createSecretBox(key.key),
    logger: createConsoleLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, name: 'engine' }),
    documentsDir: path.join(dataDir, 'documents'),
    feedbackSecret,
    writeBack: { shopify: createWriteBackPort() },
    // Product type / tags of order lines for productType and tag rules (Magento events carry theirs).
    productFacts: { shopify: createProductFactsSource() },
  });

  const closers: Array<() => Promise<void>> = [];
  const urls: Record<string, string> = {};

  if (roles.has('sidecar')) {
    const sidecar = await startMagentoSidecar({
      engine,
      port: ports.sidecar,
      host: env.MAGENTO_SIDECAR_HOST?.trim() || host,
      logger: { level: env.LOG_LEVEL?.trim() || 'warn' },
      ping: () => db.sql.query('select 1'),
    });
    urls.sidecar = sidecar.url;
    closers.push(() => sidecar.close());
  }
  if (roles.has('shopify')) {
    const shopify = await startShopifyApp({
      engine,
      db,
      port: ports.shopify,
      host,
      env: shopifyEnv,
      exportsDir: path.join(dataDir, 'exports'),
      logger: createConsoleLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, name: 'shopify' }),
    });
    urls.shopify = shopify.url;
    closers.push(() => shopify.close());
  }

  let sandbox: Sandbox | null = null;
  let sandboxUrl = env.EXSTREAM_SANDBOX_URL?.trim() || '';
  if (roles.has('sandbox') && !sandboxUrl) {
    const feedbackUrl = urls.sidecar ? `${urls.sidecar}/v1/exstream/feedback` : undefined;
    sandbox = await startSandbox({
      port: ports.sandbox,
      host,
      dataDir,
      ...(feedbackUrl ? { feedback: { url: feedbackUrl, secret: feedbackSecret, delayMs: 1000, openedDelayMs: 3000 } } : {}),
    });
    sandboxUrl = sandbox.url;
    closers.push(() => sandbox!.close());
  }
  if (sandboxUrl) urls.sandbox = sandboxUrl;

  // Seed the demo stores (idempotent), pointing their Exstream connection at the sandbox.
  if (sandboxUrl) {
    const tokenUrl = `${sandboxUrl}/otdsws/oauth2/token`;
    if (roles.has('shopify')) await seedDemoShop(engine, { sandboxUrl, tokenUrl });
    if (roles.has('sidecar')) await seedDemoMagentoStore(engine, { sandboxUrl, tokenUrl });
  }

  if (roles.has('worker')) {
    await engine.startWorker();
    closers.push(() => engine.stop());
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    for (const close of closers.reverse()) await close().catch((e: unknown) => logger.warn('close failed', { error: String(e) }));
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  process.stdout.write(`EXSTREAM_CONNECT_READY ${JSON.stringify(urls)}\n`);
  printTable(
    ['service', 'url', 'notes'],
    [
      ...(urls.sandbox ? [['Exstream sandbox', urls.sandbox, 'client sandbox / sandbox-secret, domain demo']] : []),
      ...(urls.sidecar ? [['Magento sidecar', urls.sidecar, `store key ${DEMO_MAGENTO_STORE_KEY} (demo shared secret: see README)`]] : []),
      ...(urls.shopify ? [['Shopify app (local mode)', `${urls.shopify}/app`, `demo shop ${DEMO_SHOP}`]] : []),
      ['Database', db.describe(), `data under ${dataDir}`],
      ['Worker', roles.has('worker') ? 'running' : 'not in this process', ''],
    ],
  );

  if (demo && urls.sidecar && urls.shopify && roles.has('worker')) {
    await replayDemoLifecycles(engine, urls, shopifyEnv.SHOPIFY_API_SECRET?.trim() || LOCAL_ENV_DEFAULTS.SHOPIFY_API_SECRET, dataDir);
    await runDemoStatements(engine, db, urls, dataDir);
    await runDemoCampaign(engine, db, urls, dataDir);
  }
  logger.info('Running. Ctrl+C to stop.');
}

const FIXTURES = path.join(ROOT, 'packages', 'core', 'test', 'fixtures');

type DemoStep = { platform: 'shopify' | 'magento'; label: string; orderRef: string };

/** Posts one Shopify webhook to the app exactly as Shopify would (raw body, HMAC, the five headers). */
async function postShopifyWebhook(url: string, secret: string, topic: string, payload: unknown, webhookId: string): Promise<void> {
  const body = JSON.stringify(payload);
  const hmac = createHmac('sha256', secret).update(body).digest('base64');
  const response = await fetch(`${url}/webhooks/commerce`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': hmac,
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': DEMO_SHOP,
      'x-shopify-api-version': '2026-04',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': webhookId,
      'x-shopify-triggered-at': new Date().toISOString(),
    },
    body,
  });
  if (!response.ok) throw new Error(`Shopify webhook ${topic} answered ${response.status}: ${await response.text()}`);
}

/** Posts one module envelope to the sidecar, signed as the Magento module signs it. */
async function postMagentoEnvelope(url: string, envelope: { event: string }): Promise<void> {
  const body = JSON.stringify(envelope);
  const signature = signMagentoRequest(DEMO_MAGENTO_SECRET, { method: 'POST', path: '/v1/events', rawBody: body });
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-exstream-connect-store': DEMO_MAGENTO_STORE_KEY, 'x-exstream-connect-signature': signature },
    body,
  });
  if (!response.ok) throw new Error(`Sidecar ${envelope.event} answered ${response.status}: ${await response.text()}`);
}

/** A day of the month before this one (UTC), at 10:00: inside the latest statement period that has closed. */
function dayOfLastMonth(day: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, 10));
}
const magentoDate = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/**
 * B2B orders for the demo's statements, dated in the month that closed last: two orders of the
 * Shopify company "Velo Partner" (one of them paid), and an Adobe Commerce B2B order of company 12
 * with its invoice. Their order numbers are fixed, so a restart adds no new ledger entries.
 */
async function postDemoB2BOrders(urls: Record<string, string>, shopifySecret: string, runId: string): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const order = JSON.parse(await readFile(path.join(FIXTURES, 'shopify', 'orders-create.json'), 'utf8')) as Record<string, unknown> & { billing_address: Record<string, unknown> };
  const company = { id: 4101, location_id: 4201 };
  for (const [id, name, day] of [[5509990301, '#2101', 8], [5509990302, '#2102', 18]] as const) {
    const at = dayOfLastMonth(day).toISOString();
    const b2b = { ...order, id, name, order_number: Number(name.slice(1)), created_at: at, updated_at: at, processed_at: at, financial_status: 'pending', company, billing_address: { ...order.billing_address, company: 'Velo Partner GmbH' } };
    await postShopifyWebhook(urls.shopify!, shopifySecret, 'orders/create', b2b, `demo-${runId}-b2b-create-${id}`);
    steps.push({ platform: 'shopify', label: 'orders/create (B2B company)', orderRef: String(id) });
    if (day === 8) {
      const paidAt = dayOfLastMonth(12).toISOString();
      await postShopifyWebhook(urls.shopify!, shopifySecret, 'orders/paid', { ...b2b, updated_at: paidAt, financial_status: 'paid' }, `demo-${runId}-b2b-paid-${id}`);
    }
  }
  for (const [file, day] of [['13-order-placed-b2b-company.json', 5], ['14-order-invoiced-b2b-company.json', 11]] as const) {
    const envelope = JSON.parse(await readFile(path.join(FIXTURES, 'magento', 'envelopes', file), 'utf8')) as { id: string; event: string; occurred_at: string; entity: Record<string, unknown>; order?: Record<string, unknown> };
    const at = magentoDate(dayOfLastMonth(day));
    envelope.id = `${envelope.id}-${runId}`;
    envelope.occurred_at = at;
    for (const part of [envelope.entity, envelope.order]) if (part) Object.assign(part, { created_at: at, updated_at: at });
    if (envelope.order) envelope.order.created_at = magentoDate(dayOfLastMonth(5));
    await postMagentoEnvelope(urls.sidecar!, envelope);
    steps.push({ platform: 'magento', label: `${envelope.event} (B2B company)`, orderRef: String((envelope.order ?? envelope.entity).increment_id) });
  }
  return steps;
}

/**
 * Posts a sample lifecycle through the real HTTP intakes — a signed Shopify webhook and signed
 * sidecar calls, exactly as the platforms would — then waits for the worker and prints what was
 * produced. The payloads are the realistic fixtures core's tests use.
 */
async function replayDemoLifecycles(engine: Engine, urls: Record<string, string>, shopifySecret: string, dataDir: string) {
  const steps: DemoStep[] = [];
  const runId = randomUUID().slice(0, 8);

  const shopifyTopics: Array<[string, string, string]> = [
    ['orders/create', 'orders-create.json', 'placed'],
    ['orders/paid', 'orders-paid.json', 'paid'],
    ['fulfillments/create', 'fulfillments-create.json', 'shipped with tracking'],
    ['refunds/create', 'refunds-create.json', 'partially refunded'],
    ['returns/request', 'returns-request.json', 'return requested'],
  ];
  let orderId: number | undefined;
  for (const [topic, file, label] of shopifyTopics) {
    const payload = JSON.parse(await readFile(path.join(FIXTURES, 'shopify', file), 'utf8')) as {
      order_id?: number;
      id?: number;
      order?: { id?: number; admin_graphql_api_id?: string };
    };
    // The fixtures come from several sample orders: attach every step to the order placed first.
    if (topic === 'orders/create') orderId = payload.id;
    else if (orderId !== undefined && payload.order_id !== undefined) payload.order_id = orderId;
    else if (orderId !== undefined && payload.order) payload.order = { ...payload.order, id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}` };
    await postShopifyWebhook(urls.shopify!, shopifySecret, topic, payload, `demo-${runId}-${topic}`);
    steps.push({ platform: 'shopify', label: `${topic} (${label})`, orderRef: String(payload.order_id ?? payload.order?.id ?? payload.id) });
  }

  const envelopes: Array<[string, string]> = [
    ['01-order-placed.json', 'placed'],
    ['02-order-invoiced.json', 'invoiced (paid)'],
    ['03-shipment-created.json', 'shipped'],
    ['04-shipment-track-added.json', 'tracking added'],
    ['05-creditmemo-created.json', 'partially refunded (credit memo)'],
  ];
  for (const [file, label] of envelopes) {
    const envelope = JSON.parse(await readFile(path.join(FIXTURES, 'magento', 'envelopes', file), 'utf8')) as { id: string; event: string; entity: { increment_id?: string }; order?: { increment_id?: string } };
    envelope.id = `${envelope.id}-${runId}`;
    await postMagentoEnvelope(urls.sidecar!, envelope);
    steps.push({ platform: 'magento', label: `${envelope.event} (${label})`, orderRef: envelope.order?.increment_id ?? envelope.entity.increment_id ?? '?' });
  }

  steps.push(...(await postDemoB2BOrders(urls, shopifySecret, runId)));

  // Wait until nothing is queued or sending for the demo orders (bounded).
  const shop = (await engine.stores.find('shopify', DEMO_SHOP))!;
  const magento = (await engine.stores.find('magento', DEMO_MAGENTO_STORE_KEY))!;
  const orders = [...new Map(steps.map((s) => [`${s.platform}:${s.orderRef}`, s])).values()];
  const deadline = Date.now() + 60_000;
  let rows: Array<{ platform: string; entry: Awaited<ReturnType<Engine['history']['forOrder']>>[number] }> = [];
  while (Date.now() < deadline) {
    rows = [];
    for (const o of orders) {
      const store = o.platform === 'shopify' ? shop : magento;
      for (const entry of await engine.history.forOrder(store, o.orderRef)) rows.push({ platform: o.platform, entry });
    }
    if (rows.length > 0 && rows.every((r) => !['queued', 'sending'].includes(r.entry.status))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log('\nSample lifecycles replayed through the real intakes:');
  printTable(
    ['platform', 'order', 'document', 'channel', 'status', 'template', 'document file'],
    rows.map(({ platform, entry }) => [
      platform,
      entry.orderNumber ?? entry.orderRef ?? '',
      entry.documentType,
      entry.channel,
      entry.status + (entry.reason ? ` (${entry.reason})` : ''),
      entry.templateVersion ? `${entry.templateId ?? ''}@${entry.templateVersion}` : '',
      entry.hasDocument ? path.relative(ROOT, path.join(dataDir, 'documents', platform === 'shopify' ? shop.id : magento.id, `${entry.id}.pdf`)) : '',
    ]),
  );
  const digest = createHash('sha256').update(rows.map((r) => r.entry.id).join()).digest('hex').slice(0, 8);
  console.log(`${rows.length} communications (${digest}); open the PDFs above, or the apps: ${urls.shopify}/app , ${urls.sidecar}/healthz\n`);
}

type StatementDocumentData = { statement?: { accountRef?: string; accountName?: string; periodStart?: string; periodEnd?: string } };

/**
 * After the replay: runs the demo stores' latest closed statement period (the merchant's "Run now")
 * through the engine's worker, waits for the batch to settle, fetches each statement's PDF from the
 * sandbox's batch record outputs (written under the data folder) and prints one row per statement.
 */
async function runDemoStatements(engine: Engine, db: Database, urls: Record<string, string>, dataDir: string) {
  const stores = [
    { platform: 'shopify', store: (await engine.stores.find('shopify', DEMO_SHOP))! },
    { platform: 'magento', store: (await engine.stores.find('magento', DEMO_MAGENTO_STORE_KEY))! },
  ];
  const started = [];
  for (const { platform, store } of stores) started.push({ platform, store, run: (await engine.statements.startRun(store)).run });
  const live = new Set(['queued', 'retrying', 'running', 'streaming', 'rendering']);
  const deadline = Date.now() + 60_000;
  let runs = started;
  while (Date.now() < deadline) {
    runs = await Promise.all(started.map(async (s) => ({ ...s, run: (await engine.statements.runs(s.store)).find((r) => r.id === s.run.id) ?? s.run })));
    if (runs.every((s) => !live.has(s.run.status))) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const records = await sandboxRecordDocuments(urls.sandbox, path.join(dataDir, 'documents'), runs.map((s) => s.run.jobId).filter((id): id is string => id !== null));
  const rows: string[][] = [];
  for (const { platform, store, run } of runs) {
    const batchKey = run.progress?.batchKey;
    const statements = batchKey
      ? await db.prisma.communication.findMany({ where: { storeId: store.id, documentRef: `batch:${batchKey}` }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
      : [];
    if (statements.length === 0) rows.push([platform, `${run.periodStart} – ${run.periodEnd}`, '—', '', run.status, run.progress?.detail ?? run.error ?? '']);
    for (const row of statements) {
      const data = (row.documentData ?? {}) as StatementDocumentData;
      const account = data.statement ? `${data.statement.accountName ?? ''} (${data.statement.accountRef ?? ''})` : row.businessKey;
      const file = records.get(row.idempotencyKey);
      rows.push([platform, `${run.periodStart} – ${run.periodEnd}`, account, row.channel, row.status + (row.lastError ? ` (${row.lastError})` : ''), file ?? '']);
    }
  }
  console.log('Statements of the latest closed period (B2B accounts), run through the worker:');
  printTable(['platform', 'period', 'account', 'channel', 'status', 'document (PDF)'], rows);
  for (const { platform, run } of runs) console.log(`${platform}: run ${run.status}, ${run.accounts ?? 0} account(s), Exstream batch job ${run.jobId ?? '—'}`);
  console.log(`Statement PDFs are in ${path.relative(ROOT, path.join(dataDir, 'documents')) || '.'}; the runs and their progress: ${urls.shopify}/app/settings\n`);
}

/**
 * Three carts abandoned on the demo Magento store, which batches its reminders (5 s window): they
 * leave together as ONE Exstream batch job. Waits for the batch to settle and prints one row per
 * reminder with the job and its PDF (from the sandbox's batch record outputs).
 */
async function runDemoCampaign(engine: Engine, db: Database, urls: Record<string, string>, dataDir: string) {
  const store = (await engine.stores.find('magento', DEMO_MAGENTO_STORE_KEY))!;
  const template = JSON.parse(await readFile(path.join(FIXTURES, 'magento', 'envelopes', '06-cart-abandoned.json'), 'utf8')) as {
    id: string;
    event: string;
    store: { locale: string };
    entity: { id: number; customer: { email: string; firstname: string; lastname: string } };
  };
  const shoppers = [
    ['en_US', 'Ava', 'Clarke'],
    ['fr_FR', 'Camille', 'Durand'],
    ['de_DE', 'Jonas', 'Becker'],
  ] as const;
  const since = new Date();
  // Cart ids of this run: a cart already reminded (an earlier `npm start`) is not reminded again.
  const firstCart = Math.floor(since.getTime() / 1000) * 10;
  for (const [index, [locale, firstname, lastname]] of shoppers.entries()) {
    const envelope = structuredClone(template);
    envelope.entity.id = firstCart + index;
    envelope.id = `demo:cart.abandoned:${envelope.entity.id}`;
    envelope.store.locale = locale;
    envelope.entity.customer = { ...envelope.entity.customer, firstname, lastname, email: `${firstname}.${lastname}@example.com`.toLowerCase() };
    await postMagentoEnvelope(urls.sidecar!, envelope);
  }
  const where = { storeId: store.id, documentType: 'abandoned_cart_reminder', createdAt: { gte: since } };
  const deadline = Date.now() + 60_000;
  let rows = await db.prisma.communication.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  while (Date.now() < deadline && (rows.length < shoppers.length || rows.some((r) => r.status === 'queued' || r.status === 'sending'))) {
    await new Promise((r) => setTimeout(r, 500));
    rows = await db.prisma.communication.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }
  const jobIds = [...new Set(rows.map((r) => r.exstreamJobId).filter((id): id is string => id !== null))];
  const files = await sandboxRecordDocuments(urls.sandbox, path.join(dataDir, 'documents'), jobIds);
  console.log('Abandoned-cart reminders of the Magento demo store, batched (one Exstream batch job per 5 s window):');
  printTable(
    ['customer', 'channel', 'status', 'template', 'Exstream batch job', 'document (PDF)'],
    rows.map((row) => [
      row.recipientMasked ?? '',
      row.channel,
      row.status + (row.lastError ? ` (${row.lastError})` : ''),
      row.templateVersion ? `${row.exstreamCommunicationId ?? ''}@${row.templateVersion}` : '',
      row.exstreamJobId ?? '—',
      files.get(row.idempotencyKey) ?? '',
    ]),
  );
  console.log(`${rows.length} reminder(s) in ${jobIds.length} batch job(s); the window and service are in the store's settings (campaigns)\n`);
}

/**
 * The PDFs of the demo's batches (statements, campaign reminders), from the sandbox's batch record outputs (a sandbox
 * extension; a real Exstream delivers them through its own output channels): idempotency key →
 * file name under `<data>/documents`, which the sandbox writes on the first GET of a record. A
 * restarted sandbox no longer knows an earlier run's job (a re-run of the period only reconciles
 * it): the PDFs it wrote then are found through the batch's NDJSON file, one record per line.
 */
async function sandboxRecordDocuments(sandboxUrl: string | undefined, documentsDir: string, jobIds: string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const jobId of jobIds) {
    const ndjson = path.join(documentsDir, `batch-${jobId}.ndjson`);
    if (!existsSync(ndjson)) continue;
    const lines = (await readFile(ndjson, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      const key = line ? (JSON.parse(line) as { meta?: { idempotencyKey?: string } }).meta?.idempotencyKey : undefined;
      if (key && existsSync(path.join(documentsDir, `batch-${jobId}-${index}.pdf`))) files.set(key, `batch-${jobId}-${index}.pdf`);
    });
  }
  if (!sandboxUrl || jobIds.length === 0) return files;
  try {
    const tokenResponse = await fetch(`${sandboxUrl}/otdsws/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'sandbox-secret' }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };
    for (const jobId of jobIds) {
      const page = (await (await fetch(`${sandboxUrl}/orchestration/api/v1/runtime/demo/jobs/${jobId}/records?count=1000`, { headers: auth })).json()) as {
        data?: Array<{ index: number; idempotencyKey: string | null; documentUrl: string | null }>;
      };
      for (const record of page.data ?? []) {
        if (!record.idempotencyKey || !record.documentUrl || files.has(record.idempotencyKey)) continue;
        const pdf = await fetch(`${sandboxUrl}${record.documentUrl}`, { headers: auth });
        await pdf.arrayBuffer();
        if (pdf.ok) files.set(record.idempotencyKey, `batch-${jobId}-${record.index}.pdf`);
      }
    }
  } catch (error) {
    console.log(`(batch PDFs not fetched from ${sandboxUrl}: ${error instanceof Error ? error.message : String(error)})`);
  }
  return files;
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack && process.env.LOG_LEVEL === 'debug') console.error(error.stack);
  process.exit(1);
});
