import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands, nodeOf, tableOf } from '../../statement-ast.js';

export const attachPartitionScans = defineSafetyRule({
  id: 'attach-partition-scans',
  severity: 'warning',
  phase: 'catalog',
  scansTable: true,
  squawk: [],
  fix: 'Before ATTACH PARTITION, ADD CONSTRAINT ... CHECK (the partition bound) NOT VALID on the table and VALIDATE CONSTRAINT (no ACCESS EXCLUSIVE), so the attach skips its scan; drop the CHECK after. Before PostgreSQL 12 the attach still locks the parent ACCESS EXCLUSIVE: run it with a lock_timeout in a quiet window.',
  async *check({ kind, node, isNewTable, catalog, target }) {
    // ALTER INDEX ... ATTACH PARTITION parses to the same command; it attaches an index and scans nothing.
    if (node.objtype !== 'OBJECT_TABLE') return;
    for (const { table: parent, subtype, command } of alterTableCommands(kind, node)) {
      if (subtype !== 'AT_AttachPartition') continue;
      const partition = tableOf(nodeOf<{ name?: unknown }>(command.def, 'PartitionCmd')?.name);
      if (!partition) continue;
      const attach = `ATTACH PARTITION of ${tableLabel(partition)} to ${tableLabel(parent)}`;
      // A table created in this migration is empty; one with a validated CHECK may prove the bound, as PostgreSQL checks.
      const scans = !isNewTable(partition) && !(await catalog.hasValidatedCheck(partition));
      const scan = `it scans ${tableLabel(partition)} under ACCESS EXCLUSIVE to check the partition bound, as no validated CHECK on it implies the bound`;
      if (!isNewTable(parent) && !target.supports('attach-partition-share-update-exclusive')) {
        yield `${attach} locks ${tableLabel(parent)} ACCESS EXCLUSIVE on ${target.label}, blocking its reads and writes${scans ? ` while ${scan}` : ''}: SHARE UPDATE EXCLUSIVE on the parent needs PostgreSQL 12.`;
      } else if (scans) yield `${attach}: ${scan}.`;
    }
  },
});
