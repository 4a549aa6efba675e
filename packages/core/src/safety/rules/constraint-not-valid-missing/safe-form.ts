import { quoteIdentifier, quotedTableName } from '../../../table-ref.js';
import type { SafeForm } from '../../safe-form.js';
import { sqlOf } from '../../safe-form.js';
import { alterTableCommands, nodeOf, type Node } from '../../statement-ast.js';

/** A FOREIGN KEY or CHECK added to an existing table is added NOT VALID, and validated in the last migration. */
export const constraintNotValidThenValidate: SafeForm = {
  rewrite({ kind, node, isNewTable }) {
    const validated: string[] = [];
    let unnamed = false;
    const commands = alterTableCommands(kind, node);
    for (const { table, subtype, command } of commands) {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      if (!constraint || isNewTable(table) || constraint.skip_validation) continue;
      if (constraint.contype !== 'CONSTR_FOREIGN' && constraint.contype !== 'CONSTR_CHECK') continue;
      if (typeof constraint.conname !== 'string') {
        unnamed = true;
        continue;
      }
      // The parse tree is this statement's own copy: marking it here rewrites the statement below.
      constraint.skip_validation = true;
      constraint.initially_valid = false;
      validated.push(`ALTER TABLE ${quotedTableName(table)} VALIDATE CONSTRAINT ${quoteIdentifier(constraint.conname)};`);
    }
    if (validated.length === 0) return unnamed ? { kept: 'the constraint has no name, so no later migration could validate it' } : null;
    return {
      summary: `${validated.length === 1 ? 'the constraint is' : 'the constraints are'} added NOT VALID and validated in the last migration, which only takes SHARE UPDATE EXCLUSIVE`,
      now: [sqlOf({ AlterTableStmt: node })],
      finish: { up: validated, down: [] },
    };
  },
};
