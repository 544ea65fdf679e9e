/**
 * One order's history among 1,000,000 communications: engine.history.forOrder for random orders.
 *
 * The rows are bulk-loaded with generate_series (an INSERT … SELECT per chunk, each communication
 * with its queued → sending → sent events) straight into the engine's tables: 10 stores,
 * 200,000 orders, 5 documents per order. Then ANALYZE, a warm-up, and timed look-ups.
 * Loading is bounded by a time budget per database; a database that cannot load the rows in it
 * (PGlite is slower at bulk writes) is reported as such instead of timed on a smaller table.
 */
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@exstream-connect/db';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { openBenchDatabase, percentile, postgresAvailable, round, sortedCopy, SILENT_LOGGER, type BenchDatabase, type DatabaseKindName } from './bench-support.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';

const STORES = 10;
const DOCS_PER_ORDER = 5;
const ORDER_BASE = 5_500_000_000_000;

/** Rows [from, to] of the synthetic history; row g is document g % 5 of order g / 5. */
function loadChunkSql(from: number, to: number): string {
  return `
WITH ins AS (
  INSERT INTO "Communication" (id, "storeId", "businessKey", "orderRef", "orderNumber", "customerRef", "recipientHash", "recipientMasked",
    "documentType", channel, status, "exstreamCommunicationId", "templateVersion", "idempotencyKey", attempt, "exstreamJobId",
    "documentRef", "documentPath", "dataSha256", "sentAt", "createdAt", "updatedAt")
  SELECT gen_random_uuid(), ($1::uuid[])[1 + (g / ${DOCS_PER_ORDER}) % ${STORES}],
    'order:' || (g / ${DOCS_PER_ORDER}) || ':' || d.t || ':email', (${ORDER_BASE} + g / ${DOCS_PER_ORDER})::text, '#' || (1000 + g / ${DOCS_PER_ORDER}),
    'cust-' || ((g / ${DOCS_PER_ORDER}) % 50000), md5('cust' || ((g / ${DOCS_PER_ORDER}) % 50000)), 'c***@example.com',
    d.t, 'email', 'sent', 'comm-' || d.t, '1', 'exc-bench-' || md5(g::text), 1, 'job-' || g,
    'ref-' || g, 'bench/' || g || '.pdf', md5('data' || g) || md5(g::text), d.ts, d.ts, d.ts
  FROM generate_series(${from}, ${to}) AS g
  CROSS JOIN LATERAL (SELECT (ARRAY['order_confirmation','invoice','shipping_notice','refund_confirmation','return_update'])[1 + g % ${DOCS_PER_ORDER}] AS t,
    timestamp '2026-01-01' + (g / ${DOCS_PER_ORDER}) * interval '20 seconds' + (g % ${DOCS_PER_ORDER}) * interval '1 hour' AS ts) AS d
  RETURNING id, "storeId", "createdAt")
INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at)
SELECT ins."storeId", ins.id, v.status::"CommunicationStatus", v.source, NULL, ins."createdAt" + v.offset_ms * interval '1 millisecond'
FROM ins CROSS JOIN (VALUES ('queued', 'planner', 0), ('sending', 'worker', 15), ('sent', 'worker', 320)) AS v(status, source, offset_ms)`;
}

async function benchOne(kind: DatabaseKindName, options: BenchOptions): Promise<BenchResult[]> {
  const rowsWanted = options.quick ? 50_000 : Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
  const budgetSeconds = Number(process.env[`BENCH_HISTORY_LOAD_BUDGET_${kind.toUpperCase()}`] ?? (kind === 'postgres' ? 900 : 420));
  const lookups = options.quick ? 300 : 3_000;
  const chunk = 50_000;
  const bench: BenchDatabase = await openBenchDatabase(kind);
  let engine: Engine | null = null;
  try {
    const { db } = bench;
    engine = await createEngine({ db, secretBox: createSecretBox(randomBytes(32)), logger: SILENT_LOGGER, documentsDir: `${bench.dir}/documents` });
    const stores = [];
    for (let i = 0; i < STORES; i += 1) stores.push(await engine.stores.ensureShopifyShop(`bench-history-${i}.myshopify.com`));
    const storeIds = stores.map((s) => s.id);

    const loadStart = performance.now();
    let loaded = 0;
    while (loaded < rowsWanted && performance.now() - loadStart < budgetSeconds * 1000) {
      const to = Math.min(rowsWanted, loaded + chunk) - 1;
      await db.sql.query(loadChunkSql(loaded, to), [storeIds]);
      loaded = to + 1;
      if (loaded % 200_000 === 0) options.note(`history ${kind}: ${loaded} communications loaded in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const loadResults: BenchResult[] = [
      { name: `history ${kind} communications loaded`, value: loaded, unit: 'rows', target: { op: '>=', value: rowsWanted } },
      { name: `history ${kind} load seconds`, value: round(loadSeconds), unit: 's' },
    ];
    if (loaded < rowsWanted) {
      options.note(`history ${kind}: only ${loaded} of ${rowsWanted} communications loaded within ${budgetSeconds} s; look-ups not timed`);
      return loadResults;
    }
    await db.sql.exec('ANALYZE "Communication"; ANALYZE "CommunicationEvent"');

    const orders = Math.floor(loaded / DOCS_PER_ORDER);
    let seed = 12345;
    const randomOrder = () => {
      // A seeded LCG: the same orders are looked up on every run.
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % orders;
    };
    const history = engine.history;
    const lookup = async () => {
      const o = randomOrder();
      const entries = await history.forOrder({ id: storeIds[o % STORES]! }, String(ORDER_BASE + o));
      if (entries.length !== DOCS_PER_ORDER || entries[0]!.statusHistory.length !== 3) throw new Error(`bench: order ${o} returned ${entries.length} entries`);
    };
    for (let i = 0; i < 100; i += 1) await lookup();
    const latencies: number[] = [];
    const until = performance.now() + (options.quick ? 20 : 90) * 1000;
    while (latencies.length < lookups && performance.now() < until) {
      const t0 = performance.now();
      await lookup();
      latencies.push(performance.now() - t0);
    }
    const sorted = sortedCopy(latencies);
    options.note(`history ${kind}: ${latencies.length} look-ups among ${loaded} communications (${orders} orders, ${STORES} stores)`);
    return [
      ...loadResults,
      { name: `history ${kind} forOrder p50`, value: round(percentile(sorted, 50), 2), unit: 'ms' },
      { name: `history ${kind} forOrder p99`, value: round(percentile(sorted, 99), 2), unit: 'ms', target: { op: '<=', value: 20 } },
    ];
  } finally {
    await engine?.stop().catch(() => undefined);
    await bench.close();
  }
}

export async function benchHistory(options: BenchOptions): Promise<BenchResult[]> {
  const only = process.env.BENCH_HISTORY_DATABASES?.split(',').map((s) => s.trim()) as DatabaseKindName[] | undefined;
  const kinds: DatabaseKindName[] = only ?? ((await postgresAvailable()) ? ['postgres', 'pglite'] : ['pglite']);
  const results: BenchResult[] = [];
  for (const kind of kinds) results.push(...(await benchOne(kind, options)));
  return results;
}
