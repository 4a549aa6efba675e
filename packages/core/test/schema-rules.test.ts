import { describe, expect, it } from 'vitest';
import { parsePlan, validatePlan } from '../src/plan-validation.js';
import { renderSchemaForPrompt } from '../src/llm/render-schema.js';
import { findTable, type SchemaModel } from '../src/schema-model.js';
import { columnsNamedBy } from '../src/dialect/postgres/parser.js';
import { blogModel } from './blog-model.js';

/** The blog schema with what no plan kind edits yet: a check, RLS with policies, an operator class, DESC and an extension's index method. */
function blogWithRules(): SchemaModel {
  const model = blogModel();
  const posts = findTable(model, 'posts')!;
  posts.checks.push({ name: 'posts_title_not_blank', expression: "length(trim(title)) > 0" });
  posts.rowLevelSecurity = true;
  posts.policies.push(
    { name: 'authors see their posts', as: 'permissive', command: 'select', roles: ['authenticated'], using: 'author_id = current_setting(\'app.user\')::integer', withCheck: null },
    { name: 'no drafts for guests', as: 'restrictive', command: 'all', roles: [], using: "status <> 'draft' OR EXISTS (SELECT 1 FROM users u WHERE u.bio IS NOT NULL)", withCheck: null },
  );
  posts.indexes.push({
    name: 'posts_title_trgm',
    columns: ['title', 'id'],
    unique: false,
    method: 'gin',
    where: null,
    keyOptions: [
      { opclass: 'gin_trgm_ops', order: 'asc', nulls: null },
      { opclass: null, order: 'desc', nulls: 'last' },
    ],
  });
  posts.indexes.push({ name: 'posts_embedding_hnsw', columns: ['title'], unique: false, method: 'hnsw', where: null });
  return model;
}

function plan(request: string, changes: unknown[]) {
  const parsed = parsePlan({ version: 1, request, summary: 's', changes });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

describe('the model keeps what no plan kind edits, for the prompt and for validation', () => {
  it('the prompt shows checks, row-level security, policies, operator classes, key order and extension index methods', () => {
    const text = renderSchemaForPrompt(blogWithRules());
    expect(text).toContain('  constraint posts_title_not_blank check (length(trim(title)) > 0)');
    expect(text).toContain('alter table posts enable row level security');
    expect(text).toContain("policy authors see their posts on posts for select to authenticated using (author_id = current_setting('app.user')::integer)");
    expect(text).toContain('policy no drafts for guests on posts as restrictive for all to public using (');
    expect(text).toContain('index posts_title_trgm on posts using gin (title gin_trgm_ops, id desc nulls last)');
    expect(text).toContain('index posts_embedding_hnsw on posts using hnsw (title)');
  });

  it('refuses to drop a column a check or a policy names, and only those', async () => {
    const dropTitle = { kind: 'drop_column', table: 'posts', column: 'title', reason: 'r' };
    const dropAuthor = { kind: 'drop_column', table: 'posts', column: 'author_id', reason: 'r' };
    const dropStatus = { kind: 'drop_column', table: 'posts', column: 'status', reason: 'r' };
    const model = blogWithRules();
    expect(await validatePlan({ plan: plan('drop posts.title', [dropTitle]), model })).toEqual([
      { path: 'changes[0]', message: expect.stringContaining('check constraint "posts_title_not_blank" on "posts" uses column "title"') },
    ]);
    expect(await validatePlan({ plan: plan('drop posts.author_id', [dropAuthor]), model })).toEqual([
      { path: 'changes[0]', message: expect.stringContaining('policy "authors see their posts" on "posts" uses column "author_id"') },
    ]);
    expect((await validatePlan({ plan: plan('drop posts.status', [dropStatus]), model })).map((problem) => problem.message)).toEqual([
      expect.stringContaining('policy "no drafts for guests"'),
    ]);
    // Without the rules the same drops pass.
    expect(await validatePlan({ plan: plan('drop posts.title', [dropTitle]), model: blogModel() })).toEqual([]);
  });
});

describe('columnsNamedBy', () => {
  it('collects bare and table-qualified columns, not those of subqueries or other tables', async () => {
    expect(await columnsNamedBy("posts.author_id = 1 AND status <> 'x' AND other.id = 2 AND EXISTS (SELECT 1 FROM users WHERE bio = title)", 'posts')).toEqual(
      new Set(['author_id', 'status']),
    );
  });

  it('is null for text that is not one expression', async () => {
    expect(await columnsNamedBy('1; DROP TABLE posts', 'posts')).toBeNull();
  });
});
