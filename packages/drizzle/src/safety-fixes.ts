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
  'enum-value-added-in-transaction':
    "drizzle-orm's migrate() runs all pending migrations in one transaction, where PostgreSQL before 12 refuses ALTER TYPE ... ADD VALUE on an existing pgEnum: target PostgreSQL 12+, or run that statement with psql before the deploy and remove it from the generated SQL (the snapshot keeps the value; a database built from the migrations alone then lacks it).",
  'reindex-not-concurrent':
    "Leave REINDEX out of drizzle-kit's migrations, which migrate() runs in one transaction where REINDEX ... CONCURRENTLY fails: run REINDEX INDEX CONCURRENTLY (PostgreSQL 12+) with psql, outside migrate().",
  'vacuum-full-or-cluster':
    "Leave VACUUM FULL and CLUSTER out of drizzle-kit's migrations: reclaim space online with pg_repack or pg_squeeze outside the deploy; even plain VACUUM cannot run inside migrate()'s transaction, so run it with psql.",
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
  'exclusion-constraint-in-place':
    "pgTable cannot declare EXCLUDE: add it in a custom migration (drizzle-kit generate --custom) applied with the one that creates the table, while it is empty. On a filled table there is no online form: accept the ACCESS EXCLUSIVE build in a quiet window after SET LOCAL lock_timeout, or declare a new pgTable, add the constraint, copy the rows in batches and swap the names.",
  'attach-partition-scans':
    "drizzle-kit does not write ATTACH PARTITION: in a custom migration (drizzle-kit generate --custom), first ADD CONSTRAINT ... CHECK (the partition bound) NOT VALID on the table and VALIDATE it, then ATTACH PARTITION (no scan) and drop the CHECK; before PostgreSQL 12 set lock_timeout first, as the parent is locked ACCESS EXCLUSIVE.",
  'domain-constraint-scans-tables':
    "drizzle-kit does not manage domains: in a custom migration (drizzle-kit generate --custom) add the domain constraint with NOT VALID. To check existing rows without blocking writes, add check('name', sql`...`) on each table's column, edit its SQL to NOT VALID, and VALIDATE it in a later migration.",
  'rename-column': "Keep the database name and rename only the TypeScript property: newName: text('old_name').",
  'rename-enum-value': "pgEnum's values are the database labels: keep the old label in pgEnum('name', [...]), or add the new one beside it, move the rows over, and drop the old label in a later migration.",
  'rename-table': "Keep pgTable('old_name', ...) and rename only the exported variable.",
  'drop-table': 'Remove the pgTable from the schema only after a deploy that no longer uses it and a backup of its rows; drizzle-kit generate then writes the DROP TABLE in a later migration.',
  'drop-column': 'Remove the column from the schema and deploy code that no longer uses it first; drop it in a later migration.',
  'truncate-table': 'Take the TRUNCATE out of the migration SQL: delete the rows deliberately, in batches (db.delete(table) over one range of keys at a time), from a script run outside migrate().',
  'restart-sequence':
    "drizzle-kit never restarts a sequence (a changed startWith only writes START WITH, which moves nothing): in the custom migration replace the RESTART with SELECT setval('the_sequence', (SELECT max(id) FROM the_table)).",
  'unbatched-backfill':
    "drizzle-orm's migrate() runs all pending migrations in one transaction, so a backfill there holds its row locks until all of them have run: run it from a script outside migrate(), db.execute(sql`UPDATE ... WHERE id IN (SELECT id ... LIMIT 1000)`) repeated until it updates no rows.",
  'prefer-jsonb': 'Use jsonb() instead of json().',
  'prefer-timestamptz': 'Use timestamp({ withTimezone: true }).',
  'foreign-key-without-index': "Add index('name').on(t.column) for the .references() column in the table's extra config.",
  'table-rewrite':
    "Change the table in steps that do not rewrite it: add a second column beside the old one in the pgTable, backfill it in batches from a script outside migrate()'s transaction, switch the code, then drop the old column in a later migration.",
  'index-rebuild':
    "Instead of changing the column's type or collation in place, add a second column with index('name').on(t.newColumn).concurrently() in a migration of its own applied outside migrate()'s transaction, backfill it in batches, switch the code, then drop the old column in a later migration.",
  'drop-cascade':
    "drizzle-kit writes DROP TABLE ... CASCADE for a removed pgTable, which also drops the tables and materialized views the schema does not declare (a table that INHERITS from it, a view made by hand): edit the generated SQL to drop without CASCADE, and drop each of those in its own statement after a deploy that stops using it.",
  'lock-timeout-missing': "Start the migration SQL with SET LOCAL lock_timeout = '5s';--> statement-breakpoint (drizzle-kit keeps hand edits; migrate() runs it in its transaction).",
  'transaction-nesting':
    "Remove BEGIN and COMMIT (with their --> statement-breakpoint) from the migration SQL: migrate() already runs all pending migrations in one transaction, and a COMMIT ends it early.",
  'sqlite-cascade-deletes-rows':
    "drizzle-orm's migrate() runs every pending migration inside one BEGIN, where drizzle-kit's PRAGMA foreign_keys=OFF does nothing, so the recreation's DROP TABLE cascades: apply this migration on its own, outside migrate() (sqlite3 blog.db < drizzle/NNNN_name.sql, then record it in __drizzle_migrations), or edit it with drizzle-kit generate --custom to copy the child rows aside before the DROP TABLE and back after the rename.",
  'sqlite-foreign-key-check-missing':
    "Edit drizzle-kit's recreation to run PRAGMA foreign_key_check; before its PRAGMA foreign_keys=ON (--> statement-breakpoint between them) and stop the deploy when it returns rows: drizzle-kit never writes the check.",
  'sqlite-recreation-copy-mismatch':
    "drizzle-kit wrote a copy that does not match the tables: edit the INSERT INTO `__new_...` SELECT in the generated SQL so it names exactly the columns the old table and the new sqliteTable share (a new column takes its .default()), and keep the journal as drizzle-kit wrote it.",
  'sqlite-unsupported-alter':
    "SQLite's ALTER TABLE cannot make this change: let drizzle-kit generate write it (it recreates the table as __new_<name>) instead of a hand-written ALTER, and review the recreation's copy and foreign keys.",
};
