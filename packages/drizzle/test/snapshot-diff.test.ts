import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePlan, type ChangePlan } from '@orm-ai/core';
import { loadDrizzleKit, type DrizzleSnapshot } from '../src/drizzle-kit-api.js';
import { diffSnapshots } from '../src/snapshot-diff.js';

const example = fileURLToPath(new URL('../../../examples/drizzle-app/', import.meta.url));
const latest = () => JSON.parse(readFileSync(`${example}drizzle/meta/0001_snapshot.json`, 'utf8')) as DrizzleSnapshot;

function plan(changes: unknown[]): ChangePlan {
  const parsed = parsePlan({ version: 1, request: 'r', summary: 's', changes });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

/** The next snapshot as the edited source would produce it, made by editing the JSON. */
function renamedColumn(snapshot: DrizzleSnapshot): DrizzleSnapshot {
  const next = structuredClone(snapshot) as any;
  const users = next.tables['public.users'];
  users.columns.full_name = { ...users.columns.display_name, name: 'full_name' };
  delete users.columns.display_name;
  return next;
}

describe('diffSnapshots', () => {
  it('turns a planned rename into drizzle-kit\'s RENAME statement and _meta entry', async () => {
    const api = await loadDrizzleKit(example);
    const diff = await diffSnapshots({ api, prev: latest(), cur: renamedColumn(latest()), plan: plan([{ kind: 'rename_column', table: 'users', from: 'display_name', to: 'full_name', reason: 'r' }]) });
    expect(diff.statements).toEqual(['ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";']);
    expect(diff.meta.columns).toEqual({ '"users"."display_name"': '"users"."full_name"' });
  });

  it('follows a table rename into foreign keys that point at it', async () => {
    const api = await loadDrizzleKit(example);
    const cur = structuredClone(latest()) as any;
    cur.tables['public.tags'] = { ...cur.tables['public.tags'], name: 'labels' };
    cur.tables['public.labels'] = cur.tables['public.tags'];
    delete cur.tables['public.tags'];
    cur.tables['public.posts_to_tags'].foreignKeys['posts_to_tags_tag_id_tags_id_fk'].tableTo = 'labels';
    const diff = await diffSnapshots({ api, prev: latest(), cur, plan: plan([{ kind: 'rename_table', from: 'tags', to: 'labels', reason: 'r' }]) });
    expect(diff.statements).toEqual(['ALTER TABLE "tags" RENAME TO "labels";']);
    expect(diff.meta.tables).toEqual({ '"tags"': '"labels"' });
  });

  it('refuses, before drizzle-kit can prompt, a drop and an add the plan did not call a rename', async () => {
    const api = await loadDrizzleKit(example);
    await expect(diffSnapshots({ api, prev: latest(), cur: renamedColumn(latest()), plan: plan([{ kind: 'add_column', table: 'users', column: { name: 'x', type: 'text', nullable: true }, reason: 'r' }]) })).rejects.toMatchObject({
      code: 'MIGRATION_AMBIGUOUS',
      message: expect.stringContaining('table "users" loses display_name and gains full_name'),
    });
  });
});
