import { parseSql, statementKind, type ParsedStatement } from '@orm-ai/core';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';

/** A database a migration script can run on, as the engine's adapters see it. */
export interface ScriptTarget {
  /** For messages: `the dev database (embedded PGlite)`. */
  readonly description: string;
  /**
   * Sends the whole script as one simple-query message, as Prisma's native engine does:
   * PostgreSQL runs it as one implicit transaction (a failing script leaves nothing behind).
   */
  exec(script: string): Promise<void>;
  /**
   * Runs the statements one by one inside `BEGIN … ROLLBACK` on one connection and returns
   * the first that fails. Only throwaway databases offer it: it tells which statement of a
   * failed script broke when the error carries no position.
   */
  trial?(statements: readonly string[]): Promise<{ index: number; error: unknown } | null>;
}

/** A migration script a database rejected, with what the database said. */
export interface ScriptFailure {
  readonly script: string;
  /** The failing statement and its 1-based line in the script, when it could be told. */
  readonly statement: string | null;
  readonly line: number | null;
  /** The database's own words: `relation "Nope" does not exist (SQLSTATE 42P01)`. */
  readonly databaseError: string;
  /** Which database rejected it (`ScriptTarget.description`). */
  readonly where: string;
  readonly cause: unknown;
}

/**
 * The last script failure since `clear()`. The engine reports a failed migration with its
 * own summary ("No such table: Nope"); this keeps the statement and the database's words.
 */
export class ScriptFailureLog {
  #last: ScriptFailure | undefined;

  record(failure: ScriptFailure): void {
    this.#last = failure;
  }

  /** The failure recorded since the last `clear()`, if any. */
  last(): ScriptFailure | undefined {
    return this.#last;
  }

  clear(): void {
    this.#last = undefined;
  }
}

/** The fields PostgreSQL errors carry, from `pg` and from PGlite alike. */
interface PostgresError {
  readonly code: string;
  readonly message: string;
  readonly severity: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly column?: string | undefined;
  readonly position?: string | undefined;
}

function isPostgresError(error: unknown): error is PostgresError {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as Record<string, unknown>;
  return typeof fields.code === 'string' && typeof fields.message === 'string' && typeof fields.severity === 'string';
}

/**
 * Runs one migration script on `target`, awaiting it (the engine must not record a failed
 * migration as applied). A database error is recorded in `failures` with its statement and
 * rethrown as the `DriverAdapterError` the engine understands.
 */
export async function runMigrationScript(options: { script: string; target: ScriptTarget; failures: ScriptFailureLog }): Promise<void> {
  const { script, target, failures } = options;
  try {
    await target.exec(script);
  } catch (error) {
    if (!isPostgresError(error)) throw error;
    const located = await locateStatement(script, error, target);
    failures.record({ script, ...located, databaseError: describePostgresError(error), where: target.description, cause: error });
    throw new DriverAdapterError({
      kind: 'postgres',
      code: error.code,
      severity: error.severity,
      message: error.message,
      detail: error.detail,
      column: error.column,
      hint: error.hint,
    });
  }
}

function describePostgresError(error: PostgresError): string {
  const extra = [error.detail && `DETAIL: ${error.detail}`, error.hint && `HINT: ${error.hint}`].filter(Boolean);
  return [`${error.message} (SQLSTATE ${error.code})`, ...extra].join('\n');
}

async function locateStatement(script: string, error: PostgresError, target: ScriptTarget): Promise<{ statement: string | null; line: number | null }> {
  const offset = error.position ? Number(error.position) - 1 : null;
  const parsed = await parseSql(script).catch(() => null);
  if (!parsed?.ok) return { statement: null, line: offset === null ? null : lineAt(script, offset) };
  if (offset !== null) {
    const statement = statementAtOffset(script, parsed.statements, offset);
    return statement ? { statement: statement.sql, line: statement.line } : { statement: null, line: lineAt(script, offset) };
  }
  if (!target.trial) return { statement: null, line: null };
  // The script's own BEGIN/COMMIT would end the trial's transaction: leave them out.
  const candidates = parsed.statements.filter((statement) => statementKind(statement) !== 'TransactionStmt');
  const failed = await target.trial(candidates.map((statement) => statement.sql)).catch(() => null);
  // Trust the trial only when it fails the same way the script did.
  if (!failed || !isPostgresError(failed.error) || failed.error.code !== error.code) return { statement: null, line: null };
  const statement = candidates[failed.index];
  return statement ? { statement: statement.sql, line: statement.line } : { statement: null, line: null };
}

/**
 * Runs `statements` in order inside `BEGIN … ROLLBACK` through `exec` (one connection) and
 * returns the first that fails; nothing stays behind. For `ScriptTarget.trial`.
 */
export async function trialInTransaction(exec: (sql: string) => Promise<unknown>, statements: readonly string[]): Promise<{ index: number; error: unknown } | null> {
  await exec('BEGIN');
  try {
    for (const [index, sql] of statements.entries()) {
      try {
        await exec(sql);
      } catch (error) {
        return { index, error };
      }
    }
    return null;
  } finally {
    await exec('ROLLBACK');
  }
}

/** PostgreSQL's error position counts characters from the start of the whole script. */
function statementAtOffset(script: string, statements: readonly ParsedStatement[], offset: number): ParsedStatement | undefined {
  let cursor = 0;
  let found: ParsedStatement | undefined;
  for (const statement of statements) {
    const start = script.indexOf(statement.sql, cursor);
    if (start < 0 || start > offset) break;
    found = statement;
    cursor = start + statement.sql.length;
  }
  return found;
}

function lineAt(script: string, offset: number): number {
  return script.slice(0, offset).split('\n').length;
}
