import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Route modules are imported directly (no Remix plugin): loaders, actions and webhook routes are
// plain functions over Request/Response. The browser test runs the production build instead.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      setupFiles: ['./test/helpers/network-setup.ts'],
      // Each suite opens its own PGlite + sandbox; the browser suite also builds the app once.
      maxWorkers: 2,
      testTimeout: 180_000,
    },
  }),
);
