import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, listDatabases, listUserDatabases, serverTestUrl, shadowBackends, shadowDatabaseName } from '../../../test/support/postgres-server.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';
import { SHADOW_DATABASE_PREFIX, shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import { shadowName } from '../src/shadow/throwaway-names.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

const scripts = [
  { id: '0000_init', path: 'drizzle/0000_init.sql', sql: 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" text NOT NULL);\n--> statement-breakpoint\nCREATE INDEX "users_email_idx" ON "users" ("email");' },
  { id: '0001_posts', path: 'drizzle/0001_posts.sql', sql: 'CREATE TABLE "posts" ("id" serial PRIMARY KEY, "author_id" integer REFERENCES "users"("id"));' },
];

describe.each(shadowBackends())('shadow database on $name', ({ url }) => {
  let shadow: ShadowDatabase;
  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await replayMigrations({ dialect: postgresDialect, shadow, scripts, transaction: 'all' });
  });
  afterAll(async () => {
    await shadow?.close();
  });

  it('replays migrations in order', async () => {
    const tables = await shadow.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((row) => row.table_name)).toEqual(['posts', 'users']);
  });

  it('forks an independent copy of the prepared state', async () => {
    const fork = await shadow.fork();
    try {
      await fork.exec('ALTER TABLE "users" ADD COLUMN "bio" text');
      const forkColumns = await fork.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name");
      const baseColumns = await shadow.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name");
      expect(forkColumns.map((row) => row.column_name)).toEqual(['bio', 'email', 'id']);
      expect(baseColumns.map((row) => row.column_name)).toEqual(['email', 'id']);
    } finally {
      await fork.close();
    }
  });

  it('names the file, line, statement and database error of a failing migration, and rolls back', async () => {
    const fork = await shadow.fork();
    try {
      const broken = { id: '0002_bad', path: 'drizzle/0002_bad.sql', sql: 'CREATE TABLE "tags" ("id" serial);\n--> statement-breakpoint\nALTER TABLE "posts" ADD COLUMN "tag_id" integer REFERENCES "missing"("id");' };
      const error = await replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [broken], transaction: 'all' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION' });
      expect((error as Error).message).toContain('drizzle/0002_bad.sql:3');
      expect((error as Error).message).toContain('ALTER TABLE "posts" ADD COLUMN "tag_id"');
      expect((error as Error).message).toContain('relation "missing" does not exist');
      const tags = await fork.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'tags'");
      expect(tags).toEqual([]);
    } finally {
      await fork.close();
    }
  });

  it('fails CONCURRENTLY inside the migrator\'s transaction, as production would', async () => {
    const fork = await shadow.fork();
    try {
      const concurrent = { id: '0002_idx', path: 'drizzle/0002_idx.sql', sql: 'CREATE INDEX CONCURRENTLY "posts_author_idx" ON "posts" ("author_id");' };
      await expect(replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [concurrent], transaction: 'all' })).rejects.toThrow(/cannot run inside a transaction block/);
      await replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [concurrent], transaction: 'none' });
    } finally {
      await fork.close();
    }
  });
});

describe.runIf(serverTestUrl())('server shadow safety', () => {
  const url = serverTestUrl()!;
  beforeAll(async () => ensurePostgresServer(url));

  it('works only in databases it created, and drops them all', async () => {
    const sentinel = new pg.Client({ connectionString: url });
    await sentinel.connect();
    await sentinel.query('CREATE TABLE IF NOT EXISTS orm_ai_sentinel (id int)');
    const before = await listUserDatabases(url);
    const tablesBefore = await sentinel.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    const shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    expect(shadow.description).toContain(SHADOW_DATABASE_PREFIX);
    await shadow.exec('CREATE TABLE only_in_shadow (id int)');
    const fork = await shadow.fork();
    const ours = [shadowDatabaseName(shadow.description), shadowDatabaseName(fork.description)];
    expect(await listDatabases(url)).toEqual(expect.arrayContaining(ours));
    await fork.close();
    await shadow.close();
    await shadow.close();
    // Other processes may create databases meanwhile: ours are gone and no other changed.
    expect((await listDatabases(url)).filter((name) => ours.includes(name))).toEqual([]);
    expect(await listUserDatabases(url)).toEqual(before);
    const tablesAfter = await sentinel.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    expect(tablesAfter.rows).toEqual(tablesBefore.rows);
    await sentinel.query('DROP TABLE orm_ai_sentinel');
    await sentinel.end();
  });

  it('refuses to touch a database it did not name', () => {
    expect(() => shadowName('test')).toThrow(expect.objectContaining({ code: 'SHADOW_UNAVAILABLE', message: expect.stringContaining('refusing to touch "test"') }));
    expect(() => shadowName('orm_ai_shadow_0123456789aZ')).toThrow(/refusing to touch/);
    expect(shadowName('orm_ai_shadow_0123456789ab')).toBe('orm_ai_shadow_0123456789ab');
  });

  it('rejects a URL that is not postgres://, naming it without its password', async () => {
    await expect(openShadowDatabase({ server: { url: 'mysql://root:secret@127.0.0.1:3306/test' } })).rejects.toMatchObject({
      code: 'SHADOW_URL_INVALID',
      message: expect.not.stringContaining('secret'),
    });
  });

  it('says how to recover when the server is unreachable', async () => {
    await expect(openShadowDatabase({ server: { url: 'postgres://postgres@127.0.0.1:1/test' } })).rejects.toMatchObject({ code: 'SHADOW_UNAVAILABLE', hint: expect.stringContaining('--shadow-url') });
  });
});
