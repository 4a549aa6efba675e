import type { SafetyFixes } from '@orm-ai/core';

/** The safe alternatives in Prisma's terms: schema attributes, or an edit to migration.sql made with `--create-only`. */
export const PRISMA_SAFETY_FIXES: SafetyFixes = {
  'create-index-not-concurrent':
    'Prisma writes plain CREATE INDEX: create the migration with prisma migrate dev --create-only and put CREATE INDEX CONCURRENTLY alone in a migration of its own; on a small table the SHARE lock may be acceptable.',
  'drop-index-not-concurrent': 'Edit migration.sql (prisma migrate dev --create-only) to DROP INDEX CONCURRENTLY, alone in a migration of its own.',
  'concurrently-in-transaction': 'Keep the CONCURRENTLY statement alone in its migration.sql: with other statements the script runs as one transaction, where CONCURRENTLY fails.',
  'enum-value-added-in-transaction':
    'Give each new enum value a migration.sql holding only its ALTER TYPE ... ADD VALUE (add one value per prisma migrate dev, or split the --create-only migration): a lone statement runs outside a transaction, as PostgreSQL before 12 requires.',
  'reindex-not-concurrent':
    'Put REINDEX INDEX CONCURRENTLY (PostgreSQL 12+) alone in a migration.sql of its own (prisma migrate dev --create-only makes an empty one when the schema has not changed): a lone statement runs outside a transaction.',
  'vacuum-full-or-cluster':
    'Leave VACUUM FULL and CLUSTER out of migration.sql: reclaim space online with pg_repack or pg_squeeze outside prisma migrate deploy; plain VACUUM runs only alone in its migration.sql, outside a transaction.',
  'add-column-not-null-without-default':
    'Give the field a @default(...) (a constant does not rewrite), or make it optional (Type?), backfill, and make it required in a later migration.',
  'add-column-rewrites-table':
    'Add the field optional without @default(dbgenerated(...)) / autoincrement(), backfill in batches, then add the default in a later migration; @default(uuid()) and cuid() are filled by Prisma Client, not the database.',
  'alter-column-type-rewrites-table': 'Add a second field with the new type (mapped to a new column), backfill it in batches, switch the code, then remove the old field in a later migration.',
  'set-not-null-scans-table':
    'Before making the field required, add ALTER TABLE ... ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT to a --create-only migration; the SET NOT NULL after it skips the scan.',
  'constraint-not-valid-missing': 'Edit migration.sql (prisma migrate dev --create-only) to add NOT VALID, and VALIDATE CONSTRAINT in the next migration.',
  'unique-without-using-index': 'In a --create-only migration, CREATE UNIQUE INDEX CONCURRENTLY alone first; Prisma reads a unique index as @unique.',
  'exclusion-constraint-in-place':
    'The Prisma schema cannot declare EXCLUDE: add it to the migration.sql that creates the table (prisma migrate dev --create-only), while the table is empty. On a filled table there is no online form: accept the ACCESS EXCLUSIVE build in a quiet window after SET lock_timeout, or add a new model with the constraint, copy the rows in batches and swap the names.',
  'attach-partition-scans':
    'Prisma does not manage partitions: in a --create-only migration, first ADD CONSTRAINT ... CHECK (the partition bound) NOT VALID on the table and VALIDATE CONSTRAINT, then ATTACH PARTITION (no scan) and drop the CHECK; before PostgreSQL 12 SET lock_timeout first, as the parent is locked ACCESS EXCLUSIVE.',
  'domain-constraint-scans-tables':
    'Prisma does not manage domains: in a --create-only migration, add the domain constraint with NOT VALID. To check existing rows without blocking writes, add the same CHECK ... NOT VALID on each table\'s column there and VALIDATE CONSTRAINT in the next migration.',
  'rename-column': 'Keep the database name with @map("old_name") and rename only the field.',
  'rename-enum-value': 'Keep the database label with @map on the enum value (live @map("published")) and rename only the Prisma name.',
  'rename-table': 'Keep the database name with @@map("old_name") and rename only the model.',
  'drop-table': 'Remove the model (and the relation fields pointing at it) only after a deploy that no longer uses it and a backup of its rows; prisma migrate dev then writes the DROP TABLE in a later migration.',
  'drop-column': 'Remove the field from the schema and deploy code that no longer uses it first; drop the column in a later migration.',
  'truncate-table': 'Take the TRUNCATE out of migration.sql: delete the rows deliberately, in batches (deleteMany over one range of ids at a time), from a script run apart from prisma migrate deploy.',
  'restart-sequence':
    "Prisma never restarts a sequence: in the hand-edited migration.sql replace the RESTART with SELECT setval(pg_get_serial_sequence('\"Table\"', 'id'), (SELECT max(id) FROM \"Table\")), which moves an autoincrement() sequence just past the largest id.",
  'unbatched-backfill':
    'Put the backfill alone in a migration.sql of its own (prisma migrate dev --create-only) as a DO block that updates 1000 rows at a time and COMMITs after each batch: a lone statement runs outside a transaction, so each batch commits.',
  'prefer-jsonb': 'Json maps to jsonb by default: drop @db.Json.',
  'prefer-timestamptz': 'Use @db.Timestamptz(3) on the DateTime field.',
  'foreign-key-without-index': 'Add @@index([field]) for the relation\'s scalar field (Prisma does not index foreign keys on PostgreSQL).',
  'table-rewrite':
    'Change the table in steps that do not rewrite it: add a second field mapped to a new column, backfill it in batches (a DO block that COMMITs per batch, alone in its migration.sql), switch the code, then remove the old field in a later migration.',
  'index-rebuild':
    'Instead of changing the field\'s type or collation in place, add a second field mapped to a new column and build its @@index with CREATE INDEX CONCURRENTLY alone in a --create-only migration, backfill it in batches, switch the code, then remove the old field in a later migration.',
  'drop-cascade':
    'Prisma writes DROP TABLE and DROP TYPE without CASCADE: take CASCADE out of the hand-edited migration.sql, and drop each table by removing its model (or with its own DROP TABLE in a --create-only migration) after a deploy that stops using it and a backup of its rows.',
  'lock-timeout-missing': "Start migration.sql with SET lock_timeout = '5s'; (prisma migrate dev --create-only, then edit).",
  'transaction-nesting':
    'Remove BEGIN and COMMIT from migration.sql: a migration.sql of several statements already runs as one transaction; a statement that must run outside one goes alone in a migration.sql of its own.',
};
