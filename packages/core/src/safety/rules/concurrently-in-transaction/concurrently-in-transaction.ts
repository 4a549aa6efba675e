import { measurementDiffers, type PostgresFactId } from '../../../dialect/postgres/postgres-versions.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands, nodeOf, type Node } from '../../statement-ast.js';

export const concurrentlyInTransaction = defineSafetyRule({
  id: 'concurrently-in-transaction',
  severity: 'error',
  phase: 'parse-tree',
  squawk: ['ban-concurrent-index-creation-in-transaction'],
  fix: 'Move the CONCURRENTLY statement into a migration of its own and run that migration outside a transaction.',
  *check({ kind, node, inTransaction, target, shadowVersion }) {
    const concurrent = concurrentStatement(kind, node);
    if (!concurrent) return;
    if (concurrent.since && !target.supports(concurrent.since)) {
      const differs = measurementDiffers(concurrent.since, { shadow: shadowVersion, target });
      yield `${concurrent.what} does not exist on ${target.label}: it fails there.${differs ? ` Not measured: ${differs}` : ''}`;
    } else if (inTransaction) yield `${concurrent.what} cannot run inside a transaction block, and this migration runs in one: it fails.`;
  },
});

/** A statement that runs only outside a transaction block, and the behaviour that brought it where it is not in every version. */
function concurrentStatement(kind: string, node: Node): { what: string; since?: PostgresFactId } | null {
  if (kind === 'IndexStmt' && node.concurrent) return { what: 'CREATE INDEX CONCURRENTLY' };
  if (kind === 'DropStmt' && node.concurrent && node.removeType === 'OBJECT_INDEX') return { what: 'DROP INDEX CONCURRENTLY' };
  if (kind === 'ReindexStmt' && Array.isArray(node.params) && node.params.some((param) => nodeOf<Node>(param, 'DefElem')?.defname === 'concurrently')) {
    return { what: 'REINDEX CONCURRENTLY', since: 'reindex-concurrently' };
  }
  const detach = alterTableCommands(kind, node).some(({ subtype, command }) => subtype === 'AT_DetachPartition' && nodeOf<Node>(command.def, 'PartitionCmd')?.concurrent === true);
  return detach ? { what: 'DETACH PARTITION CONCURRENTLY', since: 'detach-partition-concurrently' } : null;
}
