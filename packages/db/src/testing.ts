import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, isPostgresUrl, type Database } from './create-database.ts';

export type TestDatabaseTarget = { name: 'pglite' | 'postgres'; url?: string };

/**
 * The databases a suite should run on: always PGlite, plus the real Postgres when
 * TEST_DATABASE_URL is set (CI sets it when the local server answers).
 */
export function testDatabaseTargets(env: Record<string, string | undefined> = process.env): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ name: 'pglite' }];
  if (isPostgresUrl(env.TEST_DATABASE_URL)) targets.push({ name: 'postgres', url: env.TEST_DATABASE_URL });
  return targets;
}

/**
 * A fresh, migrated database: in-memory PGlite, or a new throw-away database on the given
 * Postgres server (dropped again by `close`).
 */
export async function createTestDatabase(target: TestDatabaseTarget = { name: 'pglite' }): Promise<Database> {
  if (target.name === 'pglite' || !target.url) return createDatabase({ url: 'memory://' });
  const name = `exstream_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: target.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(target.url);
  url.pathname = `/${name}`;
  const db = await createDatabase({ url: url.toString(), poolSize: 5 });
  const close = db.close;
  db.close = async () => {
    await close();
    const dropper = new pg.Client({ connectionString: target.url });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  };
  return db;
}

/**
 * Polls until `check` returns a truthy value (errors thrown by `check` count as "not yet"); bounded in
 * time so a broken pipeline fails with what it was waiting for instead of hanging the suite.
 */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  throw new Error(`Timed out waiting for ${options.what ?? 'condition'}${last instanceof Error ? `: ${last.message}` : ''}`);
}
