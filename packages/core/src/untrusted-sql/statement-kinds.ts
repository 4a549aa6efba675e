import type { StatementCheck } from './check.js';
import { statementNode, walkTree, type ParseNode } from './parse-tree.js';

/**
 * Statement kinds a migration step may hold: data changes, schema changes of the objects a
 * plan may touch, `SELECT` (for `SELECT setval(...)`) and session settings (`SET lock_timeout`).
 * Anything else (COPY ... TO PROGRAM, DO blocks, functions, triggers, roles, grants, schemas,
 * extensions, transaction control) could act outside the schema change, and in production,
 * run by a privileged user, outside the database. Triggers are left out on purpose: a trigger binds a
 * function the plan cannot show, to run on every later write in production.
 */
export const STEP_STATEMENT_KINDS: ReadonlySet<string> = new Set([
  'SelectStmt',
  'UpdateStmt',
  'InsertStmt',
  'DeleteStmt',
  'TruncateStmt',
  'CreateStmt',
  'CreateTableAsStmt',
  'AlterTableStmt',
  'RenameStmt',
  'DropStmt',
  'IndexStmt',
  'CreateEnumStmt',
  'AlterEnumStmt',
  'CreateDomainStmt',
  'AlterDomainStmt',
  'CompositeTypeStmt',
  'CommentStmt',
  'VariableSetStmt',
  'ViewStmt',
  'RefreshMatViewStmt',
  'CreateSeqStmt',
  'AlterSeqStmt',
]);

/** Statements that may sit inside another: subqueries, view and CREATE TABLE AS bodies, data-changing CTEs. */
const NESTED_STATEMENT_KINDS: ReadonlySet<string> = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/** Why a statement's kind may not run as a migration step, or null when it may. */
export function statementKindProblem(ast: ParseNode): string | null {
  const [kind] = statementNode(ast);
  if (STEP_STATEMENT_KINDS.has(kind)) return null;
  return `holds a statement a migration step may not run (${kind}); steps are limited to data and schema changes`;
}

/** Statements nested in an allowed one are held to queries and data changes (`CREATE TABLE x AS EXECUTE p` is not). */
export const nestedStatementProblems: StatementCheck = (ast) => {
  const [, node] = statementNode(ast);
  const problems: string[] = [];
  walkTree(node, (key) => {
    // ALTER TABLE sub-commands are judged by their own allow list (alter-table.ts).
    if (key === 'AlterTableCmd') return 'skip';
    if (/^[A-Z]\w*Stmt$/.test(key) && !NESTED_STATEMENT_KINDS.has(key)) {
      problems.push(`runs a nested statement (${key}); only queries and data changes may sit inside a step's statement`);
    }
  });
  return problems;
};
