import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { notNullThroughValidatedCheck } from './safe-form.js';
import { alterTableCommands } from '../../statement-ast.js';

export const setNotNullScansTable = defineSafetyRule({
  id: 'set-not-null-scans-table',
  severity: 'warning',
  phase: 'catalog',
  scansTable: true,
  squawk: ['adding-not-nullable-field'],
  fix: 'First ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT (no ACCESS EXCLUSIVE), then SET NOT NULL (no scan) and drop the check.',
  safeForm: notNullThroughValidatedCheck,
  async *check({ kind, node, isNewTable, catalog, target }) {
    for (const { table, subtype, column } of alterTableCommands(kind, node)) {
      if (subtype !== 'AT_SetNotNull' || !column || isNewTable(table)) continue;
      const scan = `SET NOT NULL on ${tableLabel(table)}.${column} scans the whole table under ACCESS EXCLUSIVE to check for NULLs`;
      if (!(await catalog.hasValidatedNotNullCheck(table, column))) {
        // From 18 NOT NULL itself can be NOT VALID, so the CHECK detour of the fix is not needed there.
        yield target.supports('not-null-not-valid')
          ? `${scan}. From version 18 ADD CONSTRAINT ... NOT NULL ${column} NOT VALID, then VALIDATE CONSTRAINT (no ACCESS EXCLUSIVE), sets it without that scan and without a CHECK.`
          : `${scan}.`;
      }
      else if (!target.supports('set-not-null-skips-scan-with-check')) {
        // Before 12 the validated CHECK proves nothing to SET NOT NULL; the CHECK itself is the constraint to keep.
        yield `${scan} on ${target.label}, even with the validated CHECK (${column} IS NOT NULL): skipping the scan needs PostgreSQL 12. Keep the CHECK instead of SET NOT NULL.`;
      }
    }
  },
});
