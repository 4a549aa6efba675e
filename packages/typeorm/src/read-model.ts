import { findColumn, findTable, OrmAiError, type SchemaModel } from '@orm-ai/core';
import { refuseUnparsableSources } from '@orm-ai/core/typescript';
import { readEntities } from './read-entities.js';
import { modelFromMetadata } from './read-metadata.js';
import { buildEntityMetadata } from './schema-builder/entity-metadata.js';
import { loadDataSourceOptions } from './schema-builder/load-data-source.js';
import { entityFiles, migrationsDirOf } from './typeorm-project-files.js';

/** The project as its own typeorm sees it, and the files the editor searches for entity classes. */
export interface ProjectModel {
  readonly model: SchemaModel;
  /** TypeScript files that may declare entities (or their base classes and enums), absolute and sorted. */
  readonly entityFiles: readonly string[];
  readonly migrationsDir: string;
}

/**
 * Loads the data source with the project's typeorm, builds its entity metadata and maps it
 * into the neutral model. The editor's files are those the load compiled (globs built with
 * `__dirname`, classes listed by reference, their base classes) plus those a static read of
 * the data source finds, minus the migrations.
 *
 * Throws `SCHEMA_READ_FAILED` when the data source lists entities but none became a table:
 * a glob that matches nothing must not read as an empty schema.
 */
export async function readProjectModel(options: { dataSourcePath: string; root: string }): Promise<ProjectModel> {
  // Before TypeORM compiles them: its loader reports a syntax error as a failed import.
  refuseUnparsableSources({ projectRoot: options.root, files: [options.dataSourcePath, ...entityFiles({ root: options.root, dataSourcePath: options.dataSourcePath })] });
  const loaded = await loadDataSourceOptions({ dataSourcePath: options.dataSourcePath, cwd: options.root });
  const built = await buildEntityMetadata(loaded);
  const model = modelFromMetadata(built);
  if (model.tables.length === 0 && loaded.listsEntities) {
    const listed = JSON.stringify(loaded.entities.map((entry) => (typeof entry === 'function' ? entry.name : entry.options.name)));
    throw new OrmAiError('SCHEMA_READ_FAILED', `the data source ${options.dataSourcePath} lists entities, but TypeORM found no entity table in them (classes loaded: ${listed.slice(0, 200)})`, {
      hint: `Globs resolve from ${options.root}, as TypeORM's CLI does when run there; check that they match your *.entity.ts files and that those classes carry @Entity.`,
    });
  }
  const migrationsDir = migrationsDirOf(loaded);
  const files = new Set([...loaded.sourceFiles, ...entityFiles({ root: options.root, dataSourcePath: options.dataSourcePath })]);
  files.delete(loaded.dataSourcePath);
  const isMigration = (file: string) => file.startsWith(migrationsDir + '/');
  const sources = [...files].filter((file) => /\.(c|m)?ts$/.test(file) && !isMigration(file)).sort();
  return { model: withSourceComments(model, readEntities({ files: sources, metadataModel: model }).model), migrationsDir, entityFiles: sources };
}

/**
 * TypeORM's metadata holds database comments only; the doc comments written above entity
 * classes and properties (data for the prompt) come from the source, where it reads them.
 */
function withSourceComments(model: SchemaModel, fromSource: SchemaModel): SchemaModel {
  return {
    ...model,
    tables: model.tables.map((table) => {
      const source = findTable(fromSource, table.name);
      if (source === undefined) return table;
      return {
        ...table,
        comment: table.comment ?? source.comment,
        columns: table.columns.map((column) => ({ ...column, comment: column.comment ?? findColumn(source, column.name)?.comment ?? null })),
      };
    }),
  };
}
