import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { shadowServerFrom, type ChangePlan, type FileChange, type GeneratedMigration, type MigrationScript } from '@orm-ai/core';
import { typeormPlugin } from '../../src/typeorm-plugin.js';

/** The repository's TypeORM example: four entities, two migrations, plans. */
export const TYPEORM_APP = fileURLToPath(new URL('../../../../examples/typeorm-app', import.meta.url));
// Inside the repository, so the copy resolves the workspace's typeorm.
const TMP_ROOT = fileURLToPath(new URL('../.tmp', import.meta.url));

/** A private copy of the example (without node_modules) for the running test, removed when it finishes. */
export function copyExampleApp(): string {
  mkdirSync(TMP_ROOT, { recursive: true });
  const root = mkdtempSync(join(TMP_ROOT, 'typeorm-app-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  cpSync(TYPEORM_APP, root, { recursive: true, filter: (source) => !source.split(/[\\/]/).includes('node_modules') });
  return root;
}

export interface GenerateWithPluginOptions {
  readonly root: string;
  readonly plan: ChangePlan;
  /** The migration's snake_case name, as core gives it. */
  readonly name: string;
  /** A server for the builder's shadow; absent: embedded PGlite. */
  readonly shadowUrl?: string | undefined;
}

/** What `typeorm-ai migration:generate` asks of the plugin, on a copy of the example: the entity edits and TypeORM's migration, nothing written. */
export async function generateWithPlugin(options: GenerateWithPluginOptions): Promise<{ edits: FileChange[]; migration: GeneratedMigration; migrations: MigrationScript[] }> {
  const project = await typeormPlugin.openProject({ cwd: options.root, configPath: 'src/data-source.ts' });
  const migrations = await project.readMigrations();
  const edits = await project.applyPlan(options.plan);
  const migration = await project.generateMigration({ plan: options.plan, edits, name: options.name, shadowServer: shadowServerFrom({ shadowUrl: options.shadowUrl }) });
  return { edits, migration, migrations };
}
