import type { SchemaChange } from '@orm-ai/core';

/**
 * The renames among `changes` as PostgreSQL statements, in the order given, with database
 * names (which is what the plan speaks in); other kinds of change are skipped. One renderer
 * for both directions: the plan's changes for the up, `renamesUndone(plan)` for the down.
 *
 * @example
 * renameStatements(plan.changes) // ['ALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";']
 * renameStatements(renamesUndone(plan)) // ['ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";']
 */
export function renameStatements(changes: readonly SchemaChange[]): string[] {
  const statements: string[] = [];
  for (const change of changes) {
    if (change.kind === 'rename_table') statements.push(`ALTER TABLE "${change.from}" RENAME TO "${change.to}";`);
    if (change.kind === 'rename_column') statements.push(`ALTER TABLE "${change.table}" RENAME COLUMN "${change.from}" TO "${change.to}";`);
  }
  return statements;
}
