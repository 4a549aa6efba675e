import { dirname } from 'node:path';
import { OrmAiError, type ChangePlan, type FileChange, type GeneratedMigration, type MigrationScript, type OrmPlugin, type OrmProject, type SchemaModel } from '@orm-ai/core';
import { applyPlanToEntities } from './apply-plan.js';
import { typecheckEntities } from './entity-typecheck.js';
import { readEntities, type EntitySchema } from './read-entities.js';
import { registerNewEntities } from './register-entities.js';
import { loadDataSourceOptions } from './schema-builder/load-data-source.js';
import { migrationSqlById } from './schema-builder/migration-sql.js';
import { openShadowDataSource } from './schema-builder/shadow-data-source.js';
import { entityFiles, findDataSourcePath, migrationsDirOf, projectRootOf } from './typeorm-project-files.js';
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
    promptNotes: [
      'Table and column names are the database names; the tool picks the entity class and property names.',
      'A foreign key becomes a @ManyToOne relation with @JoinColumn on the referencing entity.',
    ],
    safetyFixes: TYPEORM_SAFETY_FIXES,
  },
  async openProject(options) {
    const dataSourcePath = findDataSourcePath({ cwd: options.cwd, dataSourcePath: options.configPath });
    return new TypeormProject(dataSourcePath, projectRootOf(dataSourcePath));
  },
};

class TypeormProject implements OrmProject {
  #schema: EntitySchema | undefined;
  #migrationsDir: Promise<string> | undefined;

  constructor(
    private readonly dataSourcePath: string,
    readonly root: string,
  ) {}

  async readSchema(): Promise<SchemaModel> {
    return this.#entities().model;
  }

  /** The SQL each existing migration runs, recorded by running them on a scratch shadow. */
  async readMigrations(): Promise<MigrationScript[]> {
    const loaded = await loadDataSourceOptions({ dataSourcePath: this.dataSourcePath, cwd: this.root });
    const scratch = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass });
    try {
      const recorded = await migrationSqlById({ dataSource: scratch.dataSource });
      const dir = await this.#migrations();
      return recorded.map((migration) => ({ id: migration.id, path: `${dir}/${migration.id}`, sql: migration.sql }));
    } finally {
      await scratch.dispose();
    }
  }

  async applyPlan(plan: ChangePlan): Promise<FileChange[]> {
    // A fresh read each time: a rejected plan's edits must not leak into the next attempt.
    const schema = readEntities({ files: this.#entityFiles() });
    const entitiesDir = dirname(this.#entityFiles()[0] ?? this.dataSourcePath);
    const entityPlan = editablePlan(await withTypeormDefaults(plan));
    const edits = withUnsynchronizedIndexes({ schema, plan, edits: applyPlanToEntities({ schema, plan: entityPlan, entitiesDir }) });
    const all = [...edits, ...registerNewEntities({ dataSourcePath: this.dataSourcePath, edits })];
    const diagnostics = typecheckEntities({ projectRoot: this.root, edits: all });
    if (diagnostics.length > 0) {
      throw new OrmAiError('SOURCE_TYPECHECK_FAILED', `the edited entities do not type-check:\n${diagnostics.join('\n')}`, {
        hint: 'Nothing was written. The plan asks for something the entities cannot express this way.',
      });
    }
    return all.map((edit) => ({ ...edit, role: 'source' as const }));
  }

  async generateMigration(input: Parameters<OrmProject['generateMigration']>[0]): Promise<GeneratedMigration> {
    return generateTypeormMigration({
      root: this.root,
      dataSourcePath: this.dataSourcePath,
      projectFiles: this.#entityFiles(),
      migrationsDir: await this.#migrations(),
      plan: input.plan,
      model: this.#entities().model,
      edits: input.edits,
      name: pascalName(input.name),
      shadowServer: input.shadowServer,
    });
  }

  #entityFiles(): string[] {
    return entityFiles({ root: this.root, dataSourcePath: this.dataSourcePath });
  }

  #entities(): EntitySchema {
    this.#schema ??= readEntities({ files: this.#entityFiles() });
    return this.#schema;
  }

  #migrations(): Promise<string> {
    this.#migrationsDir ??= loadDataSourceOptions({ dataSourcePath: this.dataSourcePath, cwd: this.root }).then(migrationsDirOf);
    return this.#migrationsDir;
  }
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
