import { tableKey, tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { tablesNamedIn } from '../../statement-ast.js';

export const dropCascade = defineSafetyRule({
  id: 'drop-cascade',
  severity: 'error',
  phase: 'measurement',
  squawk: [],
  fix: 'Name every table to drop in its own DROP TABLE, without CASCADE, after a deploy that stops using it and a backup of its rows; drop a schema or type only once nothing depends on it (DROP ... RESTRICT, the default, fails while something does).',
  *check({ measurement, statement }) {
    if (!measurement.ok || measurement.dropped.length === 0) return;
    const named = new Set(tablesNamedIn(statement.ast).map(tableKey));
    const unnamed = measurement.dropped.filter((table) => !named.has(tableKey(table)));
    if (unnamed.length === 0) return;
    const plural = unnamed.length > 1;
    yield `This statement dropped ${plural ? 'tables' : 'table'} ${unnamed.map(tableLabel).join(', ')} without naming ${plural ? 'them' : 'it'} (measured: ${plural ? 'they existed' : 'it existed'} before it ran and not after): every row in ${plural ? 'them' : 'it'} is gone.`;
  },
});
