import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createQueue, createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase, testDatabaseTargets, type TestDatabaseTarget } from '@exstream-connect/db/testing';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { createEngine, type Engine } from '../src/index.ts';
import { QUEUES } from '../src/engine-context.ts';
import { HEARTBEAT_SECONDS } from '../src/queue-policy.ts';
import { eventually, sandboxConnection, sandboxJobsFor } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, shopifyOrder } from './helpers/shopify-fixtures.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./helpers/delivery-worker-process.ts', import.meta.url));

/**
 * A real worker process, SIGKILLed between the Exstream call and the record of a delivery; then a
 * new worker (this process) takes over. PGlite has one connection per process, so on PGlite the
 * database is a folder that the parent closes while the child owns it and reopens after the kill
 * (Postgres crash recovery inside PGlite); on Postgres both use the server at the same time.
 */
for (const target of testDatabaseTargets()) {
  describe(`a worker process killed mid-delivery on ${target.name}`, () => {
    let sandbox: Sandbox;
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'engine-crash-'));
      sandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'sandbox') });
    });
    afterAll(async () => {
      await sandbox?.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** One scenario's database, reopenable after the child is killed (a folder on PGlite). */
    async function scenarioDatabase(name: string): Promise<{ open(): Promise<Database>; url: string; cleanup(): Promise<void> }> {
      if (target.name === 'pglite') {
        const url = `file:${path.join(dir, name, 'pglite')}`;
        return { open: () => createDatabase({ url }), url, cleanup: async () => undefined };
      }
      // Its close() drops the database; the scenario closes it once, at the end.
      const db = await createTestDatabase(target as TestDatabaseTarget);
      return { open: async () => db, url: db.url!, cleanup: async () => undefined };
    }

    /** Runs the worker process until it reports the Exstream call, then SIGKILLs it. */
    async function runChildUntilCalled(url: string, key: Buffer, retryLimit: number): Promise<string> {
      const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', WORKER_SCRIPT], {
        env: { ...process.env, WORKER_DATABASE_URL: url, WORKER_SECRET_KEY: key.toString('hex'), WORKER_DOCUMENTS_DIR: path.join(dir, 'child-documents'), WORKER_RETRY_LIMIT: String(retryLimit) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let errors = '';
      child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      try {
        return await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the worker process never called Exstream: ${errors.slice(-2000)}`)), 240_000);
          child.stdout!.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const match = /CALLED (\S+)/.exec(output);
            if (match) {
              clearTimeout(timer);
              resolve(match[1]!);
            }
          });
          child.on('exit', (code) => reject(new Error(`the worker process exited (${code}) before the call: ${errors.slice(-2000)}`)));
        });
      } finally {
        // Killed while it holds the delivery: no catch, no finally, no record runs in it.
        child.kill('SIGKILL');
        await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      }
    }

    /** The killed worker's heartbeat lapses (time travel, not a wait) and the supervisor sees it. */
    async function lapseHeartbeat(db: Database, communicationId: string) {
      const moved = await db.prisma.$executeRawUnsafe(
        `UPDATE pgboss.job SET heartbeat_on = heartbeat_on - make_interval(secs => $2), started_on = started_on - make_interval(secs => $2)
         WHERE name = $3 AND state = 'active' AND data->>'communicationId' = $1`,
        communicationId,
        HEARTBEAT_SECONDS + 5,
        QUEUES.deliver,
      );
      expect(moved).toBe(1);
      const boss = await createQueue(db, { supervise: false });
      try {
        await boss.supervise(QUEUES.deliver);
      } finally {
        await boss.stop({ graceful: false });
      }
    }

    async function setUp(db: Database, key: Buffer, domain: string, orderId: number) {
      const engine = await createEngine({ db, secretBox: createSecretBox(key), documentsDir: path.join(dir, 'documents'), delivery: { sweepIntervalSeconds: 0 } });
      const store = await engine.stores.ensureShopifyShop(domain);
      await engine.settings.update(store, { connection: sandboxConnection(sandbox), rules: LIFECYCLE_RULES });
      await engine.accept({ platform: 'shopify', storeKey: domain, eventId: `order-${orderId}`, topic: 'orders/create', payload: shopifyOrder(orderId) });
      await engine.stop();
      return store;
    }

    const restart = (db: Database, key: Buffer): Promise<Engine> =>
      createEngine({ db, secretBox: createSecretBox(key), documentsDir: path.join(dir, 'documents'), pollIntervalMs: 100, delivery: { retryLimit: 3, retryDelaySeconds: 1, retryDelayMaxSeconds: 2, sweepIntervalSeconds: 0 } });

    it('GIVEN the worker is killed after Exstream produced the document WHEN another worker takes the job over THEN there is one request and one document', async () => {
      const key = randomBytes(32);
      const scenario = await scenarioDatabase('retry');
      let db = await scenario.open();
      let engine: Engine | null = null;
      try {
        const store = await setUp(db, key, 'killed.myshopify.com', 5100000000001);
        if (target.name === 'pglite') await db.close();
        const communicationId = await runChildUntilCalled(scenario.url, key, 3);
        if (target.name === 'pglite') db = await scenario.open();
        const row = await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });
        expect(row.status).toBe('sending');
        expect(sandbox.receivedByIdempotencyKey()[row.idempotencyKey]).toBe(1);

        await lapseHeartbeat(db, communicationId);
        engine = await restart(db, key);
        await engine.startWorker();
        const sent = await eventually(async () => {
          const r = await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });
          return r.status === 'sent' ? r : null;
        }, { timeoutMs: 60_000, what: 'the killed delivery to be recorded by the new worker' });
        expect(sandbox.receivedByIdempotencyKey()[row.idempotencyKey]).toBe(1);
        expect(sandbox.countByIdempotencyKey()[row.idempotencyKey]).toBe(1);
        const [job] = await sandboxJobsFor(sandbox, row.idempotencyKey);
        expect(sent.exstreamJobId).toBe(job!.id);
        expect(await db.prisma.communication.count({ where: { storeId: store.id } })).toBe(1);
        const sources = (await engine.history.forOrder(store, '5100000000001'))[0]!.statusHistory.map((s) => s.source);
        expect(sources).toContain('reconcile');
      } finally {
        await engine?.stop();
        await db.close();
        await scenario.cleanup();
      }
    }, 420_000);

    it('GIVEN the worker is killed on the last attempt THEN the dead letter fails the row, and retryFailed records it without a second request', async () => {
      const key = randomBytes(32);
      const scenario = await scenarioDatabase('last-attempt');
      let db = await scenario.open();
      let engine: Engine | null = null;
      try {
        const store = await setUp(db, key, 'killed-last.myshopify.com', 5100000000002);
        if (target.name === 'pglite') await db.close();
        // retryLimit 0: the only attempt is the last one.
        const communicationId = await runChildUntilCalled(scenario.url, key, 0);
        if (target.name === 'pglite') db = await scenario.open();
        const { idempotencyKey } = await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });

        await lapseHeartbeat(db, communicationId);
        engine = await restart(db, key);
        await engine.startWorker();
        // pg-boss moved the job to engine-deliver-dead; the row is still `sending`
        expect((await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } })).status).toBe('sending');
        const report = await engine.maintenance.recoverLostDeliveries();
        expect(report.deadLettersFailed).toBe(1);
        const failed = await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });
        expect(failed.status).toBe('failed');
        expect(failed.lastError).toBe('delivery job lost after 1 attempts (job heartbeat timeout)');

        await engine.retryFailed(store, communicationId);
        await eventually(async () => ((await db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } })).status === 'sent' ? true : null), {
          timeoutMs: 60_000,
          what: 'the re-triggered delivery to be sent',
        });
        expect(sandbox.receivedByIdempotencyKey()[idempotencyKey]).toBe(1);
        expect(sandbox.countByIdempotencyKey()[idempotencyKey]).toBe(1);
      } finally {
        await engine?.stop();
        await db.close();
        await scenario.cleanup();
      }
    }, 420_000);
  });
}
