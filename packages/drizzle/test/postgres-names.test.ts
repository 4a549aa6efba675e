import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findColumn, findTable } from '@orm-ai/core';
import { drizzlePlugin } from '../src/drizzle-plugin.js';
import { postgresIdentifier } from '../src/naming.js';
import { packageRoot } from './fixtures.js';

const EXTENSIONS = path.join(packageRoot, 'test', 'fixtures', 'projects', 'extensions');
const LONG_TABLE = 'authors_with_a_very_long_table_name_that_postgres_truncates';

// The database is the authority on the names it keeps: every expectation here is read from it.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
});
afterAll(async () => {
  await db.close();
});

async function constraintNames(table: string): Promise<string[]> {
  const result = await db.query<{ conname: string }>(
    'SELECT conname FROM pg_constraint WHERE conrelid = (SELECT oid FROM pg_class WHERE relname = $1 AND relkind = $2)',
    [postgresIdentifier(table), 'r'],
  );
  return result.rows.map((row) => row.conname);
}

describe('postgresIdentifier', () => {
  it('cuts names as PostgreSQL does, never inside a multi-byte character', async () => {
    for (const name of ['é'.repeat(40), `a${'é'.repeat(40)}`, 'x'.repeat(63), 'y'.repeat(64), `${'z'.repeat(61)}日本`]) {
      await db.exec(`CREATE TABLE "${name}" (id integer)`);
      const kept = await db.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname LIKE $1 AND relkind = 'r'", [`${name.slice(0, 1)}%`]);
      expect(kept.rows.map((row) => row.relname)).toContain(postgresIdentifier(name));
      await db.exec(`DROP TABLE "${name}"`);
    }
  });
});

describe('constraint names in the model', () => {
  it('are the names the database gives drizzle-kit\'s own migration', async () => {
    // Only the long table and what it references: the other table needs extensions PGlite lacks.
    const sql = readFileSync(path.join(EXTENSIONS, 'drizzle', '0000_baseline.sql'), 'utf8');
    const statements = sql.split('--> statement-breakpoint').filter((statement) => statement.includes(LONG_TABLE));
    await db.exec('CREATE TABLE "documents" ("id" serial PRIMARY KEY NOT NULL)');
    for (const statement of statements) await db.exec(statement);
    const model = await (await drizzlePlugin.openProject({ cwd: EXTENSIONS })).readSchema();
    const authors = findTable(model, LONG_TABLE)!;
    const modelNames = [...authors.foreignKeys.map((fk) => fk.name), findColumn(authors, 'handle')!.uniqueName!];
    const catalog = await constraintNames(LONG_TABLE);
    expect(modelNames.every((name) => catalog.includes(name))).toBe(true);
    expect(modelNames.every((name) => Buffer.byteLength(name) === 63)).toBe(true);
  });
});
