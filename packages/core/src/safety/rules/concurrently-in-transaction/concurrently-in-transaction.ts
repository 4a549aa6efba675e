import { defineSafetyRule } from '../../safety-rule.js';

export const concurrentlyInTransaction = defineSafetyRule({
  id: 'concurrently-in-transaction',
  severity: 'error',
  phase: 'parse-tree',
  squawk: ['ban-concurrent-index-creation-in-transaction'],
  fix: 'Move the CONCURRENTLY statement into a migration of its own and run that migration outside a transaction.',
  *check({ kind, node, inTransaction }) {
    if (!inTransaction || !node.concurrent) return;
    const what = kind === 'IndexStmt' ? 'CREATE INDEX CONCURRENTLY' : kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' ? 'DROP INDEX CONCURRENTLY' : null;
    if (what) yield `${what} cannot run inside a transaction block, and this migration runs in one: it fails.`;
  },
});
