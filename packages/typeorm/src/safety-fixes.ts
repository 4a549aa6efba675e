import type { SafetyFixes } from '@orm-ai/core';

/**
 * The safe alternatives in TypeORM's terms. A migration class can opt out of its transaction
 * (`transaction = false`) when the data source runs migrations with `migrationsTransactionMode: 'each'`.
 */
export const TYPEORM_SAFETY_FIXES: SafetyFixes = {
  'create-index-not-concurrent':
    "Mark the @Index with { synchronize: false } and create it in a migration with public transaction = false and CREATE INDEX CONCURRENTLY (needs migrationsTransactionMode: 'each'); on a small table the SHARE lock may be acceptable.",
  'drop-index-not-concurrent': "Drop it in a migration with public transaction = false using DROP INDEX CONCURRENTLY (needs migrationsTransactionMode: 'each').",
  'concurrently-in-transaction': "Give the migration public transaction = false and run migrations with migrationsTransactionMode: 'each'; CONCURRENTLY fails inside a transaction.",
  'add-column-not-null-without-default':
    'Give the @Column a default (a constant does not rewrite), or add it with nullable: true, backfill, and make it required in a later migration.',
  'add-column-rewrites-table':
    "Add the column nullable without a volatile default ('uuid' generation, increment or a generated expression), backfill in batches, then add the default in a later migration.",
  'alter-column-type-rewrites-table': 'Add a second @Column with the new type, backfill it in batches, switch the code, then remove the old column in a later migration.',
  'set-not-null-scans-table':
    'Before removing nullable: true, add a migration with ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT; the SET NOT NULL after it skips the scan.',
  'constraint-not-valid-missing': 'Edit the migration\'s up() to add the constraint with NOT VALID, and VALIDATE CONSTRAINT in the next migration.',
  'unique-without-using-index': 'Create the unique index CONCURRENTLY in a migration with public transaction = false first, then declare it with @Index({ unique: true }).',
  'rename-column': "Keep the database name with @Column({ name: 'old_name' }) and rename only the property.",
  'rename-enum-value': "Keep the database label as the TypeScript enum member's value (Live = 'published') and rename only the member.",
  'rename-table': "Keep the database name with @Entity('old_name') and rename only the class.",
  'drop-column': 'Remove the property and deploy code that no longer uses it first; drop the column in a later migration.',
  'prefer-jsonb': "Use @Column('jsonb') instead of 'json'.",
  'prefer-timestamptz': "Use @Column('timestamptz') (or { type: 'timestamp with time zone' }).",
  'foreign-key-without-index': 'Add @Index() on the @ManyToOne relation\'s join column (TypeORM does not index foreign keys).',
  'lock-timeout-missing': "Start up() with await queryRunner.query(\"SET LOCAL lock_timeout = '5s'\").",
};
