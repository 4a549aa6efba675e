import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';

export const foreignKeyWithoutIndex = defineSafetyRule({
  id: 'foreign-key-without-index',
  severity: 'warning',
  phase: 'migration',
  squawk: [],
  fix: 'Index the referencing columns (leading columns of some index), or every delete or key update on the referenced table scans this table.',
  // Judged on the finished migration: an index created by a later statement counts.
  async *check({ catalog, foreignKeysAddedBy }) {
    for (const key of await catalog.foreignKeys()) {
      const statement = foreignKeysAddedBy.get(key.oid);
      if (statement !== undefined && !key.indexed) {
        yield { statement, message: `Foreign key ${key.name} on ${tableLabel(key.table)} (${key.columns.join(', ')}) has no index on its columns.` };
      }
    }
  },
});
