import { defineSafetyRule } from '../../safety-rule.js';

/** The ALTER TABLE forms every SQLite in use has (https://sqlite.org/lang_altertable.html), as the parser names them. */
const SQLITE_ALTER_ACTIONS = new Set(['RenameTable', 'RenameColumn', 'AddColumn', 'DropColumn']);

type Action = Readonly<Record<string, unknown>> | string;

/**
 * `ALTER COLUMN`, `ADD CONSTRAINT` and the rest of what other databases' ALTER TABLE does.
 * SQLite 3.53.0 (2026) added NOT NULL and CHECK changes in place (`ALTER COLUMN ... SET/DROP
 * NOT NULL`, `ADD/DROP CONSTRAINT ... CHECK`), which the shadow's newer SQLite runs; the
 * SQLite that applies the migration (better-sqlite3's bundled build, libSQL/Turso, D1) may
 * be older and refuse them, so they are findings too. The rest no SQLite has.
 */
export const sqliteUnsupportedAlter = defineSafetyRule({
  id: 'sqlite-unsupported-alter',
  severity: 'error',
  phase: 'sqlite-statement',
  squawk: [],
  fix: "SQLite's ALTER TABLE only renames a table or a column, adds a column or drops one: any other change recreates the table (CREATE TABLE new, copy the rows, DROP TABLE old, rename new), with foreign keys off outside a transaction.",
  *check({ statement, measurement }) {
    if (statement.kind !== 'alter table') return;
    const actions = ((statement.ast.alter_table as { actions?: Action[] } | undefined)?.actions ?? []).filter((action) => !SQLITE_ALTER_ACTIONS.has(variantOf(action)));
    if (actions.length === 0) return;
    const forms = actions.map(spelled).join(', ');
    if (!measurement.ok) {
      yield `SQLite has no ALTER TABLE ${forms}. The shadow rejected it: ${measurement.error}`;
      return;
    }
    if (actions.every(isNewIn353)) {
      yield `ALTER TABLE ${forms} needs SQLite 3.53.0 or later: the shadow's SQLite ran it, but the SQLite your app applies migrations with (better-sqlite3's bundled build, libSQL/Turso, D1) may be older and refuse it.`;
    }
  },
});

function variantOf(action: Action): string {
  return typeof action === 'string' ? action : (Object.keys(action)[0] ?? '');
}

/** SQLite 3.53.0's additions: NOT NULL set or dropped on a column, a CHECK constraint added or dropped. */
function isNewIn353(action: Action): boolean {
  if (typeof action === 'string') return false;
  const alter = action.AlterColumn as { action?: unknown } | undefined;
  if (alter) return alter.action === 'SetNotNull' || alter.action === 'DropNotNull';
  const added = action.AddConstraint as Record<string, unknown> | undefined;
  if (added) return Object.keys(added)[0] === 'Check';
  return variantOf(action) === 'DropConstraint';
}

/** `AlterColumn` as `ALTER COLUMN`, with what it does (`SET NOT NULL`) when the parser says. */
function spelled(action: Action): string {
  const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  const variant = variantOf(action);
  const detail = typeof action === 'string' ? undefined : (action[variant] as { action?: unknown } | undefined)?.action;
  return typeof detail === 'string' ? `${words(variant)} ... ${words(detail)}` : words(variant);
}
