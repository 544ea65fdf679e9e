import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueue, createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase, testDatabaseTargets } from '@exstream-connect/db/testing';
import { createEngine, type Engine } from '../src/index.ts';
import { QUEUES } from '../src/engine-context.ts';
import { DELIVER_EXPIRE_SECONDS, HEARTBEAT_SECONDS } from '../src/queue-policy.ts';
import { startWorkerLoop, type QueueJob } from '../src/run-worker.ts';
import { eventually } from './helpers/engine-harness.ts';

const ENGINE_QUEUES = [QUEUES.inbound, QUEUES.deliver, QUEUES.feedback, QUEUES.writeBack];

for (const target of testDatabaseTargets()) {
  describe(`crash recovery of queued work on ${target.name}`, () => {
    let db: Database | null = null;
    let engine: Engine | null = null;
    afterEach(async () => {
      await engine?.stop();
      await db?.close();
      engine = null;
      db = null;
    });

    const start = async (database: Database) =>
      createEngine({ db: database, secretBox: createSecretBox(randomBytes(32)), pollIntervalMs: 100 });

    it('gives every work queue a heartbeat and a short expiry (not pg-boss’s 15 minutes)', async () => {
      db = await createTestDatabase(target);
      engine = await start(db);
      const boss = await createQueue(db, { supervise: false });
      try {
        for (const name of ENGINE_QUEUES) {
          const queue = await boss.getQueue(name);
          expect(queue?.heartbeatSeconds, name).toBe(HEARTBEAT_SECONDS);
          expect(queue?.expireInSeconds, name).toBeLessThanOrEqual(300);
        }
        // The delivery expiry leaves room for a reconcile lookup plus one more call (2 × 65 s).
        expect((await boss.getQueue(QUEUES.deliver))?.expireInSeconds).toBe(DELIVER_EXPIRE_SECONDS);
        expect(DELIVER_EXPIRE_SECONDS).toBeGreaterThan(2 * 65);
      } finally {
        await boss.stop({ graceful: false });
      }
    });

    it('updates queues created by an older engine (default expiry, no heartbeat)', async () => {
      db = await createTestDatabase(target);
      // GIVEN the queues as an older engine created them
      const old = await createQueue(db, { supervise: false });
      await old.createQueue(QUEUES.deliverDead);
      await old.createQueue(QUEUES.writeBackDead);
      for (const name of ENGINE_QUEUES) await old.createQueue(name, { retryLimit: 5 });
      expect((await old.getQueue(QUEUES.deliver))?.expireInSeconds).toBe(900);
      await old.stop({ graceful: false });
      // WHEN the new engine starts
      engine = await start(db);
      // THEN they carry the new options
      const boss = await createQueue(db, { supervise: false });
      try {
        for (const name of ENGINE_QUEUES) {
          const queue = await boss.getQueue(name);
          expect(queue?.heartbeatSeconds, name).toBe(HEARTBEAT_SECONDS);
          expect(queue?.expireInSeconds, name).toBeLessThanOrEqual(300);
        }
        expect((await boss.getQueue(QUEUES.deliver))?.deadLetter).toBe(QUEUES.deliverDead);
      } finally {
        await boss.stop({ graceful: false });
      }
    });

    it('retries a job whose worker died once its heartbeat lapses', async () => {
      db = await createTestDatabase(target);
      engine = await start(db);
      const boss = await createQueue(db, { supervise: false });
      try {
        // GIVEN a worker fetched a delivery job and was SIGKILLed (it never completes nor touches it)
        const id = await boss.send(QUEUES.writeBack, { storeId: 'x', kind: 'order_summary' });
        const [job] = await boss.fetch(QUEUES.writeBack);
        expect(job?.id).toBe(id);
        // AND its last heartbeat is a little older than the heartbeat interval (time travel, not a wait)
        await db.prisma.$executeRawUnsafe(
          `UPDATE pgboss.job SET heartbeat_on = heartbeat_on - make_interval(secs => $2), started_on = started_on - make_interval(secs => $2) WHERE id = $1::uuid`,
          id,
          HEARTBEAT_SECONDS + 1,
        );
        // WHEN the supervisor runs
        await boss.supervise(QUEUES.writeBack);
        // THEN the job is back for another worker
        const [after] = await boss.findJobs(QUEUES.writeBack, { id: id! });
        expect(after?.state).toBe('retry');
      } finally {
        await boss.stop({ graceful: false });
      }
    });
  });
}

describe('worker heartbeat', () => {
  it('touches the jobs in hand until they finish', async () => {
    const touched: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let served = false;
    const boss = {
      fetch: async () => {
        if (served) return [];
        served = true;
        return [{ id: 'job-1', retryCount: 0, retryLimit: 1, data: {} } satisfies QueueJob];
      },
      touch: async (_name: string, attempts: Array<{ id: string }>) => {
        touched.push(...attempts.map((a) => a.id));
        return { jobs: [], requested: 0, affected: 0 };
      },
      complete: async () => ({ jobs: [], requested: 0, affected: 0 }),
      fail: async () => ({ jobs: [], requested: 0, affected: 0 }),
    };
    const loop = startWorkerLoop(
      { boss: boss as never, logger: { debug() {}, info() {}, warn() {}, error() {} } },
      [{ name: 'q', concurrency: 2, handler: async () => (await held, 'done') }],
      { pollIntervalMs: 10, heartbeatRefreshMs: 10 },
    );
    await eventually(async () => touched.length >= 2, { timeoutMs: 5_000, what: 'heartbeats' });
    expect(new Set(touched)).toEqual(new Set(['job-1']));
    release();
    await loop.stop();
    const count = touched.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(touched.length).toBe(count);
  });
});
