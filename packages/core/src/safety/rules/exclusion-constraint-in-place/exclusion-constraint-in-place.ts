import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands, nodeOf, type Node } from '../../statement-ast.js';

/**
 * `ADD CONSTRAINT ... EXCLUDE` on an existing table. PostgreSQL builds the constraint's index
 * (a full scan) holding ACCESS EXCLUSIVE, and offers no way around it: EXCLUDE rejects NOT VALID
 * ("EXCLUDE constraints cannot be marked NOT VALID") and has no USING INDEX form (a syntax
 * error), both measured on PostgreSQL 15 and 18.
 */
export const exclusionConstraintInPlace = defineSafetyRule({
  id: 'exclusion-constraint-in-place',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: [],
  fix: 'EXCLUDE has no NOT VALID and no USING INDEX form, so there is no online way to add it to a filled table. Declare it when the table is created; on an existing table either accept the ACCESS EXCLUSIVE build in a quiet window with a short lock_timeout, or create a new table with the constraint, copy the rows in batches and swap the names.',
  *check({ kind, node, isNewTable }) {
    for (const { table, subtype, command } of alterTableCommands(kind, node)) {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      if (constraint?.contype !== 'CONSTR_EXCLUSION' || isNewTable(table)) continue;
      const name = constraint.conname ? ` ${String(constraint.conname)}` : '';
      yield `Adding EXCLUDE${name} on ${tableLabel(table)} builds its index while holding ACCESS EXCLUSIVE: no reads or writes until it is built, and PostgreSQL has no NOT VALID or USING INDEX form for EXCLUDE.`;
    }
  },
});
