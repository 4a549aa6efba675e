import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';

const run = promisify(execFile);
const disposals: Array<() => void> = [];
afterAll(() => disposals.forEach((dispose) => dispose()));

describe('the type check of the schema source, on its worker thread', () => {
  it('reports a type error the schema had before the edit as the user\'s, at its line and column, and writes nothing', async () => {
    const { root, dispose } = copyExample('drizzle-app');
    disposals.push(dispose);
    // The unedited schema source is checked at the start of the run, on the type-check worker
    // of the built bin: its error is the user's, found before the plan is applied.
    appendFileSync(join(root, 'src', 'db', 'schema.ts'), "\nexport const pageSize: number = 'twenty';\n");
    const before = snapshotTree(root);
    const failed = await run(process.execPath, [join(REPO_ROOT, 'packages/drizzle/dist/bin.js'), 'generate', '--plan', 'plans/add-post-tags.json', '--yes', '--json'], {
      cwd: root,
      env: { ...process.env, ORM_AI_CACHE_DIR: join(root, '.cache') },
    }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    const report = JSON.parse(failed!.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(report).toMatchObject({ ok: false, error: { code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('not in the plan') } });
    const lines = readFileSync(join(REPO_ROOT, 'examples/drizzle-app/src/db/schema.ts'), 'utf8').split('\n').length;
    expect(report.error.message).toContain(`src/db/schema.ts:${lines + 1}:14 - error TS2322: Type 'string' is not assignable to type 'number'.`);
    const after = snapshotTree(root);
    for (const path of Object.keys(after)) if (path.startsWith('.cache/')) delete after[path];
    expect(after).toEqual(before);
  });
});
