import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OrmAiError } from '@orm-ai/core';
import type { MigrationHistory } from './schema-builder/migration-history.js';

/** How many of the builder's statements the message quotes; the rest are counted. */
const QUOTED_STATEMENTS = 10;

export interface RefuseSchemaDriftOptions {
  /** From `replayMigrationHistory`: what the builder still wants for the unedited entities. */
  readonly pending: MigrationHistory['pending'];
  readonly root: string;
  readonly dataSourcePath: string;
  readonly migrationsDir: string;
}

/**
 * Refuses with `SCHEMA_OUT_OF_SYNC` when the entities, before any edit, already differ from
 * what the migrations build: TypeORM's builder would fold that drift into the new migration,
 * shown as the change asked for. The message quotes the builder's own statements (the first
 * ten, then a count); the hint names the project's `migration:generate`.
 */
export function refuseSchemaDrift(options: RefuseSchemaDriftOptions): void {
  const { pending } = options;
  if (pending instanceof OrmAiError) throw pending;
  if (pending.length === 0) return;
  const quoted = pending.slice(0, QUOTED_STATEMENTS).map((statement) => `  ${statement}`);
  const more = pending.length > QUOTED_STATEMENTS ? [`  and ${pending.length - QUOTED_STATEMENTS} more`] : [];
  const drops = pending.filter((statement) => /^(DROP |ALTER TABLE .* DROP (COLUMN|CONSTRAINT) )/.test(statement)).length;
  const dropNote =
    drops > 0
      ? ` If a migration made on purpose what the builder would drop (${drops} DROP statement(s) above), declare it in the entities instead; an index TypeORM cannot declare takes @Index(name, { synchronize: false }).`
      : '';
  throw new OrmAiError(
    'SCHEMA_OUT_OF_SYNC',
    `the entities and the migrations differ: after every existing migration, TypeORM's schema builder would still run:\n${[...quoted, ...more].join('\n')}`,
    { hint: `Run ${migrationGenerateCommand(options)} for these first (or write the missing migration, or revert the entity change), so the new migration holds only the change you asked for.${dropNote}` },
  );
}

/** The project's own `migration:generate`: its package.json script when it has one, else TypeORM's CLI on its data source. */
function migrationGenerateCommand(options: RefuseSchemaDriftOptions): string {
  const script = Object.entries(packageScripts(options.root)).find(([, command]) => typeof command === 'string' && /\bmigration:generate\b/.test(command));
  if (script) return `\`npm run ${script[0]}\` (typeorm migration:generate)`;
  const dataSource = relative(options.root, options.dataSourcePath);
  const cli = /\.(c|m)?ts$/.test(dataSource) ? 'typeorm-ts-node-commonjs' : 'typeorm';
  return `\`npx ${cli} migration:generate ${join(relative(options.root, options.migrationsDir), '<Name>')} -d ${dataSource}\``;
}

function packageScripts(root: string): Record<string, unknown> {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return {};
  try {
    const scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: unknown }).scripts;
    return scripts && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : {};
  } catch {
    // An unreadable package.json only loses the script's name; the CLI form still helps.
    return {};
  }
}
