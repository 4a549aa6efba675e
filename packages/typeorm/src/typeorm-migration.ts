import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyChangeToModel, formatColumnType, parseColumnType, stageSources, type ChangePlan, type FileChange, type GeneratedMigration, type SchemaModel } from '@orm-ai/core';
import { executeSql, runExistingMigrations, schemaBuilderQueries, type BuilderQuery } from './schema-builder/builder-migration.js';
import { loadDataSourceOptions } from './schema-builder/load-data-source.js';
import { renderMigrationFile } from './schema-builder/migration-file.js';
import { inlineParameters } from './schema-builder/migration-sql.js';
import { openShadowDataSource } from './schema-builder/shadow-data-source.js';
import { importSpecifiers } from './typescript-imports.js';

export interface TypeormMigrationInput {
  readonly root: string;
  readonly dataSourcePath: string;
  /** Entity files and migration files: staged with the data source so globs find the copies. */
  readonly projectFiles: readonly string[];
  readonly migrationsDir: string;
  readonly plan: ChangePlan;
  /** The entities' schema model before the plan: the types a planned type change goes back to. */
  readonly model: SchemaModel;
  readonly edits: readonly FileChange[];
  readonly name: string;
  readonly shadowUrl: string | undefined;
}

/**
 * The migration TypeORM's own schema builder writes for the edited entities: the user's
 * data source, loaded from a staged copy holding the edits, is pointed at a shadow; the
 * existing migrations run there with TypeORM's runner; the plan's renames and type changes
 * run next (the builder alone turns a rename, and any change of type or length, into
 * DROP + ADD, losing the values); then `createSchemaBuilder().log()` gives the rest. Indexes TypeORM cannot declare (GIN, GiST, ...) are added as SQL.
 */
export async function generateTypeormMigration(input: TypeormMigrationInput): Promise<GeneratedMigration> {
  const overrides = new Map(input.edits.map((edit) => [edit.path, edit.after]));
  const newFiles = input.edits.filter((edit) => edit.before === null).map((edit) => edit.path);
  // The existing migrations run on the shadow from the staged copy, so globs find them there.
  const migrations = existsSync(input.migrationsDir) ? readdirSync(input.migrationsDir).filter((name) => /\.(c|m)?ts$/.test(name)).map((name) => join(input.migrationsDir, name)) : [];
  const staged = await stageSources({
    root: input.root,
    entryFiles: [input.dataSourcePath, ...input.projectFiles, ...migrations, ...newFiles],
    overrides,
    importsOf: importSpecifiers,
  });
  try {
    const stageRoot = staged.stagedPath(input.root);
    const loaded = await loadDataSourceOptions({ dataSourcePath: staged.stagedPath(input.dataSourcePath), cwd: stageRoot });
    const shadow = await openShadowDataSource({ options: loaded.options, shadowUrl: input.shadowUrl, DataSourceClass: loaded.DataSourceClass });
    try {
      await runExistingMigrations({ dataSource: shadow.dataSource });
      const renames = plannedInPlaceQueries(input.plan, input.model);
      if (renames.up.length > 0) await executeSql({ dataSource: shadow.dataSource, statements: renames.up.map((query) => query.query) });
      const built = await schemaBuilderQueries({ dataSource: shadow.dataSource });
      const indexes = unsynchronizedIndexQueries(input.plan);
      // `down` lists are in builder order and run reversed: what must undo last comes first.
      const up = [...renames.up, ...built.up, ...indexes.up];
      const down = [...renames.down, ...built.down, ...indexes.down];
      const timestamp = Date.now();
      // Core hands back SQL text (with the plan's steps added); the builder's own queries are written as the builder gave them.
      const builderQuery = new Map([...up, ...down].map((query) => [statementOf(query), query]));
      const asQuery = (statement: string): BuilderQuery => builderQuery.get(statement) ?? { query: statement };
      return {
        id: renderMigrationFile({ name: input.name, timestamp, up, down }).className,
        statements: up.map(statementOf),
        downStatements: down.map(statementOf).reverse(),
        findings: [],
        filesFor: (migration) => {
          const file = renderMigrationFile({ name: input.name, timestamp, up: migration.up.map(asQuery), down: migration.down.map(asQuery).reverse() });
          return [{ path: join(input.migrationsDir, file.fileName), role: 'migration', before: null, after: file.content }];
        },
      };
    } finally {
      await shadow.dispose();
    }
  } finally {
    await staged.dispose();
  }
}

/** A builder query as one SQL statement: parameters inlined, terminated. */
function statementOf(query: BuilderQuery): string {
  const sql = query.parameters ? inlineParameters(query.query, query.parameters) : query.query;
  return sql.trimEnd().endsWith(';') ? sql : `${sql};`;
}

/**
 * The plan's renames and type changes as in-place statements, with database names (what the
 * plan speaks in), and their inverses in builder order. A type change goes without `USING`:
 * PostgreSQL's assignment cast refuses a value the new type cannot hold instead of cutting
 * it, and enum types are left to the builder.
 */
function plannedInPlaceQueries(plan: ChangePlan, model: SchemaModel): { up: BuilderQuery[]; down: BuilderQuery[] } {
  const up: BuilderQuery[] = [];
  const down: BuilderQuery[] = [];
  let working = structuredClone(model);
  for (const change of plan.changes) {
    if (change.kind === 'rename_table') {
      up.push({ query: `ALTER TABLE "${change.from}" RENAME TO "${change.to}"` });
      down.push({ query: `ALTER TABLE "${change.to}" RENAME TO "${change.from}"` });
    } else if (change.kind === 'rename_column') {
      up.push({ query: `ALTER TABLE "${change.table}" RENAME COLUMN "${change.from}" TO "${change.to}"` });
      down.push({ query: `ALTER TABLE "${change.table}" RENAME COLUMN "${change.to}" TO "${change.from}"` });
    } else if (change.kind === 'alter_column' && change.type !== null) {
      const enums = new Set(working.enums.map((item) => item.name));
      const before = storedType(working.tables.find((table) => table.name === change.table)?.columns.find((column) => column.name === change.column)?.type, enums);
      const after = storedType(change.type, enums);
      if (before && after && before !== after) {
        up.push({ query: `ALTER TABLE "${change.table}" ALTER COLUMN "${change.column}" TYPE ${after}` });
        down.push({ query: `ALTER TABLE "${change.table}" ALTER COLUMN "${change.column}" TYPE ${before}` });
      }
    }
    working = applyChangeToModel(working, change);
  }
  // Builder order runs reversed: these go first here to run last, undoing the newest first.
  return { up, down: down.reverse() };
}

/** A built-in type as a column stores it (`serial` is `integer` with a sequence); null for enums and unknown spellings. */
function storedType(spelling: string | undefined, enums: ReadonlySet<string>): string | null {
  if (spelling === undefined) return null;
  const parsed = parseColumnType(spelling, enums);
  if (!parsed.ok || parsed.type.isEnum) return null;
  const base = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' }[parsed.type.base] ?? parsed.type.base;
  return formatColumnType({ ...parsed.type, base });
}

/**
 * TypeORM's `@Index` has no access method for PostgreSQL, so the entity carries
 * `@Index(name, { synchronize: false })` (the builder then leaves it alone) and the
 * migration creates it.
 */
function unsynchronizedIndexQueries(plan: ChangePlan): { up: BuilderQuery[]; down: BuilderQuery[] } {
  const up: BuilderQuery[] = [];
  const down: BuilderQuery[] = [];
  for (const change of plan.changes) {
    if (change.kind !== 'create_index' || change.method === 'btree') continue;
    const columns = change.columns.map((column) => `"${column}"`).join(', ');
    const where = change.where ? ` WHERE ${change.where}` : '';
    up.push({ query: `CREATE ${change.unique ? 'UNIQUE ' : ''}INDEX "${change.name}" ON "${change.table}" USING ${change.method} (${columns})${where}` });
    down.push({ query: `DROP INDEX "public"."${change.name}"` });
  }
  return { up, down };
}
