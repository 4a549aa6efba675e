import { describe, expect, it } from 'vitest';
import type { FileChange, OrmProject } from '../src/orm-plugin.js';
import { checkEdits, withoutPreexisting } from '../src/pipeline/check-edits.js';

/** A project whose type check reports one error per line holding `BAD`, at that line, as tsc would. */
function projectCheckingLines(): OrmProject & { checks: number } {
  const project = {
    checks: 0,
    async checkEdits(edits: readonly FileChange[]) {
      project.checks += 1;
      return edits.flatMap((edit) =>
        edit.after.split('\n').flatMap((line, index) => (line.includes('BAD') ? [`${edit.path}:${index + 1}:3 - error TS2322: ${line.trim()} is wrong.`] : [])),
      );
    },
  };
  return project as unknown as OrmProject & { checks: number };
}

const edit = (before: string | null, after: string): FileChange => ({ path: 'src/schema.ts', role: 'source', before, after });

describe('checkEdits', () => {
  it('checks once when the edits type-check', async () => {
    const project = projectCheckingLines();
    expect(await checkEdits(project, [edit('a\n', 'a\nb\n')])).toBeNull();
    expect(project.checks).toBe(1);
  });

  it('blames the plan for an error only the edit brings', async () => {
    const project = projectCheckingLines();
    const error = await checkEdits(project, [edit('a\n', 'a\nBAD new\n')]);
    expect(error).toMatchObject({ code: 'SOURCE_TYPECHECK_FAILED', message: 'the edited source does not type-check:\n  src/schema.ts:2:3 - error TS2322: BAD new is wrong.' });
  });

  it('reports an error the unedited file already has as the user\'s, at its line in their file, even where the edit moved it', async () => {
    const project = projectCheckingLines();
    const error = await checkEdits(project, [edit('a\nBAD old\n', 'a\ninserted\nBAD old\n')]);
    expect(error).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('not in the plan') });
    expect(error?.message).toBe('the schema source does not type-check before any change:\n  src/schema.ts:2:3 - error TS2322: BAD old is wrong.');
    expect(project.checks).toBe(2);
  });

  it('names the plan\'s own errors beside the user\'s, without blaming the plan first', async () => {
    const error = await checkEdits(projectCheckingLines(), [edit('BAD old\n', 'BAD old\nBAD new\n')]);
    expect(error?.code).toBe('SCHEMA_READ_FAILED');
    expect(error?.message).toContain("and 1 error(s) the plan's edit adds");
  });

  it('does not check a new file\'s missing "before"', async () => {
    const project = projectCheckingLines();
    const error = await checkEdits(project, [{ ...edit(null, 'BAD new\n'), path: 'src/tags.ts' }]);
    expect(error?.code).toBe('SOURCE_TYPECHECK_FAILED');
    expect(project.checks).toBe(1);
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
