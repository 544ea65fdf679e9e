import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Each suite starts the whole product once in a child process (scripts/start.ts): one suite at a
// time keeps the 2-core machines responsive, and the hooks get time for the first start.
export default mergeConfig(
  shared,
  defineConfig({
    test: { maxWorkers: 1, fileParallelism: false, hookTimeout: 240_000, testTimeout: 180_000 },
  }),
);
