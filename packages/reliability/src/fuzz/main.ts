import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seedFrom } from '../create-prng.ts';
import { startLocalProduct, LOCAL_SECRETS } from '../start-local-product.ts';
import { checkStoredWebhooks } from './check-stored-webhooks.ts';
import { runFuzz } from './run-fuzz.ts';
import { printFuzzSummary } from './print-fuzz-summary.ts';

/**
 * `npm run fuzz [-- --count 10000 --seed 123]`: the full fuzz run against the product started on
 * PGlite in a child process. Exit code 1 on any failure; the seed is printed to reproduce.
 */
async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const count = Number(flag('count') ?? process.env.FUZZ_COUNT ?? 10_000);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error('--count must be an integer 1..1000000');
  const seed = seedFrom(flag('seed') ?? process.env.FUZZ_SEED);
  console.log(`fuzz: ${count} requests, seed ${seed} (reproduce with --seed ${seed})`);
  const product = await startLocalProduct('fuzz');
  let failed: boolean;
  try {
    const summary = await runFuzz({
      product: {
        sidecarUrl: product.sidecarUrl,
        shopifyUrl: product.shopifyUrl,
        sandboxUrl: product.sandboxUrl,
        magento: { storeKey: LOCAL_SECRETS.magentoStoreKey, secret: LOCAL_SECRETS.magentoSecret },
        shopify: { shop: LOCAL_SECRETS.shop, apiSecret: LOCAL_SECRETS.shopifyApiSecret },
      },
      seed,
      count,
      deadline: Date.now() + 20 * 60_000,
      onProgress: (done) => {
        if (done % 1000 === 0) console.log(`  ${done}/${count}`);
      },
    });
    const running = product.isRunning();
    // What the product stored for the webhooks it acknowledged, read once it has stopped.
    await product.stop();
    const stored = await checkStoredWebhooks(product.dataDir, LOCAL_SECRETS.shop, summary);
    summary.failures.push(...stored.failures);
    printFuzzSummary(summary, (line) => console.log(line), stored);
    // Every failure with its reproduction data, and the product's log, kept as artifacts.
    const artifacts = path.resolve('test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(path.join(artifacts, 'fuzz-summary.json'), JSON.stringify(summary, null, 2));
    copyFileSync(product.logFile, path.join(artifacts, 'fuzz-product.log'));
    console.log(`details: ${path.join(artifacts, 'fuzz-summary.json')}, product log: ${path.join(artifacts, 'fuzz-product.log')}`);
    failed = summary.failures.length > 0 || !summary.healthyAfter || !running || summary.sent < count;
  } finally {
    await product.cleanup();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
