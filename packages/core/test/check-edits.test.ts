import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileChange, OrmProject, SourceText, SourceTypecheck } from '../src/orm-plugin.js';
import { checkEdits, startRunTypecheck, withoutPreexisting } from '../src/pipeline/check-edits.js';

/** A type check that reports one error per line holding `BAD`, at that line, as tsc would; it counts its checks. */
function checkingLines(sourceFiles: string[] = []): SourceTypecheck & { checks: SourceText[][]; closed: boolean } {
  const typecheck = {
    sourceFiles,
    checks: [] as SourceText[][],
    closed: false,
    async check(files: readonly SourceText[]) {
      typecheck.checks.push([...files]);
      return files.flatMap((file) =>
        file.after.split('\n').flatMap((line, index) => (line.includes('BAD') ? [`${file.path}:${index + 1}:3 - error TS2322: ${line.trim()} is wrong.`] : [])),
      );
    },
    async close() {
      typecheck.closed = true;
    },
  };
  return typecheck;
}

const edit = (before: string | null, after: string): FileChange => ({ path: 'src/schema.ts', role: 'source', before, after });
const root = '/project';
const check = (typecheck: SourceTypecheck, edits: FileChange[], cleanBefore: string[] = []) => checkEdits({ typecheck, root, edits, cleanBefore: new Set(cleanBefore) });

describe('checkEdits', () => {
  it('checks once when the edits type-check', async () => {
    const typecheck = checkingLines();
    expect(await check(typecheck, [edit('a\n', 'a\nb\n')])).toBeNull();
    expect(typecheck.checks).toHaveLength(1);
  });

  it('blames the plan for an error only the edit brings', async () => {
    const error = await check(checkingLines(), [edit('a\n', 'a\nBAD new\n')]);
    expect(error).toMatchObject({ code: 'SOURCE_TYPECHECK_FAILED', message: 'the edited source does not type-check:\n  src/schema.ts:2:3 - error TS2322: BAD new is wrong.' });
  });

  it('does not check again a file the start of the run found clean', async () => {
    const typecheck = checkingLines();
    const error = await check(typecheck, [edit('a\n', 'a\nBAD new\n')], ['/project/src/schema.ts']);
    expect(error?.code).toBe('SOURCE_TYPECHECK_FAILED');
    expect(typecheck.checks).toHaveLength(1);
  });

  it('reports an error the unedited file already has as the user\'s, at its line in their file, even where the edit moved it', async () => {
    const typecheck = checkingLines();
    const error = await check(typecheck, [edit('a\nBAD old\n', 'a\ninserted\nBAD old\n')]);
    expect(error).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('not in the plan') });
    expect(error?.message).toBe('the schema source does not type-check before any change:\n  src/schema.ts:2:3 - error TS2322: BAD old is wrong.');
    expect(typecheck.checks).toHaveLength(2);
  });

  it('names the plan\'s own errors beside the user\'s, without blaming the plan first', async () => {
    const error = await check(checkingLines(), [edit('BAD old\n', 'BAD old\nBAD new\n')]);
    expect(error?.code).toBe('SCHEMA_READ_FAILED');
    expect(error?.message).toContain("and 1 error(s) the plan's edit adds");
  });

  it('does not check a new file\'s missing "before"', async () => {
    const typecheck = checkingLines();
    const error = await check(typecheck, [{ ...edit(null, 'BAD new\n'), path: 'src/tags.ts' }]);
    expect(error?.code).toBe('SOURCE_TYPECHECK_FAILED');
    expect(typecheck.checks).toHaveLength(1);
  });
});

describe('startRunTypecheck', () => {
  const projectWith = (typecheck: SourceTypecheck | undefined, projectRoot: string) => ({ root: projectRoot, ...(typecheck ? { openTypecheck: () => typecheck } : {}) }) as unknown as OrmProject;

  it('checks the unedited sources as they are on disk at once, and fails the run on their errors as the user\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-run-typecheck-'));
    writeFileSync(join(dir, 'schema.ts'), 'ok\nBAD old\n');
    const typecheck = checkingLines([join(dir, 'schema.ts'), join(dir, 'missing.ts')]);
    const run = startRunTypecheck(projectWith(typecheck, dir));
    const error = await run.requireCleanSources().then(() => null, (caught: unknown) => caught);
    // The file that is not there is the ORM reader's to report.
    expect(typecheck.checks).toEqual([[{ path: join(dir, 'schema.ts'), after: 'ok\nBAD old\n' }]]);
    expect(error).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('no model was asked') });
    expect((error as Error).message).toContain(`${join(dir, 'schema.ts')}:2:3 - error TS2322: BAD old is wrong.`);
    await run.close();
    expect(typecheck.closed).toBe(true);
  });

  it('reuses a clean start for the blame split: an edit that fails costs one more check, not two', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-run-typecheck-'));
    writeFileSync(join(dir, 'schema.ts'), 'ok\n');
    const typecheck = checkingLines([join(dir, 'schema.ts')]);
    const run = startRunTypecheck(projectWith(typecheck, dir));
    await run.requireCleanSources();
    const error = await run.checkEdits([{ path: 'schema.ts', role: 'source', before: 'ok\n', after: 'ok\nBAD new\n' }]);
    expect(error?.code).toBe('SOURCE_TYPECHECK_FAILED');
    expect(typecheck.checks).toHaveLength(2);
  });

  it('finds nothing for a project whose schema is not code', async () => {
    const run = startRunTypecheck(projectWith(undefined, '/nowhere'));
    await run.requireCleanSources();
    expect(await run.checkEdits([edit('BAD\n', 'BAD\n')])).toBeNull();
  });
});

describe('withoutPreexisting', () => {
  it('matches by file and message, not position, each old error once', () => {
    const old = 'a.ts:3:1 - error TS1: same';
    expect(withoutPreexisting(['a.ts:9:1 - error TS1: same', 'a.ts:10:1 - error TS1: same', 'b.ts:3:1 - error TS1: same'], [old])).toEqual([
      'a.ts:10:1 - error TS1: same',
      'b.ts:3:1 - error TS1: same',
    ]);
  });
});
