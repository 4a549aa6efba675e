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
  'enum-value-added-in-transaction':
    "TypeORM writes ALTER TYPE ... ADD VALUE when values are only added to an enum: generate that change in a migration of its own and give it public transaction = false (needs migrationsTransactionMode: 'each'), as PostgreSQL before 12 requires, or target PostgreSQL 12+.",
  'reindex-not-concurrent':
    "Run REINDEX INDEX CONCURRENTLY (PostgreSQL 12+) with queryRunner.query in a migration of its own (typeorm migration:create) with public transaction = false (needs migrationsTransactionMode: 'each').",
  'vacuum-full-or-cluster':
    "Leave VACUUM FULL and CLUSTER out of up(): reclaim space online with pg_repack or pg_squeeze outside typeorm migration:run; plain VACUUM cannot run in the runner's transaction either: it needs a migration with public transaction = false (needs migrationsTransactionMode: 'each').",
  'add-column-not-null-without-default':
    'Give the @Column a default (a constant does not rewrite), or add it with nullable: true, backfill, and make it required in a later migration.',
  'add-column-rewrites-table':
    "Add the column nullable without a volatile default ('uuid' generation, increment or a generated expression), backfill in batches, then add the default in a later migration.",
  'alter-column-type-rewrites-table': 'Add a second @Column with the new type, backfill it in batches, switch the code, then remove the old column in a later migration.',
  'set-not-null-scans-table':
    'Before removing nullable: true, add a migration with ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT; the SET NOT NULL after it skips the scan.',
  'constraint-not-valid-missing': 'Edit the migration\'s up() to add the constraint with NOT VALID, and VALIDATE CONSTRAINT in the next migration.',
  'unique-without-using-index': 'Create the unique index CONCURRENTLY in a migration with public transaction = false first, then declare it with @Index({ unique: true }).',
  'exclusion-constraint-in-place':
    'Declare @Exclusion on the entity before its table exists, so migration:generate writes it with the CREATE TABLE. On a filled table there is no online form: accept the ACCESS EXCLUSIVE build in a quiet window after SET LOCAL lock_timeout, or map a new entity with the @Exclusion to a new table, copy the rows in batches and swap the names.',
  'attach-partition-scans':
    "TypeORM does not manage partitions: in a migration made with typeorm migration:create, first ADD CONSTRAINT ... CHECK (the partition bound) NOT VALID on the table and VALIDATE it, then ATTACH PARTITION (no scan) and drop the CHECK; before PostgreSQL 12 SET lock_timeout first, as the parent is locked ACCESS EXCLUSIVE.",
  'domain-constraint-scans-tables':
    "TypeORM does not manage domains: in a migration made with typeorm migration:create, add the domain constraint with NOT VALID. To check existing rows without blocking writes, add the same CHECK ... NOT VALID on each table's column and VALIDATE it in a later migration, and declare each with @Check('name', ...) so migration:generate does not drop it.",
  'rename-column': "Keep the database name with @Column({ name: 'old_name' }) and rename only the property.",
  'rename-enum-value': "Keep the database label as the TypeScript enum member's value (Live = 'published') and rename only the member.",
  'rename-table': "Keep the database name with @Entity('old_name') and rename only the class.",
  'drop-table':
    "typeorm migration:generate never drops the table of a removed entity: remove the entity after a deploy that no longer uses it, keep a backup of its rows, and drop the table in a later migration made with typeorm migration:create (await queryRunner.dropTable('name')).",
  'drop-column': 'Remove the property and deploy code that no longer uses it first; drop the column in a later migration.',
  'truncate-table': 'Take the TRUNCATE (or queryRunner.clearTable) out of up(): delete the rows deliberately, in batches (repository.delete over one range of ids at a time), from a script run apart from typeorm migration:run.',
  'restart-sequence':
    "TypeORM never restarts a sequence: in up(), replace the RESTART with await queryRunner.query(\"SELECT setval(pg_get_serial_sequence('table', 'id'), (SELECT max(id) FROM table))\"), which moves the sequence just past the largest id.",
  'unbatched-backfill':
    "In a migration with public transaction = false (needs migrationsTransactionMode: 'each'), repeat await queryRunner.query('UPDATE ... WHERE id IN (SELECT id ... LIMIT 1000)') until no rows are left: each query then commits on its own.",
  'prefer-jsonb': "Use @Column('jsonb') instead of 'json'.",
  'prefer-timestamptz': "Use @Column('timestamptz') (or { type: 'timestamp with time zone' }).",
  'foreign-key-without-index': 'Add @Index() on the @ManyToOne relation\'s join column (TypeORM does not index foreign keys).',
  'table-rewrite':
    "Change the table in steps that do not rewrite it: add a second @Column, backfill it in batches in a migration with public transaction = false (needs migrationsTransactionMode: 'each'), switch the code, then remove the old property in a later migration.",
  'index-rebuild':
    "Instead of changing the column's type or collation in place, add a second @Column with @Index('name', { synchronize: false }), build that index CONCURRENTLY in a migration with public transaction = false (needs migrationsTransactionMode: 'each'), backfill it in batches, switch the code, then remove the old property in a later migration.",
  'drop-cascade':
    "TypeORM's schema builder never drops with CASCADE: in a hand-written up(), drop each table with await queryRunner.dropTable('name') instead of queryRunner.dropSchema(name, true, true) or a raw CASCADE, after a deploy that stops using it and a backup of its rows.",
  'lock-timeout-missing': "Start up() with await queryRunner.query(\"SET LOCAL lock_timeout = '5s'\").",
  'transaction-nesting':
    "Remove queryRunner.query('BEGIN') and ('COMMIT') from up(): the runner already holds a transaction (queryRunner.startTransaction() would nest as a savepoint); a statement that must run outside one goes in a migration with public transaction = false (needs migrationsTransactionMode: 'each').",
};
