import { defineSafetyRule } from '../../safety-rule.js';
import { names } from '../../statement-ast.js';

/**
 * `ALTER TYPE ... RENAME VALUE` takes no lock on any table, yet the moment it commits every
 * running statement that writes or compares the old label fails ("invalid input value for enum",
 * measured on PostgreSQL 15).
 */
export const renameEnumValue = defineSafetyRule({
  id: 'rename-enum-value',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: [],
  fix: 'Add the new label with ALTER TYPE ... ADD VALUE, deploy code that reads both labels and writes the new one, move the rows over in batches, and retire the old label later; or keep the database label and map it to the new name in the application.',
  *check({ kind, node }) {
    if (kind !== 'AlterEnumStmt' || typeof node.oldVal !== 'string') return;
    yield `Renaming value '${node.oldVal}' of enum ${names(node.typeName).join('.')} to '${String(node.newVal)}' breaks running code that still writes or compares '${node.oldVal}': PostgreSQL rejects the old label as soon as the rename commits.`;
  },
});
