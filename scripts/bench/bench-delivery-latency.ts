/**
 * Event accepted → Exstream request received, at a steady arrival rate (open loop: events arrive
 * on schedule whether or not the engine keeps up, like webhooks do).
 *
 * Each event is a new order (Shopify orders/create and Magento order.placed, alternating) that a
 * rule turns into one order confirmation. The latency of an event is the time from accept()
 * returning to the sandbox logging the on-demand request that carries its communication's
 * Idempotency-Key (Communication.inboundEventId links the two). The worker runs in this process;
 * the sandbox runs in this process too (as the issue asks: no delay), or with
 * BENCH_LATENCY_SANDBOX=process in a child process so its PDF rendering does not share the
 * engine's event loop.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSecretBox } from '@exstream-connect/db';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { startBenchSandbox, type BenchSandbox } from './bench-sandbox.ts';
import { makeUnique, openBenchDatabase, percentile, postgresAvailable, round, sandboxConnection, sleep, sortedCopy, SILENT_LOGGER, webhookTemplates, type BenchDatabase, type DatabaseKindName } from './bench-support.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';

const SHOP = 'bench-latency.myshopify.com';
const MAGENTO_KEY = 'bench-latency-magento';
const RULES = [{ eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-order-confirmation', templateVersion: '1' }];
/** Accepts in flight beyond this are shed (counted), so an overloaded run stays bounded in memory. */
const MAX_IN_FLIGHT = 2_000;

async function benchOne(kind: DatabaseKindName, options: BenchOptions): Promise<BenchResult[]> {
  const rate = Number(process.env.BENCH_LATENCY_RATE ?? 200);
  const seconds = options.quick ? 5 : Number(process.env.BENCH_LATENCY_SECONDS ?? 25);
  const drainSeconds = options.quick ? 20 : 90;
  const separateProcess = process.env.BENCH_LATENCY_SANDBOX === 'process';
  const bench: BenchDatabase = await openBenchDatabase(kind, { poolSize: 20 });
  let sandbox: BenchSandbox | null = null;
  let engine: Engine | null = null;
  try {
    sandbox = await startBenchSandbox({ separateProcess, maxRecordedRequests: Math.ceil(rate * seconds * 1.2) + 1_000, idempotencyCacheSize: 500 });
    // BENCH_LATENCY_RECORD_JOB_ID=0 turns off the job-id lookup after each send: its cost, measured apart.
    const recordJobId = process.env.BENCH_LATENCY_RECORD_JOB_ID !== '0';
    engine = await createEngine({ db: bench.db, secretBox: createSecretBox(randomBytes(32)), logger: SILENT_LOGGER, documentsDir: `${bench.dir}/documents`, delivery: { recordJobId } });
    const shop = await engine.stores.ensureShopifyShop(SHOP, { name: 'Bench Shop' });
    const magento = await engine.stores.registerMagentoStore({ storeKey: MAGENTO_KEY, signingSecret: 'bench-magento-secret-0123456789', name: 'Bench Magento' });
    for (const store of [shop, magento]) await engine.settings.update(store, { connection: sandboxConnection(sandbox), rules: RULES });
    await engine.startWorker();
    const templates = webhookTemplates().filter((t) => t.topic === 'orders/create' || t.topic === 'order.placed');
    const e = engine;

    const acceptedAt = new Map<string, number>();
    const acceptLatencies: number[] = [];
    let inFlight = 0;
    let shed = 0;
    let failed = 0;
    let firstError: string | null = null;
    const fire = (seq: number, scheduledAt: number) => {
      if (inFlight >= MAX_IN_FLIGHT) {
        shed += 1;
        return;
      }
      inFlight += 1;
      const template = templates[seq % templates.length]!;
      const payload = JSON.parse(template.rawBody) as unknown;
      const { eventId } = makeUnique(template.platform, template.topic, payload, seq);
      e.accept({ platform: template.platform, storeKey: template.platform === 'shopify' ? SHOP : MAGENTO_KEY, eventId, topic: template.topic, payload })
        .then((result) => {
          // Wall clock: the sandbox logs wall-clock times.
          acceptedAt.set(result.inboundEventId, Date.now());
          acceptLatencies.push(performance.now() - scheduledAt);
        })
        .catch((error: unknown) => {
          failed += 1;
          firstError ??= error instanceof Error ? error.message.slice(0, 300) : String(error);
        })
        .finally(() => {
          inFlight -= 1;
        });
    };

    // Warm up the whole path (token, JIT, PDF fonts) and let it drain before measuring.
    for (let i = 0; i < 10; i += 1) fire(50_000_000 + i, performance.now());
    await sleep(3_000);
    acceptedAt.clear();
    acceptLatencies.length = 0;
    const warmups = (await sandbox.requests()).filter((r) => r.idempotencyKey).map((r) => r.idempotencyKey);
    const ignore = new Set(warmups);

    options.note(`latency ${kind}: ${rate} events/s for ${seconds} s, sandbox ${sandbox.where}`);
    // This process runs the engine (and the sandbox unless it is out of process): a busy event loop
    // delays every stage, so its delay is reported beside the latencies.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const total = Math.round(rate * seconds);
    const t0 = performance.now();
    let next = 0;
    while (next < total && performance.now() - t0 < (seconds + 30) * 1000) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      for (; next < due; next += 1) fire(next, t0 + (next / rate) * 1000);
      await sleep(2);
    }
    const arrivalSeconds = (performance.now() - t0) / 1000;
    loopDelay.disable();

    // Drain: until every accepted event's request reached the sandbox, bounded in time.
    const drainUntil = performance.now() + drainSeconds * 1000;
    let received = 0;
    while (performance.now() < drainUntil) {
      if (inFlight === 0) {
        received = (await sandbox.requests()).filter((r) => r.idempotencyKey && r.path.includes('/inputs/ondemand/') && !ignore.has(r.idempotencyKey)).length;
        if (received >= acceptedAt.size) break;
      }
      await sleep(500);
    }

    const firstSeen = new Map<string, number>();
    for (const r of await sandbox.requests()) {
      if (r.idempotencyKey && r.path.includes('/inputs/ondemand/') && !firstSeen.has(r.idempotencyKey)) firstSeen.set(r.idempotencyKey, Date.parse(r.time));
    }
    // Where the time goes: accepted → planned (Communication row committed) → claimed (`sending`
    // committed) → request at the sandbox. Timestamps are this process's wall clock throughout.
    const rows = await bench.db.sql.query<{ inboundEventId: string; idempotencyKey: string; planned: string; claimed: string | null }>(
      `SELECT c."inboundEventId", c."idempotencyKey", to_char(c."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS planned,
              (SELECT to_char(min(e.at), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM "CommunicationEvent" e WHERE e."communicationId" = c.id AND e.status = 'sending') AS claimed
       FROM "Communication" c WHERE c."inboundEventId" IS NOT NULL`,
    );
    const latencies: number[] = [];
    const stages = { plan: [] as number[], claim: [] as number[], request: [] as number[] };
    for (const row of rows) {
      const accepted = acceptedAt.get(row.inboundEventId);
      const seen = firstSeen.get(row.idempotencyKey);
      if (accepted === undefined || seen === undefined) continue;
      latencies.push(Math.max(0, seen - accepted));
      const planned = Date.parse(row.planned);
      const claimed = row.claimed ? Date.parse(row.claimed) : Number.NaN;
      stages.plan.push(planned - accepted);
      if (Number.isFinite(claimed)) {
        stages.claim.push(claimed - planned);
        stages.request.push(seen - claimed);
      }
    }
    const stageP50 = (values: number[]) => round(percentile(sortedCopy(values), 50));
    const sorted = sortedCopy(latencies);
    const acceptSorted = sortedCopy(acceptLatencies);
    const missing = acceptedAt.size - latencies.length;
    options.note(`latency ${kind}: ${acceptedAt.size} accepted, ${latencies.length} requests matched, ${missing} not delivered within the drain window, ${shed} shed, ${failed} failed${firstError ? ` (first error: ${firstError})` : ''}`);
    const prefix = `accepted→request ${kind}`;
    return [
      { name: `${prefix} p50`, value: round(percentile(sorted, 50)), unit: 'ms', target: { op: '<=', value: 50 } },
      { name: `${prefix} p99`, value: round(percentile(sorted, 99)), unit: 'ms', target: { op: '<=', value: 250 } },
      { name: `${prefix} max`, value: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN), unit: 'ms' },
      { name: `${prefix} offered rate`, value: round(total / arrivalSeconds), unit: 'events/s' },
      { name: `${prefix} delivered share`, value: round(acceptedAt.size ? (latencies.length / acceptedAt.size) * 100 : 0), unit: '%', target: { op: '>=', value: 100 } },
      { name: `${prefix} accept failures`, value: failed, unit: 'events', target: { op: '<=', value: 0 } },
      { name: `${prefix} accept p99 under load`, value: round(percentile(acceptSorted, 99)), unit: 'ms' },
      { name: `${prefix} stage p50 accepted→planned`, value: stageP50(stages.plan), unit: 'ms' },
      { name: `${prefix} stage p50 planned→claimed`, value: stageP50(stages.claim), unit: 'ms' },
      { name: `${prefix} stage p50 claimed→request`, value: stageP50(stages.request), unit: 'ms' },
      { name: `${prefix} event-loop delay p99 while offered`, value: round(loopDelay.percentile(99) / 1e6), unit: 'ms' },
      { name: `${prefix} event-loop delay max while offered`, value: round(loopDelay.max / 1e6), unit: 'ms' },
    ];
  } finally {
    await engine?.stop().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await bench.close();
  }
}

export async function benchDeliveryLatency(options: BenchOptions): Promise<BenchResult[]> {
  const kinds: DatabaseKindName[] = (await postgresAvailable()) ? ['postgres', 'pglite'] : ['pglite'];
  const only = process.env.BENCH_LATENCY_DATABASES?.split(',').map((s) => s.trim());
  const results: BenchResult[] = [];
  for (const kind of kinds) if (!only || only.includes(kind)) results.push(...(await benchOne(kind, options)));
  return results;
}
