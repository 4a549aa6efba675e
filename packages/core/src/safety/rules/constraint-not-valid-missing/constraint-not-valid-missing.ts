import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { constraintNotValidThenValidate } from './safe-form.js';
import { addedColumns, alterTableCommands, columnConstraints, nodeOf, type Node } from '../../statement-ast.js';

export const constraintNotValidMissing = defineSafetyRule({
  id: 'constraint-not-valid-missing',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
  fix: 'Add the constraint with NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration: validation then only takes SHARE UPDATE EXCLUSIVE. A column constraint cannot be NOT VALID: add the column bare, then the constraint as a table constraint with NOT VALID.',
  safeForm: constraintNotValidThenValidate,
  *check({ kind, node, isNewTable }) {
    for (const { table, subtype, command } of alterTableCommands(kind, node)) {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      if (!constraint || isNewTable(table) || constraint.skip_validation) continue;
      if (constraint.contype !== 'CONSTR_FOREIGN' && constraint.contype !== 'CONSTR_CHECK') continue;
      const foreign = constraint.contype === 'CONSTR_FOREIGN';
      const name = constraint.conname ? ` ${String(constraint.conname)}` : '';
      yield `Adding ${foreign ? 'FOREIGN KEY' : 'CHECK'}${name} on ${tableLabel(table)} without NOT VALID checks every existing row while blocking writes${foreign ? ' to both tables' : ''}.`;
    }
    for (const { table, name, definition } of addedColumns(kind, node)) {
      if (isNewTable(table)) continue;
      const constraints = columnConstraints(definition);
      // PostgreSQL checks an inline CHECK against every row even though the new column is NULL
      // in all of them (measured: one sequential scan under ACCESS EXCLUSIVE, PostgreSQL 15 and 18).
      if (constraints.some(({ contype }) => contype === 'CONSTR_CHECK')) {
        yield `Adding ${tableLabel(table)}.${name} with an inline CHECK checks every existing row while holding ACCESS EXCLUSIVE; a column constraint has no NOT VALID form.`;
      }
      // An inline REFERENCES is marked valid without a scan while the new column is all NULL;
      // a default fills it, and then every row is checked against the parent (measured).
      const hasDefault = constraints.some(({ contype }) => contype === 'CONSTR_DEFAULT');
      if (hasDefault && constraints.some(({ contype }) => contype === 'CONSTR_FOREIGN')) {
        yield `Adding ${tableLabel(table)}.${name} with a DEFAULT and an inline REFERENCES checks every existing row against the parent while blocking writes to both tables.`;
      }
    }
  },
});
