/**
 * accept(): events/s and latency, next to a bare minimum loop on the same database and concurrency.
 *
 * Both loops do what a webhook route does before and around the engine: verify the HMAC of the raw
 * body (timing-safe), parse the JSON, give the event its own identity. Then the accept loop calls
 * engine.accept (validate, map, de-duplicate, store the event and enqueue its job in one
 * transaction) while the bare loop does one INSERT of the body into a simple table. The ratio
 * accept/bare is what the engine's intake costs over the least any intake could do.
 * The worker is not running: this measures intake alone.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createSecretBox, safeEqual } from '@exstream-connect/db';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { openBenchDatabase, makeUnique, percentile, postgresAvailable, round, sortedCopy, SILENT_LOGGER, webhookTemplates, type BenchDatabase, type DatabaseKindName } from './bench-support.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';

const SHOP = 'bench-accept.myshopify.com';
const MAGENTO_KEY = 'bench-accept-magento';
const HMAC_SECRET = 'bench-webhook-secret-0123456789abcdef';

type Op = (seq: number) => Promise<void>;

/** Closed loop: `concurrency` workers run ops back to back, bounded by count and by time. */
async function closedLoop(op: Op, options: { concurrency: number; maxOps: number; seconds: number; firstSeq: number }) {
  const latencies = new Float64Array(options.maxOps);
  let started = 0;
  let done = 0;
  const begin = performance.now();
  const until = begin + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (started < options.maxOps && performance.now() < until) {
        const seq = options.firstSeq + started;
        started += 1;
        const t0 = performance.now();
        await op(seq);
        latencies[done] = performance.now() - t0;
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - begin) / 1000;
  const sorted = sortedCopy(latencies, done);
  return { perSecond: done / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: done };
}

function signedBodies() {
  return webhookTemplates().map((t) => ({ ...t, signature: createHmac('sha256', HMAC_SECRET).update(t.rawBody, 'utf8').digest('base64') }));
}

/** What a webhook route does first: verify the signature over the raw bytes, then parse. */
function verifyAndParse(body: { rawBody: string; signature: string }): unknown {
  const expected = createHmac('sha256', HMAC_SECRET).update(body.rawBody, 'utf8').digest('base64');
  if (!safeEqual(expected, body.signature)) throw new Error('bench: signature mismatch');
  return JSON.parse(body.rawBody) as unknown;
}

async function benchOne(kind: DatabaseKindName, options: BenchOptions): Promise<BenchResult[]> {
  // Callers in flight, as concurrent webhook requests would be: by Little's law, 2,000 events/s at
  // ~10 ms each is ~20 requests in flight on Postgres, 500/s at ~10 ms is ~5 on PGlite.
  const concurrency = Number(process.env[kind === 'pglite' ? 'BENCH_ACCEPT_CONCURRENCY_PGLITE' : 'BENCH_ACCEPT_CONCURRENCY_POSTGRES'] ?? (kind === 'pglite' ? 8 : 24));
  const seconds = options.quick ? 3 : Number(process.env.BENCH_ACCEPT_SECONDS ?? 12);
  const maxOps = options.quick ? 5_000 : 100_000;
  const bench: BenchDatabase = await openBenchDatabase(kind, { poolSize: Math.max(10, concurrency + 2) });
  let engine: Engine | null = null;
  try {
    const { db } = bench;
    engine = await createEngine({ db, secretBox: createSecretBox(randomBytes(32)), logger: SILENT_LOGGER, documentsDir: `${bench.dir}/documents` });
    await engine.stores.ensureShopifyShop(SHOP, { name: 'Bench Shop' });
    await engine.stores.registerMagentoStore({ storeKey: MAGENTO_KEY, signingSecret: HMAC_SECRET, name: 'Bench Magento' });
    // The bare loop's table: an id, the event id, the body. Nothing else.
    await db.sql.exec('CREATE TABLE bench_bare (id uuid PRIMARY KEY, event_id text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), payload jsonb NOT NULL)');
    const bodies = signedBodies();
    const e = engine;

    const acceptOp: Op = async (seq) => {
      const body = bodies[seq % bodies.length]!;
      const payload = verifyAndParse(body);
      const { eventId } = makeUnique(body.platform, body.topic, payload, seq);
      const result = await e.accept({ platform: body.platform, storeKey: body.platform === 'shopify' ? SHOP : MAGENTO_KEY, eventId, topic: body.topic, payload });
      if (result.status !== 'accepted') throw new Error(`bench: event ${eventId} was not accepted (${result.status})`);
    };
    const bareOp: Op = async (seq) => {
      const body = bodies[seq % bodies.length]!;
      const payload = verifyAndParse(body);
      const { eventId } = makeUnique(body.platform, body.topic, payload, seq);
      await db.sql.query('INSERT INTO bench_bare (id, event_id, payload) VALUES ($1, $2, $3::jsonb)', [randomUUID(), eventId, JSON.stringify(payload)]);
    };

    // Warm up both paths (JIT, prepared plans, pools) before measuring.
    for (let i = 0; i < 100; i += 1) await acceptOp(10_000_000 + i);
    for (let i = 0; i < 100; i += 1) await bareOp(10_000_000 + i);

    options.note(`accept ${kind}: concurrency ${concurrency}, up to ${seconds}s per loop`);
    const accept = await closedLoop(acceptOp, { concurrency, maxOps, seconds, firstSeq: 0 });
    const bare = await closedLoop(bareOp, { concurrency, maxOps, seconds, firstSeq: 0 });
    options.note(`accept ${kind}: ${accept.count} accepted, ${bare.count} bare inserts`);
    return [
      { name: `accept ${kind} events/s`, value: round(accept.perSecond), unit: 'events/s', target: { op: '>=', value: kind === 'postgres' ? 2000 : 500 } },
      { name: `accept ${kind} p50`, value: round(accept.p50, 2), unit: 'ms' },
      { name: `accept ${kind} p99`, value: round(accept.p99, 2), unit: 'ms', target: { op: '<=', value: 25 } },
      { name: `bare ${kind} events/s`, value: round(bare.perSecond), unit: 'events/s' },
      { name: `bare ${kind} p50`, value: round(bare.p50, 2), unit: 'ms' },
      { name: `bare ${kind} p99`, value: round(bare.p99, 2), unit: 'ms' },
      { name: `accept/bare ${kind} throughput ratio`, value: round(accept.perSecond / bare.perSecond, 3), unit: 'x' },
      { name: `accept ${kind} concurrency`, value: concurrency, unit: 'workers' },
    ];
  } finally {
    await engine?.stop().catch(() => undefined);
    await bench.close();
  }
}

export async function benchAccept(options: BenchOptions): Promise<BenchResult[]> {
  const only = process.env.BENCH_ACCEPT_DATABASES?.split(',').map((s) => s.trim());
  const results: BenchResult[] = [];
  if (!only || only.includes('pglite')) results.push(...(await benchOne('pglite', options)));
  if (only && !only.includes('postgres')) return results;
  if (await postgresAvailable()) results.push(...(await benchOne('postgres', options)));
  else options.note('accept postgres: skipped, no Postgres answers at BENCH_DATABASE_URL');
  return results;
}
