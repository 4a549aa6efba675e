import type { SafetyFixes } from '@orm-ai/core';

/**
 * The safe alternatives in Drizzle's terms. drizzle-orm's `migrate()` runs every pending
 * migration in one transaction, which is why CONCURRENTLY needs a migration applied apart.
 */
export const DRIZZLE_SAFETY_FIXES: SafetyFixes = {
  'create-index-not-concurrent':
    "Declare the index with .concurrently() (index('name').on(t.column).concurrently()) in a migration of its own, and apply that migration outside drizzle-orm's migrate(), which wraps all pending migrations in one transaction; on a small table the SHARE lock may be acceptable.",
  'drop-index-not-concurrent': "Edit the generated SQL to DROP INDEX CONCURRENTLY, alone in its migration, and apply it outside drizzle-orm's migrate() transaction.",
  'concurrently-in-transaction':
    "drizzle-orm's migrate() runs all pending migrations in one transaction, where CONCURRENTLY fails: apply this migration on its own with psql, or drop .concurrently().",
  'add-column-not-null-without-default':
    'Put .default(...) on the column before .notNull() (a constant default does not rewrite), or add it without .notNull(), backfill, and add .notNull() in a later migration.',
  'add-column-rewrites-table':
    'Add the column without .defaultRandom() / serial() / generatedAlwaysAs(), backfill existing rows in batches, then add the default in a later migration.',
  'alter-column-type-rewrites-table': 'Add a second column with the new type beside the old one, backfill it in batches, switch the code to it, then drop the old column in a later migration.',
  'set-not-null-scans-table':
    "Before adding .notNull(), add check('name', sql`${t.column} IS NOT NULL`) and edit its SQL to NOT VALID, VALIDATE it in a later migration, then add .notNull() (PostgreSQL then skips the scan).",
  'constraint-not-valid-missing': 'drizzle-kit cannot write NOT VALID: edit the generated ADD CONSTRAINT to end with NOT VALID and VALIDATE CONSTRAINT in a later migration (drizzle-kit generate --custom).',
  'unique-without-using-index':
    "Build uniqueIndex('name').on(t.column).concurrently() in a migration of its own first (outside migrate()'s transaction); the index then enforces uniqueness without the constraint's ACCESS EXCLUSIVE build.",
  'rename-column': "Keep the database name and rename only the TypeScript property: newName: text('old_name').",
  'rename-enum-value': "pgEnum's values are the database labels: keep the old label in pgEnum('name', [...]), or add the new one beside it, move the rows over, and drop the old label in a later migration.",
  'rename-table': "Keep pgTable('old_name', ...) and rename only the exported variable.",
  'drop-column': 'Remove the column from the schema and deploy code that no longer uses it first; drop it in a later migration.',
  'prefer-jsonb': 'Use jsonb() instead of json().',
  'prefer-timestamptz': 'Use timestamp({ withTimezone: true }).',
  'foreign-key-without-index': "Add index('name').on(t.column) for the .references() column in the table's extra config.",
  'lock-timeout-missing': "Start the migration SQL with SET LOCAL lock_timeout = '5s';--> statement-breakpoint (drizzle-kit keeps hand edits; migrate() runs it in its transaction).",
};
