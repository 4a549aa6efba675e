import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { findTable, type TableModel } from '@orm-ai/core';
import { readPrismaSchema } from '../src/read-schema.js';
import { openPrismaSchemaEngine } from '../src/schema-engine/prisma-schema-engine.js';

// Implicit many-to-many relations: Prisma's engine creates a join table no model declares.
const SCHEMA = [
  'datasource db {\n  provider = "postgresql"\n}\n',
  'model Post {\n  id   Int   @id @default(autoincrement())\n  tags Tag[]\n  authors Person[] @relation("Authorship")\n}\n',
  'model Tag {\n  id    String @id @map("tag_id") @db.Uuid\n  posts Post[]\n\n  @@map("tags")\n}\n',
  'model Person {\n  id        BigInt   @id\n  posts     Post[]   @relation("Authorship")\n  friends   Person[] @relation("Friends")\n  friendOf  Person[] @relation("Friends")\n  manager   Person?  @relation("Reports", fields: [managerId], references: [id])\n  managerId BigInt?\n  reports   Person[] @relation("Reports")\n}\n',
].join('\n');

const files = [{ path: 'schema.prisma', content: SCHEMA }];

/** A join table as the catalog shows it, in the model's terms. */
async function catalogTable(db: PGlite, name: string): Promise<Pick<TableModel, 'name' | 'primaryKey'> & { columns: unknown[]; indexes: unknown[]; foreignKeys: unknown[] }> {
  const columns = await db.query<{ name: string; type: string; nullable: boolean }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, NOT attnotnull AS nullable FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum`,
    [`"${name}"`],
  );
  const primaryKey = await db.query<{ name: string }>(`SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`, [`"${name}"`]);
  const indexes = await db.query<{ name: string; definition: string }>(`SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = $1 AND indexname NOT LIKE '%pkey' ORDER BY 1`, [name]);
  const foreignKeys = await db.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY 1`,
    [`"${name}"`],
  );
  return {
    name,
    columns: columns.rows,
    primaryKey: primaryKey.rows[0] ? { name: primaryKey.rows[0].name, columns: ['A', 'B'] } : null,
    indexes: indexes.rows.map((row) => ({ name: row.name, columns: [/\("?(\w+)"?\)$/.exec(row.definition)![1]] })),
    foreignKeys: foreignKeys.rows.map((row) => {
      const [, column, table, referenced, onUpdate, onDelete] = /^FOREIGN KEY \("?(\w)"?\) REFERENCES "?(\w+)"?\("?(\w+)"?\) ON UPDATE (\w+) ON DELETE (\w+)$/.exec(row.definition)!;
      return { name: row.name, columns: [column], referencedTable: table, referencedColumns: [referenced], onDelete: onDelete!.toLowerCase(), onUpdate: onUpdate!.toLowerCase() };
    }),
  };
}

/** The same parts of the model's table. */
function modelTable(table: TableModel | undefined) {
  if (table === undefined) return undefined;
  return {
    name: table.name,
    columns: table.columns.map((column) => ({ name: column.name, type: column.type, nullable: column.nullable })),
    primaryKey: table.primaryKey,
    indexes: table.indexes.map((index) => ({ name: index.name, columns: index.columns })),
    foreignKeys: table.foreignKeys,
  };
}

describe('implicit many-to-many join tables', () => {
  it('are in the model as Prisma names them: A for the model that sorts first, its id type, NOT NULL, AB primary key, B index, cascading keys', async () => {
    const { model, index } = await readPrismaSchema({ files });
    expect(modelTable(findTable(model, '_PostToTag'))).toEqual({
      name: '_PostToTag',
      columns: [
        { name: 'A', type: 'integer', nullable: false },
        { name: 'B', type: 'uuid', nullable: false },
      ],
      primaryKey: { name: '_PostToTag_AB_pkey', columns: ['A', 'B'] },
      indexes: [{ name: '_PostToTag_B_index', columns: ['B'] }],
      foreignKeys: [
        { name: '_PostToTag_A_fkey', columns: ['A'], referencedTable: 'Post', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'cascade' },
        { name: '_PostToTag_B_fkey', columns: ['B'], referencedTable: 'tags', referencedColumns: ['tag_id'], onDelete: 'cascade', onUpdate: 'cascade' },
      ],
    });
    // A named relation: Person sorts before Post, so A is Person's.
    expect(findTable(model, '_Authorship')?.foreignKeys.map((key) => [key.columns[0], key.referencedTable])).toEqual([
      ['A', 'Person'],
      ['B', 'Post'],
    ]);
    // A self-relation has one join table, both columns the same model's; a one-to-many list has none.
    expect(findTable(model, '_Friends')?.columns.map((column) => column.type)).toEqual(['bigint', 'bigint']);
    expect(model.tables.map((table) => table.name).sort()).toEqual(['Person', 'Post', '_Authorship', '_Friends', '_PostToTag', 'tags']);
    // No model declares them, so the editor has no entry for them.
    expect(index.tables.map((table) => table.name).sort()).toEqual(['Person', 'Post', 'tags']);
  });

  it("match what Prisma's schema engine creates for the same schema", async () => {
    const { model } = await readPrismaSchema({ files });
    const engine = await openPrismaSchemaEngine({ schema: files, projectRoot: undefined });
    let sql: string;
    try {
      sql = await engine.diffFromEmpty(files);
    } finally {
      await engine.dispose();
    }
    const db = new PGlite();
    try {
      await db.exec(sql);
      for (const name of ['_PostToTag', '_Authorship', '_Friends']) {
        expect(modelTable(findTable(model, name)), name).toEqual(await catalogTable(db, name));
      }
    } finally {
      await db.close();
    }
  }, 60_000);
});
