import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultNamingStrategy } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, findColumn, findTable, normalizeColumnType, OrmAiError, schemaModelSchema, type ChangePlan, type SchemaModel } from '@orm-ai/core';
import { applyPlanToEntities } from '../src/apply-plan.js';
import { readEntities } from '../src/read-entities.js';
import { readProjectModel } from '../src/read-model.js';
import { loadDataSourceOptions } from '../src/schema-builder/load-data-source.js';
import { migrationSqlById } from '../src/schema-builder/migration-sql.js';
import { openShadowDataSource } from '../src/schema-builder/shadow-data-source.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'nest');
const dataSource = (name: string) => path.join(root, 'src', 'database', name);
const typeorm = new DefaultNamingStrategy();
const plan = (changes: object[]): ChangePlan =>
  changePlanSchema.parse({ version: 1, request: 'r', summary: 's', changes: changes.map((change) => ({ reason: 'r', ...change })) });

async function expectError(work: () => unknown, code: string): Promise<OrmAiError> {
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(OrmAiError);
  expect((error as OrmAiError).code).toBe(code);
  return error as OrmAiError;
}

const columnsOf = (model: SchemaModel, table: string) => findTable(model, table)?.columns.map((column) => column.name);

describe('the model from the metadata the project\'s typeorm builds', () => {
  it('reads a NestJS-style project: __dirname globs, type: String, inherited and embedded columns, enums, relations', async () => {
    const { model, entityFiles, migrationsDir } = await readProjectModel({ dataSourcePath: dataSource('data-source.ts'), root });
    expect(schemaModelSchema.parse(model)).toEqual(model);
    expect(columnsOf(model, 'user')).toEqual(['createdAt', 'note', 'id', 'email', 'status', 'addressCity', 'addressZipcode']);
    const user = findTable(model, 'user')!;
    expect(user.columns.find((column) => column.name === 'email')).toMatchObject({ type: 'varchar', nullable: true, unique: true, uniqueName: typeorm.uniqueConstraintName('user', ['email']) });
    expect(user.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'user_status_enum', default: "'active'" });
    expect(model.enums).toEqual([{ name: 'user_status_enum', values: ['active', 'banned'] }]);
    const post = findTable(model, 'post')!;
    expect(post.columns.find((column) => column.name === 'title')?.type).toBe('varchar(200)');
    expect(post.columns.find((column) => column.name === 'views')).toMatchObject({ type: 'integer', default: '0' });
    expect(post.indexes).toEqual([{ name: typeorm.indexName('post', ['views']), columns: ['views'], unique: false, method: 'btree', where: null }]);
    expect(post.foreignKeys).toEqual([
      { name: typeorm.foreignKeyName('post', ['authorId']), columns: ['authorId'], referencedTable: 'user', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
    // The editor searches the files the load compiled: entities, the base class, the embedded class.
    expect(entityFiles.map((file) => path.relative(root, file))).toEqual(['src/posts/post.entity.ts', 'src/tags/tag.entity.ts', 'src/users/address.ts', 'src/users/user.entity.ts', 'src/utils/timestamped.ts']);
    expect(columnsOf(model, 'tag')).toEqual(['createdAt', 'note', 'id', 'label']);
    expect(migrationsDir).toBe(path.join(root, 'src', 'database', 'migrations'));
  });

  it('names columns with the project\'s own naming strategy', async () => {
    const { model } = await readProjectModel({ dataSourcePath: dataSource('data-source-snake.ts'), root });
    expect(columnsOf(model, 'user')).toEqual(['created_at', 'note', 'id', 'email', 'status', 'address_city', 'address_zip_code']);
    expect(columnsOf(model, 'post')).toEqual(['id', 'title', 'views', 'author_id']);
    expect(columnsOf(model, 'tag')).toEqual(['created_at', 'note', 'id', 'label']);
  });

  it('refuses a data source whose entity globs match nothing, instead of reading an empty schema', async () => {
    const error = await expectError(() => readProjectModel({ dataSourcePath: dataSource('data-source-empty.ts'), root }), 'SCHEMA_READ_FAILED');
    expect(error.message).toContain('data-source-empty.ts lists entities');
  });

  it('reads @Check with the names TypeORM gives, and index methods as TypeORM creates them, as the shadow shows', async () => {
    const { model, entityFiles } = await readProjectModel({ dataSourcePath: dataSource('data-source-rules.ts'), root });
    expect(schemaModelSchema.parse(model)).toEqual(model);
    const account = findTable(model, 'account')!;
    expect(account.checks).toEqual([
      { name: 'account_name_not_blank', expression: 'length(trim("name")) > 0' },
      { name: typeorm.checkConstraintName('account', '"balance" >= 0'), expression: '"balance" >= 0' },
    ]);
    const index = (name: string, column: string, method: string) => ({ name, columns: [column], unique: false, method, where: null });
    // No account_search_idx: `synchronize: false` without columns, only the migrations know it.
    expect(account.indexes).toEqual([
      // fulltext is MySQL's: PostgresQueryRunner creates a plain index.
      index(typeorm.indexName('account', ['bio']), 'bio', 'btree'),
      index('account_created_brin', 'createdAt', 'brin'),
      index('account_name_hash', 'name', 'hash'),
      index('account_settings_gin', 'settings', 'gin'),
    ]);
    expect(findTable(model, 'place')!.indexes).toEqual([index(typeorm.indexName('place', ['location']), 'location', 'gist')]);
    // TypeORM has no row-level security.
    expect(model.tables.map((table) => [table.rowLevelSecurity, table.policies])).toEqual([
      [false, []],
      [false, []],
    ]);

    // The editor reads `type:` and `fulltext` as TypeORM does, and `point` like any built-in type.
    const schema = readEntities({ files: entityFiles, metadataModel: model });
    expect(schema.index.unreadable).toEqual([]);
    expect(findColumn(findTable(schema.model, 'place')!, 'location')).toMatchObject({ type: 'point' });
    const byName = (rows: ReadonlyArray<{ name: string; method: string }>) => rows.map((row) => `${row.name} ${row.method}`).sort();
    expect(byName(findTable(schema.model, 'account')!.indexes)).toEqual(byName(account.indexes));

    const loaded = await loadDataSourceOptions({ dataSourcePath: dataSource('data-source-rules.ts'), cwd: root });
    const shadow = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass });
    try {
      await shadow.dataSource.synchronize();
      const checks: Array<{ name: string }> = await shadow.dataSource.query(`SELECT conname AS name FROM pg_constraint WHERE conrelid = 'account'::regclass AND contype = 'c'`);
      expect(checks.map((row) => row.name).sort()).toEqual(account.checks.map((check) => check.name).sort());
      const indexes: Array<{ name: string; method: string }> = await shadow.dataSource.query(
        `SELECT i.relname AS name, am.amname AS method FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
          WHERE x.indrelid IN ('account'::regclass, 'place'::regclass) AND NOT x.indisprimary`,
      );
      expect(byName(indexes)).toEqual(byName(model.tables.flatMap((table) => table.indexes)));
    } finally {
      await shadow.dispose();
    }
  });

  it('agrees with the tables TypeORM\'s schema builder creates on the shadow', async () => {
    const { model } = await readProjectModel({ dataSourcePath: dataSource('data-source.ts'), root });
    const loaded = await loadDataSourceOptions({ dataSourcePath: dataSource('data-source.ts'), cwd: root });
    const shadow = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass });
    try {
      await shadow.dataSource.synchronize();
      const rows: Array<{ table_name: string; column_name: string; type: string; is_nullable: string }> = await shadow.dataSource.query(
        `SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod) AS type, c.is_nullable
           FROM information_schema.columns c
           JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
          WHERE c.table_schema = 'public' ORDER BY c.table_name, c.column_name`,
      );
      const enums = new Set(model.enums.map((entry) => entry.name));
      const serial: Record<string, string> = { serial: 'integer', bigserial: 'bigint', smallserial: 'smallint' };
      const fromCatalog = rows.map((row) => `${row.table_name}.${row.column_name} ${normalizeColumnType(row.type, enums)} ${row.is_nullable === 'YES'}`);
      const fromModel = model.tables.flatMap((table) => table.columns.map((column) => `${table.name}.${column.name} ${serial[column.type] ?? column.type} ${column.nullable}`));
      expect(fromModel.sort()).toEqual(fromCatalog.sort());
    } finally {
      await shadow.dispose();
    }
  });
});

describe('the editor on entities it reads differently from TypeORM', () => {
  it('edits the entities it reads like TypeORM, and refuses a plan touching one with inherited or embedded columns, naming file:line', async () => {
    const { model, entityFiles } = await readProjectModel({ dataSourcePath: dataSource('data-source.ts'), root });
    const schema = readEntities({ files: entityFiles, metadataModel: model });
    expect(schema.index.tables.map((table) => table.name)).toEqual(['post', 'tag']);
    const userFile = path.join(root, 'src', 'users', 'user.entity.ts');
    expect(schema.index.unreadable.map(({ table, filePath, line }) => ({ table, filePath, line }))).toEqual([{ table: 'user', filePath: userFile, line: 11 }]);

    const addColumn = (table: string) => ({ kind: 'add_column', table, column: { name: 'summary', type: 'text', nullable: true, default: null, primaryKey: false, unique: false } });
    const edits = applyPlanToEntities({ schema, plan: plan([addColumn('post')]), entitiesDir: path.dirname(userFile) });
    expect(edits.map((edit) => path.relative(root, edit.path))).toEqual(['src/posts/post.entity.ts']);
    expect(edits[0]?.after).toContain("@Column({ type: 'text', nullable: true })");

    const refused = await expectError(() => applyPlanToEntities({ schema: readEntities({ files: entityFiles, metadataModel: model }), plan: plan([addColumn('user')]), entitiesDir: root }), 'PLAN_APPLY_FAILED');
    expect(refused.message).toContain(`UserEntity at ${userFile}:11`);
    // The embedded column is what it cannot read; the inherited ones would be named next.
    expect(refused.message).toContain(`${userFile}:23:`);
  });

  it('reads inherited columns like TypeORM: a subclass gets new columns, an inherited column is refused where the base declares it', async () => {
    const { model, entityFiles } = await readProjectModel({ dataSourcePath: dataSource('data-source.ts'), root });
    const read = () => readEntities({ files: entityFiles, metadataModel: model });
    const tagFile = path.join(root, 'src', 'tags', 'tag.entity.ts');
    const edits = applyPlanToEntities({ schema: read(), plan: plan([{ kind: 'rename_column', table: 'tag', from: 'label', to: 'name' }]), entitiesDir: path.dirname(tagFile) });
    expect(edits.map((edit) => path.relative(root, edit.path))).toEqual(['src/tags/tag.entity.ts']);
    expect(edits[0]?.after).toContain('name: string;');

    const refused = await expectError(() => applyPlanToEntities({ schema: read(), plan: plan([{ kind: 'rename_column', table: 'tag', from: 'note', to: 'remark' }]), entitiesDir: root }), 'PLAN_APPLY_FAILED');
    expect(refused.message).toContain(`inherited from Timestamped at ${path.join(root, 'src', 'utils', 'timestamped.ts')}:9`);
  });
});

describe('the extensions TypeORM creates when it connects', () => {
  it('head the first recorded migration, as typeorm migration:run creates them before it', async () => {
    const loaded = await loadDataSourceOptions({ dataSourcePath: dataSource('data-source.ts'), cwd: root });
    const shadow = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass });
    try {
      const recorded = await migrationSqlById({ dataSource: shadow.dataSource });
      // post.id is a generated uuid: the postgres driver installs uuid-ossp on connect.
      expect(recorded).toEqual([{ id: 'Init1700000000000', sql: 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nSELECT 1;' }]);
    } finally {
      await shadow.dispose();
    }
  });
});
