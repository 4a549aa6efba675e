import { measurementDiffers } from '../../../dialect/postgres/postgres-versions.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { names } from '../../statement-ast.js';

export const enumValueAddedInTransaction = defineSafetyRule({
  id: 'enum-value-added-in-transaction',
  severity: 'error',
  phase: 'parse-tree',
  squawk: [],
  fix: 'Move ALTER TYPE ... ADD VALUE into a migration of its own and run that migration outside a transaction (PostgreSQL 12 and later also run it inside one).',
  *check({ kind, node, inTransaction, isNewType, target, shadowVersion }) {
    if (kind !== 'AlterEnumStmt' || typeof node.newVal !== 'string' || !inTransaction) return;
    const type = names(node.typeName).at(-1) ?? '';
    // Before 12 it was refused in a transaction block unless that transaction created the type.
    if (target.supports('enum-add-value-in-transaction') || isNewType(type)) return;
    const differs = measurementDiffers('enum-add-value-in-transaction', { shadow: shadowVersion, target });
    yield `ALTER TYPE ${type} ADD VALUE cannot run inside a transaction block on ${target.label}, and this migration runs in one: it fails there.${differs ? ` Not measured: ${differs}` : ''}`;
  },
});
