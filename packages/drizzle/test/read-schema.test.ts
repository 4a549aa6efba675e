import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { columnModel, OrmAiError, parseColumnType, type SchemaModel, schemaModelSchema, tableModel } from '@orm-ai/core';
import { builderForColumnType, columnTypeFromBuilder, renderBuilderCall } from '../src/column-builders.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { fixtures, BLOG, SPLIT_USERS, SPLIT_POSTS, tempDir } from './fixtures.js';


const EXPECTED_BLOG: SchemaModel = {
  dialect: 'postgresql',
  enums: [{ name: 'post_status', values: ['draft', 'published', 'archived'] }],
  tables: [
    tableModel({
      name: 'users',
      comment: 'People who write posts and comments.',
      columns: [
        columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }),
        columnModel({ name: 'email', type: 'varchar(255)', nullable: false, unique: true, uniqueName: 'users_email_unique' }),
        columnModel({ name: 'display_name', type: 'text', nullable: false }),
        columnModel({ name: 'avatar_url', type: 'text' }),
        columnModel({
          name: 'settings',
          type: 'jsonb',
          nullable: false,
          default: "'{}'::jsonb",
          comment: 'Free-form profile settings from the client.',
        }),
        columnModel({ name: 'is_admin', type: 'boolean', nullable: false, default: 'false' }),
        columnModel({ name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' }),
        columnModel({ name: 'updated_at', type: 'timestamptz' }),
      ],
    }),
    tableModel({
      name: 'posts',
      columns: [
        columnModel({ name: 'id', type: 'uuid', nullable: false, primaryKey: true, default: 'gen_random_uuid()' }),
        columnModel({ name: 'author_id', type: 'integer', nullable: false }),
        columnModel({ name: 'title', type: 'varchar(200)', nullable: false }),
        columnModel({ name: 'slug', type: 'text', nullable: false }),
        columnModel({ name: 'body', type: 'text', nullable: false, default: "''" }),
        columnModel({ name: 'status', type: 'post_status', nullable: false, default: "'draft'" }),
        columnModel({ name: 'price', type: 'numeric(10,2)', comment: 'Price for paywalled posts, in euros.' }),
        columnModel({ name: 'tags', type: 'text[]', nullable: false, default: "'{}'" }),
        columnModel({ name: 'published_at', type: 'timestamptz(3)' }),
        columnModel({ name: 'deleted_at', type: 'timestamptz' }),
      ],
      indexes: [
        { name: 'posts_slug_idx', columns: ['slug'], unique: true, method: 'btree', where: null },
        { name: 'posts_author_id_idx', columns: ['author_id'], unique: false, method: 'btree', where: null },
        { name: 'posts_tags_idx', columns: ['tags'], unique: false, method: 'gin', where: null },
        { name: 'posts_published_idx', columns: ['published_at'], unique: false, method: 'btree', where: '"deleted_at" is null' },
      ],
      foreignKeys: [
        {
          name: 'posts_author_id_users_id_fk',
          columns: ['author_id'],
          referencedTable: 'users',
          referencedColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
        },
      ],
    }),
    tableModel({
      name: 'comments',
      columns: [
        columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }),
        columnModel({ name: 'post_id', type: 'uuid', nullable: false }),
        columnModel({ name: 'author_id', type: 'integer' }),
        columnModel({ name: 'body', type: 'text', nullable: false }),
        columnModel({ name: 'score', type: 'integer', nullable: false, default: '0' }),
        columnModel({ name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' }),
      ],
      indexes: [
        { name: 'comments_post_id_created_at_index', columns: ['post_id', 'created_at'], unique: false, method: 'btree', where: null },
      ],
      foreignKeys: [
        {
          name: 'comments_post_id_posts_id_fk',
          columns: ['post_id'],
          referencedTable: 'posts',
          referencedColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
        },
        {
          name: 'comments_author_id_users_id_fk',
          columns: ['author_id'],
          referencedTable: 'users',
          referencedColumns: ['id'],
          onDelete: 'set null',
          onUpdate: 'no action',
        },
      ],
    }),
    tableModel({
      name: 'tags',
      columns: [
        columnModel({ name: 'id', type: 'integer', nullable: false, primaryKey: true, identity: 'always' }),
        columnModel({ name: 'name', type: 'varchar(50)', nullable: false }),
        // $defaultFn runs in JavaScript: no database default.
        columnModel({ name: 'label', type: 'text' }),
      ],
      uniques: [{ name: 'tags_name_unique', columns: ['name'] }],
    }),
    tableModel({
      name: 'posts_to_tags',
      comment: 'Join table between posts and tags.',
      columns: [
        columnModel({ name: 'post_id', type: 'uuid', nullable: false }),
        columnModel({ name: 'tag_id', type: 'integer', nullable: false }),
      ],
      primaryKey: { name: null, columns: ['post_id', 'tag_id'] },
      foreignKeys: [
        {
          name: 'posts_to_tags_post_id_posts_id_fk',
          columns: ['post_id'],
          referencedTable: 'posts',
          referencedColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
        },
        {
          name: 'posts_to_tags_tag_id_tags_id_fk',
          columns: ['tag_id'],
          referencedTable: 'tags',
          referencedColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'no action',
        },
      ],
    }),
  ],
};

/** Writes a one-file schema to a temp dir and returns its path. */
function tempSchema(source: string, name = 'schema.ts'): string {
  const file = path.join(tempDir('drizzle-ai-read-'), name);
  writeFileSync(file, source);
  return file;
}

function readError(files: string[]): OrmAiError {
  try {
    readDrizzleSchema({ files });
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected readDrizzleSchema to throw');
}

describe('readDrizzleSchema: single-file blog schema', () => {
  const schema = readDrizzleSchema({ files: [BLOG] });

  it('reads the whole model', () => {
    expect(schema.model).toEqual(EXPECTED_BLOG);
    expect(schemaModelSchema.parse(schema.model)).toEqual(schema.model);
  });

  it('indexes tables, columns, enums and imports for the editor', () => {
    const posts = schema.index.tables.find((table) => table.name === 'posts');
    expect(posts).toMatchObject({ filePath: BLOG, variableName: 'posts', line: 35, configForm: 'array' });
    expect(posts?.columns.slice(0, 2)).toEqual([
      { key: 'id', name: 'id', explicitName: true },
      { key: 'authorId', name: 'author_id', explicitName: true },
    ]);
    expect(schema.index.tables.find((table) => table.name === 'users')?.configForm).toBeNull();
    expect(schema.index.tables.map((table) => table.variableName)).toEqual(['users', 'posts', 'comments', 'tags', 'postsToTags']);
    expect(schema.index.enums).toEqual([{ name: 'post_status', filePath: BLOG, variableName: 'postStatus', callStart: expect.any(Number), line: 20 }]);
    expect(schema.index.files).toEqual([
      {
        path: BLOG,
        importsSql: true,
        coreImports: ['boolean', 'index', 'integer', 'jsonb', 'numeric', 'pgEnum', 'pgTable', 'primaryKey', 'serial', 'text', 'timestamp', 'unique', 'uniqueIndex', 'uuid', 'varchar'],
      },
    ]);
    const call = schema.project.getSourceFileOrThrow(BLOG).getFullText().slice(posts!.callStart, posts!.callStart + 8);
    expect(call).toBe('pgTable(');
  });
});

describe('readDrizzleSchema: two files, legacy object config, casing', () => {
  const schema = readDrizzleSchema({ files: [SPLIT_USERS, SPLIT_POSTS], casing: 'snake_case' });
  const [users, posts] = schema.model.tables;

  it('derives column names from keys with the casing option', () => {
    expect(users?.columns.map((column) => [column.name, column.type, column.nullable, column.default])).toEqual([
      ['id', 'serial', false, null],
      ['full_name', 'text', false, null],
      ['created_at', 'timestamptz', true, 'now()'],
    ]);
    expect(schema.index.tables[0]?.columns[1]).toEqual({ key: 'fullName', name: 'full_name', explicitName: false });
    expect(schema.index.casing).toBe('snake_case');
  });

  it('reads the legacy object form of the third argument', () => {
    expect(users?.indexes).toEqual([{ name: 'users_full_name_idx', columns: ['full_name'], unique: false, method: 'btree', where: null }]);
    expect(schema.index.tables.map((table) => table.configForm)).toEqual(['object', 'object']);
    expect(posts?.uniques).toEqual([{ name: 'posts_author_id_title_unique', columns: ['author_id', 'title'] }]);
  });

  it('resolves references to a table imported from another file', () => {
    expect(posts?.foreignKeys).toEqual([
      { name: 'posts_author_id_users_id_fk', columns: ['author_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'no action', onUpdate: 'no action' },
      { name: 'posts_editor_fk', columns: ['editor_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'no action' },
    ]);
  });

  it('keeps the key as the column name without a casing option', () => {
    const plain = readDrizzleSchema({ files: [SPLIT_USERS, SPLIT_POSTS] });
    expect(plain.model.tables[0]?.columns.map((column) => column.name)).toEqual(['id', 'fullName', 'createdAt']);
    expect(plain.model.tables[1]?.foreignKeys[0]?.name).toBe('posts_authorId_users_id_fk');
  });
});

describe('readDrizzleSchema: what it cannot read', () => {
  it('names file:line and the expression of an uninterpretable default', () => {
    const error = readError([path.join(fixtures, 'invalid', 'computed-default.ts')]);
    expect(error.code).toBe('SCHEMA_READ_FAILED');
    expect(error.message).toContain('computed-default.ts:5');
    expect(error.message).toContain('Math.floor(Math.random() * 6)');
  });

  it.each([
    ['an unknown column builder', "  id: makeId('id'),", "makeId"],
    ['a generated column', "  id: integer('id').generatedAlwaysAs(sql`1`),", 'generatedAlwaysAs'],
    ['a reference to a table outside the schema files', "  id: integer('id').references(() => other.id),", 'other.id'],
  ])('rejects %s', (_label, column, expression) => {
    const file = tempSchema(
      [
        "import { sql } from 'drizzle-orm';",
        "import { integer, pgTable } from 'drizzle-orm/pg-core';",
        "import { makeId, other } from './elsewhere.js';",
        '',
        "export const things = pgTable('things', {",
        column,
        '});',
        '',
      ].join('\n'),
    );
    const error = readError([file]);
    expect(error.code).toBe('SCHEMA_READ_FAILED');
    expect(error.message).toContain(`${file}:6`);
    expect(error.message).toContain(expression);
  });

  it.each([
    ['pgTableCreator', "const createTable = pgTableCreator((name) => `app_${name}`);\nexport const things = createTable('things', { id: integer('id') });", 3],
    ['pgSchema(...).table', "const app = pgSchema('app');\nexport const things = app.table('things', { id: integer('id') });", 3],
    ['a namespace import', "import * as pg from 'drizzle-orm/pg-core';\nexport const things = pg.pgTable('things', { id: pg.integer('id') });", 2],
  ])('rejects tables it would otherwise skip: %s', (_label, body, line) => {
    const file = tempSchema(`import { integer, pgSchema, pgTableCreator } from 'drizzle-orm/pg-core';\n${body}\n`);
    const error = readError([file]);
    expect(error.code).toBe('SCHEMA_READ_FAILED');
    expect(error.message).toContain(`${file}:${line}`);
  });

  it('rejects table config entries the model cannot hold (check constraints)', () => {
    const file = tempSchema(
      [
        "import { sql } from 'drizzle-orm';",
        "import { check, integer, pgTable } from 'drizzle-orm/pg-core';",
        "export const things = pgTable('things', { n: integer('n') }, (t) => [",
        "  check('n_positive', sql`${t.n} > 0`),",
        ']);',
      ].join('\n'),
    );
    expect(readError([file]).message).toContain(`${file}:4`);
  });

  it('reports a schema file that does not exist', () => {
    const error = readError([path.join(fixtures, 'missing.ts')]);
    expect(error.code).toBe('SCHEMA_READ_FAILED');
    expect(error.message).toContain('missing.ts');
  });

  it('names a column\'s unique constraint as the database will: the declared name, else drizzle-kit\'s default', () => {
    const file = tempSchema(
      [
        "import { pgTable, text } from 'drizzle-orm/pg-core';",
        "export const people = pgTable('people', { email: text('email').unique(), handle: text('handle').unique('people_handle_key'), bio: text('bio') });",
      ].join('\n'),
    );
    const [table] = readDrizzleSchema({ files: [file] }).model.tables;
    expect(table!.columns.map((column) => [column.name, column.unique, column.uniqueName])).toEqual([
      ['email', true, 'people_email_unique'],
      ['handle', true, 'people_handle_key'],
      ['bio', false, null],
    ]);
  });

  it('skips unexported tables like drizzle-kit does, and sees export lists', () => {
    const file = tempSchema(
      [
        "import { integer, pgTable } from 'drizzle-orm/pg-core';",
        "const hidden = pgTable('hidden', { n: integer('n') });",
        "const listed = pgTable('listed', { n: integer('n') });",
        "export const shown = pgTable('shown', { n: integer('n').default(-1) });",
        'export { listed };',
      ].join('\n'),
    );
    const model = readDrizzleSchema({ files: [file] }).model;
    expect(model.tables.map((table) => [table.name, table.columns[0]?.default])).toEqual([
      ['listed', null],
      ['shown', '-1'],
    ]);
  });
});

describe('column builders', () => {
  const BUILDERS: Array<[string, string]> = [
    ['serial()', 'serial'],
    ['smallserial()', 'smallserial'],
    ["bigserial({ mode: 'bigint' })", 'bigserial'],
    ['integer()', 'integer'],
    ['smallint()', 'smallint'],
    ["bigint({ mode: 'number' })", 'bigint'],
    ['real()', 'real'],
    ['doublePrecision()', 'double precision'],
    ['numeric()', 'numeric'],
    ['numeric({ precision: 10 })', 'numeric(10)'],
    ["decimal({ precision: 10, scale: 2, mode: 'number' })", 'numeric(10,2)'],
    ['boolean()', 'boolean'],
    ["text({ enum: ['a', 'b'] })", 'text'],
    ['varchar()', 'varchar'],
    ['varchar({ length: 255 })', 'varchar(255)'],
    ['char({ length: 2 })', 'char(2)'],
    ['uuid()', 'uuid'],
    ['json()', 'json'],
    ['jsonb()', 'jsonb'],
    ["date({ mode: 'date' })", 'date'],
    ['time({ precision: 3 })', 'time(3)'],
    ['time({ withTimezone: true })', 'timetz'],
    ["timestamp({ mode: 'string' })", 'timestamp'],
    ['timestamp({ withTimezone: true })', 'timestamptz'],
    ['timestamp({ withTimezone: true, precision: 3 })', 'timestamptz(3)'],
    ['interval({ precision: 6 })', 'interval(6)'],
    ['inet()', 'inet'],
    ['cidr()', 'cidr'],
    ['macaddr()', 'macaddr'],
    ['integer().array()', 'integer[]'],
    ['text().array().array()', 'text[][]'],
  ];

  it('reads every supported builder as its canonical type', () => {
    const imports = 'bigint, bigserial, boolean, char, cidr, date, decimal, doublePrecision, inet, integer, interval, json, jsonb, macaddr, numeric, pgTable, real, serial, smallint, smallserial, text, time, timestamp, uuid, varchar';
    const columns = BUILDERS.map(([builder], position) => `  c${position}: ${builder},`);
    const file = tempSchema([`import { ${imports} } from 'drizzle-orm/pg-core';`, "export const all = pgTable('all', {", ...columns, '});'].join('\n'));
    const types = readDrizzleSchema({ files: [file] }).model.tables[0]?.columns.map((column) => column.type);
    expect(types).toEqual(BUILDERS.map(([, type]) => type));
  });

  it('writes every canonical type as a builder that reads back as the same type', () => {
    for (const [, spelling] of BUILDERS) {
      const parsed = parseColumnType(spelling);
      if (!parsed.ok) throw new Error(parsed.reason);
      const result = builderForColumnType(parsed.type, () => undefined);
      if (!result.ok) throw new Error(result.reason);
      const config = Object.fromEntries(result.call.config.map(([key, value]) => [key, JSON.parse(value.replaceAll("'", '"')) as unknown]));
      const back = columnTypeFromBuilder({ builder: result.call.builder, config, arrayDimensions: result.call.arrayDimensions });
      expect(back).toEqual({ ok: true, type: spelling });
    }
    const timestamptz = builderForColumnType({ base: 'timestamptz', args: [3], arrayDimensions: 1, isEnum: false }, () => undefined);
    expect(timestamptz.ok && renderBuilderCall(timestamptz.call, "'at'")).toBe("timestamp('at', { withTimezone: true, precision: 3 }).array()");
    const status = builderForColumnType({ base: 'post_status', args: [], arrayDimensions: 0, isEnum: true }, (name) => (name === 'post_status' ? 'postStatus' : undefined));
    expect(status.ok && renderBuilderCall(status.call, null)).toBe('postStatus()');
    expect(builderForColumnType({ base: 'bytea', args: [], arrayDimensions: 0, isEnum: false }, () => undefined)).toEqual({
      ok: false,
      reason: 'drizzle-orm/pg-core has no column builder for type "bytea"',
    });
  });

  it('rejects builder options the model cannot carry', () => {
    expect(columnTypeFromBuilder({ builder: 'interval', config: { fields: 'day' }, arrayDimensions: 0 })).toEqual({
      ok: false,
      reason: 'interval() option(s) fields cannot be represented in the schema model',
    });
  });
});
