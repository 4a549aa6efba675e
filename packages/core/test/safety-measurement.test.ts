import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ensurePostgresServer, serverTestUrl, shadowBackends, type TestDatabase } from '../../../test/support/postgres-server.js';
import { OrmAiError } from '../src/errors.js';
import { analyzeMigration, type MigrationAnalysis, type StatementAnalysis } from '../src/safety/analyze-migration.js';
import { parseRowsFlags, productionRowsFrom, readTableStatistics } from '../src/safety/production-rows.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';

const SETUP = readFileSync(join(import.meta.dirname, '..', 'src', 'safety', 'rules', 'setup.sql'), 'utf8');

const MIGRATION = [
  "SET lock_timeout = '5s';",
  'CREATE INDEX posts_body_idx ON posts (body);',
  'ALTER TABLE users ADD COLUMN bio text;',
  'ALTER TABLE audit ADD COLUMN user_id integer;',
  'ALTER TABLE audit ADD CONSTRAINT audit_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
  'ALTER TABLE audit VALIDATE CONSTRAINT audit_user_fk;',
  'ALTER TABLE posts ALTER COLUMN title TYPE varchar(200);',
  'ALTER TABLE posts ALTER COLUMN author_id TYPE bigint;',
  'CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);',
  'ALTER TABLE tags ADD COLUMN slug text NOT NULL;',
  'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
].join('\n');

describe.each(shadowBackends())('locks and rewrites measured on $name', ({ url }) => {
  let prepared: ShadowDatabase;
  let analysis: MigrationAnalysis;
  const at = (line: number): StatementAnalysis => analysis.statements.find((statement) => statement.line === line)!;
  const lockOn = (line: number, relation: string) => at(line).locks.find((lock) => lock.relation === relation)?.mode;

  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    prepared = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await replayMigrations({ dialect: postgresDialect, shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: SETUP }], transaction: 'none' });
    analysis = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'migration.sql', sql: MIGRATION, transaction: 'none', productionRows: new Map([['public.posts', 1_000_000]]) });
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('seeds the touched tables, parents first, before measuring', () => {
    const seeded = analysis.seeded.map((entry) => entry.table);
    expect(seeded).toEqual(expect.arrayContaining(['users', 'posts', 'audit']));
    expect(seeded.indexOf('users')).toBeLessThan(seeded.indexOf('posts'));
    expect(analysis.seeded.every((entry) => entry.rows > 0)).toBe(true);
  });

  it('reads the lock each statement takes from pg_locks', () => {
    expect(lockOn(2, 'posts')).toBe('SHARE');
    expect(lockOn(3, 'users')).toBe('ACCESS EXCLUSIVE');
    expect(lockOn(5, 'audit')).toBe('SHARE ROW EXCLUSIVE');
    expect(lockOn(5, 'users')).toBe('SHARE ROW EXCLUSIVE');
    expect(lockOn(6, 'audit')).toBe('SHARE UPDATE EXCLUSIVE');
    expect(at(2).locks.find((lock) => lock.relation === 'posts')?.blocks).toMatch(/writes/);
    expect(at(2).locks.every((lock) => lock.measured)).toBe(true);
  });

  it('reports no lock on a table the migration created, and the lock of CONCURRENTLY: documented on PGlite, probed from a second session on a server', () => {
    expect(at(10).locks).toEqual([]);
    expect(at(11).locks).toEqual([expect.objectContaining({ relation: 'users', mode: 'SHARE UPDATE EXCLUSIVE', measured: url !== undefined })]);
  });

  it('detects rewrites from relfilenode: a widening is none, int to bigint is one', () => {
    expect(at(7).rewrites).toEqual([]);
    expect(at(7).findings.map((finding) => finding.rule)).not.toContain('alter-column-type-rewrites-table');
    expect(at(8).rewrites).toEqual(['posts']);
    expect(at(8).findings.map((finding) => finding.rule)).toContain('alter-column-type-rewrites-table');
    expect(at(8).findings.find((finding) => finding.rule === 'alter-column-type-rewrites-table')?.message).toMatch(/Measured on the shadow/);
  });

  it('times every statement and scales scans and rewrites to the production row count', () => {
    expect(analysis.statements.every((statement) => statement.durationMs !== null && statement.durationMs >= 0)).toBe(true);
    const estimate = at(8).estimates.find((entry) => entry.table === 'posts');
    expect(estimate?.rows).toBe(1_000_000);
    expect(estimate!.ms).toBeGreaterThan(at(8).durationMs!);
    expect(at(3).estimates).toEqual([]);
  });

  it('does not ask for a lock_timeout the migration sets', () => {
    expect(analysis.statements.flatMap((statement) => statement.findings.map((finding) => finding.rule))).not.toContain('lock-timeout-missing');
  });

  it('overrules a suspected rewrite the shadow does not see', async () => {
    const overruled = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'using.sql', sql: 'ALTER TABLE posts ALTER COLUMN title TYPE varchar(300) USING title::varchar(300);', transaction: 'none' });
    expect(overruled.statements[0]!.rewrites).toEqual([]);
    expect(overruled.statements[0]!.findings.map((finding) => finding.rule)).not.toContain('alter-column-type-rewrites-table');
  });

  it('reports a statement the shadow rejects, and does not run the ones after it', async () => {
    const failed = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'bad.sql', sql: 'ALTER TABLE posts ADD COLUMN slug text NOT NULL;\nALTER TABLE users ADD COLUMN bio text;', transaction: 'none' });
    expect(failed.statements[0]!.error).toMatch(/null/i);
    expect(failed.statements[0]!.findings.map((finding) => finding.rule)).toEqual(expect.arrayContaining(['add-column-not-null-without-default', 'statement-failed']));
    expect(failed.statements[1]!.error).toMatch(/not run/);
    expect(failed.statements[1]!.durationMs).toBeNull();
  });

  it('leaves the prepared shadow as it was', async () => {
    const columns = await prepared.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name");
    expect(columns.map((row) => row.column_name)).toEqual(['created_at', 'email', 'id', 'name']);
    const rows = await prepared.query<{ count: number }>('SELECT count(*)::int AS count FROM users');
    expect(rows[0]!.count).toBe(0);
  });
});

/** Statements that rebuild, rewrite or drop without saying so, and statements that cannot run in a transaction. */
const STORAGE_MIGRATION = [
  'ALTER TABLE posts ALTER COLUMN title TYPE varchar(100) COLLATE "C";',
  'REINDEX TABLE posts;',
  'REINDEX INDEX CONCURRENTLY posts_title_idx;',
  'DROP INDEX CONCURRENTLY posts_author_idx;',
  'VACUUM FULL audit;',
  'VACUUM users;',
  'ANALYZE users;',
  'DROP SCHEMA archive CASCADE;',
  // A widening that keeps the collation keeps the index's file; without COLLATE "C" it would go back to the default and rebuild.
  'ALTER TABLE posts ALTER COLUMN title TYPE varchar(200) COLLATE "C";',
  'DROP TYPE post_status CASCADE;',
  // A rename keeps the column's position: nothing dropped.
  'ALTER TABLE users RENAME COLUMN name TO full_name;',
  'ALTER TABLE audit DROP COLUMN note;',
].join('\n');

describe.each(shadowBackends())('index rebuilds, drops and statements outside a transaction, measured on $name', ({ url }) => {
  let prepared: ShadowDatabase;
  let analysis: MigrationAnalysis;
  const at = (line: number): StatementAnalysis => analysis.statements.find((statement) => statement.line === line)!;

  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    prepared = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    const archive = 'CREATE SCHEMA archive; CREATE TABLE archive.old_posts (id bigint PRIMARY KEY, title text);';
    await replayMigrations({ dialect: postgresDialect, shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: `${SETUP}\n${archive}` }], transaction: 'none' });
    analysis = await analyzeMigration({ dialect: postgresDialect, prepared, path: 'storage.sql', sql: STORAGE_MIGRATION, transaction: 'none' });
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('measures an index rebuilt while its table keeps its file: a collation change, REINDEX (the TOAST index too), REINDEX CONCURRENTLY', () => {
    expect(analysis.statements.every((statement) => statement.error === undefined)).toBe(true);
    expect(at(1)).toMatchObject({ rewrites: [], rebuiltIndexes: ['posts_title_idx on posts'] });
    expect(at(2)).toMatchObject({ rewrites: [], rebuiltIndexes: ['posts_author_idx on posts', 'posts_pkey on posts', 'posts_title_idx on posts', 'the TOAST index of posts'] });
    expect(at(3)).toMatchObject({ rewrites: [], rebuiltIndexes: ['posts_title_idx on posts'] });
    expect(at(9)).toMatchObject({ rewrites: [], rebuiltIndexes: [] });
  });

  it('compares storage files for statements outside a transaction: VACUUM FULL rewrites, VACUUM does not', () => {
    expect(at(5).rewrites).toEqual(['audit']);
    expect(at(6).rewrites).toEqual([]);
  });

  it('puts the lock of a statement outside a transaction on its table, an index resolved to its table: documented on PGlite, probed on a server', () => {
    // A server shadow offers a second session, which holds a conflicting lock and reads the one the statement queues for.
    const probed = url !== undefined;
    expect(at(2).locks).toEqual([expect.objectContaining({ relation: 'posts', mode: 'SHARE', measured: true })]);
    expect(at(3).locks).toEqual([expect.objectContaining({ relation: 'posts', mode: 'SHARE UPDATE EXCLUSIVE', measured: probed })]);
    expect(at(4).locks).toEqual([expect.objectContaining({ relation: 'posts', mode: 'SHARE UPDATE EXCLUSIVE', measured: probed })]);
    expect(at(5).locks).toEqual([expect.objectContaining({ relation: 'audit', mode: 'ACCESS EXCLUSIVE', measured: probed })]);
    expect(at(6).locks).toEqual([expect.objectContaining({ relation: 'users', mode: 'SHARE UPDATE EXCLUSIVE', measured: probed })]);
    // ANALYZE runs in a transaction: its lock is read from pg_locks.
    expect(at(7).locks).toEqual([expect.objectContaining({ relation: 'users', mode: 'SHARE UPDATE EXCLUSIVE', measured: true })]);
  });

  it('measures the tables a statement dropped', () => {
    expect(at(8).dropped).toEqual(['archive.old_posts']);
    expect(at(8).findings.map((finding) => finding.rule)).toContain('drop-cascade');
    expect(at(4).dropped).toEqual([]);
  });

  it('measures the columns a statement dropped from tables that remain, named or not; a dropped table\'s columns are not among them', () => {
    expect(at(8).droppedColumns).toEqual([]);
    expect(at(10)).toMatchObject({ dropped: [], droppedColumns: ['posts.status'] });
    expect(at(10).findings.map((finding) => finding.rule)).toContain('drop-cascade');
    expect(at(11).droppedColumns).toEqual([]);
    expect(at(12).droppedColumns).toEqual(['audit.note']);
    expect(at(12).findings.map((finding) => finding.rule)).not.toContain('drop-cascade');
  });
});

describe('production row counts', () => {
  it('parses --rows flags with public as the default schema', () => {
    expect(parseRowsFlags(['users=1200', 'audit.events=5e6'])).toEqual(new Map([['public.users', 1200], ['audit.events', 5_000_000]]));
    expect(() => parseRowsFlags(['users'])).toThrow(OrmAiError);
    expect(() => parseRowsFlags(['users=many'])).toThrow(/TABLE=N/);
  });

  it('fails clearly when the statistics server cannot be reached', async () => {
    await expect(readTableStatistics('postgres://nobody@127.0.0.1:1/none')).rejects.toMatchObject({ code: 'STATS_UNAVAILABLE' });
  });

  const url = serverTestUrl();
  describe.runIf(url)('--stats-url on the local server', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(url!);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('CREATE TABLE events (id serial PRIMARY KEY, note text); INSERT INTO events (note) SELECT g::text FROM generate_series(1, 5000) g; ANALYZE events;');
      await client.query('CREATE TABLE never_analyzed (id int)');
      await client.end();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('reads reltuples, skips tables never analyzed, and lets --rows win', async () => {
      const statistics = await readTableStatistics(database.url);
      expect(statistics.get('public.events')).toBe(5000);
      expect(statistics.has('public.never_analyzed')).toBe(false);
      const merged = await productionRowsFrom({ rows: ['events=42'], statsUrl: database.url });
      expect(merged?.get('public.events')).toBe(42);
    });
  });
});
