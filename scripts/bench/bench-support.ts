/**
 * What every benchmark shares: fresh databases (PGlite in a temp dir, or a throw-away database on
 * the local Postgres), percentiles, realistic payloads from the core fixtures, an RSS sampler.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, type Database } from '@exstream-connect/db';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type DatabaseKindName = 'pglite' | 'postgres';
export type BenchDatabase = { db: Database; kind: DatabaseKindName; dir: string; close(): Promise<void> };

export function postgresAdminUrl(): string {
  return process.env.BENCH_DATABASE_URL?.trim() || DEFAULT_POSTGRES_URL;
}

let postgresAnswers: Promise<boolean> | null = null;

/** Whether the benchmark Postgres answers (checked once, bounded by a 3 s timeout). */
export function postgresAvailable(): Promise<boolean> {
  postgresAnswers ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    const probe = (async () => {
      const admin = await createDatabase({ url: postgresAdminUrl(), migrate: false, poolSize: 1 });
      try {
        await admin.sql.query('SELECT 1');
        return true;
      } finally {
        await admin.close();
      }
    })().catch(() => false);
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 3_000);
    });
    const answered = await Promise.race([probe, timeout]);
    clearTimeout(timer);
    return answered;
  })();
  return postgresAnswers;
}

/**
 * A fresh, migrated database. PGlite lives in a temp dir (on disk, like production embedded use);
 * Postgres gets a new database on the BENCH_DATABASE_URL server, dropped by close().
 */
export async function openBenchDatabase(kind: DatabaseKindName, options: { poolSize?: number } = {}): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `bench-${kind}-`));
  if (kind === 'pglite') {
    const db = await createDatabase({ url: path.join(dir, 'pglite') });
    return {
      db,
      kind,
      dir,
      async close() {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = postgresAdminUrl();
  const name = `exstream_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await createDatabase({ url: adminUrl, migrate: false, poolSize: 1 });
  try {
    await admin.sql.exec(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDatabase({ url: url.toString(), poolSize: options.poolSize ?? 10 });
  return {
    db,
    kind,
    dir,
    async close() {
      await db.close();
      const dropper = await createDatabase({ url: adminUrl, migrate: false, poolSize: 1 });
      try {
        await dropper.sql.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Nearest-rank percentile of the first `count` values (sorted in place). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function sortedCopy(values: Float64Array | number[], count = values.length): Float64Array {
  const out = Float64Array.from(values.slice(0, count));
  out.sort();
  return out;
}

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A core fixture, parsed. */
export function readFixture(relative: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, 'packages', 'core', 'test', 'fixtures', relative), 'utf8')) as unknown;
}

type JsonObject = Record<string, unknown>;

export type WebhookTemplate = {
  platform: 'shopify' | 'magento';
  topic: string;
  /** The raw body as the platform sends it: what the signature covers. */
  rawBody: string;
};

/**
 * Real webhook bodies (Shopify REST payloads and Magento module envelopes from the core fixtures),
 * a realistic mix of order lifecycle topics.
 */
export function webhookTemplates(): WebhookTemplate[] {
  const shopify: Array<[string, string]> = [
    ['orders/create', 'shopify/orders-create.json'],
    ['orders/paid', 'shopify/orders-paid.json'],
    ['fulfillments/create', 'shopify/fulfillments-create.json'],
    ['refunds/create', 'shopify/refunds-create.json'],
  ];
  const magento: string[] = ['01-order-placed.json', '02-order-invoiced.json', '03-shipment-created.json', '05-creditmemo-created.json'];
  return [
    ...shopify.map(([topic, file]) => ({ platform: 'shopify' as const, topic, rawBody: JSON.stringify(readFixture(file)) })),
    ...magento.map((file) => {
      const envelope = readFixture(`magento/envelopes/${file}`) as JsonObject;
      return { platform: 'magento' as const, topic: String(envelope.event), rawBody: JSON.stringify(envelope) };
    }),
  ];
}

/**
 * Gives a parsed body its own identity: a new order (Shopify order id; Magento entity id and
 * increment id) so that every event is a distinct business fact, not a duplicate.
 */
export function makeUnique(platform: 'shopify' | 'magento', topic: string, payload: unknown, seq: number): { eventId: string; orderRef: string } {
  const body = payload as JsonObject;
  if (platform === 'shopify') {
    const orderId = 7_000_000_000_000 + seq;
    if (topic.startsWith('orders/')) {
      body.id = orderId;
      body.name = `#B${seq}`;
      body.order_number = seq;
    } else {
      body.id = 8_000_000_000_000 + seq;
      body.order_id = orderId;
    }
    return { eventId: `bench-evt-${seq}-${randomBytes(4).toString('hex')}`, orderRef: String(orderId) };
  }
  const increment = `B${String(seq).padStart(9, '0')}`;
  const eventId = `bench:${topic}:${seq}:${randomBytes(4).toString('hex')}`;
  body.id = eventId;
  const entity = body.entity as JsonObject | undefined;
  const order = (body.order as JsonObject | undefined) ?? (topic.startsWith('order.') ? entity : undefined);
  if (order) {
    order.entity_id = 1_000_000 + seq;
    order.increment_id = increment;
  }
  if (entity && entity !== order) {
    entity.entity_id = 2_000_000 + seq;
    entity.order_id = 1_000_000 + seq;
    if ('order_increment_id' in entity) entity.order_increment_id = increment;
  }
  return { eventId, orderRef: increment };
}

/** Samples this process's RSS every `intervalMs`; peak() is the highest sample (MB). */
export function startRssSampler(intervalMs = 100) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    peakMb: () => Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024,
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024;
    },
  };
}

export const SILENT_LOGGER = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The engine's connection settings for a sandbox. */
export function sandboxConnection(sandbox: { url: string; domain: string; tokenUrl: string }, extra: Record<string, unknown> = {}) {
  return {
    baseUrl: sandbox.url,
    domain: sandbox.domain,
    tokenUrl: sandbox.tokenUrl,
    clientId: 'sandbox',
    clientSecret: 'sandbox-secret',
    defaultCommunicationId: 'comm-default',
    ...extra,
  };
}
