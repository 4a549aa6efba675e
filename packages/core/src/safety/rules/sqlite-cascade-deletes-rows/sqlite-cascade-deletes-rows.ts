import { defineSafetyRule } from '../../safety-rule.js';

/**
 * Measured, not guessed: rows a statement deleted from tables it does not name. On SQLite
 * that is a table recreation's `DROP TABLE` of the old table firing the children's
 * `ON DELETE CASCADE`, because foreign keys are still on: `PRAGMA foreign_keys=OFF` does
 * nothing inside a transaction, and drizzle-orm's migrator runs every pending migration
 * inside one.
 */
export const sqliteCascadeDeletesRows = defineSafetyRule({
  id: 'sqlite-cascade-deletes-rows',
  severity: 'error',
  phase: 'sqlite-statement',
  squawk: [],
  fix: "Recreate the table with foreign keys really off: SQLite ignores PRAGMA foreign_keys=OFF inside a transaction, so apply this migration outside the migrator's transaction (PRAGMA foreign_keys=OFF, the recreation, PRAGMA foreign_key_check, PRAGMA foreign_keys=ON), or copy the child rows aside before the DROP TABLE and put them back after the rename, in the same migration.",
  *check({ statement, measurement, migratorTransaction, statements, index }) {
    if (!measurement.ok) return;
    const named = new Set(statement.tables);
    const pragmaOff = statements.slice(0, index).some((earlier) => earlier.kind === 'pragma' && /^foreign_keys$/i.test(pragmaName(earlier)));
    for (const lost of measurement.rowsLost) {
      if (named.has(lost.table)) continue;
      const why = migratorTransaction
        ? pragmaOff
          ? "foreign keys were still on: the PRAGMA foreign_keys=OFF before it does nothing inside the migrator's transaction"
          : "foreign keys are on (inside the migrator's transaction even PRAGMA foreign_keys=OFF would do nothing)"
        : 'foreign keys are on';
      yield `Measured on the shadow with seeded rows: it deleted ${lost.before - lost.after} of ${lost.before} row(s) of ${lost.table}, a table it does not name, through ${lost.table}'s foreign key (ON DELETE CASCADE): ${why}.`;
    }
  },
});

function pragmaName(statement: { readonly ast: Record<string, unknown> }): string {
  return (statement.ast.pragma as { name?: { name?: string } } | undefined)?.name?.name ?? '';
}
