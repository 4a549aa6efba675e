import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { OrmAiError, requireSupportedVersions, shadowCacheDir, type ChangePlan, type ConfiguredDatabase, type DialectName, type FileChange, type GeneratedMigration, type MigrationScript, type OrmPlugin, type OrmProject, type SchemaModel, type SourceTypecheck } from '@orm-ai/core';
import { applyPlanToEntities } from './apply-plan.js';
import { openEntityTypecheck } from './entity-typecheck.js';
import { readEntities } from './read-entities.js';
import { readProjectModel, type ProjectModel } from './read-model.js';
import { registerNewEntities } from './register-entities.js';
import { loadDataSourceOptions, type LoadedDataSource } from './schema-builder/load-data-source.js';
import { replayMigrationHistory, type MigrationHistory } from './schema-builder/migration-history.js';
import { refuseSchemaDrift } from './schema-drift.js';
import { entityFiles, findDataSourcePath, projectRootOf } from './typeorm-project-files.js';
import { withTypeormDefaults } from './typeorm-defaults.js';
import { generateTypeormMigration } from './typeorm-migration.js';
import { withUnsynchronizedIndexes } from './unsynchronized-indexes.js';
import { TYPEORM_SAFETY_FIXES } from './safety-fixes.js';

/**
 * TypeORM behind core's plugin interface: the data source file gives entities and the
 * migrations folder (as `typeorm migration:generate -d` reads it), entity classes are read
 * and edited with ts-morph, and TypeORM's own schema builder writes the migration.
 */
export const typeormPlugin: OrmPlugin = {
  displayName: 'TypeORM',
  capabilities: {
    // TypeORM's runner wraps all pending migrations in one transaction by default.
    migrationTransaction: 'all',
    // In 'all' TypeORM refuses a migration with `transaction = false` (ForbiddenTransactionModeOverrideError);
    // 'each' and 'none' run it so, but that is the data source's `migrationsTransactionMode`, one project's fact.
    migrationOutsideTransaction: false,
    promptNotes: [
      'Table and column names are the database names; the tool picks the entity class and property names.',
      'A foreign key becomes a @ManyToOne relation with @JoinColumn on the referencing entity.',
    ],
    safetyFixes: TYPEORM_SAFETY_FIXES,
  },
  async openProject(options) {
    const dataSourcePath = findDataSourcePath({ cwd: options.cwd, dataSourcePath: options.configPath });
    const root = projectRootOf(dataSourcePath);
    requireSupportedVersions(root, [TYPEORM_VERSIONS]);
    return new TypeormProject(dataSourcePath, root, shadowCacheDir({ root, env: options.env ?? {} }));
  },
};

/**
 * The typeorm versions whose metadata, schema builder and migration runner were checked:
 * 0.3.x (what most projects run: EntityMetadata reaches the data source as `connection`,
 * the postgres driver queries with callbacks) and 1.x.
 */
const TYPEORM_VERSIONS = { name: 'typeorm', range: '>=0.3.0 <2.0.0', described: '0.3.x or 1.x' };

class TypeormProject implements OrmProject {
  #read: Promise<ProjectModel> | undefined;
  /** Known once the data source is loaded (it may say where, by a glob). */
  #migrationsDir: string | undefined;
  #replayed: Promise<MigrationHistory> | undefined;
  #loaded: Promise<LoadedDataSource> | undefined;

  constructor(
    private readonly dataSourcePath: string,
    readonly root: string,
    /** Where the scratch and builder shadows find initdb's data directory. */
    private readonly cacheDir: string | undefined,
  ) {}

  get migrationsFolder() {
    return this.#migrationsDir === undefined ? undefined : { path: this.#migrationsDir, exists: existsSync(this.#migrationsDir) };
  }

  /** The database the data source's `type` names. */
  async readDatabase(): Promise<ConfiguredDatabase> {
    return configuredDatabase((await this.#dataSource()).options.type, this.dataSourcePath);
  }

  /** The model from the entity metadata the project's own typeorm builds (see `readProjectModel`). */
  async readSchema(): Promise<SchemaModel> {
    return (await this.#project()).model;
  }

  /** The SQL each existing migration runs, recorded by running them on a scratch shadow. */
  async readMigrations(): Promise<MigrationScript[]> {
    const { migrations } = await this.#history();
    const dir = (await this.#project()).migrationsDir;
    return migrations.map((migration) => ({ id: migration.id, path: `${dir}/${migration.id}`, sql: migration.sql }));
  }

  async applyPlan(plan: ChangePlan): Promise<FileChange[]> {
    // A fresh read each time: a rejected plan's edits must not leak into the next attempt.
    const { entityFiles, model } = await this.#project();
    const schema = readEntities({ files: entityFiles, metadataModel: model });
    const entitiesDir = dirname(schema.index.tables[0]?.filePath ?? entityFiles[0] ?? this.dataSourcePath);
    const entityPlan = editablePlan(await withTypeormDefaults(plan));
    const edits = withUnsynchronizedIndexes({ schema, plan, edits: applyPlanToEntities({ schema, plan: entityPlan, entitiesDir }) });
    const all = [...edits, ...registerNewEntities({ dataSourcePath: this.dataSourcePath, edits })];
    return all.map((edit) => ({ ...edit, role: 'source' as const }));
  }

  /**
   * The entity files a static read of the data source finds, checked from the start; the data
   * source itself (configuration, environment) only when a plan edits it.
   */
  openTypecheck(): SourceTypecheck {
    return openEntityTypecheck({ projectRoot: this.root, sourceFiles: entityFiles({ root: this.root, dataSourcePath: this.dataSourcePath }) });
  }

  async generateMigration(input: Parameters<OrmProject['generateMigration']>[0]): Promise<GeneratedMigration> {
    const project = await this.#project();
    // A baseline records the whole schema: every difference from nothing belongs in it.
    if (!input.baseline) {
      refuseSchemaDrift({ pending: (await this.#history()).pending, root: this.root, dataSourcePath: this.dataSourcePath, migrationsDir: project.migrationsDir });
    }
    return generateTypeormMigration({
      root: this.root,
      dataSourcePath: this.dataSourcePath,
      projectFiles: project.entityFiles,
      migrationsDir: project.migrationsDir,
      plan: input.plan,
      model: project.model,
      edits: input.edits,
      name: pascalName(input.name),
      shadowServer: input.shadowServer,
      cacheDir: this.cacheDir,
      outsideTransaction: typeormPlugin.capabilities.migrationOutsideTransaction,
    });
  }

  /** The migrations replayed once per run: their SQL for core, and the drift check for generate. */
  #history(): Promise<MigrationHistory> {
    this.#replayed ??= this.#dataSource().then((loaded) => replayMigrationHistory(loaded, this.cacheDir));
    return this.#replayed;
  }

  #dataSource(): Promise<LoadedDataSource> {
    this.#loaded ??= loadDataSourceOptions({ dataSourcePath: this.dataSourcePath, cwd: this.root });
    return this.#loaded;
  }

  #project(): Promise<ProjectModel> {
    this.#read ??= readProjectModel({ dataSourcePath: this.dataSourcePath, root: this.root }).then((read) => {
      this.#migrationsDir = read.migrationsDir;
      return read;
    });
    return this.#read;
  }
}

/** TypeORM's driver types, by the database they are; the rest (mssql, oracle, mongodb, cockroachdb, spanner, sap, aurora-postgres) none. */
const DIALECTS: Readonly<Record<string, DialectName>> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
  sqljs: 'sqlite',
  capacitor: 'sqlite',
  cordova: 'sqlite',
  'react-native': 'sqlite',
  nativescript: 'sqlite',
  expo: 'sqlite',
};

/** The database a data source's `type` names, for core to pick its dialect. */
export function configuredDatabase(type: string, file: string): ConfiguredDatabase {
  return { dialect: DIALECTS[type] ?? null, setting: `type: ${JSON.stringify(type)}`, file };
}

/** Indexes TypeORM cannot declare are written by `withUnsynchronizedIndexes`, not the editor. */
function editablePlan(plan: ChangePlan): ChangePlan {
  return { ...plan, changes: plan.changes.filter((change) => change.kind !== 'create_index' || change.method === 'btree') };
}

/** TypeORM names migrations in PascalCase (`AddPostTags`), as its CLI's users do. */
function pascalName(snake: string): string {
  return snake
    .split('_')
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
