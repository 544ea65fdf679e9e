import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Runs SQL on the database; `exec` may hold several statements. */
export type SqlRunner = {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
};

/**
 * Lends out ONE database connection for the duration of `fn`. Migrations need it: a session
 * advisory lock, BEGIN, the migration, ROLLBACK and the unlock must all reach the same server
 * session, which a pool (a new connection per query) does not guarantee. `Database` satisfies it.
 */
export type ConnectionLender = {
  withConnection<T>(fn: (connection: SqlRunner) => Promise<T>): Promise<T>;
};

export type AppliedMigration = { name: string; appliedNow: boolean };

export type ApplyMigrationsOptions = {
  /** Default: prisma/migrations at the repository root. */
  migrationsDir?: string | undefined;
  /** How long to wait for another instance that holds the migration lock (default 120 s). */
  lockTimeoutMs?: number | undefined;
};

/** The committed migrations: prisma/migrations at the repository root. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

/**
 * The advisory-lock key `prisma migrate deploy` itself takes (72707369), so this runner, a second
 * instance of it and the Prisma CLI never migrate the same database at the same time.
 */
export const MIGRATION_LOCK_KEY = 72707369;

const LOCK_POLL_MS = 200;

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each once, in-process.
 *
 * Why not `prisma migrate deploy`: on PGlite the CLI keeps the process alive and takes ~20 s
 * (toolchain notes). The bookkeeping table is Prisma's own `_prisma_migrations` with the same
 * checksum (SHA-256 of the file), so `prisma migrate deploy` against the same Postgres later
 * sees these as applied and stays usable in production.
 *
 * Concurrent instances starting against one Postgres are serialised by a session advisory lock:
 * the second waits, then finds every migration applied. Each migration and its bookkeeping row
 * commit in one transaction, rolled back on the same connection when a statement fails.
 */
export async function applyMigrations(db: ConnectionLender, options: ApplyMigrationsOptions = {}): Promise<AppliedMigration[]> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrations = await Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );

  return db.withConnection(async (connection) => {
    await acquireMigrationLock(connection, options.lockTimeoutMs ?? 120_000);
    try {
      // Created and read under the lock: a concurrent CREATE TABLE IF NOT EXISTS can still collide.
      await connection.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const applied = new Map(
        (
          await connection.query<{ migration_name: string; checksum: string }>(
            `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
        ).map((r) => [r.migration_name, r.checksum]),
      );
      const result: AppliedMigration[] = [];
      for (const { name, sql, checksum } of migrations) {
        const previous = applied.get(name);
        if (previous !== undefined) {
          if (previous !== checksum) {
            throw new Error(`Migration ${name} was edited after it was applied (checksum differs). Write a new migration instead.`);
          }
          result.push({ name, appliedNow: false });
          continue;
        }
        // One transaction per migration, bookkeeping included: a failure leaves no half-applied
        // schema and no row claiming it was applied.
        await connection.exec('BEGIN');
        try {
          await connection.exec(sql);
          await connection.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
            [randomUUID(), checksum, name],
          );
          await connection.exec('COMMIT');
        } catch (error) {
          await connection.exec('ROLLBACK').catch(() => undefined);
          throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
        }
        result.push({ name, appliedNow: true });
      }
      return result;
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}

/** Polls pg_try_advisory_lock so a stuck peer yields a clear error instead of a hang. */
async function acquireMigrationLock(connection: SqlRunner, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (row?.locked) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `Another process has held the migration lock (pg_advisory_lock ${MIGRATION_LOCK_KEY}) for over ${Math.round(timeoutMs / 1000)} s: ` +
          'is a migration stuck on this database?',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}
