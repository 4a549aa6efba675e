import type { SafeForm } from '../../safe-form.js';
import { alterTableWith, notNullThroughCheck } from '../../safe-form.js';
import { alterTableCommands } from '../../statement-ast.js';

/**
 * SET NOT NULL on an existing table becomes a CHECK (column IS NOT NULL) NOT VALID, validated
 * in the last migration, then SET NOT NULL (which skips its scan given the validated CHECK) and
 * the CHECK dropped. The other commands of the statement stay in it.
 */
export const notNullThroughValidatedCheck: SafeForm = {
  rewrite({ kind, node, isNewTable }) {
    const commands = alterTableCommands(kind, node);
    const moved = commands.filter(({ table, subtype, column }) => subtype === 'AT_SetNotNull' && column !== undefined && !isNewTable(table));
    if (moved.length === 0) return null;
    const kept = ((node.cmds as unknown[]) ?? []).filter((wrapper) => !moved.some(({ command }) => (wrapper as { AlterTableCmd?: unknown }).AlterTableCmd === command));
    const steps = moved.map(({ table, column }) => notNullThroughCheck(table, column!));
    const rest = alterTableWith(node, kept);
    return {
      summary: `SET NOT NULL goes through a CHECK ... NOT VALID validated in the last migration, so no step scans the table under ACCESS EXCLUSIVE`,
      now: [...(rest ? [rest] : []), ...steps.map((step) => step.add)],
      nowDown: steps.map((step) => step.dropIfExists),
      finish: {
        up: steps.flatMap((step) => [step.validate, step.setNotNull, step.drop]),
        down: steps.flatMap((step) => [step.add, step.dropNotNull]),
      },
    };
  },
};
