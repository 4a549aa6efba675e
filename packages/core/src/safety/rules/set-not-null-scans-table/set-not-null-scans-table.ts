import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { alterTableCommands } from '../../statement-ast.js';

export const setNotNullScansTable = defineSafetyRule({
  id: 'set-not-null-scans-table',
  severity: 'warning',
  phase: 'catalog',
  scansTable: true,
  squawk: ['adding-not-nullable-field'],
  fix: 'First ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT (no ACCESS EXCLUSIVE), then SET NOT NULL (no scan) and drop the check.',
  async *check({ kind, node, isNewTable, catalog }) {
    for (const { table, subtype, column } of alterTableCommands(kind, node)) {
      if (subtype !== 'AT_SetNotNull' || !column || isNewTable(table)) continue;
      // PostgreSQL 12+ skips the scan when a validated CHECK already proves the column has no NULLs.
      if (!(await catalog.hasValidatedNotNullCheck(table, column))) yield `SET NOT NULL on ${tableLabel(table)}.${column} scans the whole table under ACCESS EXCLUSIVE to check for NULLs.`;
    }
  },
});
