import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  applyMigrations,
  createCommunicationRepository,
  createDatabase,
  createPreferenceRepository,
  createQueue,
  createSecretBox,
  createStoreRepository,
  DEFAULT_DATA_DIR,
  DEFAULT_MIGRATIONS_DIR,
  loadFeedbackSecret,
  loadSecretKey,
  MIGRATION_LOCK_KEY,
  resolvePgliteDir,
  sqlExecutor,
  transactionExecutor,
  type Database,
} from '../src/index.ts';
import { createTestDatabase, eventually, testDatabaseTargets } from '../src/testing.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A migrations folder: the committed ones plus extra ones written by the test. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ec-migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

for (const target of testDatabaseTargets()) {
  describe(`database on ${target.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await createTestDatabase(target);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('applies every committed migration from zero, and only once', async () => {
      expect(db.migrations.length).toBeGreaterThan(0);
      expect(db.migrations.every((m) => m.appliedNow)).toBe(true);
      const again = await applyMigrations(db);
      expect(again.map((m) => m.name)).toEqual(db.migrations.map((m) => m.name));
      expect(again.every((m) => !m.appliedNow)).toBe(true);
      const recorded = await db.sql.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(recorded.map((r) => r.migration_name)).toEqual(db.migrations.map((m) => m.name));
      const tables = await db.sql.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      const names = tables.map((t) => t.table_name);
      for (const table of ['Store', 'ExstreamConnection', 'TemplateRule', 'InboundEvent', 'Communication', 'CommunicationEvent', 'CustomerPreference', 'Session']) {
        expect(names).toContain(table);
      }
    });

    it('rolls a failing migration back on its own connection: no partial schema, no record, the database stays usable', async () => {
      const dir = await migrationsWith({
        '29991231000000_breaks_halfway': 'CREATE TABLE half_done (n int);\nSELECT * FROM no_such_table;\n',
      });
      try {
        await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/Migration 29991231000000_breaks_halfway failed/);
        const leftovers = await db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
        expect(leftovers).toEqual([]);
        expect(await db.sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29991231000000_breaks_halfway'`)).toEqual([]);
        // Without the ROLLBACK on the same connection this would fail with "current transaction is aborted" (PGlite)
        // or hand an aborted session back to the pool (Postgres); the lock must be released too.
        expect(await db.prisma.store.count()).toBeTypeOf('number');
        const [lockHolders] = await db.sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`,
          [MIGRATION_LOCK_KEY],
        );
        expect(lockHolders?.n).toBe(0);
        expect((await applyMigrations(db)).every((m) => !m.appliedNow)).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("scopes reads by store: store A's repository calls never return store B's rows", async () => {
      const stores = createStoreRepository(db.prisma);
      const a = await stores.upsert({ platform: 'shopify', externalKey: 'a.myshopify.com', name: 'A' });
      const b = await stores.upsert({ platform: 'magento', externalKey: 'https://b.example#default', name: 'B' });
      for (const store of [a, b]) {
        await db.prisma.communication.create({
          data: {
            storeId: store.id, businessKey: `k-${store.id}`, orderRef: '1001', customerRef: 'cust-1',
            documentType: 'order_confirmation', channel: 'email', idempotencyKey: `idem-${store.id}`,
          },
        });
      }
      const comms = createCommunicationRepository(db.prisma);
      const forA = await comms.listByOrder(a, '1001');
      expect(forA).toHaveLength(1);
      expect(forA[0]!.storeId).toBe(a.id);
      expect(await comms.listByCustomer(a, 'cust-1')).toHaveLength(1);
      const bRow = (await comms.listByOrder(b, '1001'))[0]!;
      expect(await comms.get(a, bRow.id)).toBeNull();
      expect((await comms.listRecent(a)).map((c) => c.storeId)).toEqual([a.id]);
    });

    it("scopes preferences by store: the same customer ref in two stores never mixes", async () => {
      const stores = createStoreRepository(db.prisma);
      const a = await stores.upsert({ platform: 'shopify', externalKey: 'prefs-a.myshopify.com', name: 'Prefs A' });
      const b = await stores.upsert({ platform: 'magento', externalKey: 'https://prefs-b.example#default', name: 'Prefs B' });
      const prefs = createPreferenceRepository(db.prisma);
      await prefs.set(a, { customerRef: 'cust-7', channel: 'email', state: 'opted_in', source: 'test' });
      await prefs.set(a, { customerRef: 'cust-7', channel: 'sms', state: 'opted_in', source: 'test' });
      await prefs.set(b, { customerRef: 'cust-7', channel: 'email', state: 'opted_out', source: 'test' });

      const forA = await prefs.listForCustomer(a, 'cust-7');
      expect(forA.map((p) => [p.storeId, p.channel, p.state]).sort()).toEqual([
        [a.id, 'email', 'opted_in'],
        [a.id, 'sms', 'opted_in'],
      ]);
      // Updating A's email preference leaves B's row for the same customer and channel alone.
      await prefs.set(a, { customerRef: 'cust-7', channel: 'email', state: 'bounced', source: 'feedback' });
      const forB = await prefs.listForCustomer(b, 'cust-7');
      expect(forB.map((p) => [p.storeId, p.channel, p.state, p.source])).toEqual([[b.id, 'email', 'opted_out', 'test']]);
      expect((await prefs.listForCustomer(a, 'cust-7')).find((p) => p.channel === 'email')?.state).toBe('bounced');
    });

    it('enqueues and works a job with pg-boss, and retries a failed one until it completes', async () => {
      const boss = await createQueue(db, { supervise: false, schedule: false });
      try {
        await boss.createQueue('test-jobs', { retryLimit: 2, retryDelay: 0 });
        const attempts: Array<{ n: number; retryCount: number }> = [];
        await boss.work<{ n: number }>('test-jobs', { pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) {
            attempts.push({ n: job.data.n, retryCount: job.retryCount });
            if (job.data.n === 2 && job.retryCount === 0) throw new Error('first attempt fails');
          }
        });
        const one = (await boss.send('test-jobs', { n: 1 }))!;
        const two = (await boss.send('test-jobs', { n: 2 }))!;
        const settled = async (id: string) => (await boss.getJobById('test-jobs', id))?.state === 'completed';
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && !((await settled(one)) && (await settled(two)))) {
          await new Promise((r) => setTimeout(r, 100));
        }
        // Job 1: one attempt. Job 2: attempt 0 failed, attempt 1 (the retry) succeeded.
        expect(attempts.filter((a) => a.n === 1).map((a) => a.retryCount)).toEqual([0]);
        expect(attempts.filter((a) => a.n === 2).map((a) => a.retryCount)).toEqual([0, 1]);
        const final = await boss.getJobById('test-jobs', two);
        expect(final?.state).toBe('completed');
        expect(final?.retryCount).toBe(1);
        expect((await boss.getJobById('test-jobs', one))?.state).toBe('completed');
      } finally {
        await boss.stop({ graceful: false, timeout: 2000 });
      }
    });

    it('enqueues inside a Prisma transaction: a rolled-back transaction leaves no job', async () => {
      const boss = await createQueue(db, { supervise: false, schedule: false });
      try {
        await boss.createQueue('tx-jobs');
        await db.prisma
          .$transaction(async (tx) => {
            await boss.send('tx-jobs', { keep: false }, { db: transactionExecutor(tx) });
            throw new Error('roll back');
          })
          .catch(() => undefined);
        await db.prisma.$transaction(async (tx) => {
          await boss.send('tx-jobs', { keep: true }, { db: transactionExecutor(tx) });
        });
        const jobs = await boss.fetch<{ keep: boolean }>('tx-jobs', { batchSize: 10 });
        expect(jobs.map((j) => j.data.keep)).toEqual([true]);
      } finally {
        await boss.stop({ graceful: false, timeout: 2000 });
      }
    });

    it('db.transaction commits rows and jobs together, rolls both back on a throw, and leaves Prisma usable', async () => {
      const boss = await createQueue(db, { supervise: false, schedule: false });
      try {
        await boss.createQueue('driver-tx-jobs');
        await db.sql.exec('CREATE TABLE driver_tx (n int PRIMARY KEY)');
        await expect(
          db.transaction(async (sql) => {
            await sql.query('INSERT INTO driver_tx (n) VALUES ($1)', [1]);
            await boss.send('driver-tx-jobs', { n: 1 }, { db: sqlExecutor(sql) });
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        const answer = await db.transaction(async (sql) => {
          await sql.query('INSERT INTO driver_tx (n) VALUES ($1)', [2]);
          await boss.send('driver-tx-jobs', { n: 2 }, { db: sqlExecutor(sql) });
          return 'committed';
        });
        expect(answer).toBe('committed');
        expect((await db.sql.query<{ n: number }>('SELECT n FROM driver_tx ORDER BY n')).map((r) => r.n)).toEqual([2]);
        const jobs = await boss.fetch<{ n: number }>('driver-tx-jobs', { batchSize: 10 });
        expect(jobs.map((j) => j.data.n)).toEqual([2]);
        // A failed statement inside does not poison the connection for what comes next: Prisma
        // still writes and reads back (an aborted PGlite session would refuse both).
        await expect(db.transaction((sql) => sql.query('SELECT * FROM no_such_table'))).rejects.toThrow();
        const before = await db.prisma.store.count();
        const created = await createStoreRepository(db.prisma).upsert({ platform: 'shopify', externalKey: 'after-failure.myshopify.com', name: 'After' });
        expect(await db.prisma.store.count()).toBe(before + 1);
        expect((await db.prisma.store.findUnique({ where: { id: created.id } }))?.name).toBe('After');
      } finally {
        await boss.stop({ graceful: false, timeout: 2000 });
      }
    });

    it('stores the encrypted secret in the database, not the plaintext', async () => {
      const box = createSecretBox(randomBytes(32));
      const store = await createStoreRepository(db.prisma).upsert({ platform: 'magento', externalKey: `secret-${target.name}`, name: 'M' });
      await db.prisma.exstreamConnection.create({
        data: { storeId: store.id, baseUrl: 'http://x', domain: 'demo', tokenUrl: 'http://x/t', clientId: 'c', clientSecretEnc: box.encrypt('top-secret-value') },
      });
      // Read the raw column, and scan the whole row as text: the plaintext is nowhere.
      const rows = await db.sql.query<{ clientSecretEnc: string; whole: string }>(
        `SELECT "clientSecretEnc", row_to_json(c)::text AS whole FROM "ExstreamConnection" c WHERE "storeId" = $1`,
        [store.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.clientSecretEnc).toMatch(/^v1:/);
      expect(rows[0]!.whole).not.toContain('top-secret-value');
      expect(box.decrypt(rows[0]!.clientSecretEnc)).toBe('top-secret-value');
    });

    // Only Postgres has several connections: to terminate, and to race.
    if (target.name === 'postgres') {
      it('db.transaction survives the server terminating its connection mid-transaction (no crash, the error surfaces, the pool recovers)', async () => {
        const outcome = db.transaction(async (sql) => {
          const [row] = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          if (!row) throw new Error('pg_backend_pid() returned no row');
          await db.sql.query('SELECT pg_terminate_backend($1)', [row.pid]);
          // Idle between statements while the termination arrives: the 'error' lands on the checked-out client.
          await new Promise((resolve) => setTimeout(resolve, 200));
          await sql.query('SELECT 1');
        });
        await expect(outcome).rejects.toThrow();
        expect(await db.sql.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
        expect(await db.transaction((sql) => sql.query<{ n: number }>('SELECT 2 AS n'))).toEqual([{ n: 2 }]);
      });

      it('every connection terminated while Prisma queries run and others sit idle: the queries fail, nothing crashes, the next ones work', async () => {
        // A terminated connection emits 'error' on its pg client; a client nobody listens to at
        // that moment ends the process (the soak's database cut once took the intake down this way).
        const uncaught: unknown[] = [];
        const onUncaught = (error: unknown) => uncaught.push(error);
        process.prependListener('uncaughtException', onUncaught);
        const killer = new pg.Client({ connectionString: target.url });
        await killer.connect();
        try {
          const [current] = await db.sql.query<{ name: string }>('SELECT current_database() AS name');
          // Open several pooled connections, leave some idle, keep others busy.
          await Promise.all(Array.from({ length: 4 }, () => db.prisma.$queryRawUnsafe('SELECT 1')));
          const inFlight = [
            ...Array.from({ length: 2 }, () => db.prisma.$queryRawUnsafe('SELECT pg_sleep(1)').then(() => 'ok' as const, () => 'failed' as const)),
            // Interactive transactions hold their client between statements: the window with no listener.
            ...Array.from({ length: 2 }, () =>
              db.prisma
                .$transaction(async (tx) => {
                  await tx.$queryRawUnsafe('SELECT 1');
                  await new Promise((resolve) => setTimeout(resolve, 600));
                  await tx.$queryRawUnsafe('SELECT 2');
                })
                .then(() => 'ok' as const, () => 'failed' as const),
            ),
          ];
          await new Promise((resolve) => setTimeout(resolve, 200));
          const { rowCount } = await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [current!.name]);
          expect(rowCount).toBeGreaterThanOrEqual(4);
          expect(await Promise.all(inFlight)).toContain('failed');
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(uncaught).toEqual([]);
          await expect(db.prisma.store.count()).resolves.toEqual(expect.any(Number));
          expect(await db.sql.query<{ n: number }>('SELECT 3 AS n')).toEqual([{ n: 3 }]);
        } finally {
          process.off('uncaughtException', onUncaught);
          await killer.end();
        }
      });

      it('Prisma transactions cut by a terminated connection give their pool slots back: the full pool serves again, and close() ends', async () => {
        // Prisma's pg adapter releases a transaction's client only after a successful COMMIT / ROLLBACK:
        // before the reclaim, each of these kept its slot for good, the next query waited forever for
        // a free client, and close() hung (this suite's afterAll once did, for 240 s).
        const own = await createTestDatabase(target);
        const killer = new pg.Client({ connectionString: target.url });
        await killer.connect();
        const within = <T>(ms: number, promise: Promise<T>) =>
          Promise.race([promise, new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref())]);
        try {
          const [current] = await own.sql.query<{ name: string }>('SELECT current_database() AS name');
          // Five transactions: every slot of the pool (poolSize 5), each idle between statements until
          // the connections are gone (a gate, not a sleep: on a loaded machine they start late).
          let opened = 0;
          let openGate!: () => void;
          const gate = new Promise<void>((resolve) => (openGate = resolve));
          const held = Array.from({ length: 5 }, () =>
            own.prisma
              .$transaction(async (tx) => {
                await tx.$queryRawUnsafe('SELECT 1');
                opened += 1;
                await gate;
                await tx.$queryRawUnsafe('SELECT 2');
              }, { timeout: 60_000, maxWait: 60_000 })
              .then(() => 'ok' as const, () => 'failed' as const),
          );
          await eventually(async () => opened === 5, { what: 'five open transactions', timeoutMs: 30_000 });
          await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [current!.name]);
          await new Promise((resolve) => setTimeout(resolve, 200));
          openGate();
          expect(await Promise.all(held)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
          // THEN queries find a client again (after the 2 s grace), on a new connection
          expect(await within(10_000, own.prisma.store.count())).toEqual(expect.any(Number));
          expect(await within(5_000, Promise.all(Array.from({ length: 5 }, (_, i) => own.sql.query<{ n: number }>(`SELECT ${i} AS n`))))).toHaveLength(5);
        } finally {
          await killer.end();
          expect(await within(10_000, own.close().then(() => 'closed'))).toBe('closed');
        }
      });

      it('two instances migrating one fresh database at once both start, and each migration is applied exactly once', async () => {
        const name = `exstream_race_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: target.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE "${name}"`);
        const url = new URL(target.url!);
        url.pathname = `/${name}`;
        const opened: Database[] = [];
        try {
          const results = await Promise.allSettled([createDatabase({ url: url.toString(), poolSize: 2 }), createDatabase({ url: url.toString(), poolSize: 2 })]);
          for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
          expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
          const [first, second] = opened as [Database, Database];
          // Each migration was applied now by exactly one of them; the other found it done.
          for (let i = 0; i < first.migrations.length; i++) {
            expect([first.migrations[i]!.appliedNow, second.migrations[i]!.appliedNow].filter(Boolean)).toHaveLength(1);
          }
          const recorded = await first.sql.query<{ migration_name: string; n: number }>(
            `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
          );
          expect(recorded).toEqual(first.migrations.map((m) => ({ migration_name: m.name, n: 1 })));
        } finally {
          for (const d of opened) await d.close();
          await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await admin.end();
        }
      });

      it('waits for the migration lock another session holds, and names it when the wait times out', async () => {
        const holder = new pg.Client({ connectionString: db.url });
        await holder.connect();
        try {
          await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
          await expect(applyMigrations(db, { lockTimeoutMs: 600 })).rejects.toThrow(new RegExp(`migration lock \\(pg_advisory_lock ${MIGRATION_LOCK_KEY}\\)`));
          const waiting = applyMigrations(db, { lockTimeoutMs: 20_000 });
          let settled = false;
          void waiting.finally(() => (settled = true)).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(settled).toBe(false);
          await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
          expect((await waiting).every((m) => !m.appliedNow)).toBe(true);
        } finally {
          await holder.end();
        }
      });
    }
  });
}

describe('createDatabase arguments', () => {
  it('takes a URL string as well as options', async () => {
    const db = await createDatabase('memory://');
    try {
      expect(db.kind).toBe('pglite');
      expect(db.migrations.length).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('never ignores a postgres:// string: it connects to that server (and fails when nothing listens)', async () => {
    // Port 1 refuses connections: an ignored URL would instead open an embedded PGlite and succeed.
    await expect(createDatabase('postgres://nobody@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED|connect/i);
    await expect(createDatabase({ url: 'postgresql://nobody@127.0.0.1:1/none' })).rejects.toThrow(/ECONNREFUSED|connect/i);
  });

  it('refuses an unknown scheme instead of creating a folder named after it', async () => {
    await expect(createDatabase('mysql://root@localhost/shop')).rejects.toThrow(/Unsupported database URL scheme "mysql:"/);
  });

  it('puts the default PGlite under the repository root .data (or the given data folder), not the current directory', async () => {
    expect(DEFAULT_DATA_DIR).toBe(path.join(REPO_ROOT, '.data'));
    expect(resolvePgliteDir(undefined)).toBe(path.join(REPO_ROOT, '.data', 'pglite'));
    expect(resolvePgliteDir('  ')).toBe(path.join(REPO_ROOT, '.data', 'pglite'));
    expect(resolvePgliteDir(undefined, { dataDir: '/srv/exstream' })).toBe('/srv/exstream/pglite');
    expect(resolvePgliteDir('file:///var/lib/pglite')).toBe('/var/lib/pglite');
    expect(resolvePgliteDir('memory://')).toBeNull();
    expect(resolvePgliteDir('postgres://u@h/d')).toBeUndefined();

    const dir = await mkdtemp(path.join(os.tmpdir(), 'ec-datadir-'));
    try {
      const db = await createDatabase({ dataDir: dir });
      try {
        expect(db.describe()).toBe(`PGlite (embedded) at ${path.join(dir, 'pglite')}`);
        expect(existsSync(path.join(dir, 'pglite', 'PG_VERSION'))).toBe(true);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets at rest', () => {
  it('round-trips a secret and never stores it in clear', async () => {
    const box = createSecretBox(randomBytes(32));
    const envelope = box.encrypt('sandbox-secret');
    expect(envelope).not.toContain('sandbox-secret');
    expect(Buffer.from(envelope.split(':')[3]!, 'base64').toString()).not.toContain('sandbox-secret');
    expect(box.isEnvelope(envelope)).toBe(true);
    expect(box.decrypt(envelope)).toBe('sandbox-secret');
    // Fresh IV each time: equal secrets do not produce equal envelopes.
    expect(box.encrypt('sandbox-secret')).not.toBe(envelope);
  });

  it('refuses a tampered envelope or the wrong key without echoing the value', () => {
    const box = createSecretBox(randomBytes(32));
    const envelope = box.encrypt('s3cr3t');
    const other = createSecretBox(randomBytes(32));
    expect(() => other.decrypt(envelope)).toThrow(/could not be decrypted/);
    try {
      other.decrypt(envelope);
    } catch (error) {
      expect((error as Error).message).not.toContain(envelope);
    }
  });

  it('generates and persists a key in embedded mode, and prefers the env key', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ec-key-'));
    try {
      const first = await loadSecretKey({ dataDir: dir, mode: 'embedded' });
      expect(first.source).toBe('generated');
      const again = await loadSecretKey({ dataDir: dir, mode: 'embedded' });
      expect(again.source).toBe('file');
      expect(again.key.equals(first.key)).toBe(true);
      expect((await readFile(path.join(dir, 'secret.key'), 'utf8')).trim().length).toBeGreaterThan(40);
      const fromEnv = await loadSecretKey({ dataDir: dir, envValue: randomBytes(32).toString('hex'), mode: 'embedded' });
      expect(fromEnv.source).toBe('env');
      await expect(loadSecretKey({ dataDir: dir, envValue: 'too-short', mode: 'embedded' })).rejects.toThrow(/32 bytes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never generates (nor reads a stray file for) the key or the feedback secret in production mode', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ec-key-prod-'));
    try {
      await expect(loadSecretKey({ dataDir: dir, mode: 'production' })).rejects.toThrow(/EXSTREAM_CONNECT_SECRET_KEY is required outside embedded mode/);
      await expect(loadFeedbackSecret({ dataDir: dir, mode: 'production' })).rejects.toThrow(/EXSTREAM_FEEDBACK_SECRET is required outside embedded mode/);
      expect(existsSync(path.join(dir, 'secret.key'))).toBe(false);
      expect(existsSync(path.join(dir, 'feedback.secret'))).toBe(false);
      // A key file left from an embedded run does not stand in for the variable either.
      await loadSecretKey({ dataDir: dir, mode: 'embedded' });
      await expect(loadSecretKey({ dataDir: dir, mode: 'production' })).rejects.toThrow(/required/);
      const key = randomBytes(32).toString('base64');
      expect((await loadSecretKey({ dataDir: dir, envValue: key, mode: 'production' })).key.equals(Buffer.from(key, 'base64'))).toBe(true);
      expect(await loadFeedbackSecret({ dataDir: dir, envValue: 'a-feedback-secret-of-length', mode: 'production' })).toEqual({ secret: 'a-feedback-secret-of-length', source: 'env' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('generates a local feedback secret once in embedded mode, and refuses a short one from env', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ec-feedback-'));
    try {
      const first = await loadFeedbackSecret({ dataDir: dir, mode: 'embedded' });
      expect(first.source).toBe('generated');
      expect(first.secret.length).toBeGreaterThanOrEqual(32);
      expect(first.secret).not.toBe('local-feedback-secret');
      const again = await loadFeedbackSecret({ dataDir: dir, mode: 'embedded' });
      expect(again).toEqual({ secret: first.secret, source: 'file', file: path.join(dir, 'feedback.secret') });
      await expect(loadFeedbackSecret({ dataDir: dir, envValue: 'short', mode: 'embedded' })).rejects.toThrow(/at least 16/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
