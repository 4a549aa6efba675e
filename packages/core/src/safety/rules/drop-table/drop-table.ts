import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { names, nodeOf } from '../../statement-ast.js';

export const dropTable = defineSafetyRule({
  id: 'drop-table',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['ban-drop-table'],
  fix: 'Stop reading and writing the table in a deploy first, keep a backup of its rows, and drop it in a later migration.',
  *check({ kind, node, isNewTable }) {
    if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_TABLE') return;
    for (const object of (node.objects as unknown[]) ?? []) {
      const parts = names(nodeOf<{ items?: unknown[] }>(object, 'List')?.items);
      const table = { schema: parts.length > 1 ? parts[0]! : 'public', name: parts.at(-1)! };
      if (!isNewTable(table)) yield `DROP TABLE ${tableLabel(table)} deletes the table and every row in it; code still using it fails.`;
    }
  },
});
