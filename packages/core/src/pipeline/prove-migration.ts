import type { ChangePlan } from '../change-plan.js';
import type { GeneratedMigration, MigrationScript, OrmCapabilities } from '../orm-plugin.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql } from '../sql-parser.js';

/** The new migration's statements: the plan's `before` steps, the ORM's statements, then `after` steps. */
export async function composeStatements(plan: ChangePlan, migration: GeneratedMigration): Promise<string[]> {
  const stepStatements = async (position: 'before' | 'after') => {
    const statements: string[] = [];
    for (const step of plan.migrationSteps.filter((candidate) => candidate.position === position)) {
      const parsed = await parseSql(step.sql);
      // Validation already rejected steps that do not parse.
      if (parsed.ok) statements.push(...parsed.statements.map((statement) => terminated(statement.sql)));
    }
    return statements;
  };
  return [...(await stepStatements('before')), ...migration.statements, ...(await stepStatements('after'))];
}

function terminated(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql};`;
}

export interface ProveOptions {
  /** A shadow holding every existing migration; it is forked, never changed. */
  readonly prepared: ShadowDatabase;
  readonly migrationId: string;
  readonly statements: readonly string[];
  readonly transaction: OrmCapabilities['migrationTransaction'];
}

/**
 * Applies the new migration on a fork of the prepared shadow, the way the ORM's migrator
 * will. Throws `SHADOW_REJECTED_MIGRATION` with the statement and the database's error.
 */
export async function proveOnShadow(options: ProveOptions): Promise<void> {
  const fork = await options.prepared.fork();
  try {
    const script: MigrationScript = { id: options.migrationId, path: `${options.migrationId} (new)`, sql: options.statements.join('\n') };
    await replayMigrations({ shadow: fork, scripts: [script], transaction: options.transaction });
  } finally {
    await fork.close();
  }
}
