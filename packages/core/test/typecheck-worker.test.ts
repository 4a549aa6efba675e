import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The built module: only there does the worker script exist beside it (turbo builds before tests).
import { typecheckSources, typecheckSourcesInWorker } from '../dist/typescript/index.js';

const root = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-'));
const edits = [
  { path: 'schema.ts', after: "export const count: number = 'three';\nexport const name: string = 'posts';\n" },
  { path: 'other.ts', after: "import { count } from './schema';\nexport const twice: string = count * 2;\n" },
];

describe('typecheckSourcesInWorker', () => {
  it('finds what the in-process check finds, and leaves the main thread free meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const fromWorker = await typecheckSourcesInWorker({ projectRoot: root, edits });
    clearInterval(timer);
    expect(fromWorker).toEqual(typecheckSources({ projectRoot: root, edits }));
    expect(fromWorker).toEqual([expect.stringMatching(/^schema\.ts:1:\d+ - error TS2322: Type 'string' is not assignable to type 'number'/), expect.stringMatching(/^other\.ts:2:\d+ - error TS2322: Type 'number' is not assignable to type 'string'/)]);
    // Loading the compiler and checking take hundreds of milliseconds; an idle main thread ticks all along.
    expect(ticks).toBeGreaterThan(10);
  });

  it('is empty for sources that check', async () => {
    expect(await typecheckSourcesInWorker({ projectRoot: root, edits: [{ path: 'fine.ts', after: 'export const n: number = 1;\n' }] })).toEqual([]);
  });
});

describe('the kept type-check worker of a daemon', () => {
  it('reuses its program across checks and reads files changed on disk since', async () => {
    const { keepTypecheckerWarm, stopWarmTypechecker, warmTypecheckReuses } = await import('../dist/typescript/index.js');
    const { writeFileSync } = await import('node:fs');
    const project = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-warm-'));
    writeFileSync(join(project, 'base.ts'), 'export const size: number = 1;\n');
    const check = { projectRoot: project, edits: [{ path: 'user.ts', after: "import { size } from './base';\nexport const doubled: number = size * 2;\n" }] };
    keepTypecheckerWarm();
    try {
      expect(await typecheckSourcesInWorker(check)).toEqual([]);
      expect(warmTypecheckReuses()).toBe(0);
      writeFileSync(join(project, 'base.ts'), "export const size: string = 'one';\n");
      expect(await typecheckSourcesInWorker(check)).toEqual([expect.stringMatching(/^user\.ts:2:\d+ - error TS2362: The left-hand side of an arithmetic operation/)]);
      expect(warmTypecheckReuses()).toBe(1);
    } finally {
      await stopWarmTypechecker();
    }
  });
});
