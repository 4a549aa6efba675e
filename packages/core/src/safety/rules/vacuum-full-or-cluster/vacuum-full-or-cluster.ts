import { tableLabel } from '../../../table-ref.js';
import { isVacuumFull } from '../../../dialect/postgres/documented-locks.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { nodeOf, tableOf, type Node } from '../../statement-ast.js';

export const vacuumFullOrCluster = defineSafetyRule({
  id: 'vacuum-full-or-cluster',
  severity: 'error',
  phase: 'parse-tree',
  measuredAs: 'rewrite',
  scansTable: true,
  squawk: [],
  fix: 'Leave VACUUM FULL and CLUSTER out of migrations: reclaim space or reorder rows online with pg_repack or pg_squeeze, run by an operator outside the deploy; plain VACUUM (no FULL) takes only SHARE UPDATE EXCLUSIVE.',
  *check({ kind, node, isNewTable }) {
    if (kind === 'VacuumStmt' && node.is_vacuumcmd === true && isVacuumFull(node)) {
      const named = ((node.rels as unknown[]) ?? []).flatMap((rel) => tableOf(nodeOf<Node>(rel, 'VacuumRelation')?.relation) ?? []);
      const old = named.filter((table) => !isNewTable(table));
      if (named.length > 0 && old.length === 0) return;
      const what = old.length > 0 ? old.map(tableLabel).join(', ') : 'every table of the database';
      yield `VACUUM FULL rewrites ${what} into new files under ACCESS EXCLUSIVE: every read and write of it waits until the copy and its indexes are done.`;
    }
    if (kind === 'ClusterStmt') {
      const table = tableOf(node.relation);
      if (table && isNewTable(table)) return;
      const what = table ? `${tableLabel(table)}` : 'every table clustered before';
      yield `CLUSTER rewrites ${what} in index order under ACCESS EXCLUSIVE: every read and write of it waits until the copy and its indexes are done.`;
    }
  },
});
