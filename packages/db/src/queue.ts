import { PgBoss, fromPglite, fromPrisma, type ConstructorOptions, type Db, type PrismaTransactionLike } from 'pg-boss';
import type { Database } from './create-database.ts';
import type { SqlRunner } from './migrate.ts';

export type { PgBoss, Job, SendOptions, WorkOptions } from 'pg-boss';
export type Queue = PgBoss;

/**
 * An executor bound to an open Prisma interactive transaction, so `boss.send(…, { db })` enqueues
 * inside the caller's transaction: the job exists if and only if the caller's rows commit.
 */
export function transactionExecutor(tx: PrismaTransactionLike): Db {
  return fromPrisma(tx);
}

/** The same for a transaction opened with `db.transaction` (no Prisma). */
export function sqlExecutor(sql: SqlRunner): Db {
  return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await sql.query(text, values) }) };
}

export type CreateQueueOptions = Omit<ConstructorOptions, 'db' | 'connectionString'> & {
  /** Report pg-boss errors somewhere other than stderr. */
  onError?: (error: Error) => void;
};

/**
 * A started pg-boss on the product database (schema `pgboss`). On PGlite it shares the one
 * in-process connection through pg-boss's own adapter, so jobs and rows commit together.
 */
export async function createQueue(db: Database, options: CreateQueueOptions = {}): Promise<PgBoss> {
  const { onError, ...rest } = options;
  const base: ConstructorOptions = { schema: 'pgboss', ...rest };
  const boss =
    db.kind === 'pglite'
      ? new PgBoss({ ...base, db: fromPglite(db.pglite!), backend: 'pglite' })
      : new PgBoss({ ...base, connectionString: db.url!, max: 5 });
  boss.on('error', (error: Error) => {
    if (onError) onError(error);
    else console.error('[queue] pg-boss error:', error.message);
  });
  await boss.start();
  return boss;
}
