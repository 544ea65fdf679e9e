import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TERMINAL_STATUSES } from '@exstream-connect/core';
import { createDatabase, createSecretBox } from '@exstream-connect/db';
import { createEngine } from '@exstream-connect/engine';
import { startSandbox } from '@exstream-connect/exstream-sandbox';
import { createPrng, seedFrom } from '../create-prng.ts';
import { scanLogsForSecrets } from '../scan-logs-for-secrets.ts';
import { magentoHeaders, shopifyWebhookHeaders } from '../sign-requests.ts';
import { startProduct, type RunningProduct } from '../start-product.ts';
import { checkProducedDocuments, checkRepeatedCalls, type HeldKeysSnapshot } from './check-exactly-once.ts';
import { generateSoakEvents, type SoakDelivery, type SoakStore } from './generate-soak-events.ts';
import { percentile } from './percentile.ts';
import { startFaultProxy } from './start-fault-proxy.ts';

/**
 * Where every communication must end: the product's own terminal statuses (core). `sent` is not
 * one of them: the sandbox posts delivery feedback for EVERY document it produces on demand (email
 * and print alike: delivered, or bounced / opted_out / failed for the +bounce / +optout / +fail
 * addresses; email is then opened), so a `sent` row at the end means its feedback was lost.
 */
const TERMINAL: readonly string[] = TERMINAL_STATUSES;
/** Still in the engine's hands: planned or being delivered. */
const IN_FLIGHT = ['queued', 'sending'];
const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

/** Every database connection of the soak is bounded: connecting, and each statement. */
const pgConfig = (connectionString: string): pg.ClientConfig => ({ connectionString, connectionTimeoutMillis: 15_000, statement_timeout: 120_000, query_timeout: 150_000 });

function parseArgs(argv: string[]) {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const events = Number(flag('events') ?? 10_000);
  const deadlineMinutes = Number(flag('deadline-minutes') ?? 35);
  const feedbackWaitSeconds = Number(flag('feedback-wait-seconds') ?? 180);
  if (!Number.isInteger(events) || events < 10 || events > 100_000) throw new Error('--events must be an integer 10..100000');
  if (!(deadlineMinutes > 0 && deadlineMinutes <= 120)) throw new Error('--deadline-minutes must be 1..120');
  if (!(feedbackWaitSeconds >= 0 && feedbackWaitSeconds <= 1800)) throw new Error('--feedback-wait-seconds must be 0..1800');
  return { events, deadlineMinutes, feedbackWaitSeconds, seed: seedFrom(flag('seed') ?? process.env.SOAK_SEED), keep: argv.includes('--keep-database') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm run soak [-- --events N --seed S --deadline-minutes M --feedback-wait-seconds F]`: the
 * product as separate processes on one Postgres (intake: sidecar + Shopify app; two workers), real
 * signed HTTP deliveries with duplicates in shuffled order, Exstream faults during the first third
 * of the deliveries AND of the Exstream calls, a worker SIGKILLed and restarted twice, every
 * database connection cut once. Then it checks exactly-once from the database, the sandbox and the
 * fault proxy, and prints the figures as `name: value unit` lines. Exit code 1 on any violated
 * property. Every wait is bounded by the deadline.
 */
async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const deadline = started + args.deadlineMinutes * 60_000;
  const prng = createPrng(args.seed);
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'exc-soak-'));
  const log = (line: string) => console.log(`[soak +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
  log(`seed ${args.seed} (reproduce with --seed ${args.seed}), ${args.events} events, deadline ${args.deadlineMinutes} min, logs in ${runDir}`);

  // A fresh database per run on the local Postgres.
  const baseUrl = process.env.SOAK_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `exc_soak_${Date.now()}`;
  const admin = new pg.Client(pgConfig(baseUrl));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();

  const secrets = {
    shopifyApiSecret: secret('shpss'),
    feedbackSecret: secret('feedback'),
    exstreamClientSecret: secret('client'),
    secretKey: randomBytes(32).toString('base64'),
  };
  const stores: SoakStore[] = [];
  for (let i = 1; i <= 20; i++) stores.push({ platform: 'shopify', storeKey: `soak-shop-${String(i).padStart(2, '0')}.myshopify.com` });
  for (let i = 1; i <= 20; i++) stores.push({ platform: 'magento', storeKey: `soak-magento-${String(i).padStart(2, '0')}`, secret: secret('magento') });

  const processes: RunningProduct[] = [];
  const logFiles: string[] = [];
  let sandboxClose: (() => Promise<void>) | null = null;
  let verify: pg.Client | null = null;
  let proxyClose: (() => Promise<void>) | null = null;
  const problems: string[] = [];
  // Ctrl-C / SIGTERM: the product processes run in their own process groups, so stop them (and
  // drop the database) before leaving, instead of orphaning them.
  let interrupted = false;
  // Set before the run stops its own processes, so their exits are not taken for crashes.
  let stopping = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    stopping = true;
    log(`${signal}: stopping the product processes`);
    void (async () => {
      for (const p of processes) if (p.isRunning()) await p.stop(5_000);
      await verify?.end().catch(() => undefined);
      if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      process.exit(130);
    })();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  try {
    // Exstream: the sandbox in this process, behind the fault proxy; feedback goes to the intake.
    const sidecarPort = await freePort();
    const sandbox = await startSandbox({
      port: 0,
      dataDir: null,
      clients: [{ clientId: 'soak', clientSecret: secrets.exstreamClientSecret }],
      feedback: { url: `http://127.0.0.1:${sidecarPort}/v1/exstream/feedback`, secret: secrets.feedbackSecret, delayMs: 200, openedDelayMs: 600 },
      idempotencyCacheSize: 100_000,
      maxJobs: 100_000,
    });
    sandboxClose = () => sandbox.close();
    const proxy = await startFaultProxy({ target: sandbox.url, prng: createPrng(args.seed ^ 0x5eed) });
    proxyClose = () => proxy.close();

    // Seed the 40 stores through the engine package, on the same Postgres, before the apps start.
    {
      const db = await createDatabase({ url: databaseUrl });
      const engine = await createEngine({ db, secretBox: createSecretBox(Buffer.from(secrets.secretKey, 'base64')) });
      const connection = { baseUrl: proxy.url, domain: sandbox.domain, tokenUrl: `${proxy.url}/otdsws/oauth2/token`, clientId: 'soak', clientSecret: secrets.exstreamClientSecret, defaultCommunicationId: 'soak-default' };
      const rule = (eventKind: string, documentType: string) => ({ eventKind, documentType, channel: 'email', communicationId: `soak-${documentType}`, templateVersion: '1' });
      for (const store of stores) {
        const info =
          store.platform === 'shopify'
            ? await engine.stores.ensureShopifyShop(store.storeKey, { name: store.storeKey })
            : await engine.stores.registerMagentoStore({ storeKey: store.storeKey, signingSecret: store.secret!, name: store.storeKey, currency: 'EUR' });
        await engine.settings.update(info, {
          connection,
          rules:
            store.platform === 'shopify'
              ? [rule('order.placed', 'order_confirmation'), rule('order.paid', 'invoice'), rule('order.cancelled', 'cancellation')]
              : [rule('order.placed', 'order_confirmation'), rule('order.invoiced', 'invoice'), rule('credit_memo.created', 'credit_memo')],
          // No Shopify to write back to (and no Admin credentials): the soak is about delivery.
          writeBack: { orderSummary: false, tagOnFailure: false, consent: false },
        });
      }
      await engine.stop();
      await db.close();
      log('seeded 20 Shopify shops and 20 Magento stores');
    }

    const dataDir = path.join(runDir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const baseEnv = {
      DATABASE_URL: databaseUrl,
      EXSTREAM_CONNECT_DATA_DIR: dataDir,
      EXSTREAM_CONNECT_SECRET_KEY: secrets.secretKey,
      EXSTREAM_FEEDBACK_SECRET: secrets.feedbackSecret,
      EXSTREAM_SANDBOX_URL: proxy.url,
      EXSTREAM_CONNECT_DEMO: '0',
      SHOPIFY_API_KEY: 'soak-api-key',
      SHOPIFY_API_SECRET: secrets.shopifyApiSecret,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
    const start = async (name: string, env: Record<string, string>) => {
      const logFile = path.join(runDir, `${name}.log`);
      if (!logFiles.includes(logFile)) logFiles.push(logFile);
      const p = await startProduct({ name, logFile, env: { ...baseEnv, ...env } });
      processes.push(p);
      return p;
    };
    const intake = await start('intake', { EXSTREAM_CONNECT_ROLES: 'sidecar,shopify', MAGENTO_SIDECAR_PORT: String(sidecarPort), SHOPIFY_APP_PORT: '0' });
    let worker1 = await start('worker-1', { EXSTREAM_CONNECT_ROLES: 'worker' });
    const worker2 = await start('worker-2', { EXSTREAM_CONNECT_ROLES: 'worker' });
    log(`intake ${JSON.stringify(intake.urls)}, workers pid ${worker1.pid} and ${worker2.pid}`);
    // A product process that dies on its own (not one the chaos SIGKILLs) ends the run at once,
    // with its last output: waiting for the deadline would only hide the crash behind 35 minutes.
    let crashed: string | null = null;
    for (const p of [intake, worker2]) {
      void p.exited.then((info) => {
        if (stopping || crashed) return;
        crashed = `${p.name} exited on its own (code ${info.code}, signal ${info.signal}); last output:\n${p.tail(25)}`;
        problems.unshift(crashed);
        log(`${p.name} exited on its own (code ${info.code}, signal ${info.signal}): stopping the run`);
      });
    }
    const live = () => Date.now() < deadline && crashed === null;

    const { events, deliveries } = generateSoakEvents(prng, args.events, stores);
    log(`${events.length} events → ${deliveries.length} deliveries`);

    // Deliver, with chaos on a schedule keyed to progress.
    proxy.setFailRate(0.2);
    const faultsOnAt = Date.now();
    // The keys of rows a worker held (`sending`) at each crash or connection cut: a recovering
    // worker may call Exstream again for them (same key), which checkRepeatedCalls then allows.
    const held: HeldKeysSnapshot[] = [];
    const snapshotHeld = async (what: string) => {
      const client = new pg.Client(pgConfig(databaseUrl));
      try {
        await client.connect();
        const result = await client.query<{ key: string }>(`SELECT "idempotencyKey" AS key FROM "Communication" WHERE status = 'sending'`);
        held.push({ what, at: Date.now(), keys: new Set(result.rows.map((r) => r.key)) });
      } catch (error) {
        // Without the snapshot, repeats after this crash would look unexplained: say why.
        problems.push(`could not read the rows held at "${what}": ${(error as Error).message}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    const latencies: number[] = [];
    const acceptedAt = new Map<string, number>();
    let sentCount = 0;
    let intakeErrors = 0;
    let duplicateAnswers = 0;
    const chaos: string[] = [];
    let nextChaos = 0;
    const restarts: Array<Promise<void>> = [];
    const plan: Array<{ at: number; run: () => Promise<void> }> = [
      {
        at: 0.25,
        run: async () => {
          await worker1.kill();
          await snapshotHeld('SIGKILL worker-1 (25 %)');
          chaos.push(`SIGKILL worker-1 at ${sentCount} deliveries (${held.at(-1)?.keys.size ?? '?'} rows in sending)`);
          restarts.push(start('worker-1', { EXSTREAM_CONNECT_ROLES: 'worker' }).then((p) => void (worker1 = p)));
        },
      },
      {
        at: 0.5,
        run: async () => {
          const cut = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
          await snapshotHeld('database connections cut (50 %)');
          chaos.push(`database connections cut (${cut.rowCount} terminated) at ${sentCount} deliveries (${held.at(-1)?.keys.size ?? '?'} rows in sending)`);
        },
      },
      {
        at: 0.7,
        run: async () => {
          await restarts.at(-1);
          await worker1.kill();
          await snapshotHeld('SIGKILL worker-1 again (70 %)');
          chaos.push(`SIGKILL worker-1 again at ${sentCount} deliveries (${held.at(-1)?.keys.size ?? '?'} rows in sending)`);
          restarts.push(start('worker-1', { EXSTREAM_CONNECT_ROLES: 'worker' }).then((p) => void (worker1 = p)));
        },
      },
    ];

    // Faults cover the first third of the deliveries AND of the Exstream calls: the workers lag
    // behind intake, so a window keyed to intake alone would fault far fewer than a third of the
    // calls. Off once both thirds are past (or at the deadline).
    const faultKeysTarget = Math.ceil(events.length / 3);
    let faultWindow = { seconds: 0, deliveries: 0, keys: 0 };
    let settled = false;
    const faultWatcher = (async () => {
      while (!settled && live() && !(sentCount >= deliveries.length / 3 && proxy.keysSeen() >= faultKeysTarget)) await sleep(100);
      proxy.setFailRate(0);
      faultWindow = { seconds: (Date.now() - faultsOnAt) / 1000, deliveries: sentCount, keys: proxy.keysSeen() };
      chaos.push(`Exstream faults off after ${faultWindow.seconds.toFixed(0)} s: ${faultWindow.deliveries} deliveries sent, ${faultWindow.keys} idempotency keys called (target ${faultKeysTarget})`);
      log(chaos.at(-1)!);
    })();

    const deliver = async (d: SoakDelivery) => {
      const e = d.event;
      let url: string;
      let headers: Record<string, string>;
      if (e.platform === 'shopify') {
        url = `${intake.urls.shopify}/webhooks/commerce`;
        // A redelivery keeps the event id (Shopify retries keep X-Shopify-Event-Id).
        headers = shopifyWebhookHeaders({ shop: e.store.storeKey, topic: e.topic, secret: secrets.shopifyApiSecret, body: e.body, eventId: e.eventId, webhookId: `${e.eventId}-${d.attempt}` });
      } else {
        url = `${intake.urls.sidecar}/v1/events`;
        headers = { 'content-type': 'application/json', ...magentoHeaders(e.store.storeKey, e.store.secret!, { method: 'POST', path: '/v1/events', body: e.body }) };
      }
      // Like the platforms: retry a failed delivery with backoff, bounded in count and by the deadline.
      for (let tries = 1; tries <= 6 && live(); tries++) {
        const t0 = performance.now();
        try {
          const response = await fetch(url, { method: 'POST', headers, body: e.body, signal: AbortSignal.timeout(Math.max(1_000, Math.min(30_000, deadline - Date.now()))) });
          const text = await response.text();
          latencies.push(performance.now() - t0);
          if (response.ok) {
            if (!acceptedAt.has(e.eventId)) acceptedAt.set(e.eventId, Date.now());
            if (e.platform === 'magento' && text.includes('"duplicate"')) duplicateAnswers++;
            return;
          }
          intakeErrors++;
          if (response.status < 500) {
            problems.push(`delivery of ${e.eventId} refused: ${response.status} ${text.slice(0, 200)}`);
            return;
          }
        } catch {
          intakeErrors++;
        }
        await sleep(Math.max(0, Math.min(200 * 2 ** tries, deadline - Date.now())));
      }
      problems.push(`delivery of ${e.eventId} never accepted${Date.now() >= deadline ? ' before the deadline' : ''}`);
    };

    let cursor = 0;
    const clients = Array.from({ length: 16 }, async () => {
      while (cursor < deliveries.length && live()) {
        const d = deliveries[cursor++]!;
        await deliver(d);
        sentCount++;
        if (sentCount % 2000 === 0) log(`${sentCount}/${deliveries.length} deliveries`);
      }
    });
    const chaosRunner = (async () => {
      while (nextChaos < plan.length && live()) {
        const step = plan[nextChaos]!;
        if (sentCount >= step.at * deliveries.length) {
          nextChaos++;
          await step.run();
          log(chaos.at(-1)!);
        } else {
          await sleep(50);
        }
      }
    })();
    await Promise.all(clients);
    await chaosRunner;
    await Promise.all(restarts);
    const deliveredAt = Date.now();
    log(`all deliveries sent in ${((deliveredAt - started) / 1000).toFixed(0)} s; waiting for every communication to settle`);

    // Wait until every expected communication exists and nothing is queued/sending (bounded).
    const storeKeys = stores.map((s) => s.storeKey);
    // Connected only now: the connection cut above spares nothing on the soak database.
    verify = new pg.Client(pgConfig(databaseUrl));
    await verify.connect();
    const client = verify;
    const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await client.query<T>(text, values)).rows;
    const progress = async () => {
      const [row] = await query<{ total: string; inFlight: string; sent: string }>(
        `SELECT count(*)::text AS total,
                count(*) FILTER (WHERE c.status IN (${sqlList(IN_FLIGHT)}))::text AS "inFlight",
                count(*) FILTER (WHERE c.status = 'sent')::text AS sent
           FROM "Communication" c JOIN "Store" s ON s.id = c."storeId" WHERE s."externalKey" = ANY($1)`,
        [storeKeys],
      );
      return { total: Number(row!.total), inFlight: Number(row!.inFlight), sent: Number(row!.sent) };
    };
    let state = await progress();
    while (live() && !(state.total >= events.length && state.inFlight === 0)) {
      await sleep(2_000);
      state = await progress();
    }
    const quietAt = Date.now();
    // Then the delivery feedback: every `sent` row is owed one (bounded by --feedback-wait-seconds).
    const feedbackDeadline = Math.min(deadline, quietAt + args.feedbackWaitSeconds * 1000);
    log(`${state.total} communications, ${state.inFlight} in flight, ${state.sent} awaiting feedback; waiting up to ${((feedbackDeadline - quietAt) / 1000).toFixed(0)} s for it`);
    while (Date.now() < feedbackDeadline && crashed === null && state.sent > 0) {
      await Promise.race([sandbox.feedbackIdle(), sleep(2_000)]);
      state = await progress();
    }
    settled = true;
    await faultWatcher;
    const settledAt = Date.now();

    // Verification straight from the database and the sandbox.
    const rows = await query<{ storeKey: string; orderRef: string; documentType: string; status: string; idempotencyKey: string; createdAt: Date; sentAt: Date | null; retries: string }>(
      `SELECT s."externalKey" AS "storeKey", c."orderRef", c."documentType", c.status, c."idempotencyKey", c."createdAt", c."sentAt",
              (SELECT count(*) FROM "CommunicationEvent" e WHERE e."communicationId" = c.id AND e.source = 'retry')::text AS retries
         FROM "Communication" c JOIN "Store" s ON s.id = c."storeId" WHERE s."externalKey" = ANY($1)`,
      [storeKeys],
    );
    const byKey = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.storeKey}|${r.orderRef}|${r.documentType}`;
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    const expectedKeys = new Set(events.map((e) => `${e.expected.storeKey}|${e.expected.orderRef}|${e.expected.documentType}`));
    const missing = [...expectedKeys].filter((k) => !byKey.has(k));
    const doubled = [...byKey.entries()].filter(([, list]) => list.length > 1).map(([k]) => k);
    const unexpected = [...byKey.keys()].filter((k) => !expectedKeys.has(k));
    const inFlight = rows.filter((r) => IN_FLIGHT.includes(r.status));
    const feedbackLost = rows.filter((r) => r.status === 'sent');
    const notTerminal = rows.filter((r) => !TERMINAL.includes(r.status));
    const failed = rows.filter((r) => r.status === 'failed');
    // The run injects only recoverable faults, and only +bounce customers bounce: a bounced or
    // skipped (no channel left after a bounce) row of any other customer is wrong.
    const bouncingOrders = new Set(events.filter((e) => e.bounces).map((e) => `${e.expected.storeKey}|${e.expected.orderRef}`));
    const wrongBounce = rows.filter((r) => (r.status === 'bounced' || r.status === 'skipped') && !bouncingOrders.has(`${r.storeKey}|${r.orderRef}`));
    const sentToExstream = rows.filter((r) => r.sentAt !== null);

    // Exactly once, from three sides: the rows (every database row, not only those keyed above),
    // the sandbox's documents per key (ALL keys it saw), and the fault proxy's calls per key.
    const allRows = await query<{ idempotencyKey: string; status: string }>(`SELECT "idempotencyKey", status::text AS status FROM "Communication"`);
    const documents = checkProducedDocuments(sandbox.countByIdempotencyKey(), allRows);
    const proxyStats = proxy.stats();
    const calls = checkRepeatedCalls(proxyStats.byKey, held);

    const [inbound] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM "InboundEvent" i JOIN "Store" s ON s.id = i."storeId" WHERE s."externalKey" = ANY($1)`, [storeKeys]);
    // Both dead-letter queues of the engine; a failed query is reported, never read as 0.
    let deadLettered: string;
    try {
      const [dead] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM pgboss.job WHERE name = ANY($1)`, [['engine-deliver-dead', 'engine-writeback-dead']]);
      deadLettered = dead!.n;
      if (Number(dead!.n) > 0) problems.push(`${dead!.n} jobs dead-lettered`);
    } catch (error) {
      deadLettered = `unknown (query failed: ${(error as Error).message})`;
      problems.push(`the dead-letter count could not be read: ${(error as Error).message}`);
    }
    const statusCounts: Record<string, number> = {};
    for (const r of rows) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    const acceptToSent = sentToExstream.map((r) => r.sentAt!.getTime() - r.createdAt.getTime());

    const eg = (list: readonly string[]) => `(e.g. ${list.slice(0, 3).join(', ')})`;
    if (missing.length > 0) problems.push(`${missing.length} expected communications missing ${eg(missing)}`);
    if (doubled.length > 0) problems.push(`${doubled.length} communications exist more than once ${eg(doubled)}`);
    if (unexpected.length > 0) problems.push(`${unexpected.length} unexpected communications ${eg(unexpected)}`);
    if (inFlight.length > 0) problems.push(`${inFlight.length} communications still queued / sending ${eg(inFlight.map((r) => `${r.storeKey}|${r.orderRef}|${r.documentType} ${r.status}`))}`);
    if (feedbackLost.length > 0) problems.push(`${feedbackLost.length} communications still \`sent\` ${args.feedbackWaitSeconds} s after the rest settled: their delivery feedback was lost ${eg(feedbackLost.map((r) => r.idempotencyKey))}`);
    if (notTerminal.length > inFlight.length + feedbackLost.length) problems.push(`${notTerminal.length} communications in a non-terminal status`);
    if (failed.length > 0) problems.push(`${failed.length} communications failed although every injected fault was recoverable ${eg(failed.map((r) => r.idempotencyKey))}`);
    if (wrongBounce.length > 0) problems.push(`${wrongBounce.length} communications bounced / skipped for a customer whose address does not bounce ${eg(wrongBounce.map((r) => `${r.storeKey}|${r.orderRef}|${r.documentType} ${r.status}`))}`);
    if (documents.producedTotal !== documents.producingRows) problems.push(`Exstream produced ${documents.producedTotal} documents for ${documents.producingRows} communications in sent / delivered / opened / bounced`);
    if (documents.producedTwice.length > 0) problems.push(`${documents.producedTwice.length} idempotency keys produced more than one document ${eg(documents.producedTwice)}`);
    if (documents.orphanKeys.length > 0) problems.push(`${documents.orphanKeys.length} documents produced for a key no communication holds ${eg(documents.orphanKeys)}`);
    if (documents.sharedKeys.length > 0) problems.push(`${documents.sharedKeys.length} idempotency keys held by more than one communication ${eg(documents.sharedKeys)}`);
    if (documents.missingDocuments.length > 0) problems.push(`${documents.missingDocuments.length} communications in a produced status without exactly one document ${eg(documents.missingDocuments)}`);
    if (documents.unexpectedDocuments.length > 0) problems.push(`${documents.unexpectedDocuments.length} communications not sent but with a document ${eg(documents.unexpectedDocuments)}`);
    if (proxyStats.unkeyed > 0) problems.push(`${proxyStats.unkeyed} Exstream calls without an Idempotency-Key`);
    for (const u of calls.unexplained.slice(0, 10)) problems.push(`key ${u.key} reached Exstream ${u.requests} times with no fault, 401 or crash to explain it (${u.outcomes.join(' → ')})`);
    if (calls.unexplained.length > 10) problems.push(`… and ${calls.unexplained.length - 10} more keys repeated without explanation`);
    if (Date.now() > deadline) problems.push(`deadline of ${args.deadlineMinutes} min reached`);

    // Stop everything, then scan every log for secrets and full email addresses.
    stopping = true;
    for (const p of processes) if (p.isRunning()) await p.stop();
    const leaks = scanLogsForSecrets(logFiles, {
      'Shopify API secret': secrets.shopifyApiSecret,
      'feedback secret': secrets.feedbackSecret,
      'Exstream client secret': secrets.exstreamClientSecret,
      'secret key': secrets.secretKey,
      ...Object.fromEntries(stores.filter((s) => s.secret).map((s) => [`Magento secret of ${s.storeKey}`, s.secret!])),
    });
    if (leaks.length > 0) problems.push(`${leaks.length} log lines leak a secret or a full email address (e.g. ${leaks.slice(0, 3).map((l) => `${path.basename(l.file)}:${l.line} ${l.kind} ${l.what}`).join('; ')})`);

    const retried = rows.filter((r) => Number(r.retries) > 0).length;
    const injected = proxyStats.injected;
    const figures: Array<[string, string | number, string]> = [
      ['events', events.length, 'events'],
      ['deliveries', deliveries.length, 'requests'],
      ['accepted', acceptedAt.size, 'events'],
      ['communications', rows.length, 'communications'],
      ['delivered', (statusCounts.delivered ?? 0) + (statusCounts.opened ?? 0), 'communications'],
      ['sent to exstream', sentToExstream.length, 'communications'],
      ['bounced', statusCounts.bounced ?? 0, 'communications'],
      ['skipped', statusCounts.skipped ?? 0, 'communications'],
      ['failed', statusCounts.failed ?? 0, 'communications'],
      ['still sent (feedback lost)', feedbackLost.length, 'communications'],
      ['retried', retried, 'communications (engine-level: a retry event in the timeline; client retries are counted under exstream repeats)'],
      ['dead-lettered', deadLettered, 'jobs'],
      ['duplicates suppressed', deliveries.length - Number(inbound!.n), 'requests'],
      ['duplicate answers (sidecar)', duplicateAnswers, 'requests'],
      ['exstream calls', calls.requests, `requests for ${calls.keys} idempotency keys (${proxyStats.unkeyed} without a key)`],
      [
        'exstream repeats',
        calls.repeats,
        `requests beyond the first per key, client and engine retries (${calls.repeatedKeys} keys: ${calls.explainedBy.fault} after a fault, ${calls.explainedBy.heldAtCrash} held at a crash or cut, ${calls.explainedBy.tokenRefresh} after a 401; ${calls.unexplained.length} unexplained)`,
      ],
      ['documents produced', documents.producedTotal, `documents for ${documents.producingRows} communications in sent / delivered / opened / bounced`],
      ['documents produced twice', documents.producedTwice.length, 'keys'],
      ['documents without a communication', documents.orphanKeys.length, 'keys'],
      ['missing', missing.length, 'communications'],
      ['duplicated', doubled.length, 'communications'],
      ['unsettled', inFlight.length, 'communications (queued / sending)'],
      ['faults injected', Object.values(injected).reduce((a, n) => a + n, 0), `calls (${Object.entries(injected).map(([k, n]) => `${k}=${n}`).join(' ')})`],
      ['fault window', faultWindow.seconds.toFixed(0), `s: ${proxyStats.window.calls} Exstream calls for ${proxyStats.window.keys} keys, ${proxyStats.window.faulted} faulted; ${faultWindow.deliveries}/${deliveries.length} deliveries sent`],
      ['rows held at crashes', held.map((h) => h.keys.size).join(' / '), `in sending (${held.map((h) => h.what).join('; ')})`],
      ['intake errors', intakeErrors, 'requests'],
      ['p99 intake latency', percentile(latencies, 99).toFixed(1), 'ms'],
      ['max intake latency', Math.max(0, ...latencies).toFixed(1), 'ms'],
      ['p50 intake latency', percentile(latencies, 50).toFixed(1), 'ms'],
      ['accept→sent p99', (percentile(acceptToSent, 99) / 1000).toFixed(2), 's'],
      ['accept→sent max', (Math.max(0, ...acceptToSent) / 1000).toFixed(2), 's'],
      ['delivery phase', ((deliveredAt - started) / 1000).toFixed(1), 's'],
      ['wall time', ((settledAt - started) / 1000).toFixed(1), 's'],
      ['log leaks', leaks.length, 'lines'],
      ['cpu cores', os.cpus().length, 'cores'],
      ['load average', os.loadavg().map((l) => l.toFixed(2)).join(' '), '(1 5 15 min)'],
      ['seed', args.seed, ''],
    ];
    console.log('\n--- soak figures ---');
    for (const [name, value, unit] of figures) console.log(`${name}: ${value} ${unit}`.trimEnd());
    console.log(`statuses: ${JSON.stringify(statusCounts)}`);
    for (const c of chaos) console.log(`chaos: ${c}`);
    writeFileSync(
      path.join(runDir, 'figures.json'),
      JSON.stringify({ figures, statusCounts, chaos, problems, unexplainedRepeats: calls.unexplained, documents: { ...documents, missingDocuments: documents.missingDocuments.slice(0, 100) } }, null, 2),
    );
    if (problems.length > 0) {
      console.log('\nSOAK FAILED:');
      for (const p of problems.slice(0, 30)) console.log(`- ${p}`);
      process.exitCode = 1;
    } else {
      console.log(
        '\nSOAK PASSED: every communication exactly once, none lost, one document per sent communication and none for any other, every repeated Exstream call explained, all terminal, no secret or email in the logs.',
      );
    }
  } finally {
    stopping = true;
    for (const p of processes) if (p.isRunning()) await p.stop(5_000);
    await verify?.end().catch(() => undefined);
    await proxyClose?.();
    await sandboxClose?.();
    if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    log(`logs kept in ${runDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
