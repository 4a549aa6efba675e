import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';

export const tableRewrite = defineSafetyRule({
  id: 'table-rewrite',
  severity: 'error',
  phase: 'measurement',
  scansTable: true,
  squawk: [],
  fix: 'The statement rewrote the whole table under ACCESS EXCLUSIVE (measured on the shadow): split it into steps that do not rewrite (a new column, a batched backfill, a swap).',
  *check({ kind, measurement, explained }) {
    if (!measurement.ok || measurement.rewrites.length === 0 || explained('rewrite')) return;
    const what = kind === 'AlterTableStmt' ? 'This ALTER TABLE' : 'This statement';
    yield `${what} rewrote ${measurement.rewrites.map(tableLabel).join(', ')} (measured: the storage file changed on the shadow), holding ACCESS EXCLUSIVE for the whole rewrite.`;
  },
});
