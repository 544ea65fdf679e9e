import { pathToFileURL } from 'node:url';
import { startSandbox } from '@exstream-connect/exstream-sandbox';
import { createExstreamClient } from '../src/index.ts';

export type BenchResult = { name: string; value: number; unit: string };

/** Latin-1 only: the cheapest document (a small font subset). */
const LATIN_DATA = {
  documentType: 'order_confirmation',
  brand: 'Acme',
  locale: 'en-US',
  currency: 'USD',
  recipient: { name: 'Ada Lovelace', email: 'ada@example.com' },
  lines: [
    { sku: 'TEA-1', name: 'Teapot', quantity: 1, unitPrice: 24.5, total: 24.5 },
    { sku: 'CUP-2', name: 'Cup', quantity: 4, unitPrice: 6, total: 24 },
  ],
  totals: { subtotal: 48.5, tax: 3.88, grandTotal: 52.38 },
  delivery: { channel: 'email' },
  meta: { communicationId: 'bench', templateVersion: '1', idempotencyKey: 'bench' },
};

/** Polish, Greek and Cyrillic names and lines: more glyphs in the embedded font subset. */
const NON_LATIN_DATA = {
  ...LATIN_DATA,
  brand: 'Zielony Sklep',
  locale: 'pl-PL',
  currency: 'PLN',
  recipient: { name: 'Łukasz Żółć', email: 'lukasz@example.com' },
  shippingAddress: { firstName: 'Ελένη', lastName: 'Παπαδοπούλου', line1: 'Οδός Ερμού 5', city: 'Αθήνα', postalCode: '105 63', countryCode: 'GR' },
  lines: [
    { sku: 'TEA-1', name: 'Herbata zielona', quantity: 1, unitPrice: 24.5, total: 24.5 },
    { sku: 'CUP-2', name: 'Кружка Кириллица', quantity: 4, unitPrice: 6, total: 24 },
  ],
};

/** Runs `call` from `concurrency` loops for `seconds`; returns completed calls per second. */
async function measure(seconds: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let seq = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await call((seq += 1));
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/**
 * Client + sandbox round trips per second on loopback, both in this process: an authenticated on-demand
 * `generate` returning a PDF (the sandbox renders each one, with an embedded DejaVu subset), once for a
 * Latin-1 document and once for one with Polish, Greek and Cyrillic text; and `getVersion` (the client's own
 * overhead: token cache, headers, timeout signal, JSON parsing).
 */
export async function benchOnDemandRoundTrips(options: { seconds?: number; concurrency?: number } = {}): Promise<BenchResult[]> {
  const seconds = options.seconds ?? 5;
  const concurrency = options.concurrency ?? 8;
  const sandbox = await startSandbox({ port: 0, dataDir: null });
  try {
    const client = createExstreamClient({
      baseUrl: sandbox.url,
      domain: sandbox.domain,
      auth: { tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret' },
      timeoutMs: 60_000,
    });
    const run = `${Date.now().toString(36)}`;
    const generate = (data: unknown, label: string) => (i: number) =>
      client.generate({ communicationId: 'bench', driverDataSource: 'orders', data, accept: 'pdf', idempotencyKey: `bench-${run}-${label}-${i}` });
    const latin = generate(LATIN_DATA, 'latin');
    const nonLatin = generate(NON_LATIN_DATA, 'intl');
    // Warm up: first token, font loading, JIT.
    for (let i = 0; i < 5; i += 1) {
      await latin(-i - 1);
      await nonLatin(-i - 1);
    }
    const latinRate = await measure(seconds, concurrency, latin);
    const nonLatinRate = await measure(seconds, concurrency, nonLatin);
    const version = await measure(Math.max(1, seconds / 2), concurrency, () => client.getVersion());
    return [
      { name: `exstream client+sandbox on-demand generate (PDF, Latin-1 text) round trips, concurrency ${concurrency}`, value: Math.round(latinRate * 10) / 10, unit: 'req/s' },
      { name: `exstream client+sandbox on-demand generate (PDF, Polish/Greek/Cyrillic text) round trips, concurrency ${concurrency}`, value: Math.round(nonLatinRate * 10) / 10, unit: 'req/s' },
      { name: `exstream client+sandbox getVersion round trips, concurrency ${concurrency}`, value: Math.round(version), unit: 'req/s' },
    ];
  } finally {
    await sandbox.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  for (const r of await benchOnDemandRoundTrips({ seconds })) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
