import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStoredWebhooks, type StoredWebhookCheck } from '../src/fuzz/check-stored-webhooks.ts';
import { runFuzz, type FuzzSummary } from '../src/fuzz/run-fuzz.ts';
import { LOCAL_SECRETS, startLocalProduct, type LocalProduct } from '../src/start-local-product.ts';

/**
 * A fixed-seed subset of the fuzz run (`npm run fuzz` sends 10,000): 1,200 generated malformed
 * requests (wrong types, missing fields, huge strings, deep nesting, NUL characters, invalid
 * UTF-8, wrong content types, oversize and truncated bodies...) with VALID signatures, against
 * both intakes and both settings APIs of the product started by scripts/start.ts on PGlite.
 * Reproduce a failure with `npm run fuzz -w @exstream-connect/reliability -- --seed 20261201 --count 1200`.
 */
const SEED = 20261201;
const COUNT = 1200;

let product: LocalProduct;
let summary: FuzzSummary;
let runningAfter = false;
let stored: StoredWebhookCheck;

beforeAll(async () => {
  product = await startLocalProduct('fuzz-test');
  summary = await runFuzz({
    product: {
      sidecarUrl: product.sidecarUrl,
      shopifyUrl: product.shopifyUrl,
      sandboxUrl: product.sandboxUrl,
      magento: { storeKey: LOCAL_SECRETS.magentoStoreKey, secret: LOCAL_SECRETS.magentoSecret },
      shopify: { shop: LOCAL_SECRETS.shop, apiSecret: LOCAL_SECRETS.shopifyApiSecret },
    },
    seed: SEED,
    count: COUNT,
    deadline: Date.now() + 150_000,
  });
  runningAfter = product.isRunning();
  // The product's own records of the webhooks it acknowledged, read once it stopped (PGlite has one owner).
  await product.stop();
  stored = await checkStoredWebhooks(product.dataDir, LOCAL_SECRETS.shop, summary);
}, 300_000);

afterAll(async () => {
  await product?.cleanup();
});

const failuresOf = (target: string, kind: 'server' | 'unnamed') =>
  summary.failures
    .filter((f) => f.target === target && (kind === 'server' ? f.status === null || f.status >= 500 : f.status !== null && f.status < 500))
    .map((f) => `#${f.index} ${f.category} [${f.note}] → ${f.status}: ${f.problem}`);

describe(`fuzz, seed ${SEED}`, () => {
  it('sent every generated request and reached all four targets', () => {
    expect(summary.sent).toBe(COUNT);
    expect(summary.unreachable).toEqual([]);
    expect(summary.targets).toHaveLength(4);
  });

  it('the product is still running and healthy afterwards (no crash)', () => {
    expect(runningAfter).toBe(true);
    expect(summary.healthyAfter).toBe(true);
  });

  it('most malformed requests are refused with a 4xx (the generator really produces bad input)', () => {
    const fourXx = Object.values(summary.statuses).reduce((sum, byStatus) => sum + Object.entries(byStatus).filter(([s]) => s.startsWith('4')).reduce((a, [, n]) => a + n, 0), 0);
    expect(fourXx).toBeGreaterThan(COUNT / 2);
  });

  it('sidecar PUT /v1/settings: every 4xx names the problem', () => {
    expect(failuresOf('sidecar-settings', 'unnamed')).toEqual([]);
  });

  it('sidecar POST /v1/events: every 4xx names the problem', () => {
    expect(failuresOf('sidecar-events', 'unnamed')).toEqual([]);
  });

  // Regression guards for the bugs this fuzzer found (NUL characters and lone surrogates reaching
  // Postgres, out-of-range amounts, 20,000-level nesting, non-form settings bodies, empty 4xx
  // bodies from the webhook library): each was a 5xx or an unexplained 4xx before its fix.
  it('sidecar POST /v1/events: no 5xx', () => {
    expect(failuresOf('sidecar-events', 'server')).toEqual([]);
  });
  it('sidecar PUT /v1/settings: no 5xx', () => {
    expect(failuresOf('sidecar-settings', 'server')).toEqual([]);
  });
  it('Shopify webhooks: no 5xx', () => {
    expect(failuresOf('shopify-webhook', 'server')).toEqual([]);
  });
  it('Shopify webhooks: every 4xx names the problem in a JSON error', () => {
    expect(failuresOf('shopify-webhook', 'unnamed')).toEqual([]);
  });
  it('Shopify settings action: no 5xx', () => {
    expect(failuresOf('shopify-settings', 'server')).toEqual([]);
  });
  it('Shopify settings action: every 4xx names the problem', () => {
    expect(failuresOf('shopify-settings', 'unnamed')).toEqual([]);
  });

  // Shopify gets 200 for a signed payload the mapper refuses (a retry could never succeed): the
  // answer cannot name the problem, so the stored rejected event must (engine.inbound.listRejected).
  it('Shopify webhooks answered 200: each rejected one is stored with a reason naming its problem, each other one as an event', () => {
    expect(summary.webhooksRejected.length).toBeGreaterThan(20);
    expect(summary.webhooksAccepted.length).toBeGreaterThan(20);
    expect(stored.failures.map((f) => `#${f.index} ${f.category} [${f.note}]: ${f.problem}`)).toEqual([]);
    expect(stored.rejectedStored).toBe(summary.webhooksRejected.length);
    expect(stored.acceptedStored).toBe(summary.webhooksAccepted.length);
  });
});
