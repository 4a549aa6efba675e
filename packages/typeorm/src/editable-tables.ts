import { OrmAiError, type ChangePlan } from '@orm-ai/core';
import type { EntityIndex } from './read-entities.js';

type Change = ChangePlan['changes'][number];

/** The tables a change edits or must find a class for (a foreign key's target gets the relation's type). */
function tablesOf(change: Change): string[] {
  switch (change.kind) {
    case 'rename_table':
      return [change.from];
    case 'add_foreign_key':
      return [change.table, change.referencedTable];
    case 'create_enum':
    case 'add_enum_value':
      return [];
    default:
      return [change.table];
  }
}

/**
 * Refuses a plan that touches an entity the editor cannot read, before anything is edited,
 * naming the class, its file:line and what could not be read. Entities the plan does not
 * touch are left alone: their tables still come from TypeORM's metadata.
 */
export function refuseUneditableTables(plan: ChangePlan, index: EntityIndex): void {
  for (const change of plan.changes) {
    for (const table of tablesOf(change)) {
      const entity = index.unreadable.find((candidate) => candidate.table === table);
      if (entity === undefined) continue;
      throw new OrmAiError('PLAN_APPLY_FAILED', `${change.kind} on "${table}": the editor cannot change entity ${entity.className} at ${entity.filePath}:${entity.line}: ${entity.reason}`, {
        hint: 'Nothing was written. Make that change to the entity by hand, or write what the message names in a form typeorm-ai reads (literal decorator options).',
      });
    }
  }
}
