import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { tableOf } from '../../statement-ast.js';

export const renameTable = defineSafetyRule({
  id: 'rename-table',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['renaming-table'],
  fix: 'Running code still uses the old name until it is deployed: deploy code that works with both names first (a view with the old name), or rename in a maintenance window.',
  *check({ kind, node, isNewTable }) {
    const table = kind === 'RenameStmt' && node.renameType === 'OBJECT_TABLE' ? tableOf(node.relation) : null;
    if (table && !isNewTable(table)) yield `Renaming table ${tableLabel(table)} to ${String(node.newname)} breaks running code that still uses the old name.`;
  },
});
