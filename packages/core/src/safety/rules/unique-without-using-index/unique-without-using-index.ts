import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { uniqueUsingIndex } from './safe-form.js';
import { addedColumns, alterTableCommands, columnConstraints, nodeOf, type Node } from '../../statement-ast.js';

const KEY_WORDS: Readonly<Record<string, string>> = { CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY' };

export const uniqueWithoutUsingIndex = defineSafetyRule({
  id: 'unique-without-using-index',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
  fix: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).',
  safeForm: uniqueUsingIndex,
  *check({ kind, node, isNewTable }) {
    for (const { table, name, definition } of addedColumns(kind, node)) {
      if (isNewTable(table)) continue;
      for (const { contype } of columnConstraints(definition)) {
        if (KEY_WORDS[contype]) yield `Adding ${tableLabel(table)}.${name} with ${KEY_WORDS[contype]} builds its index while holding ACCESS EXCLUSIVE.`;
      }
    }
    for (const { table, subtype, command } of alterTableCommands(kind, node)) {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      const words = constraint ? KEY_WORDS[String(constraint.contype)] : undefined;
      if (!constraint || !words || isNewTable(table) || constraint.indexname) continue;
      const name = constraint.conname ? ` ${String(constraint.conname)}` : '';
      yield `Adding ${words}${name} on ${tableLabel(table)} builds its index while holding ACCESS EXCLUSIVE: no reads or writes until it is built.`;
    }
  },
});
