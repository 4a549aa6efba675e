import type { ParseNode } from './parse-tree.js';

/** What every check in this folder knows besides the statement. */
export interface CheckContext {
  /** Schemas the ORM manages: the only ones whose relations the plan's SQL may use. */
  readonly managedSchemas: readonly string[];
}

/** One check on a statement's parse tree (`{ UpdateStmt: {...} }`): why it may not run, or nothing. */
export type StatementCheck = (ast: ParseNode, context: CheckContext) => string[];

/** The end of a message about an object a statement may not touch: what it may touch instead. */
export function objectScope(context: CheckContext): string {
  return `steps may only touch tables, columns, indexes, sequences, types, constraints, views and triggers in the schema(s) ${context.managedSchemas.join(', ')}`;
}

/** The end of a message about a relation the plan's SQL may not use. */
export function relationScope(context: CheckContext): string {
  return `the plan's SQL may only use relations in the schema(s) ${context.managedSchemas.join(', ')}`;
}
