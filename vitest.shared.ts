import { defineConfig } from 'vitest/config';

// Workspace packages export `source` (TypeScript) next to `default` (built JS): tests run on
// the sources, so `npm test` never needs a build first.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'], externalConditions: ['source'] } },
  test: {
    include: ['{src,test}/**/*.test.{ts,tsx}'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    // Database-backed suites each open their own PGlite; keep memory predictable on 2-core machines.
    maxWorkers: 2,
  },
});
