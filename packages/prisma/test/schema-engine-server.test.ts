import { createHash, randomBytes } from 'node:crypto';
import { SHADOW_DATABASE_PREFIX, shadowServerFrom } from '@orm-ai/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnRole, createTestDatabase, ensurePostgresServer, type OwnRole, serverTestUrl, type TestDatabase } from '../../../test/support/postgres-server.js';
import { deployMigrations } from '../src/schema-engine/deploy-migrations.js';
import { openPrismaSchemaEngine } from '../src/schema-engine/prisma-schema-engine.js';
import { ADD_BIO_SQL, addBioMigration, blogSchema, blogWithBio, blogWithoutName, brokenMigration, initMigration } from './fixtures/engine/blog-fixtures.js';
import { serverShadowFactory } from '../src/schema-engine/shadow-adapters.js';
import { describeShadowAdapters } from './fixtures/engine/adapter-suite.js';
import { describeSchemaEngine } from './fixtures/engine/engine-suite.js';
import { generateExampleMigration, remainingDiffs } from './fixtures/example-app.js';
import { withBuildMerged, writeSafeAddPostTags, type SafeAddPostTags } from './fixtures/safe-migrations.js';

const url = serverTestUrl();

async function query<Row extends Record<string, unknown>>(connectionString: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function columnsOf(connectionString: string, table: string): Promise<string[]> {
  const rows = await query<{ column_name: string }>(connectionString, `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY column_name`);
  return rows.map((row) => row.column_name);
}

if (url) {
  describeSchemaEngine({ name: 'a PostgreSQL server', url });
  describeShadowAdapters({ name: 'a PostgreSQL server', open: () => serverShadowFactory({ url }) });
}

describe.skipIf(!url)('the server shadow', () => {
  const serverUrl = url ?? '';
  beforeAll(() => ensurePostgresServer(serverUrl));

  it('never touches the database the URL names and drops every database it made', async () => {
    const sentinel = `orm_ai_sentinel_${randomBytes(4).toString('hex')}`;
    const role = await createOwnRole(serverUrl);
    await query(serverUrl, `CREATE TABLE ${sentinel} (id integer PRIMARY KEY, note text); INSERT INTO ${sentinel} VALUES (1, 'untouched')`);
    try {
      const engine = await openPrismaSchemaEngine({ schema: blogSchema, shadowServer: shadowServerFrom({ shadowUrl: role.url }) });
      let made: string[];
      try {
        made = await role.ownedDatabases();
        await engine.applyMigrations({ migrations: [initMigration] });
        await engine.execute(`INSERT INTO "users" ("email", "name") VALUES ('ada@example.com', 'Ada')`);
        expect((await engine.createMigration({ migrations: [initMigration], schema: blogWithBio, name: 'add_bio' })).sql).toBe(ADD_BIO_SQL);
        expect((await engine.evaluateDataLoss({ migrations: [initMigration], schema: blogWithoutName })).warnings).toHaveLength(1);
        await expect(engine.applyMigrations({ migrations: [initMigration, brokenMigration] })).rejects.toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION' });
      } finally {
        await engine.dispose();
      }
      expect(made.length).toBeGreaterThanOrEqual(2);
      expect(made.every((name) => name.startsWith(SHADOW_DATABASE_PREFIX))).toBe(true);
      expect(await role.ownedDatabases()).toEqual([]);
      expect(await role.ownedTables()).toEqual([]);
      expect(await query(serverUrl, `SELECT * FROM ${sentinel}`)).toEqual([{ id: 1, note: 'untouched' }]);
    } finally {
      await query(serverUrl, `DROP TABLE IF EXISTS ${sentinel}`);
      await role.drop();
    }
  });
});

describe.skipIf(!url)('deployMigrations on a real database', () => {
  const serverUrl = url ?? '';
  const name = `orm_ai_deploy_test_${randomBytes(4).toString('hex')}`;
  // The target belongs to a role of this test's own, so a shadow deployMigrations made
  // would show among that role's databases whatever other test files make meanwhile.
  let role: OwnRole;
  let target = '';
  beforeAll(async () => {
    await ensurePostgresServer(serverUrl);
    role = await createOwnRole(serverUrl);
    await query(serverUrl, `CREATE DATABASE ${name} OWNER ${role.name}`);
    target = databaseUrl(role.url, name);
  });
  afterAll(async () => {
    if (url) await role.drop();
  });

  it('applies the pending migrations, records them as prisma migrate deploy does, and creates no shadow', async () => {
    expect(await deployMigrations({ url: target, migrations: [initMigration] })).toEqual({ applied: ['20240101000000_init'] });
    expect(await deployMigrations({ url: target, migrations: [initMigration, addBioMigration] })).toEqual({ applied: ['20240102000000_add_bio'] });
    expect(await deployMigrations({ url: target, migrations: [initMigration, addBioMigration] })).toEqual({ applied: [] });
    expect(await role.ownedDatabases()).toEqual([name]);
    const rows = await query(target, 'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM _prisma_migrations ORDER BY started_at');
    const sha256 = (sql: string) => createHash('sha256').update(sql).digest('hex');
    expect(rows).toEqual([
      { migration_name: '20240101000000_init', checksum: sha256(initMigration.sql), finished: true, applied_steps_count: 1 },
      { migration_name: '20240102000000_add_bio', checksum: sha256(addBioMigration.sql), finished: true, applied_steps_count: 1 },
    ]);
    expect(await columnsOf(target, 'users')).toEqual(['bio', 'createdAt', 'email', 'id', 'name', 'role']);
  });

  it('names a failing migration, keeps none of its statements, and leaves it recorded as failed', async () => {
    const migrations = [initMigration, addBioMigration, brokenMigration];
    const error = await deployMigrations({ url: target, migrations }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION' });
    expect((error as Error).message).toContain(`migration 20240103000000_broken failed on the database ${target}`);
    expect((error as Error).message).toContain('relation "nope" does not exist (SQLSTATE 42P01)');
    // One script, one implicit transaction: its first statement is not left behind.
    expect(await columnsOf(target, 'users')).not.toContain('nickname');
    expect(await query(target, "SELECT finished_at FROM _prisma_migrations WHERE migration_name = '20240103000000_broken'")).toEqual([{ finished_at: null }]);
    // As with prisma migrate deploy, a failed migration blocks the next deploy until resolved.
    const blocked = await deployMigrations({ url: target, migrations }).catch((caught: unknown) => caught);
    expect(blocked).toMatchObject({ code: 'MIGRATION_GENERATE_FAILED', message: expect.stringContaining('20240103000000_broken') });
  });
});

describe.skipIf(!url)('down migrations with the shadow on a PostgreSQL server', () => {
  const serverUrl = url ?? '';
  beforeAll(() => ensurePostgresServer(serverUrl));

  // Which databases the server holds is proven above: other processes may share the server.
  it('renames a renamed column back instead of dropping it, and the down replayed on the server restores the schema', async () => {
    const { edited, migration } = await generateExampleMigration('rename-display-name', { shadowUrl: serverUrl });
    expect(migration.downStatements).toEqual(['-- Undo the planned renames\nALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";']);
    expect(migration.downStatements.join('\n')).not.toContain('DROP COLUMN');
    const empty = '-- This is an empty migration.\n';
    expect(await remainingDiffs({ edited, migration, shadowUrl: serverUrl })).toEqual({ afterUp: empty, afterDown: empty });
  });
});

describe.skipIf(!url)('the migrations --safe splits off, deployed as prisma migrate deploy does', () => {
  const serverUrl = url ?? '';
  let written: SafeAddPostTags;
  const databases: TestDatabase[] = [];
  beforeAll(async () => {
    await ensurePostgresServer(serverUrl);
    written = await writeSafeAddPostTags({ shadowUrl: serverUrl });
  }, 120_000);
  afterAll(async () => {
    written?.dispose();
    await Promise.all(databases.map((database) => database.drop()));
  });

  async function freshDatabase(): Promise<string> {
    const database = await createTestDatabase(serverUrl);
    databases.push(database);
    return database.url;
  }

  it('applies them after the ORM\'s, the lone CREATE INDEX CONCURRENTLY outside any transaction, to a valid index', async () => {
    const target = await freshDatabase();
    const { migrations } = written.folder;
    expect(await deployMigrations({ url: target, migrations, projectRoot: written.root })).toEqual({ applied: migrations.map((migration) => migration.directoryName) });
    expect(await query(target, "SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = 'posts_tags_idx'::regclass")).toEqual([{ indisvalid: true, indisready: true }]);
  });

  it("fails with PostgreSQL's own words when the build shares its migration with another statement", async () => {
    const error = await deployMigrations({ url: await freshDatabase(), migrations: withBuildMerged(written), projectRoot: written.root }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION', message: expect.stringContaining('CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)') });
  });
});

describe('deployMigrations without a usable server', () => {
  it('says the server cannot be reached, and that a URL is not PostgreSQL', async () => {
    await expect(deployMigrations({ url: 'postgres://postgres@127.0.0.1:1/none', migrations: [initMigration] })).rejects.toMatchObject({ code: 'SHADOW_UNAVAILABLE' });
    await expect(deployMigrations({ url: 'mysql://root@localhost/app', migrations: [initMigration] })).rejects.toMatchObject({ code: 'SHADOW_URL_INVALID' });
  });
});
