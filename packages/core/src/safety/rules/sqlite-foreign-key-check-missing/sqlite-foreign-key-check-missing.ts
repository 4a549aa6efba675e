// pragma.ts, not parser.ts: the rule list loads with core, the parser's WebAssembly only for SQLite.
import { pragmaOf } from '../../../dialect/sqlite/pragma.js';
import { defineSafetyRule } from '../../safety-rule.js';

const OFF = new Set(['OFF', '0', 'FALSE', 'NO']);

/**
 * Foreign keys turned back on after a recreation without `PRAGMA foreign_key_check` in
 * between: SQLite does not check existing rows when keys are turned on, so rows the
 * recreation left without a parent stay unnoticed until a later write trips on them.
 */
export const sqliteForeignKeyCheckMissing = defineSafetyRule({
  id: 'sqlite-foreign-key-check-missing',
  severity: 'warning',
  phase: 'sqlite-statement',
  squawk: [],
  fix: 'Run PRAGMA foreign_key_check; before PRAGMA foreign_keys=ON and fail the migration when it returns rows (SQLite\'s own procedure for changing a table: https://sqlite.org/lang_altertable.html#otheralter).',
  *check({ statement, statements, index }) {
    const pragma = pragmaOf(statement);
    if (pragma?.name.toLowerCase() !== 'foreign_keys' || pragma.value === null || OFF.has(pragma.value.toUpperCase())) return;
    let off: number | null = null;
    for (const earlier of statements.slice(0, index)) {
      const set = pragmaOf(earlier);
      if (set?.name.toLowerCase() === 'foreign_keys' && set.value !== null) off = OFF.has(set.value.toUpperCase()) ? earlier.line : null;
      else if (set?.name.toLowerCase() === 'foreign_key_check') off = null;
    }
    if (off !== null) yield `Foreign keys come back on without PRAGMA foreign_key_check since they were turned off at line ${off}: SQLite does not check existing rows when they are turned on, so rows left without a parent stay.`;
  },
});
