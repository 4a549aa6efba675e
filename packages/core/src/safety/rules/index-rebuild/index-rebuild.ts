import { tableLabel } from '../../../table-ref.js';
import { blocksWrites } from '../../../dialect/postgres/lock-modes.js';
import { defineSafetyRule, describeRebuiltIndex } from '../../safety-rule.js';

export const indexRebuild = defineSafetyRule({
  id: 'index-rebuild',
  severity: 'warning',
  phase: 'measurement',
  scansTable: true,
  squawk: ['changing-column-type'],
  fix: 'Rebuild an index with REINDEX INDEX CONCURRENTLY (PostgreSQL 12+), outside a transaction. For a type or collation change that rebuilds a column\'s indexes: add a column with the new type or collation, index it with CREATE INDEX CONCURRENTLY, backfill it in batches, switch reads to it, then drop the old column (expand and contract).',
  *check({ measurement, explained }) {
    if (!measurement.ok || measurement.rebuiltIndexes.length === 0 || explained('index-rebuild')) return;
    const tables = new Map(measurement.rebuiltIndexes.map(({ table }) => [tableLabel(table), table]));
    for (const label of tables.keys()) {
      // A rebuild under a lock that lets writes through (REINDEX CONCURRENTLY's) blocks nobody.
      const lock = measurement.locks.find((held) => held.relation === label);
      if (lock && !blocksWrites(lock.mode)) continue;
      const rebuilt = measurement.rebuiltIndexes.filter(({ table }) => tableLabel(table) === label).map(describeRebuiltIndex).join(', ');
      const held = lock ? ` It held ${lock.mode} on ${label} (${lock.measured ? 'measured' : 'documented'}) while every row was indexed again, blocking ${lock.blocks}.` : '';
      yield `This statement rebuilt ${rebuilt} (measured: the index's storage file changed on the shadow, the table's did not).${held}`;
    }
  },
});
