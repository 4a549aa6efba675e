import type { SafeForm } from '../../safe-form.js';
import { dropIndexConcurrently, dropsIndex, sqlOf } from '../../safe-form.js';
import { tableOf } from '../../statement-ast.js';

/** CREATE INDEX on an existing table becomes CREATE INDEX CONCURRENTLY, alone in a migration that runs outside a transaction. */
export const concurrentIndexBuild: SafeForm = {
  rewrite({ kind, node, isNewTable, outsideTransaction, ormName }) {
    if (kind !== 'IndexStmt' || node.concurrent) return null;
    const table = tableOf(node.relation);
    if (!table || isNewTable(table)) return null;
    const index = typeof node.idxname === 'string' ? node.idxname : null;
    if (!index) return { kept: 'the index has no name, so no later migration could drop it' };
    if (!outsideTransaction) return { kept: `${ormName}'s migrator runs every migration inside a transaction, where CREATE INDEX CONCURRENTLY cannot run` };
    return {
      summary: `index ${index} is built CONCURRENTLY in a migration of its own, outside a transaction`,
      now: [],
      builds: [{ suffix: `build_${index}`, up: [sqlOf({ IndexStmt: { ...node, concurrent: true } })], down: [dropIndexConcurrently(table.schema, index)], outsideTransaction: true }],
      undoneLater: (downKind, downNode) => dropsIndex(downKind, downNode, index),
    };
  },
};
