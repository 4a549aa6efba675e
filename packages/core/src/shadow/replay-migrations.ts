import { describeError, OrmAiError } from '../errors.js';
import type { MigrationScript, OrmCapabilities } from '../orm-plugin.js';
import type { Dialect } from '../dialect/dialect.js';
import type { ShadowDatabase } from './shadow-database.js';

export interface ReplayOptions {
  /** The database's parser splits each script into the statements the migrator runs. */
  readonly dialect: Pick<Dialect, 'displayName' | 'splitStatements'>;
  readonly shadow: ShadowDatabase;
  readonly scripts: readonly MigrationScript[];
  /** Replays them as the ORM's migrator runs them (see `OrmCapabilities`). */
  readonly transaction: OrmCapabilities['migrationTransaction'];
}

/**
 * Runs migrations on a shadow statement by statement, the way the ORM's migrator would
 * (inside one transaction, one per migration, or none). A failure throws
 * `SHADOW_REJECTED_MIGRATION` naming the file, the line, the statement and the database's error.
 */
export async function replayMigrations(options: ReplayOptions): Promise<void> {
  const { shadow, scripts, transaction } = options;
  const parsed = await Promise.all(scripts.map(async (script) => ({ script, statements: await statementsOf(options.dialect, script) })));
  if (transaction === 'all') await shadow.exec('BEGIN');
  try {
    for (const { script, statements } of parsed) {
      const own = transaction !== 'all' && runsInTransaction(transaction, statements.length);
      if (own) await shadow.exec('BEGIN');
      for (const statement of statements) await runStatement(shadow, script, statement);
      if (own) await shadow.exec('COMMIT');
    }
    if (transaction === 'all') await shadow.exec('COMMIT');
  } catch (error) {
    if (transaction !== 'none') await shadow.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Whether the migrator runs a migration of `statements` statements inside a transaction:
 * always with `all` and `each`, never with `none`, and with `script` only when there are
 * several (PostgreSQL wraps a multi-statement simple query in an implicit transaction, so
 * a lone `CREATE INDEX CONCURRENTLY` works and one beside other statements fails).
 */
export function runsInTransaction(transaction: OrmCapabilities['migrationTransaction'], statements: number): boolean {
  return transaction === 'script' ? statements > 1 : transaction !== 'none';
}

interface Statement {
  readonly sql: string;
  readonly line: number;
}

async function statementsOf(dialect: ReplayOptions['dialect'], script: MigrationScript): Promise<readonly Statement[]> {
  const parsed = await dialect.splitStatements(script.sql);
  if (parsed.ok) return parsed.statements;
  throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `${script.path}${parsed.line ? `:${parsed.line}` : ''}: does not parse as ${dialect.displayName}: ${parsed.message}`, {
    hint: 'Fix the SQL of this migration; nothing was written.',
  });
}

async function runStatement(shadow: ShadowDatabase, script: MigrationScript, statement: Statement): Promise<void> {
  try {
    await shadow.exec(statement.sql);
  } catch (error) {
    throw new OrmAiError(
      'SHADOW_REJECTED_MIGRATION',
      `${script.path}:${statement.line}: the shadow database (${shadow.description}) rejected\n  ${statement.sql}\nwith: ${describeError(error)}`,
      { hint: 'Nothing was written. The statement, not the tool, failed: fix the plan or the migration.', cause: error },
    );
  }
}
