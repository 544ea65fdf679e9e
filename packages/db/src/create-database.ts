import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { applyMigrations, type AppliedMigration, type SqlRunner } from './migrate.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export type CreateDatabaseOptions = {
  /**
   * `postgres://…` or `postgresql://…` → a real Postgres (pg + @prisma/adapter-pg).
   * A filesystem path or `file:<path>` → embedded PGlite in that folder (a relative path is taken
   * from the current directory, like any path argument). Nothing or blank → `<dataDir>/pglite`.
   * `memory://` → an in-memory PGlite (tests). Any other `scheme://` is refused, not taken for a folder.
   */
  url?: string | undefined;
  /**
   * The product's data folder, used for the default PGlite location. Default: `.data` at the
   * repository root ({@link DEFAULT_DATA_DIR}), whatever the current directory is.
   */
  dataDir?: string | undefined;
  /** Apply committed migrations on start (default true). */
  migrate?: boolean;
  migrationsDir?: string;
  /** How long to wait for another instance's migration lock (default 120 s). */
  migrationLockTimeoutMs?: number;
  /** Postgres pool size (default 10). */
  poolSize?: number;
};

export type Database = {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Raw SQL on the same database (migrations, pg-boss, benchmarks). */
  sql: SqlRunner;
  /**
   * Runs `fn` in one transaction on the driver itself, without Prisma: for hot paths whose
   * statements carry large JSON parameters, which Prisma's query compiler (WASM) would process
   * again on every call. Rolls back when `fn` throws. Never call Prisma from inside `fn` on
   * PGlite: it has one connection, held by this transaction until it ends.
   */
  transaction<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on ONE connection (checked out of the pool on Postgres; PGlite only has one), with
   * no transaction of its own: for session state such as advisory locks. Migrations use it.
   */
  withConnection<T>(fn: (connection: SqlRunner) => Promise<T>): Promise<T>;
  /** The embedded engine, when kind is 'pglite'. */
  pglite?: PGlite;
  /** Connection string, when kind is 'postgres'. */
  url?: string;
  migrations: AppliedMigration[];
  /** Human description for start-up logs; never contains a password. */
  describe(): string;
  close(): Promise<void>;
};

/**
 * `.data` at the repository root (absolute): `npm start`, the sidecar run from its own folder and
 * a test run from a package folder all find the same embedded database and key.
 */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && POSTGRES_URL.test(url.trim());
}

/**
 * Where the embedded PGlite lives for a database url: a folder, null for in-memory, undefined for
 * Postgres. Throws on an unknown `scheme://` rather than creating a folder named after it.
 */
export function resolvePgliteDir(
  url: string | undefined,
  options: { dataDir?: string | undefined; baseDir?: string | undefined } = {},
): string | null | undefined {
  const value = url?.trim() ?? '';
  if (POSTGRES_URL.test(value)) return undefined;
  const base = options.baseDir ?? process.cwd();
  if (value === 'memory://' || value === ':memory:') return null;
  if (value === '') return path.join(path.resolve(base, options.dataDir ?? DEFAULT_DATA_DIR), 'pglite');
  if (value.startsWith('file:')) return path.resolve(base, value.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    throw new Error(
      `Unsupported database URL scheme "${scheme[1]}:": use postgres:// or postgresql:// for Postgres, a folder or file:<folder> for embedded PGlite, memory:// for an in-memory one.`,
    );
  }
  return path.resolve(base, value);
}

/** Strips the password out of a connection string for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * Opens the product database: PGlite (embedded, in-process) by default, Postgres when given a
 * postgres:// URL. Applies migrations unless told not to.
 *
 * @example
 * const db = await createDatabase(); // <repo>/.data/pglite
 * const db = await createDatabase(process.env.DATABASE_URL); // a URL string, or…
 * const db = await createDatabase({ url: process.env.DATABASE_URL, poolSize: 20 }); // …options
 */
export async function createDatabase(input: string | CreateDatabaseOptions | undefined = {}): Promise<Database> {
  const options: CreateDatabaseOptions = typeof input === 'string' ? { url: input } : input;
  const url = options.url?.trim();
  const pgliteDir = resolvePgliteDir(url, { dataDir: options.dataDir });
  const db = pgliteDir === undefined ? await openPostgres(url!, options.poolSize ?? 10) : await openPglite(pgliteDir);
  try {
    if (options.migrate !== false) {
      db.migrations = await applyMigrations(db, { migrationsDir: options.migrationsDir, lockTimeoutMs: options.migrationLockTimeoutMs });
    }
    await db.prisma.$connect();
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Anything with pg's `query(text, params) → { rows }`: PGlite, its transactions, a pg pool or client. */
type Queryable = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };

function sqlRunnerOver(target: Queryable & { exec?(text: string): Promise<unknown> }): SqlRunner {
  return {
    async exec(text) {
      // PGlite's exec runs several statements at once; pg's simple query protocol does that too.
      await (target.exec ? target.exec(text) : target.query(text));
    },
    async query(text, params) {
      return (await target.query(text, params)).rows as never[];
    },
  };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const sql = sqlRunnerOver(pglite);
  return {
    kind: 'pglite',
    prisma,
    sql,
    // PGlite queues every other query (Prisma's included) behind an open transaction.
    transaction: (fn) =>
      pglite.transaction((tx) => fn(sqlRunnerOver(tx))),
    // One connection already; nothing else runs while migrations hold it at start-up.
    withConnection: (fn) => fn(sql),
    pglite,
    migrations: [],
    describe: () => `PGlite (embedded) at ${dataDir ?? 'memory'}`,
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection (server restart, network cut) must not crash the process;
  // the pool replaces it and the next query reconnects.
  pool.on('error', () => undefined);
  // pg-pool listens only to IDLE clients, and each holder of a checked-out one must add its own
  // listener: one window without (a holder that releases late or never listens) and a server-side
  // termination (pg_terminate_backend, a failover) emits 'error' on a client nobody hears, which
  // ends the process. The soak cutting every connection under load crashed the intake that way.
  // Each client gets a permanent listener; the failure still reaches the query in flight, and the
  // pool discards the dead client on release.
  const reclaim = reclaimDeadClients(pool);
  pool.on('connect', (client) => {
    client.on('error', (error) => reclaim.onClientError(client, error));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql = sqlRunnerOver(pool);
  async function withConnection<T>(fn: (connection: SqlRunner) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      return await fn(sqlRunnerOver(client));
    } catch (error) {
      // The session may hold state fn did not clean up (an open transaction, a lock): discard it.
      broken = true;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
  async function transaction<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client is the caller's to watch: the pool listens only to idle ones, and an
    // 'error' with no listener (the server terminating the connection mid-transaction) would crash
    // the process. The failure then surfaces through the pending query, and the client is discarded.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await fn(sqlRunnerOver(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A client whose ROLLBACK fails (connection cut) must not go back to the pool.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
  return {
    kind: 'postgres',
    prisma,
    sql,
    transaction,
    withConnection,
    url,
    migrations: [],
    describe: () => `Postgres at ${redactUrl(url)}`,
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      const ended = pool.end().catch(() => undefined);
      // pool.end() waits for every checked-out client: a holder that never gives one back would
      // hold shutdown forever. After a grace period, what is still out is destroyed.
      const grace = setTimeout(() => reclaim.releaseAll(new Error('database closing')), CLOSE_GRACE_MS);
      await ended;
      clearTimeout(grace);
    },
  };
}

/** How long close() waits for checked-out clients to come back before destroying them. */
const CLOSE_GRACE_MS = 5_000;
/** How long a holder has to release a client whose connection died before the pool takes it back. */
const DEAD_CLIENT_GRACE_MS = 2_000;

/**
 * Takes back checked-out clients whose connection died and that their holder never releases.
 * Prisma's pg adapter releases an interactive transaction's client only when the engine's
 * COMMIT / ROLLBACK succeeds; on a terminated connection that never happens, so every transaction
 * caught by a database restart or failover kept its pool slot for good (the pool shrank until it
 * hung) and pool.end() waited forever. A dead client is useless to its holder: once the grace
 * period is over it is destroyed, and a late release by the holder becomes a no-op.
 */
function reclaimDeadClients(pool: pg.Pool) {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client as pg.PoolClient));
  pool.on('remove', (client) => checkedOut.delete(client as pg.PoolClient));
  const forceRelease = (client: pg.PoolClient, error: Error) => {
    if (!checkedOut.has(client)) return;
    const release = client.release.bind(client);
    client.release = () => undefined;
    release(error);
  };
  return {
    onClientError(client: pg.Client, error: Error): void {
      const held = client as pg.PoolClient;
      if (!checkedOut.has(held)) return;
      setTimeout(() => forceRelease(held, error), DEAD_CLIENT_GRACE_MS).unref();
    },
    releaseAll(error: Error): void {
      for (const client of [...checkedOut]) forceRelease(client, error);
    },
  };
}
