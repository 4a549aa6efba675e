import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { addedColumns, columnConstraints, isSerial, writtenType } from '../../statement-ast.js';

export const addColumnNotNullWithoutDefault = defineSafetyRule({
  id: 'add-column-not-null-without-default',
  severity: 'error',
  phase: 'parse-tree',
  squawk: ['adding-required-field', 'adding-not-nullable-field'],
  fix: 'Add the column with a constant DEFAULT (no rewrite since PostgreSQL 11), or add it nullable, backfill in batches, then SET NOT NULL.',
  *check({ kind, node, isNewTable }) {
    for (const { table, name, definition } of addedColumns(kind, node)) {
      if (isNewTable(table)) continue;
      const contypes = new Set(columnConstraints(definition).map((constraint) => constraint.contype));
      const type = writtenType(definition.typeName);
      // Anything that gives existing rows a value lets NOT NULL hold on a table with rows.
      const filled = isSerial(type) || ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].some((contype) => contypes.has(contype));
      if ((contypes.has('CONSTR_NOTNULL') || contypes.has('CONSTR_PRIMARY')) && !filled) {
        yield `Adding ${tableLabel(table)}.${name} NOT NULL without a default fails as soon as the table has a row.`;
      }
    }
  },
});
