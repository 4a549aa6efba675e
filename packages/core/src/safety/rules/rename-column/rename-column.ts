import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { tableOf } from '../../statement-ast.js';

export const renameColumn = defineSafetyRule({
  id: 'rename-column',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['renaming-column'],
  fix: 'Running code still uses the old name until it is deployed: add the new column, write to both, backfill, switch reads, then drop the old one; or keep the database name and map it in the ORM.',
  *check({ kind, node, isNewTable }) {
    const table = kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN' ? tableOf(node.relation) : null;
    if (table && !isNewTable(table)) {
      yield `Renaming column ${tableLabel(table)}.${String(node.subname)} to ${String(node.newname)} breaks running code that still uses the old name.`;
    }
  },
});
