import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // In-process tests run the packages' sources; the bin test runs the built `dist`.
    alias: {
      // The subpath first: an alias also matches what starts with its key and a slash.
      '@orm-ai/core/typescript': source('../packages/core/src/typescript/index.ts'),
      '@orm-ai/core': source('../packages/core/src/index.ts'),
      '@orm-ai/drizzle': source('../packages/drizzle/src/index.ts'),
      '@orm-ai/prisma': source('../packages/prisma/src/index.ts'),
      '@orm-ai/typeorm': source('../packages/typeorm/src/index.ts'),
    },
  },
  test: {
    // A bin a test starts runs in its own process: no daemon outlives the test (the daemon's own test turns it on).
    env: { ORM_AI_DAEMON: 'off' },
    setupFiles: [source('support/file-cpu.ts')],
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.tmp/**'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
  },
});
