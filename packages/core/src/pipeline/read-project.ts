import type { Dialect } from '../dialect/dialect.js';
import { dialectFor } from '../dialect/dialects.js';
import type { MigrationScript, OpenProjectOptions, OrmPlugin, OrmProject } from '../orm-plugin.js';
import type { SchemaModel } from '../schema-model.js';
import { removeStaleRunFiles } from '../stale-run-files.js';

export interface OpenedProject {
  readonly project: OrmProject;
  /** The database the ORM config names, which core supports (else `DIALECT_UNSUPPORTED` was thrown). */
  readonly dialect: Dialect;
}

/**
 * Opens the project and picks the dialect its config names: the start of every command, so
 * that a database orm-ai does not support is refused before anything is read or asked.
 */
export async function openProjectWithDialect(plugin: OrmPlugin, options: OpenProjectOptions): Promise<OpenedProject> {
  const project = await plugin.openProject(options);
  return { project, dialect: dialectFor(await project.readDatabase(), { orm: plugin.capabilities.dialects }) };
}

export interface ReadProject {
  readonly project: OrmProject;
  readonly dialect: Dialect;
  readonly model: SchemaModel;
  readonly scripts: MigrationScript[];
}

/**
 * Opens the project and reads its schema and its migrations, the start of every run that
 * writes a migration. What a killed run left beside the user's files goes first, before this
 * run writes its own.
 */
export async function readProject(options: {
  plugin: OrmPlugin;
  cwd: string;
  configPath?: string | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Runs on the schema before the migrations are read: listing them may cost seconds (TypeORM
   * runs them on a scratch shadow), and what only needs the schema should not wait for it.
   */
  checkSchema?: ((model: SchemaModel) => Promise<unknown>) | undefined;
  /** Told the project as soon as it is open, before its schema is read: to start work that needs only the project. */
  onOpen?: ((project: OrmProject) => void) | undefined;
}): Promise<ReadProject> {
  const { project, dialect } = await openProjectWithDialect(options.plugin, { cwd: options.cwd, configPath: options.configPath, env: options.env });
  options.onOpen?.(project);
  const sweeping = removeStaleRunFiles(project.root);
  try {
    const model = await project.readSchema();
    await options.checkSchema?.(model);
    return { project, dialect, model, scripts: await project.readMigrations() };
  } finally {
    await sweeping;
  }
}
