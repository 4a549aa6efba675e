import { isAbsolute, relative } from 'node:path';
import { OrmAiError } from '../errors.js';
import type { MigrationScript, OrmProject } from '../orm-plugin.js';
import type { SchemaModel } from '../schema-model.js';

export interface NoMigrationsOptions {
  readonly project: OrmProject;
  readonly scripts: readonly MigrationScript[];
  /** The ORM's name as people write it (`Drizzle`), for the message. */
  readonly ormName: string;
  /** The folder the run started in: the migrations folder is named relative to it. */
  readonly cwd: string;
}

/**
 * The shadow is built from the project's migrations, so a schema that no migration made (a
 * TypeORM project on `synchronize`, a Drizzle project on `push`, a Prisma project on `db push`)
 * would come out as one migration creating every table, presented as the requested change.
 */
export function refuseSchemaWithoutMigrations(options: NoMigrationsOptions & { readonly model: SchemaModel }): void {
  const { model, scripts, ormName } = options;
  if (scripts.length > 0 || model.tables.length === 0) return;
  const tables = model.tables.map((table) => table.name);
  const named = tables.length > 3 ? `${tables.slice(0, 3).join(', ')} and ${tables.length - 3} more` : tables.join(', ');
  const folder = options.project.migrationsFolder;
  throw new OrmAiError('NO_MIGRATIONS', `the schema declares ${tables.length} table(s) (${named}) but the project has no ${ormName} migrations yet${where(options)}.`, {
    hint: `${folder && !folder.exists ? `If the migrations are elsewhere, point the ${ormName} config at them. ` : ''}orm-ai proves each change on a shadow database built from the project's migrations. Run again with --baseline to write the initial migration of the current schema with ${ormName}'s own migration tool, record it as applied where the schema already exists, then make the change.`,
  });
}

/**
 * `check` of a project whose migrations folder does not exist: more often a wrong path in
 * the config than a project without history, so it fails rather than judging nothing. A
 * folder that is there and empty is a project with nothing to judge yet.
 */
export function refuseMissingMigrationsFolder(options: NoMigrationsOptions): void {
  const folder = options.project.migrationsFolder;
  if (options.scripts.length > 0 || !folder || folder.exists) return;
  throw new OrmAiError('NO_MIGRATIONS', `the project has no ${options.ormName} migrations to check${where(options)}.`, {
    hint: `If the migrations are elsewhere, point the ${options.ormName} config at them; if the project has none yet, there is nothing to check (generate's --baseline writes the first).`,
  });
}

/** Where the migrations were looked for: ` in ./drizzle`, or ` (./drizzle does not exist)`; empty when the ORM does not say. */
function where({ project, cwd }: NoMigrationsOptions): string {
  const folder = project.migrationsFolder;
  if (!folder) return '';
  const shown = relativeOrAbsolute(cwd, folder.path);
  return folder.exists ? ` in ${shown}` : ` (${shown} does not exist)`;
}

function relativeOrAbsolute(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown.startsWith('..') || isAbsolute(shown) ? path : `./${shown}`;
}
