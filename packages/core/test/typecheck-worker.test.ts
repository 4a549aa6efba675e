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
    expect(fromWorker).toEqual([expect.stringMatching(/^schema\.ts:1: Type 'string' is not assignable to type 'number'/), expect.stringMatching(/^other\.ts:2: Type 'number' is not assignable to type 'string'/)]);
    // Loading the compiler and checking take hundreds of milliseconds; an idle main thread ticks all along.
    expect(ticks).toBeGreaterThan(10);
  });

  it('is empty for sources that check', async () => {
    expect(await typecheckSourcesInWorker({ projectRoot: root, edits: [{ path: 'fine.ts', after: 'export const n: number = 1;\n' }] })).toEqual([]);
  });
});
