import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase, testDatabaseTargets } from '@exstream-connect/db/testing';
import { createEngine, type AccountStatementInput, type Engine, type StoreInfo } from '../src/index.ts';
import { startSandboxProcess, type SandboxProcess } from './helpers/sandbox-process.ts';
import { STATEMENT_RULE, statementAccounts } from './helpers/statement-fixtures.ts';

/**
 * Memory of a statement run must not grow with the number of accounts. What is measured: the live
 * JS heap (heapUsed right after a full GC), sampled while the run streams and after it. Not RSS:
 * V8 sizes its young generation by allocation rate, so RSS tracks throughput, not retention (see
 * README, Statements). The sandbox runs in a child process, because it keeps every record it
 * receives, and the database work of PGlite lives in WASM memory outside the JS heap.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const liveHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** The accounts, with the live heap sampled every `every` accounts, from inside the stream. */
async function* sampled(count: number, periodEnd: string, every: number, samples: number[]): AsyncGenerator<AccountStatementInput> {
  let i = 0;
  for await (const account of statementAccounts(count, periodEnd)) {
    yield account;
    if (++i % every === 0) samples.push(liveHeap());
  }
}

const MB = 1024 * 1024;
// The heaviest database the environment offers: Postgres when configured, else PGlite.
const target = testDatabaseTargets().at(-1)!;

describe(`statement run memory on ${target.name}`, () => {
  let db: Database;
  let sandbox: SandboxProcess;
  let engine: Engine;
  let store: StoreInfo;
  const run = (count: number, periodEnd: string, every: number, samples: number[]) =>
    engine.runStatements(store, { periodEnd: new Date(`${periodEnd}T12:00:00Z`), accounts: sampled(count, periodEnd, every, samples) });

  beforeAll(async () => {
    db = await createTestDatabase(target);
    sandbox = await startSandboxProcess({ batch: { startAfterMs: 10, completeAfterMs: 50 } });
    engine = await createEngine({ db, secretBox: createSecretBox(randomBytes(32)), batchPolling: { intervalMs: 100, timeoutMs: 120_000 } });
    store = await engine.stores.registerMagentoStore({ storeKey: 'memory-b2b', signingSecret: 'a-long-enough-secret', name: 'Memory B2B' });
    const connection = { baseUrl: sandbox.url, domain: sandbox.domain, tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret', serviceNames: { statements: 'statements' } };
    await engine.settings.update(store, { connection, rules: [STATEMENT_RULE] });
  });
  afterAll(async () => {
    await engine?.stop();
    await sandbox?.close();
    await db?.close();
  });

  it('the live heap of a 20,000-account run is that of a 2,000-account run, during and after', async () => {
    // Warm-up: compiled code, prepared statements, caches and the Exstream token exist once.
    await run(2_000, '2026-01-31', 1_000, []);
    const before = liveHeap();
    const small: number[] = [];
    const smallResult = await run(2_000, '2026-02-28', 250, small);
    const afterSmall = liveHeap();
    const large: number[] = [];
    const largeResult = await run(20_000, '2026-03-31', 2_000, large);
    const afterLarge = liveHeap();
    expect([smallResult.queued, largeResult.queued, largeResult.jobStatus]).toEqual([2_000, 20_000, 'complete']);

    // What holding even a fifth of each extra account would cost: its document is ~1.5 KB of JSON
    // streamed once and a row written once, so 18,000 more accounts are ~25 MB of document text.
    const row = await db.prisma.communication.findFirstOrThrow({ where: { storeId: store.id }, select: { documentData: true } });
    const perAccount = JSON.stringify(row.documentData).length;
    const bound = 0.2 * 18_000 * perAccount;
    const report = { perAccount, boundMb: bound / MB, before: before / MB, small: small.map((s) => s / MB), afterSmall: afterSmall / MB, large: large.map((s) => s / MB), afterLarge: afterLarge / MB };
    // Printed so a reader sees the figures, not only the verdict.
    console.info(`statement memory (MB): ${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);

    expect(perAccount).toBeGreaterThan(1_000);
    // While streaming: from the 2,000th to the 20,000th account the live heap stays level...
    expect(large.at(-1)! - large[0]!).toBeLessThan(bound);
    expect(Math.max(...large) - Math.min(...large)).toBeLessThan(bound);
    // ...no higher than in a run a tenth the size...
    expect(Math.max(...large) - Math.max(...small)).toBeLessThan(bound);
    // ...and nothing of either run is left once it is done.
    expect(afterLarge - afterSmall).toBeLessThan(bound);
    expect(afterSmall - before).toBeLessThan(bound);
  });
});
