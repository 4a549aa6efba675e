import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands } from '../../statement-ast.js';

export const dropColumn = defineSafetyRule({
  id: 'drop-column',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['ban-drop-column'],
  fix: 'Stop reading and writing the column in a deploy first (for ORMs: remove it from the model and ignore it), then drop it in a later migration.',
  *check({ kind, node, isNewTable }) {
    for (const { table, subtype, column } of alterTableCommands(kind, node)) {
      if (subtype === 'AT_DropColumn' && !isNewTable(table)) yield `DROP COLUMN ${tableLabel(table)}.${column} deletes the column's values; code still reading or writing it fails.`;
    }
  },
});
