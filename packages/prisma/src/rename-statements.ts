import type { ChangePlan } from '@orm-ai/core';

/**
 * The plan's renames as PostgreSQL statements, in plan order, with database names (which
 * is what the plan speaks in). They run before the engine's own statements.
 */
export function renameStatements(plan: ChangePlan): string[] {
  const statements: string[] = [];
  for (const change of plan.changes) {
    if (change.kind === 'rename_table') statements.push(`ALTER TABLE "${change.from}" RENAME TO "${change.to}";`);
    if (change.kind === 'rename_column') statements.push(`ALTER TABLE "${change.table}" RENAME COLUMN "${change.from}" TO "${change.to}";`);
  }
  return statements;
}
