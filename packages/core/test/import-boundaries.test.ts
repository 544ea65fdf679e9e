import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Lints source text as if it lived at a given path, with the repository's real eslint.config.js,
// so these tests fail if the boundary rules are weakened or removed.
const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: root });

/** Rule ids reported for `code` at `relativePath`; a file no config covers yields its warning text instead. */
async function ruleIdsFor(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, relativePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const IMPORTS = 'no-restricted-imports';
const SYNTAX = 'no-restricted-syntax';
const RELATIVE = 'boundaries/no-relative-cross-workspace';
const GLOBALS = 'no-restricted-globals';

describe('import boundaries: packages/core', () => {
  const CORE = 'packages/core/src/fixture.ts';

  it.each([
    "import { PrismaClient } from '@prisma/client';",
    "import { PrismaClient } from 'prisma/config';",
    "import pg from 'pg';",
    "import { Client } from 'pg/lib/client.js';",
    "import { PgBoss } from 'pg-boss';",
    "import { PGlite } from '@electric-sql/pglite';",
    "import { PGliteWorker } from '@electric-sql/pglite/worker';",
    "import { PrismaPGlite } from 'pglite-prisma-adapter';",
    "import { json } from '@remix-run/node';",
    "import Fastify from 'fastify';",
    "import cors from '@fastify/cors';",
    "import { createApp } from 'h3';",
    "import { Hono } from 'hono';",
    "import { cors } from 'hono/cors';",
    "import express from 'express';",
    "import Koa from 'koa';",
    "import { readFile } from 'node:fs/promises';",
    "import fs from 'fs';",
    "import { readFile } from 'fs/promises';",
    "import net from 'node:net';",
    "import http from 'node:http';",
    "import { spawn } from 'node:child_process';",
    "import { env } from 'node:process';",
    "import process from 'process';",
    "import { createRequire } from 'node:module';",
    "import { createDatabase } from '@exstream-connect/db';",
    "import { createTestDatabase } from '@exstream-connect/db/testing';",
    "import { createEngine } from '@exstream-connect/engine';",
    "import { buildApp } from '@exstream-connect/magento-sidecar';",
    "import type { Pool } from 'pg';",
    "export { Pool } from 'pg';",
    "export * from '@exstream-connect/db';",
  ])('rejects a static import in packages/core: %s', async (code) => {
    expect(await ruleIdsFor(CORE, `${code}\nexport const y = 1;\n`)).toContain(IMPORTS);
  });

  it.each([
    "export const load = async () => await import('pg');",
    'export const load = async () => await import(`pg`);',
    "export const load = async () => await import('pg/lib/client.js');",
    "export const load = async () => await import('@electric-sql/pglite/worker');",
    "export const load = async () => await import('@exstream-connect/db/testing');",
    "export const load = async () => await import('node:fs');",
    "export const load = async () => await import('hono');",
    "export const load = async () => await import('@exstream-connect/shopify-app');",
    "export const load = (name: string) => import(name);",
    "export const load = () => require('pg');",
    "import pg = require('pg');\nexport const y = pg;",
    "export type Pool = import('pg').Pool;",
  ])('rejects a dynamic or CommonJS module load in packages/core: %s', async (code) => {
    expect(await ruleIdsFor(CORE, `${code}\n`)).toContain(SYNTAX);
  });

  it.each([
    ["import { x } from '../../db/src/index.ts';", RELATIVE],
    ["import { x } from '../../../apps/shopify/app/shopify.server.ts';", RELATIVE],
    ["export const load = () => import('../../engine/src/index.ts');", RELATIVE],
  ])('rejects a relative path into another workspace: %s', async (code, ruleId) => {
    expect(await ruleIdsFor(CORE, `${code}\nexport const y = 1;\n`)).toContain(ruleId);
  });

  it.each([
    'export const port = process.env.PORT;',
    "export const port = process.env['PORT'];",
    'const { env } = process;\nexport const port = env.PORT;',
    'export const port = globalThis.process.env.PORT;',
    "export const port = globalThis['process'].env.PORT;",
    'export const port = global.process.env.PORT;',
    'const { process: p } = globalThis;\nexport const port = p.env.PORT;',
    'export const port = import.meta.env.PORT;',
    "export const data = await fetch('https://example.com');",
  ])('rejects reading the environment (or doing I/O) in packages/core: %s', async (code) => {
    const ids = await ruleIdsFor(CORE, `${code}\n`);
    expect(ids.some((id) => id === SYNTAX || id === GLOBALS), `got ${JSON.stringify(ids)}`).toBe(true);
  });

  it.each(['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'])('covers packages/core/**/*.%s files too', async (extension) => {
    const file = `packages/core/src/fixture.${extension}`;
    expect(await ruleIdsFor(file, "import pg from 'pg';\nexport const y = pg;\n")).toContain(IMPORTS);
    expect(await ruleIdsFor(file, 'export const port = process.env.PORT;\n')).toContain(SYNTAX);
    // The same file with a pure import lints clean: the file is linted, not ignored.
    expect(await ruleIdsFor(file, "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual([]);
  });

  it('covers core tests and scripts, not only src', async () => {
    expect(await ruleIdsFor('packages/core/test/fixture.test.ts', "import pg from 'pg';\nexport const y = pg;\n")).toContain(IMPORTS);
    expect(await ruleIdsFor('packages/core/scripts/fixture.ts', "import { Hono } from 'hono';\nexport const y = Hono;\n")).toContain(IMPORTS);
  });

  it('allows pure imports in packages/core (the rule is specific, not blanket)', async () => {
    const code = [
      "import { z } from 'zod';",
      "import path from 'node:path';",
      "import { createHash } from 'node:crypto';",
      "import { mapShopifyWebhook } from './map-shopify-webhook.ts';",
      "import { ConnectError } from '../src/errors.ts';",
      'export const s = [z.string(), path.sep, createHash, mapShopifyWebhook, ConnectError];',
      // A package whose name merely starts like a forbidden one.
      "export const load = () => import('./pglite-like-name.ts');",
    ].join('\n');
    expect(await ruleIdsFor(CORE, `${code}\n`)).toEqual([]);
  });
});

describe('import boundaries: packages/db', () => {
  const DB = 'packages/db/src/fixture.ts';

  it.each([
    ["import { createEngine } from '@exstream-connect/engine';", IMPORTS],
    ["import { x } from '@exstream-connect/engine/testing';", IMPORTS],
    ["import { createExstreamClient } from '@exstream-connect/exstream';", IMPORTS],
    ["import { startShopifyApp } from '@exstream-connect/shopify-app';", IMPORTS],
    ["export const load = () => import('@exstream-connect/engine');", SYNTAX],
    ["import { createEngine } from '../../engine/src/index.ts';", RELATIVE],
  ])('rejects reaching up from packages/db: %s', async (code, ruleId) => {
    expect(await ruleIdsFor(DB, `${code}\nexport const y = 1;\n`)).toContain(ruleId);
  });

  it('lets packages/db use its drivers', async () => {
    const code = "import pg from 'pg';\nimport { PGlite } from '@electric-sql/pglite';\nexport const y = [pg, PGlite];\n";
    expect(await ruleIdsFor(DB, code)).toEqual([]);
  });
});

describe('import boundaries: apps', () => {
  it.each([
    ['apps/shopify/app/fixture.ts', "import { buildApp } from '@exstream-connect/magento-sidecar';", IMPORTS],
    ['apps/shopify/app/fixture.ts', "import { x } from '@exstream-connect/magento-sidecar/src/app.ts';", IMPORTS],
    ['apps/shopify/app/routes/fixture.tsx', "import { x } from '@exstream-connect/magento-module';", IMPORTS],
    ['apps/shopify/src/fixture.ts', "export const load = () => import('@exstream-connect/magento-sidecar');", SYNTAX],
    ['apps/shopify/app/fixture.ts', "import x from '../../magento-sidecar/src/app.ts';", RELATIVE],
    ['apps/magento-sidecar/src/fixture.ts', "import x from '../../shopify/app/shopify.server.ts';", RELATIVE],
    ['apps/magento-sidecar/src/fixture.ts', "import { startShopifyApp } from '@exstream-connect/shopify-app';", IMPORTS],
    ['apps/magento-sidecar/src/fixture.mts', "import { startShopifyApp } from '@exstream-connect/shopify-app';", IMPORTS],
  ])('rejects an app importing another app (%s): %s', async (file, code, ruleId) => {
    expect(await ruleIdsFor(file, `${code}\nexport const a = 1;\n`)).toContain(ruleId);
  });

  it.each([
    ['packages/engine/src/fixture.ts', "import { buildApp } from '@exstream-connect/magento-sidecar';", IMPORTS],
    ['packages/engine/src/fixture.ts', "import { x } from '@exstream-connect/shopify-app/src/start-shopify-app.ts';", IMPORTS],
    ['packages/engine/src/fixture.ts', "export const load = () => import('@exstream-connect/shopify-app');", SYNTAX],
    ['packages/engine/src/fixture.ts', "import { x } from '../../../apps/shopify/src/start-shopify-app.ts';", RELATIVE],
    ['packages/reliability/src/fixture.ts', "import { startMagentoSidecar } from '@exstream-connect/magento-sidecar';", IMPORTS],
    ['packages/exstream/src/fixture.js', "import { x } from '@exstream-connect/magento-module';", IMPORTS],
    ['extensions/order-timeline/src/fixture.tsx', "import { x } from '@exstream-connect/shopify-app';", IMPORTS],
  ])('rejects a package or extension importing an app (%s): %s', async (file, code, ruleId) => {
    expect(await ruleIdsFor(file, `${code}\nexport const a = 1;\n`)).toContain(ruleId);
  });

  it('lets apps and the engine use the packages (the rules are specific, not blanket)', async () => {
    expect(await ruleIdsFor('packages/engine/src/fixture.ts', "import { createDatabase } from '@exstream-connect/db';\nexport const a = createDatabase;\n")).toEqual([]);
    expect(await ruleIdsFor('apps/shopify/app/fixture.ts', "import { createEngine } from '@exstream-connect/engine';\nimport { x } from '../src/start-shopify-app.ts';\nexport const a = [createEngine, x];\n")).toEqual([]);
  });

  it('lets the composition root (scripts/) start the apps', async () => {
    expect(await ruleIdsFor('scripts/fixture.ts', "import { startShopifyApp } from '@exstream-connect/shopify-app';\nexport const a = startShopifyApp;\n")).toEqual([]);
  });
});
