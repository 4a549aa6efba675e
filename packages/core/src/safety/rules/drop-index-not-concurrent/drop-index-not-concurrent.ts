import { defineSafetyRule } from '../../safety-rule.js';

export const dropIndexNotConcurrent = defineSafetyRule({
  id: 'drop-index-not-concurrent',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['require-concurrent-index-deletion'],
  fix: 'Drop the index with DROP INDEX CONCURRENTLY, in a migration of its own that runs outside a transaction.',
  *check({ kind, node }) {
    if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' && !node.concurrent) {
      yield "DROP INDEX takes ACCESS EXCLUSIVE on the index's table: reads and writes wait, and it waits behind every running query on the table.";
    }
  },
});
