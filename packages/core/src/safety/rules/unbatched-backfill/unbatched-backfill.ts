import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { names, nodeOf, tableOf, type Node } from '../../statement-ast.js';

export const unbatchedBackfill = defineSafetyRule({
  id: 'unbatched-backfill',
  severity: 'warning',
  phase: 'parse-tree',
  scansTable: true,
  squawk: [],
  fix: 'Update or delete in batches (WHERE id IN (SELECT id ... LIMIT 1000) repeated, or by key ranges), outside the migration transaction, so no statement holds row locks on the whole table.',
  *check({ kind, node, isNewTable }) {
    if (kind !== 'UpdateStmt' && kind !== 'DeleteStmt') return;
    const table = tableOf(node.relation);
    if (!table || isNewTable(table) || isBatched(node.whereClause)) return;
    const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    yield `${verb} on ${tableLabel(table)} ${node.whereClause ? 'with a filter that is not a batch' : 'without WHERE'} touches the whole table in one statement: its rows stay locked, and its dead rows bloat the table, until the migration commits.`;
  },
});

/**
 * Whether a backfill works in batches: its filter bounds the rows by a LIMITed subquery
 * or by a key range. A filter like `col IS NULL` still reaches the whole table at once.
 */
function isBatched(where: unknown): boolean {
  let batched = false;
  const visit = (value: unknown): void => {
    if (batched || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const subselect = nodeOf<Node>(nodeOf<Node>(value, 'SubLink')?.subselect, 'SelectStmt');
    if (subselect?.limitCount !== undefined) batched = true;
    const expression = nodeOf<{ kind?: string; name?: unknown }>(value, 'A_Expr');
    if (expression?.kind === 'AEXPR_BETWEEN') batched = true;
    if (expression?.kind === 'AEXPR_OP' && ['<', '<=', '>', '>='].includes(names(expression.name)[0] ?? '')) batched = true;
    Object.values(value).forEach(visit);
  };
  visit(where);
  return batched;
}
