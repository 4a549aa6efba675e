import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The built module: only there does the worker script exist beside it (turbo builds before tests).
import { keepTypecheckerWarm, openSourceTypecheck, stopWarmTypechecker, typecheckSources, typecheckSourcesWarm, warmTypecheckReuses, type KeptPrograms } from '../dist/typescript/index.js';

const root = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-'));
const edits = [
  { path: 'schema.ts', after: "export const count: number = 'three';\nexport const name: string = 'posts';\n" },
  { path: 'other.ts', after: "import { count } from './schema';\nexport const twice: string = count * 2;\n" },
];

describe('openSourceTypecheck', () => {
  it('finds what the in-process check finds, and leaves the main thread free meanwhile', async () => {
    const typecheck = openSourceTypecheck({ projectRoot: root, sourceFiles: ['schema.ts'] });
    try {
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 5);
      const fromWorker = await typecheck.check(edits);
      clearInterval(timer);
      expect(fromWorker).toEqual(typecheckSources({ projectRoot: root, edits }));
      expect(fromWorker).toEqual([expect.stringMatching(/^schema\.ts:1:\d+ - error TS2322: Type 'string' is not assignable to type 'number'/), expect.stringMatching(/^other\.ts:2:\d+ - error TS2322: Type 'number' is not assignable to type 'string'/)]);
      // Loading the compiler and checking take hundreds of milliseconds; an idle main thread ticks all along.
      expect(ticks).toBeGreaterThan(10);
      expect(typecheck.sourceFiles).toEqual([join(root, 'schema.ts')]);
    } finally {
      await typecheck.close();
    }
  });

  it('is empty for sources that check, and a later check of the same run reuses the program and reads the disk again', async () => {
    const project = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-run-'));
    writeFileSync(join(project, 'base.ts'), 'export const size: number = 1;\n');
    const user = { path: 'user.ts', after: "import { size } from './base';\nexport const doubled: number = size * 2;\n" };
    const typecheck = openSourceTypecheck({ projectRoot: project, sourceFiles: ['base.ts'] });
    try {
      expect(await typecheck.check([user])).toEqual([]);
      writeFileSync(join(project, 'base.ts'), "export const size: string = 'one';\n");
      expect(await typecheck.check([user])).toEqual([expect.stringMatching(/^user\.ts:2:\d+ - error TS2362: The left-hand side of an arithmetic operation/)]);
    } finally {
      await typecheck.close();
    }
  });

  it('abandons a check under way when closed', async () => {
    const typecheck = openSourceTypecheck({ projectRoot: root, sourceFiles: [] });
    const checking = typecheck.check(edits);
    await typecheck.close();
    await expect(checking).rejects.toThrow(/worker exited/);
  });
});

describe('the kept type-check worker of a daemon', () => {
  it('serves every run, counts a run whose first check found a program an earlier run loaded, and outlives closing a run', async () => {
    const project = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-warm-'));
    writeFileSync(join(project, 'base.ts'), 'export const size: number = 1;\n');
    const user = [{ path: 'user.ts', after: "import { size } from './base';\nexport const doubled: number = size * 2;\n" }];
    keepTypecheckerWarm();
    try {
      const first = openSourceTypecheck({ projectRoot: project, sourceFiles: ['base.ts'] });
      expect(await first.check(user)).toEqual([]);
      expect(await first.check(user)).toEqual([]);
      await first.close();
      // Two checks of one run on one program: not yet a run on a warm checker.
      expect(warmTypecheckReuses()).toBe(0);
      const second = openSourceTypecheck({ projectRoot: project, sourceFiles: ['base.ts'] });
      writeFileSync(join(project, 'base.ts'), "export const size: string = 'one';\n");
      expect(await second.check(user)).toEqual([expect.stringMatching(/^user\.ts:2:\d+ - error TS2362: The left-hand side of an arithmetic operation/)]);
      await second.close();
      expect(warmTypecheckReuses()).toBe(1);
    } finally {
      await stopWarmTypechecker();
    }
  });
});

describe('declaration files shared between checks', () => {
  it('are parsed again when they change on disk, for a project checked before and for a new one', () => {
    const project = mkdtempSync(join(tmpdir(), 'orm-ai-typecheck-declarations-'));
    const declarations = join(project, 'node_modules', 'sizes');
    mkdirSync(declarations, { recursive: true });
    writeFileSync(join(declarations, 'package.json'), JSON.stringify({ name: 'sizes', types: 'index.d.ts' }));
    writeFileSync(join(declarations, 'index.d.ts'), 'export declare const size: number;\n');
    const user = [{ path: 'user.ts', after: "import { size } from 'sizes';\nexport const label: string = size;\n" }];
    const kept: KeptPrograms = new Map();
    expect(typecheckSourcesWarm({ projectRoot: project, edits: user }, kept).diagnostics).toEqual([expect.stringMatching(/^user\.ts:2:\d+ - error TS2322: Type 'number' is not assignable to type 'string'/)]);
    // A longer text: another size, whatever the clock's resolution did to the modification time.
    writeFileSync(join(declarations, 'index.d.ts'), 'export declare const size: string; // now a label\n');
    expect(typecheckSourcesWarm({ projectRoot: project, edits: user }, kept).diagnostics).toEqual([]);
    expect(typecheckSources({ projectRoot: project, edits: user })).toEqual([]);
  });
});
