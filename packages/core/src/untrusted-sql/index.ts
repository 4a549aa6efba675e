import type { ParsedStatement } from '../dialect/postgres/parser.js';
import { alterTableProblems } from './alter-table.js';
import type { CheckContext, StatementCheck } from './check.js';
import { functionProblems } from './functions.js';
import { objectTypeProblems, tablespaceProblems } from './object-types.js';
import { relationProblems } from './relations.js';
import { settingProblems } from './settings.js';
import { nestedStatementProblems, statementKindProblem } from './statement-kinds.js';

/**
 * Checks on SQL that came from the model (migration steps and their inverses, defaults,
 * index predicates), made on PostgreSQL's parse tree. Such SQL runs on the shadow, as a
 * throwaway role that the database itself confines (`dialect/postgres/shadow/confined-role.ts`), and later in
 * production as whatever user deploys it: beyond the schema change
 * it asks for, it must not reach other databases, roles, files, other servers, other sessions,
 * the server's settings or the system catalogs. Each concern is one file of allow lists
 * (statement kinds, object types, ALTER TABLE sub-commands, settings, managed schemas) with a
 * block list of functions behind them.
 */

export { STEP_STATEMENT_KINDS } from './statement-kinds.js';
export { ALLOWED_OBJECT_TYPES } from './object-types.js';
export { ALTER_TABLE_SUBCOMMANDS } from './alter-table.js';
export { STEP_SETTINGS } from './settings.js';
export { OUTSIDE_FUNCTION_FAMILIES } from './functions.js';

/** The schemas a plan's SQL may use while the schema model holds no schemas of its own. */
export const DEFAULT_MANAGED_SCHEMAS: readonly string[] = ['public'];

export interface UntrustedSqlOptions {
  /**
   * Schemas the ORM manages: relations and objects the SQL names must be in one of them
   * (unqualified names count as in them, unless they start with `pg_`). Defaults to `DEFAULT_MANAGED_SCHEMAS`.
   */
  readonly managedSchemas?: readonly string[];
}

/** The checks run on a statement whose kind is allowed, in the order their messages are listed. */
const STATEMENT_CHECKS: readonly StatementCheck[] = [
  settingProblems,
  objectTypeProblems,
  alterTableProblems,
  tablespaceProblems,
  nestedStatementProblems,
  relationProblems,
  functionProblems,
];

/**
 * Why a parsed statement of model-written SQL may not run: one message per reason, each
 * naming what it touches and what is allowed instead; an empty list when it may run.
 * A statement whose kind is not allowed gets that one message and no more.
 *
 * @example
 * untrustedSqlProblems(parsed) // ALTER DATABASE other_db RENAME TO x
 * // → ['renames a database ("other_db"); steps may only touch tables, columns, ... in the schema(s) public']
 */
export function untrustedSqlProblems(statement: ParsedStatement, options: UntrustedSqlOptions = {}): string[] {
  const kind = statementKindProblem(statement.ast);
  if (kind !== null) return [kind];
  const context: CheckContext = { managedSchemas: options.managedSchemas ?? DEFAULT_MANAGED_SCHEMAS };
  return [...new Set(STATEMENT_CHECKS.flatMap((check) => check(statement.ast, context)))];
}
