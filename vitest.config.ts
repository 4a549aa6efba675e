import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import FileTimesReporter from './test/support/file-times-reporter.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

// Each file's CPU, written by test/support/file-cpu.ts in the workers (which inherit this
// process's environment) and printed, with the wall times, after the summary.
const CPU_LOG = fileURLToPath(new URL('test/.tmp/file-cpu.jsonl', import.meta.url));
process.env.ORM_AI_TEST_CPU_LOG = CPU_LOG;

/**
 * The files that take minutes, longest first (CPU seconds of the run on 2026-12-07: 538, 372,
 * 140, 126, 102, 99, 89, 71, 69, 56). They start before everything else: a clean clone has no
 * timings from an earlier run, and a long file started last leaves the other core idle while
 * it runs alone.
 */
const SLOW_FIRST = [
  'test/corpus.test.ts',
  'test/eval/eval-replay.test.ts',
  'test/typeorm-migration.test.ts',
  'test/rollback.test.ts',
  'test/json-report-schema.test.ts',
  'test/llm-faults.test.ts',
  'test/drizzle-generate.test.ts',
  'test/mcp-server.test.ts',
  'test/prisma-migrate.test.ts',
  'test/install.test.ts',
];

/** Vitest's own order (a failed file first, then the longest of the last run, else the largest), behind SLOW_FIRST. */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_FIRST.indexOf(relative(ROOT, file.moduleId));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    return (await super.sort(files)).sort((left, right) => rank(left) - rank(right));
  }
}

/**
 * `npm test`: every workspace's suite in one run, so that two workers share all the files of
 * the repository and neither waits for one package's last long file before the next package
 * starts. Each project keeps its own config (`vitest run` in a workspace runs that alone):
 * `--project '!@orm-ai/e2e'` runs the package suites, `--project @orm-ai/e2e` the end-to-end one.
 */
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.config.ts'],
    // PGlite and the TypeScript compiler are heavy: one worker per core of the 2-core machines.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    reporters: ['default', new FileTimesReporter(ROOT, CPU_LOG)],
  },
});
