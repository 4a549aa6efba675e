import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The subpath first: an alias also matches what starts with its key and a slash.
    alias: {
      '@orm-ai/core/typescript': fileURLToPath(new URL('../core/src/typescript/index.ts', import.meta.url)),
      '@orm-ai/core': fileURLToPath(new URL('../core/src/index.ts', import.meta.url)),
    },
  },
  test: {
    // A bin a test starts runs in its own process: no daemon outlives the test (the daemon's own test turns it on).
    env: { ORM_AI_DAEMON: 'off' },
    setupFiles: [fileURLToPath(new URL('../../test/support/file-cpu.ts', import.meta.url))],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // PGlite and the TypeScript compiler are heavy; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
