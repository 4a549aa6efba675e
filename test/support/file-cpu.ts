import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Records each test file's CPU seconds, its own process's and those of the children it
 * waited for (the CLI runs and the ORMs' tools a file starts), for the slowest-files table
 * `file-times-reporter.ts` prints at the end of `npm test`. Linux only: it reads
 * /proc/self/stat, and records nothing where that does not exist.
 */
const log = process.env.ORM_AI_TEST_CPU_LOG;

interface Ticks {
  self: number;
  children: number;
}

function ticks(): Ticks | null {
  try {
    // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are 14-17 of stat(5).
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    const at = (field: number) => Number(fields[field - 3]);
    return { self: at(14) + at(15), children: at(16) + at(17) };
  } catch {
    return null;
  }
}

if (log) {
  let start: Ticks | null = null;
  let file = '';
  // Vitest passes fixtures first (and insists on a destructuring pattern there), the file's suite second.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(({}, suite) => {
    start = ticks();
    file = 'filepath' in suite ? String(suite.filepath) : suite.name;
  });
  afterAll(() => {
    const end = ticks();
    if (!start || !end) return;
    // USER_HZ is 100 on Linux.
    const line = { file, selfSeconds: (end.self - start.self) / 100, childrenSeconds: (end.children - start.children) / 100 };
    mkdirSync(dirname(log), { recursive: true });
    appendFileSync(log, `${JSON.stringify(line)}\n`);
  });
}
