import { quoteIdentifier, quotedTableName } from '../../../table-ref.js';
import type { SafeForm } from '../../safe-form.js';
import { alterTableWith, dropIndexConcurrently, dropsIndex } from '../../safe-form.js';
import { alterTableCommands, names, nodeOf, type Node } from '../../statement-ast.js';

/**
 * ADD CONSTRAINT ... UNIQUE on an existing table becomes a unique index built first (concurrently,
 * in a migration of its own, where the migrator allows) and then the constraint USING INDEX,
 * which takes ACCESS EXCLUSIVE only for a catalog change. Where every migration runs in a
 * transaction the index is built in place, under SHARE: reads go on while it is built.
 */
export const uniqueUsingIndex: SafeForm = {
  rewrite({ kind, node, isNewTable, outsideTransaction }) {
    const moved = alterTableCommands(kind, node).flatMap(({ table, subtype, command }) => {
      const constraint = subtype === 'AT_AddConstraint' ? nodeOf<Node>(command.def, 'Constraint') : undefined;
      if (!constraint || constraint.contype !== 'CONSTR_UNIQUE' || isNewTable(table) || constraint.indexname) return [];
      return [{ table, command, constraint }];
    });
    if (moved.length === 0) return null;
    const plain = moved.filter(({ constraint }) => typeof constraint.conname === 'string' && isPlainUnique(constraint));
    if (plain.length < moved.length) return { kept: 'the unique constraint has no name, or options (INCLUDE, DEFERRABLE, NULLS NOT DISTINCT, storage) a constraint USING INDEX cannot carry over' };
    const kept = ((node.cmds as unknown[]) ?? []).filter((wrapper) => !plain.some(({ command }) => (wrapper as { AlterTableCmd?: unknown }).AlterTableCmd === command));
    const rest = alterTableWith(node, kept);
    const steps = plain.map(({ table, constraint }) => {
      const name = String(constraint.conname);
      const columns = names(constraint.keys).map(quoteIdentifier).join(', ');
      const build = (concurrently: boolean) => `CREATE UNIQUE INDEX${concurrently ? ' CONCURRENTLY' : ''} ${quoteIdentifier(name)} ON ${quotedTableName(table)} (${columns});`;
      const attach = `ALTER TABLE ${quotedTableName(table)} ADD CONSTRAINT ${quoteIdentifier(name)} UNIQUE USING INDEX ${quoteIdentifier(name)};`;
      return { table, name, build, attach, drop: `ALTER TABLE ${quotedTableName(table)} DROP CONSTRAINT IF EXISTS ${quoteIdentifier(name)};` };
    });
    if (!outsideTransaction) {
      return {
        summary: 'the unique index is built first, under SHARE (reads go on), then the constraint is added USING INDEX; building it concurrently needs a migration outside a transaction',
        now: [...(rest ? [rest] : []), ...steps.flatMap((step) => [step.build(false), step.attach])],
      };
    }
    return {
      summary: 'the unique index is built CONCURRENTLY in a migration of its own, then the constraint is added USING INDEX in the last migration',
      now: rest ? [rest] : [],
      builds: steps.map((step) => ({ suffix: `build_${step.name}`, up: [step.build(true)], down: [dropIndexConcurrently(step.table.schema, step.name)], outsideTransaction: true })),
      finish: { up: steps.map((step) => step.attach), down: steps.map((step) => step.drop) },
      undoneLater: (downKind, downNode) =>
        steps.some(
          ({ name }) =>
            dropsIndex(downKind, downNode, name) ||
            alterTableCommands(downKind, downNode).some(({ subtype, command }) => subtype === 'AT_DropConstraint' && command.name === name),
        ),
    };
  },
};

/** A unique constraint on plain columns, nothing a constraint USING INDEX would lose. */
function isPlainUnique(constraint: Node): boolean {
  const hasAny = (key: string) => Array.isArray(constraint[key]) && (constraint[key] as unknown[]).length > 0;
  return !hasAny('including') && !hasAny('options') && !constraint.indexspace && !constraint.deferrable && !constraint.nulls_not_distinct && names(constraint.keys).length > 0;
}
