import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { tableOf } from '../../statement-ast.js';

export const createIndexNotConcurrent = defineSafetyRule({
  id: 'create-index-not-concurrent',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: ['require-concurrent-index-creation'],
  fix: 'Build the index with CREATE INDEX CONCURRENTLY, in a migration of its own that runs outside a transaction.',
  *check({ kind, node, isNewTable }) {
    if (kind !== 'IndexStmt' || node.concurrent) return;
    const table = tableOf(node.relation);
    if (table && !isNewTable(table)) yield `CREATE INDEX on existing table ${tableLabel(table)} takes a SHARE lock: writes to it wait until the index is built.`;
  },
});
