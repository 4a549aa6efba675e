import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { volatileDefaultBackfill } from './safe-form.js';
import { addedColumns, columnConstraints, functionsCalledIn, isSerial, writtenType } from '../../statement-ast.js';

export const addColumnRewritesTable = defineSafetyRule({
  id: 'add-column-rewrites-table',
  severity: 'error',
  phase: 'catalog',
  measuredAs: 'rewrite',
  scansTable: true,
  squawk: ['adding-serial-primary-key-field', 'adding-field-with-default', 'adding-not-nullable-field'],
  fix: 'Add the column nullable without the volatile default, identity or generated expression, backfill it in batches, then set the default for new rows.',
  safeForm: volatileDefaultBackfill,
  async *check({ kind, node, isNewTable, catalog, target }) {
    for (const { table, name, definition } of addedColumns(kind, node)) {
      if (isNewTable(table)) continue;
      const label = `${tableLabel(table)}.${name}`;
      const constraints = columnConstraints(definition);
      const type = writtenType(definition.typeName);
      const defaultExpression = constraints.find((constraint) => constraint.contype === 'CONSTR_DEFAULT')?.raw_expr;
      if (isSerial(type)) yield `Adding ${label} as ${type.name} fills every existing row from a sequence: the table is rewritten under ACCESS EXCLUSIVE.`;
      else if (constraints.some((constraint) => constraint.contype === 'CONSTR_IDENTITY')) yield `Adding identity column ${label} numbers every existing row: the table is rewritten under ACCESS EXCLUSIVE.`;
      else if (constraints.some((constraint) => constraint.contype === 'CONSTR_GENERATED' && constraint.generated_kind !== 'v')) {
        yield `Adding stored generated column ${label} computes it for every existing row: the table is rewritten under ACCESS EXCLUSIVE.`;
      } else if (constraints.some((constraint) => constraint.contype === 'CONSTR_GENERATED') && !target.supports('virtual-generated-columns')) {
        // Virtual (written VIRTUAL, or neither kind: 18's default) stores nothing; before 18 the only kind is STORED.
        yield {
          message: `Adding generated column ${label} as virtual (VIRTUAL, or no STORED) needs version 18: ${target.label} rejects it, and its STORED form computes it for every existing row, rewriting the table under ACCESS EXCLUSIVE.`,
          lacking: 'virtual-generated-columns',
        };
      } else if (defaultExpression !== undefined) {
        // A stable or immutable default is evaluated once and stored in the catalog (where the target has that); a volatile one per row.
        const volatile = await catalog.volatileFunctions(functionsCalledIn(defaultExpression));
        if (volatile.length > 0) yield `Adding ${label} with a volatile default (${volatile.join(', ')}()) evaluates it for every existing row: the table is rewritten under ACCESS EXCLUSIVE.`;
        else if (!target.supports('constant-default-without-rewrite')) {
          yield {
            message: `Adding ${label} with a default writes it into every existing row on ${target.label}: the table is rewritten under ACCESS EXCLUSIVE.`,
            lacking: 'constant-default-without-rewrite',
          };
        }
      }
    }
  },
});
