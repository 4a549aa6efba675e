import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stageSources, type ChangePlan, type FileChange, type GeneratedMigration, type SchemaModel, type ShadowServer } from '@orm-ai/core';
import { migrationFiles } from './migration-files.js';
import { builderStatement, runExistingMigrations, schemaBuilderQueries, type BuilderQuery } from './schema-builder/builder-migration.js';
import { prepareBuilderDownRepairs } from './schema-builder/builder-down-repairs.js';
import { runInPlaceChanges } from './schema-builder/in-place-changes.js';
import { loadDataSourceOptions } from './schema-builder/load-data-source.js';
import { renderMigrationFile } from './schema-builder/migration-file.js';
import { extensionsFromConnect } from './schema-builder/migration-sql.js';
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
  readonly shadowServer: ShadowServer | undefined;
  /** Where initdb's data directory is cached for the embedded shadow (`shadowCacheDir`). */
  readonly cacheDir?: string | undefined;
  /** The plugin's `migrationOutsideTransaction`: whether a `--safe` part may be written with `transaction = false`. */
  readonly outsideTransaction: boolean;
}

/**
 * The migration TypeORM's own schema builder writes for the edited entities: the user's
 * data source, loaded from a staged copy holding the edits, is pointed at a shadow; the
 * existing migrations run there with TypeORM's runner; the plan's renames and type changes
 * run next (`runInPlaceChanges`); then `createSchemaBuilder().log()` gives the rest. Indexes TypeORM cannot declare (GIN, GiST, ...) are added as SQL.
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
    const shadow = await openShadowDataSource({ options: loaded.options, shadowServer: input.shadowServer, DataSourceClass: loaded.DataSourceClass, cacheDir: input.cacheDir });
    try {
      const ran = await runExistingMigrations({ dataSource: shadow.dataSource });
      // A first migration (a baseline) must create the extensions TypeORM installs on connect
      // itself: the shadow that proves it, and anyone replaying it as SQL, does not connect through TypeORM.
      const extensions = ran.length === 0 ? (await extensionsFromConnect(shadow.dataSource)).map((query) => ({ query })) : [];
      const inPlace = await runInPlaceChanges({ dataSource: shadow.dataSource, plan: input.plan, model: input.model });
      const repairDown = await prepareBuilderDownRepairs({ dataSource: shadow.dataSource, plan: input.plan });
      const built = await schemaBuilderQueries({ dataSource: shadow.dataSource });
      const builtDown = await repairDown(built.down);
      const indexes = unsynchronizedIndexQueries(input.plan);
      // `down` lists are in builder order and run reversed: what must undo last comes first.
      const up = [...(built.up.length > 0 ? extensions : []), ...inPlace.up, ...built.up, ...indexes.up];
      const down = [...inPlace.down, ...builtDown, ...indexes.down];
      const timestamp = Date.now();
      // Core hands back SQL text (with the plan's steps added); the builder's own queries are written as the builder gave them.
      const builderQuery = new Map([...up, ...down].map((query) => [builderStatement(query), query]));
      const asQuery = (statement: string): BuilderQuery => builderQuery.get(statement) ?? { query: statement };
      return {
        id: renderMigrationFile({ name: input.name, timestamp, up, down }).className,
        statements: up.map(builderStatement),
        downStatements: down.map(builderStatement).reverse(),
        findings: [],
        filesFor: (migration) =>
          migrationFiles({
            name: input.name,
            timestamp,
            migrationsDir: input.migrationsDir,
            migration,
            asQuery,
            outsideTransaction: input.outsideTransaction,
            transactionMode: loaded.options.migrationsTransactionMode ?? 'all',
          }),
      };
    } finally {
      await shadow.dispose();
    }
  } finally {
    await staged.dispose();
  }
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
