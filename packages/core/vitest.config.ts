import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
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
