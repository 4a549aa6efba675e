import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { nodeOf, tableOf } from '../../statement-ast.js';

export const truncateTable = defineSafetyRule({
  id: 'truncate-table',
  severity: 'error',
  phase: 'parse-tree',
  squawk: ['ban-truncate-cascade'],
  fix: 'A schema migration should not delete all rows; delete them deliberately, in batches, outside the migration.',
  *check({ kind, node }) {
    if (kind !== 'TruncateStmt') return;
    for (const relation of (node.relations as unknown[]) ?? []) {
      const table = tableOf(nodeOf(relation, 'RangeVar'));
      if (table) yield `TRUNCATE ${tableLabel(table)} deletes every row${node.behavior === 'DROP_CASCADE' ? ', and CASCADE empties every table referencing it too' : ''}.`;
    }
  },
});
