import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { concurrentIndexBuild } from './safe-form.js';
import { tableOf } from '../../statement-ast.js';

export const createIndexNotConcurrent = defineSafetyRule({
  id: 'create-index-not-concurrent',
  severity: 'warning',
  // The catalog tells a partitioned table, whose `ON ONLY` index builds nothing.
  phase: 'catalog',
  scansTable: true,
  squawk: ['require-concurrent-index-creation'],
  fix: 'Build the index with CREATE INDEX CONCURRENTLY, in a migration of its own that runs outside a transaction.',
  safeForm: concurrentIndexBuild,
  async *check({ kind, node, isNewTable, catalog }) {
    if (kind !== 'IndexStmt' || node.concurrent) return;
    const table = tableOf(node.relation);
    if (!table || isNewTable(table)) return;
    // `ON ONLY` a partitioned table makes an invalid index on the parent alone: no row is read.
    // Each partition's index is then built (concurrently) and attached with ALTER INDEX ... ATTACH PARTITION.
    if (node.relation && (node.relation as { inh?: boolean }).inh !== true && (await catalog.relationKind(table)) === 'p') return;
    yield `CREATE INDEX on existing table ${tableLabel(table)} takes a SHARE lock: writes to it wait until the index is built.`;
  },
});
