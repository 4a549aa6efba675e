import type { MigrationScript, OrmPlugin, OrmProject } from '../orm-plugin.js';
import type { SchemaModel } from '../schema-model.js';
import { removeStaleRunFiles } from '../stale-run-files.js';

export interface ReadProject {
  readonly project: OrmProject;
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
}): Promise<ReadProject> {
  const project = await options.plugin.openProject({ cwd: options.cwd, configPath: options.configPath, env: options.env });
  const sweeping = removeStaleRunFiles(project.root);
  const read = { project, model: await project.readSchema(), scripts: await project.readMigrations() };
  await sweeping;
  return read;
}
