// @ts-check
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
/** Every source extension: a boundary that only matched `*.ts` let `.tsx`, `.mts` or `.js` files escape it. */
const SOURCE = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

// ------------------------------------------------------------------------------------------------
// Forbidden modules, as regular expressions over the import specifier, so one entry covers the
// package and every subpath of it (`pg` and `pg/lib/client.js`, `@exstream-connect/db` and
// `@exstream-connect/db/testing`). Each list is enforced for static imports and re-exports
// (no-restricted-imports) and for `import()`, `require()`, `import x = require()` and `import('x')`
// types (no-restricted-syntax): a boundary that a dynamic import walks around is no boundary.

/** @typedef {{ regex: string; message: string }} Forbidden */

const escapeRegex = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * @param {string[]} names packages, e.g. `pg`
 * @param {string[]} [scopes] whole npm scopes, e.g. `@prisma`
 * @returns {string} a regex matching each package, each package of each scope, and any subpath of them
 */
const modules = (names, scopes = []) => `^(${[...scopes.map((s) => `${escapeRegex(s)}/[^/]+`), ...names.map(escapeRegex)].join('|')})(/.*)?$`;

const APP_NAMES = ['@exstream-connect/shopify-app', '@exstream-connect/magento-sidecar', '@exstream-connect/magento-module'];
/** @param {string} [own] the app allowed to name itself @returns {Forbidden} */
const appsExcept = (own) => ({
  regex: modules(APP_NAMES.filter((name) => name !== own)),
  message: 'Apps are entry points: nothing imports an app, and no app imports another app. Move shared code to packages/.',
});

/** @type {Forbidden[]} */
const CORE_FORBIDDEN = [
  {
    regex: modules(['prisma', 'pg', 'pg-boss', 'pglite-prisma-adapter', 'postgres', 'mysql', 'mysql2', 'sqlite3', 'better-sqlite3', 'knex', 'kysely', 'drizzle-orm', 'ioredis', 'redis'], ['@prisma', '@electric-sql']),
    message: 'packages/core is pure: no database access. Put it in packages/db or packages/engine.',
  },
  {
    regex: modules(['fastify', 'hono', 'express', 'koa', 'h3', 'next', 'react-router', 'undici', 'node-fetch', 'axios', 'got', '@shopify/shopify-app-remix', '@shopify/shopify-api'], ['@remix-run', '@react-router', '@fastify', '@hono', '@koa']),
    message: 'packages/core is framework-free: HTTP belongs in the apps.',
  },
  {
    // `process` too: `import { env } from 'node:process'` is reading the environment.
    regex: `^(node:)?(fs|net|http|https|http2|child_process|dgram|tls|dns|cluster|worker_threads|process|module|os|readline|inspector|v8|vm)(/.*)?$`,
    message: 'packages/core does no I/O and reads no environment: take data as arguments instead.',
  },
  {
    regex: modules(['@exstream-connect/db', '@exstream-connect/engine', '@exstream-connect/exstream', '@exstream-connect/exstream-sandbox', '@exstream-connect/reliability', '@exstream-connect/admin-extension-kit']),
    message: 'packages/core depends on nothing of ours: only the engine wires core, exstream and db together.',
  },
  appsExcept(),
];

/** packages/db sits under the engine: it may not reach up into the runtime that uses it. */
const DB_FORBIDDEN = [
  {
    regex: modules(['@exstream-connect/engine', '@exstream-connect/exstream', '@exstream-connect/exstream-sandbox', '@exstream-connect/reliability', '@exstream-connect/admin-extension-kit']),
    message: 'packages/db is the bottom layer (Prisma, migrations, queue, secrets): it imports no engine, client or app.',
  },
  appsExcept(),
];

/** esquery (the selector language) cannot hold a literal `/` inside a /regex/. */
const selectorRegex = (/** @type {string} */ regex) => `/${regex.replaceAll('/', '\\x2F')}/`;

/**
 * @param {Forbidden[]} forbidden
 * @param {Array<{ selector: string; message: string }>} [extraSyntax]
 */
function boundaryRules(forbidden, extraSyntax = []) {
  return {
    'no-restricted-imports': ['error', { patterns: forbidden.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...forbidden.flatMap(({ regex, message }) => {
        const re = selectorRegex(regex);
        return [
          { selector: `ImportExpression[source.value=${re}]`, message },
          { selector: `ImportExpression[source.quasis.0.value.cooked=${re}]`, message },
          { selector: `CallExpression[callee.name='require'][arguments.0.value=${re}]`, message },
          { selector: `TSImportEqualsDeclaration[moduleReference.expression.value=${re}]`, message },
          { selector: `TSImportType[argument.literal.value=${re}]`, message },
        ];
      }),
      ...extraSyntax,
    ],
  };
}

const CORE_EXTRA_SYNTAX = [
  { selector: "ImportExpression[source.type!='Literal']", message: 'packages/core loads no module at run time: a computed import() cannot be checked against its boundary.' },
  { selector: "CallExpression[callee.name='require']", message: 'packages/core is ESM and loads nothing at run time: no require().' },
  { selector: "TSImportEqualsDeclaration[moduleReference.type='TSExternalModuleReference']", message: 'packages/core: use an ES import.' },
  { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'packages/core never reads the environment: the apps parse config and pass values in.' },
  { selector: "MemberExpression[object.name=/^(globalThis|global|window|self)$/][property.name='process']", message: 'packages/core never reads the environment (nor the process object): the apps parse config and pass values in.' },
  { selector: "MemberExpression[object.name=/^(globalThis|global|window|self)$/][property.value='process']", message: 'packages/core never reads the environment (nor the process object): the apps parse config and pass values in.' },
  { selector: "VariableDeclarator[init.name=/^(globalThis|global|window|self)$/] > ObjectPattern > Property[key.name='process']", message: 'packages/core never reads the environment (nor the process object): the apps parse config and pass values in.' },
  { selector: "MemberExpression[object.type='MetaProperty'][property.name='env']", message: 'packages/core never reads the environment: not through import.meta.env either.' },
];

// ------------------------------------------------------------------------------------------------
// Relative paths into another workspace (`../../db/src/index.ts`) bypass every name-based rule above
// and the other workspace's public `exports`. Cross-workspace imports must use the package name, where
// the rules apply. Root files that are not a workspace (vitest.shared.ts) stay reachable.

const WORKSPACE = /^(apps|packages|extensions)\/[^/]+/;
/** @param {string} file absolute path @returns {string | null} `packages/db`, or null outside any workspace */
function workspaceOf(file) {
  const relative = path.relative(ROOT, file).split(path.sep).join('/');
  return WORKSPACE.exec(relative)?.[0] ?? null;
}

/** @type {import('eslint').Rule.RuleModule} */
const noRelativeCrossWorkspace = {
  meta: {
    type: 'problem',
    docs: { description: 'Import another workspace by its package name, never by a relative path into it.' },
    schema: [],
    messages: { crossWorkspace: '"{{source}}" reaches into {{target}} by a relative path: import it by its package name (the boundary rules apply there).' },
  },
  create(context) {
    const own = workspaceOf(context.filename);
    /** @param {any} node */
    const check = (node) => {
      const source = node?.type === 'Literal' ? node.value : node?.type === 'TemplateLiteral' && node.expressions.length === 0 ? node.quasis[0].value.cooked : null;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = workspaceOf(path.resolve(path.dirname(context.filename), source));
      if (target && target !== own) context.report({ node, messageId: 'crossWorkspace', data: { source, target } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      /** @param {any} node */
      TSImportEqualsDeclaration: (node) => check(node.moduleReference?.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**', '**/dist/**', '**/build/**', '**/.cache/**', '**/.data/**', '**/.turbo/**',
      '**/generated/**', 'apps/magento-module/**', '**/public/build/**', 'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { boundaries: { rules: { 'no-relative-cross-workspace': noRelativeCrossWorkspace } } },
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'boundaries/no-relative-cross-workspace': 'error',
      // Packages and extensions: nothing imports an app.
      ...boundaryRules([appsExcept()]),
    },
  },
  {
    files: [`packages/core/**/*.${SOURCE}`],
    rules: {
      ...boundaryRules(CORE_FORBIDDEN, CORE_EXTRA_SYNTAX),
      // `const { env } = process` and every other use of the process object.
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'packages/core never reads the environment or the process: the apps parse config and pass values in.' },
        { name: 'fetch', message: 'packages/core does no I/O.' },
        { name: 'require', message: 'packages/core is ESM and loads nothing at run time.' },
      ],
    },
  },
  {
    files: [`packages/db/**/*.${SOURCE}`],
    rules: boundaryRules(DB_FORBIDDEN),
  },
  {
    files: [`apps/shopify/**/*.${SOURCE}`],
    rules: boundaryRules([appsExcept('@exstream-connect/shopify-app')]),
  },
  {
    files: [`apps/magento-sidecar/**/*.${SOURCE}`],
    rules: boundaryRules([appsExcept('@exstream-connect/magento-sidecar')]),
  },
  {
    // The composition root of `npm start` / bench / soak: the one place that runs the apps side by
    // side in a single process (embedded PGlite is single-connection, so one process owns it).
    // The benchmarks also drive workspace-internal bench code that no package exports.
    files: [`scripts/**/*.${SOURCE}`],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off', 'boundaries/no-relative-cross-workspace': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
