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
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.tmp/**'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
  },
});
