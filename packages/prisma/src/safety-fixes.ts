import type { SafetyFixes } from '@orm-ai/core';

/** The safe alternatives in Prisma's terms: schema attributes, or an edit to migration.sql made with `--create-only`. */
export const PRISMA_SAFETY_FIXES: SafetyFixes = {
  'create-index-not-concurrent':
    'Prisma writes plain CREATE INDEX: create the migration with prisma migrate dev --create-only and put CREATE INDEX CONCURRENTLY alone in a migration of its own; on a small table the SHARE lock may be acceptable.',
  'drop-index-not-concurrent': 'Edit migration.sql (prisma migrate dev --create-only) to DROP INDEX CONCURRENTLY, alone in a migration of its own.',
  'concurrently-in-transaction': 'Keep the CONCURRENTLY statement alone in its migration.sql: with other statements the script runs as one transaction, where CONCURRENTLY fails.',
  'add-column-not-null-without-default':
    'Give the field a @default(...) (a constant does not rewrite), or make it optional (Type?), backfill, and make it required in a later migration.',
  'add-column-rewrites-table':
    'Add the field optional without @default(dbgenerated(...)) / autoincrement(), backfill in batches, then add the default in a later migration; @default(uuid()) and cuid() are filled by Prisma Client, not the database.',
  'alter-column-type-rewrites-table': 'Add a second field with the new type (mapped to a new column), backfill it in batches, switch the code, then remove the old field in a later migration.',
  'set-not-null-scans-table':
    'Before making the field required, add ALTER TABLE ... ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT to a --create-only migration; the SET NOT NULL after it skips the scan.',
  'constraint-not-valid-missing': 'Edit migration.sql (prisma migrate dev --create-only) to add NOT VALID, and VALIDATE CONSTRAINT in the next migration.',
  'unique-without-using-index': 'In a --create-only migration, CREATE UNIQUE INDEX CONCURRENTLY alone first; Prisma reads a unique index as @unique.',
  'rename-column': 'Keep the database name with @map("old_name") and rename only the field.',
  'rename-enum-value': 'Keep the database label with @map on the enum value (live @map("published")) and rename only the Prisma name.',
  'rename-table': 'Keep the database name with @@map("old_name") and rename only the model.',
  'drop-column': 'Remove the field from the schema and deploy code that no longer uses it first; drop the column in a later migration.',
  'prefer-jsonb': 'Json maps to jsonb by default: drop @db.Json.',
  'prefer-timestamptz': 'Use @db.Timestamptz(3) on the DateTime field.',
  'foreign-key-without-index': 'Add @@index([field]) for the relation\'s scalar field (Prisma does not index foreign keys on PostgreSQL).',
  'lock-timeout-missing': "Start migration.sql with SET lock_timeout = '5s'; (prisma migrate dev --create-only, then edit).",
};
