import { tableLabel } from '../../../table-ref.js';
import { isConcurrentReindex } from '../../../dialect/postgres/documented-locks.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { tableOf } from '../../statement-ast.js';

const TARGETS: Readonly<Record<string, string>> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
  REINDEX_OBJECT_SYSTEM: 'SYSTEM',
};

export const reindexNotConcurrent = defineSafetyRule({
  id: 'reindex-not-concurrent',
  severity: 'warning',
  phase: 'parse-tree',
  measuredAs: 'index-rebuild',
  scansTable: true,
  squawk: ['require-concurrent-reindex'],
  fix: 'Use REINDEX ... CONCURRENTLY (PostgreSQL 12+), in a migration of its own that runs outside a transaction: it builds the new index beside the old one under SHARE UPDATE EXCLUSIVE, so reads and writes go on.',
  *check({ kind, node, isNewTable }) {
    if (kind !== 'ReindexStmt' || isConcurrentReindex(node)) return;
    const target = TARGETS[String(node.kind)] ?? 'INDEX';
    const table = tableOf(node.relation);
    if (target === 'TABLE' && table && isNewTable(table)) return;
    const named = table ? ` ${tableLabel(table)}` : node.name ? ` ${String(node.name)}` : '';
    yield `REINDEX ${target}${named} without CONCURRENTLY holds SHARE on each table (writes wait) and ACCESS EXCLUSIVE on each index it rebuilds (reads that would use the index wait) until the rebuild finishes.`;
  },
});
