import { defineSafetyRule } from '../../safety-rule.js';

const OPENS_OR_ENDS = new Set(['TRANS_STMT_BEGIN', 'TRANS_STMT_START', 'TRANS_STMT_COMMIT']);

export const transactionNesting = defineSafetyRule({
  id: 'transaction-nesting',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: ['transaction-nesting'],
  fix: 'Remove BEGIN/COMMIT from the migration: its migrator already runs it in a transaction.',
  *check({ kind, node, migratorTransaction }) {
    if (kind === 'TransactionStmt' && migratorTransaction && OPENS_OR_ENDS.has(String(node.kind))) {
      yield "The migrator already runs this migration in a transaction: BEGIN warns and does nothing, COMMIT ends the migrator's transaction early.";
    }
  },
});
