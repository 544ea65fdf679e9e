import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type SqlRunner } from '../src/index.ts';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA = path.resolve(PACKAGE_DIR, '../../prisma/schema.prisma');
const PRISMA_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('prisma/package.json')), 'build', 'index.js');
/** The CLI on PGlite can take ~20-40 s on a loaded 2-core machine, and may not exit after printing (toolchain notes). */
const CLI_TIMEOUT_MS = 150_000;

/**
 * The SQL that creates schema.prisma from nothing, by Prisma's own (offline, WASM) schema engine.
 * `migrate diff --from-migrations` is broken on PGlite, so instead of diffing migrations against the
 * schema, the test builds both databases and compares what they contain.
 */
function createScriptFromSchema(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [PRISMA_CLI, 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', SCHEMA, '--script'],
      // The datasource needs a URL to validate; nothing connects to it.
      { cwd: PACKAGE_DIR, env: { ...process.env, DATABASE_URL: 'postgres://unused@localhost/unused' }, timeout: CLI_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // A CLI killed by the timeout after it printed the whole script still gave the answer.
        if (stdout.includes('CREATE TABLE') && (!error || error.killed)) resolve(stdout);
        else reject(new Error(`prisma migrate diff failed${error?.killed ? ` (no output within ${CLI_TIMEOUT_MS / 1000} s)` : ''}: ${stderr || error?.message}`));
      },
    );
  });
}

/** Everything Prisma's schema can express, as sorted lines: tables/columns, constraints, indexes, enums. */
async function describeSchema(sql: SqlRunner): Promise<string[]> {
  const skip = `'_prisma_migrations'`;
  const columns = await sql.query<Record<string, unknown>>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> ${skip}`,
  );
  const constraints = await sql.query<Record<string, unknown>>(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid <> 0 AND c.conrelid::regclass::text NOT IN (${skip}, '"_prisma_migrations"')`,
  );
  const indexes = await sql.query<Record<string, unknown>>(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> ${skip}`);
  // Order-insensitive: ALTER TYPE … ADD VALUE appends, which Prisma does not care about.
  const enums = await sql.query<Record<string, unknown>>(
    `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'`,
  );
  return [
    ...columns.map((r) => `column ${JSON.stringify(r)}`),
    ...constraints.map((r) => `constraint ${JSON.stringify(r)}`),
    ...indexes.map((r) => `index ${JSON.stringify(r)}`),
    ...enums.map((r) => `enum ${JSON.stringify(r)}`),
  ].sort();
}

describe('prisma/schema.prisma and prisma/migrations', () => {
  const open: Database[] = [];
  afterAll(async () => {
    for (const db of open) await db.close();
  });

  it(
    'describe the same database: applying the committed migrations gives exactly what schema.prisma declares',
    async () => {
      const script = await createScriptFromSchema();
      const fromSchema = await createDatabase({ url: 'memory://', migrate: false });
      open.push(fromSchema);
      await fromSchema.sql.exec(script);
      const fromMigrations = await createDatabase({ url: 'memory://' });
      open.push(fromMigrations);

      const expected = await describeSchema(fromSchema.sql);
      const actual = await describeSchema(fromMigrations.sql);
      expect(expected.length).toBeGreaterThan(50);
      const missing = expected.filter((line) => !actual.includes(line));
      const extra = actual.filter((line) => !expected.includes(line));
      expect(
        { inSchemaButNotMigrations: missing, inMigrationsButNotSchema: extra },
        'schema.prisma and prisma/migrations disagree: write a migration (packages/db/README.md, "Writing a migration")',
      ).toEqual({ inSchemaButNotMigrations: [], inMigrationsButNotSchema: [] });

      // The comparison is sensitive: one dropped NOT NULL and one extra index show up.
      await fromMigrations.sql.exec(`ALTER TABLE "Store" ALTER COLUMN "name" DROP NOT NULL; CREATE INDEX "probe_idx" ON "Store" ("name")`);
      const drifted = await describeSchema(fromMigrations.sql);
      expect(drifted.filter((line) => !expected.includes(line)).map((line) => line.split(' ')[0])).toEqual(['column', 'index']);
    },
    CLI_TIMEOUT_MS + 60_000,
  );
});
