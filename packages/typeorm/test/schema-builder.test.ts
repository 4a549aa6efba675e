import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { changePlanSchema, shadowServerFrom, type SchemaModel } from '@orm-ai/core';
import {
  migrationSqlById,
  runExistingMigrations,
  schemaBuilderQueries,
} from '../src/schema-builder/builder-migration.js';
import { runInPlaceChanges } from '../src/schema-builder/in-place-changes.js';
import { loadDataSourceOptions, type LoadedDataSource } from '../src/schema-builder/load-data-source.js';
import { renderMigrationFile } from '../src/schema-builder/migration-file.js';
import { openShadowDataSource, type ShadowDataSource } from '../src/schema-builder/shadow-data-source.js';
import { copyFixture, FIXTURE_DATA_SOURCE, FIXTURE_DIR } from './fixtures/builder/workspace.js';

const targets = [
  { target: 'pglite', shadowUrl: undefined as string | undefined },
  ...(process.env.SHADOW_TEST_URL ? [{ target: 'server', shadowUrl: process.env.SHADOW_TEST_URL }] : []),
];

/** Renames need no model: it only gives a planned type change its old type. */
const EMPTY_MODEL: SchemaModel = { dialect: 'postgresql', tables: [], enums: [] };
const plan = (changes: object[]) => changePlanSchema.parse({ version: 1, request: 'r', summary: 's', changes, migrationSteps: [] });

const timings: string[] = [];
afterAll(() => console.info(`schema-builder timings:\n  ${timings.join('\n  ')}`));

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings.push(`${label}: ${Math.round(performance.now() - started)} ms`);
  }
}

describe.each(targets)('TypeORM schema builder on the $target shadow', ({ target, shadowUrl }) => {
  async function withShadow<T>(loaded: LoadedDataSource, work: (shadow: ShadowDataSource) => Promise<T>): Promise<T> {
    const shadow = await timed(`${target} shadow start`, () =>
      openShadowDataSource({ options: loaded.options, shadowServer: shadowServerFrom({ shadowUrl }), DataSourceClass: loaded.DataSourceClass }),
    );
    try {
      return await work(shadow);
    } finally {
      await shadow.dispose();
    }
  }

  async function loadFixture(dataSourcePath = FIXTURE_DATA_SOURCE): Promise<LoadedDataSource> {
    return timed('load data source', () => loadDataSourceOptions({ dataSourcePath }));
  }

  it('on an empty shadow, logs the same migration the fixture holds, as TypeORM wrote it', async () => {
    const loaded = await loadFixture();
    const queries = await withShadow(loaded, ({ dataSource }) => timed(`${target} builder log`, () => schemaBuilderQueries({ dataSource })));
    expect(queries.up.map((query) => query.query.split(' (')[0])).toEqual([
      `CREATE TYPE "public"."users_role_enum" AS ENUM('admin', 'member')`,
      'CREATE TABLE "users"',
      'CREATE UNIQUE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users" ',
      'CREATE TABLE "posts"',
      'CREATE INDEX "IDX_65d5fbf616c25e628a12898e68" ON "posts" ',
      'ALTER TABLE "posts" ADD CONSTRAINT "FK_c5a322ad12a7bf95460c958e80e" FOREIGN KEY',
    ]);
    const file = renderMigrationFile({ name: 'Init', timestamp: 1700000000000, ...queries });
    const fixture = readFileSync(path.join(FIXTURE_DIR, 'migrations/1700000000000-Init.ts'), 'utf8');
    expect(file.fileName).toBe('1700000000000-Init.ts');
    expect(file.content).toBe(fixture.slice(fixture.indexOf('\n') + 1));
  });

  it('after the existing migrations ran, finds nothing to do', async () => {
    const loaded = await loadFixture();
    await withShadow(loaded, async ({ dataSource }) => {
      const ran = await timed(`${target} run migrations`, () => runExistingMigrations({ dataSource }));
      expect(ran).toEqual(['Init1700000000000', 'AuditLog1700000000001']);
      expect(await schemaBuilderQueries({ dataSource })).toEqual({ up: [], down: [] });
    });
  });

  it('after a column is added to an entity, logs exactly the ADD COLUMN', async () => {
    const copy = copyFixture();
    try {
      copy.edit('user.entity.ts', '  @CreateDateColumn()', '  @Column({ nullable: true })\n  bio: string;\n\n  @CreateDateColumn()');
      const loaded = await loadFixture(copy.dataSourcePath);
      await withShadow(loaded, async ({ dataSource }) => {
        await runExistingMigrations({ dataSource });
        expect(await schemaBuilderQueries({ dataSource })).toEqual({
          up: [{ query: 'ALTER TABLE "users" ADD "bio" character varying' }],
          down: [{ query: 'ALTER TABLE "users" DROP COLUMN "bio"' }],
        });
      });
    } finally {
      copy.remove();
    }
  });

  it('a rename run first through TypeORM\'s query runner leaves no DROP/ADD of that column, and down holds its inverse', async () => {
    const copy = copyFixture();
    try {
      copy.edit('user.entity.ts', '  name: string;', '  fullName: string;');
      copy.edit('user.entity.ts', '  @CreateDateColumn()', '  @Column({ nullable: true })\n  bio: string;\n\n  @CreateDateColumn()');
      const loaded = await loadFixture(copy.dataSourcePath);
      await withShadow(loaded, async ({ dataSource }) => {
        await runExistingMigrations({ dataSource });
        const unplanned = await schemaBuilderQueries({ dataSource });
        expect(unplanned.up.map((query) => query.query)).toContain('ALTER TABLE "users" DROP COLUMN "name"');
        const inPlace = await runInPlaceChanges({ dataSource, plan: plan([{ kind: 'rename_column', table: 'users', from: 'name', to: 'fullName', reason: 'r' }]), model: EMPTY_MODEL });
        expect(inPlace).toEqual({
          up: [{ query: 'ALTER TABLE "users" RENAME COLUMN "name" TO "fullName"' }],
          down: [{ query: 'ALTER TABLE "users" RENAME COLUMN "fullName" TO "name"' }],
        });
        expect(await schemaBuilderQueries({ dataSource })).toEqual({
          up: [{ query: 'ALTER TABLE "users" ADD "bio" character varying' }],
          down: [{ query: 'ALTER TABLE "users" DROP COLUMN "bio"' }],
        });
      });
    } finally {
      copy.remove();
    }
  });

  it('runInPlaceChanges rolls back every change and names the one the shadow rejects', async () => {
    const loaded = await loadFixture();
    await withShadow(loaded, async ({ dataSource }) => {
      await runExistingMigrations({ dataSource });
      const changes = [
        { kind: 'rename_column', table: 'users', from: 'name', to: 'fullName', reason: 'r' },
        { kind: 'rename_column', table: 'users', from: 'missing', to: 'other', reason: 'r' },
      ];
      await expect(runInPlaceChanges({ dataSource, plan: plan(changes), model: EMPTY_MODEL })).rejects.toMatchObject({
        code: 'SHADOW_REJECTED_MIGRATION',
        message: expect.stringMatching(/rename_column failed on the shadow: .*"missing"/),
      });
      const columns: Array<{ column_name: string }> = await dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name IN ('name', 'fullName')`,
      );
      expect(columns.map((row) => row.column_name)).toEqual(['name']);
    });
  });

  it('migrationSqlById records what each migration ran, as replayable text', async () => {
    const loaded = await loadFixture();
    const recorded = await withShadow(loaded, ({ dataSource }) => timed(`${target} migrationSqlById`, () => migrationSqlById({ dataSource })));
    expect(recorded.map((migration) => migration.id)).toEqual(['Init1700000000000', 'AuditLog1700000000001']);
    const init = recorded[0]?.sql.split(';\n') ?? [];
    expect(init).toHaveLength(6);
    expect(init[0]).toBe(`CREATE TYPE "public"."users_role_enum" AS ENUM('admin', 'member')`);
    expect(recorded[1]?.sql).toBe(
      'CREATE TABLE "audit_log" ("id" SERIAL NOT NULL, "note" text NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"));\n' +
        `INSERT INTO "audit_log" ("note") VALUES ('it''s $1');`,
    );
    // Replaying the text on a fresh shadow gives a schema with nothing left to do.
    await withShadow(loaded, async ({ dataSource }) => {
      for (const migration of recorded) await dataSource.query(migration.sql);
      expect(await schemaBuilderQueries({ dataSource })).toEqual({ up: [], down: [] });
    });
  });

  it.runIf(shadowUrl !== undefined)('leaves the server with the databases it had', async () => {
    const before = await listDatabases(shadowUrl ?? '');
    const loaded = await loadFixture();
    const name = await withShadow(loaded, async (shadow) => {
      const created = new URL(shadow.description).pathname.slice(1);
      expect(created).toMatch(/^orm_ai_shadow_[0-9a-f]{12}$/);
      expect(await listDatabases(shadowUrl ?? '')).toContain(created);
      return created;
    });
    const after = await listDatabases(shadowUrl ?? '');
    expect(after).not.toContain(name);
    expect(after).toEqual(before);
  });
});

/** Reads pg_database through the server's `postgres` database: the URL's own database serves only CREATE/DROP. */
async function listDatabases(serverUrl: string): Promise<string[]> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    return result.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}
