import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands, nodeOf, type Node } from '../../statement-ast.js';

export const constraintNotValidMissing = defineSafetyRule({
  id: 'constraint-not-valid-missing',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
  fix: 'Add the constraint with NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration: validation then only takes SHARE UPDATE EXCLUSIVE.',
  *check({ kind, node, isNewTable }) {
    for (const { table, subtype, command } of alterTableCommands(kind, node)) {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      if (!constraint || isNewTable(table) || constraint.skip_validation) continue;
      if (constraint.contype !== 'CONSTR_FOREIGN' && constraint.contype !== 'CONSTR_CHECK') continue;
      const foreign = constraint.contype === 'CONSTR_FOREIGN';
      const name = constraint.conname ? ` ${String(constraint.conname)}` : '';
      yield `Adding ${foreign ? 'FOREIGN KEY' : 'CHECK'}${name} on ${tableLabel(table)} without NOT VALID checks every existing row while blocking writes${foreign ? ' to both tables' : ''}.`;
    }
  },
});
