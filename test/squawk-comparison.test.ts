import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeMigration,
  postgresDialect,
  openShadowDatabase,
  replayMigrations,
  resolvePostgresVersions,
  SAFETY_RULES,
  safetyRule,
  type AnalyzeOptions,
  type MigrationAnalysis,
  type SafetyRuleId,
  type ShadowDatabase,
} from '@orm-ai/core';
import { REPO_ROOT } from './support/example-project.js';

/**
 * The comparison with squawk: every safety fixture is judged by squawk and by our
 * analysis (on the state setup.sql builds), our findings are mapped to squawk's rule names
 * through each rule's `squawk` list, and what is left on either side must be exactly the
 * documented disagreements below, each with the reason our answer is right (or `OPEN:`
 * where squawk is right and the rule has to change).
 */
const FIXTURES = join(REPO_ROOT, 'packages', 'core', 'src', 'safety', 'rules');
const SETUP = join(FIXTURES, 'setup.sql');
const SQUAWK = join(REPO_ROOT, 'node_modules', '.bin', 'squawk');

/** Squawk's rules about style or robustness, not locks, rewrites or data: left out of the comparison. */
const IGNORED_SQUAWK_RULES: Readonly<Record<string, string>> = {
  'prefer-robust-stmts': 'asks for IF [NOT] EXISTS so a failed migration can be rerun; says nothing about locks or data',
  'require-statement-timeout': 'caps run time; the lock-queue danger is require-lock-timeout, which is compared',
  'prefer-bigint-over-int': 'a column type choice at creation (id range), not a migration danger',
  'prefer-bigint-over-smallint': 'a column type choice at creation (id range), not a migration danger',
  'prefer-identity': 'serial versus identity is a style choice; the rewrite of adding either is compared through our add-column-rewrites-table',
  'require-enum-value-ordering': 'asks for BEFORE/AFTER on ADD VALUE: where a new value sorts is a design choice, not a lock or data danger',
};

/** Names in the rules' `squawk` lists that squawk itself does not know. */
const NOT_SQUAWK_RULES: Readonly<Record<string, string>> = {
};

/** What the shadow shows for a disagreement, asserted so a `why` cannot drift from the facts. */
type ShadowFact =
  /** Every statement ran and no table's storage file (relfilenode) changed. */
  | { readonly kind: 'no-rewrite' }
  /** The table's storage file changed: PostgreSQL rewrote it. */
  | { readonly kind: 'rewrite'; readonly table: string }
  /** The shadow, with seeded rows, rejected a statement of the fixture. */
  | { readonly kind: 'rejected'; readonly error: string }
  /** The lock modes held on tables that existed before the migration (at one line, or over the file). */
  | { readonly kind: 'locks'; readonly line?: number; readonly modes: readonly string[] }
  /** PostgreSQL rejects this SQL (the fix squawk proposes, or a use our rule warns about). */
  | { readonly kind: 'rejects'; readonly sql: string; readonly error: string }
  /** The indexes rebuilt without a table rewrite over the file (measured `relfilenode` changes), exactly. */
  | { readonly kind: 'rebuilt'; readonly indexes: readonly string[] }
  /** The tables that existed before and that the file dropped (measured: gone from the catalog), exactly. */
  | { readonly kind: 'dropped'; readonly tables: readonly string[] }
  /** The columns of tables that remain that the file dropped (measured: gone from the catalog), exactly. */
  | { readonly kind: 'dropped-columns'; readonly columns: readonly string[] }
  /** After running `sql` alone on a copy of the state before the fixture, `query` returns these rows. */
  | { readonly kind: 'after'; readonly sql: string; readonly query: string; readonly rows: ReadonlyArray<Record<string, unknown>> }
  /** Running this SQL scans each named table this many times (pg_stat_xact_user_tables.seq_scan). */
  | { readonly kind: 'scans'; readonly sql: string; readonly tables: Readonly<Record<string, number>> };

interface Disagreement {
  /** `<rule folder>/<file>` under packages/core/src/safety/rules. */
  readonly fixture: string;
  readonly side: 'squawk only' | 'ours only';
  /** A squawk rule name for `squawk only`, one of our rule ids for `ours only`. */
  readonly rule: string;
  readonly why: string;
  readonly shadow?: ShadowFact;
}

const NO_OLD_TABLE = 'the table is created earlier in the same migration: no running code uses it, and no table that existed before is locked (measured)';
const WEAK_LOCK = 'SHARE UPDATE EXCLUSIVE conflicts with neither reads nor writes, so no read or write queues behind it while it waits';

const ENUM_NO_TABLE_LOCK = 'ALTER TYPE ... ADD VALUE locks no table (measured): no query on a table queues behind it';

const DISAGREEMENTS: readonly Disagreement[] = [
  { fixture: 'add-column-not-null-without-default/dangerous.sql', side: 'ours only', rule: 'statement-failed', why: 'PostgreSQL rejects it as soon as the table has a row (measured on the shadow with seeded rows); squawk has no rows to run it on', shadow: { kind: 'rejected', error: 'contains null values' } },
  { fixture: 'add-column-not-null-without-default/dangerous.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'the statement cannot run on a table with rows, so it has to be rewritten first; its fixed form (safe.sql, with a DEFAULT) gets our lock-timeout-missing', shadow: { kind: 'rejected', error: 'contains null values' } },
  { fixture: 'add-column-rewrites-table/dangerous-serial.sql', side: 'ours only', rule: 'add-column-rewrites-table', why: "squawk's adding-serial-primary-key-field needs PRIMARY KEY; a bigserial column alone fills every row from nextval() and rewrites the table (measured)", shadow: { kind: 'rewrite', table: 'audit' } },
  { fixture: 'alter-column-type-rewrites-table/safe-cidr-to-inet.sql', side: 'squawk only', rule: 'changing-column-type', why: 'cidr to inet is binary-coercible: no rewrite (relfilenode unchanged on the shadow)', shadow: { kind: 'no-rewrite' } },
  { fixture: 'alter-column-type-rewrites-table/safe-numeric-precision.sql', side: 'squawk only', rule: 'changing-column-type', why: 'raising numeric precision at the same scale is catalog-only: no rewrite (relfilenode unchanged on the shadow)', shadow: { kind: 'no-rewrite' } },
  { fixture: 'alter-column-type-rewrites-table/safe-timestamp-precision.sql', side: 'squawk only', rule: 'changing-column-type', why: 'raising timestamp precision is catalog-only: no rewrite (relfilenode unchanged on the shadow)', shadow: { kind: 'no-rewrite' } },
  { fixture: 'alter-column-type-rewrites-table/safe-to-text.sql', side: 'squawk only', rule: 'changing-column-type', why: 'varchar to text is binary-coercible: no rewrite (relfilenode unchanged on the shadow)', shadow: { kind: 'no-rewrite' } },
  { fixture: 'alter-column-type-rewrites-table/safe.sql', side: 'squawk only', rule: 'changing-column-type', why: 'varchar(100) to varchar(200) is catalog-only: no rewrite (relfilenode unchanged on the shadow); its brief ACCESS EXCLUSIVE is our lock-timeout-missing', shadow: { kind: 'no-rewrite' } },
  { fixture: 'alter-column-type-rewrites-table/safe.sql', side: 'squawk only', rule: 'prefer-text-field', why: 'raising a varchar limit neither rewrites nor scans the table (relfilenode unchanged on the shadow)', shadow: { kind: 'no-rewrite' } },
  { fixture: 'add-column-rewrites-table/safe-default-kind-pg18.sql', side: 'squawk only', rule: 'adding-field-with-default', why: 'a virtual generated column (18+, the default kind) stores nothing, so adding one rewrites no row (measured); squawk takes GENERATED for a default, and our add-column-rewrites-table flags it only on a target before 18, where it is rejected', shadow: { kind: 'no-rewrite' } },
  { fixture: 'add-column-rewrites-table/safe-virtual-pg18.sql', side: 'squawk only', rule: 'adding-field-with-default', why: 'a virtual generated column (18+, the default kind) stores nothing, so adding one rewrites no row (measured); squawk takes GENERATED for a default, and our add-column-rewrites-table flags it only on a target before 18, where it is rejected', shadow: { kind: 'no-rewrite' } },
  { fixture: 'attach-partition-scans/dangerous-pg11.sql', side: 'ours only', rule: 'attach-partition-scans', why: 'squawk has no rule for ATTACH PARTITION; before PostgreSQL 12 it locks the parent ACCESS EXCLUSIVE (12.0 release notes), though the validated CHECK spares the scan (measured: no sequential scan of events_2025)', shadow: { kind: 'scans', sql: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", tables: { events_2025: 0 } } },
  { fixture: 'attach-partition-scans/dangerous-scan-pg11.sql', side: 'ours only', rule: 'attach-partition-scans', why: 'squawk has no rule for ATTACH PARTITION; it scans the attached table to check the bound (measured: one sequential scan of events_2024), and before PostgreSQL 12 under ACCESS EXCLUSIVE on the parent', shadow: { kind: 'scans', sql: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", tables: { events_2024: 1 } } },
  { fixture: 'attach-partition-scans/dangerous.sql', side: 'ours only', rule: 'attach-partition-scans', why: 'squawk has no rule for ATTACH PARTITION; with no validated CHECK implying the bound it scans the attached table under ACCESS EXCLUSIVE (measured: one sequential scan of events_2024)', shadow: { kind: 'scans', sql: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", tables: { events_2024: 1 } } },
  { fixture: 'attach-partition-scans/safe-new-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `the attached table is new, and from PostgreSQL 12 the parent is locked SHARE UPDATE EXCLUSIVE (measured): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'concurrently-in-transaction/dangerous.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}; the real danger here is our concurrently-in-transaction, which squawk agrees with`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'concurrently-in-transaction/dangerous-detach-pg13.sql', side: 'ours only', rule: 'concurrently-in-transaction', why: 'DETACH PARTITION ... CONCURRENTLY is new in PostgreSQL 14 (release notes): the target, 13, rejects it; squawk --pg-version=13 says nothing' },
  { fixture: 'concurrently-in-transaction/dangerous-reindex-pg11.sql', side: 'ours only', rule: 'concurrently-in-transaction', why: 'REINDEX CONCURRENTLY is new in PostgreSQL 12 (release notes): the target, 11, rejects it; squawk --pg-version=11 says nothing' },
  { fixture: 'concurrently-in-transaction/dangerous-reindex-pg11.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `REINDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}` },
  { fixture: 'concurrently-in-transaction/safe-reindex.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `REINDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}` },
  { fixture: 'concurrently-in-transaction/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'constraint-not-valid-missing/dangerous-add-column-check.sql', side: 'ours only', rule: 'constraint-not-valid-missing', why: "squawk's constraint-missing-not-valid looks only at ADD CONSTRAINT; an inline CHECK in ADD COLUMN is checked against every row under ACCESS EXCLUSIVE, though the new column is NULL in all of them (measured: one sequential scan, PostgreSQL 15 and 18), and a column constraint cannot be NOT VALID", shadow: { kind: 'scans', sql: 'ALTER TABLE posts ADD COLUMN rating integer CHECK (rating BETWEEN 1 AND 5)', tables: { posts: 1 } } },
  { fixture: 'constraint-not-valid-missing/safe-add-column-references.sql', side: 'squawk only', rule: 'adding-foreign-key-constraint', why: 'a new column without a default is NULL in every row, so PostgreSQL marks its inline foreign key valid without checking a row (measured: no sequential scan of either table, PostgreSQL 15 and 18); with a DEFAULT it does check them, and both tools flag that (dangerous-add-column-references-default.sql)', shadow: { kind: 'scans', sql: 'ALTER TABLE posts ADD COLUMN editor_id integer REFERENCES users (id)', tables: { posts: 0, users: 0 } } },
  { fixture: 'create-index-not-concurrent/safe-new-table.sql', side: 'squawk only', rule: 'require-concurrent-index-creation', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'create-index-not-concurrent/safe-new-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  {
    fixture: 'create-index-not-concurrent/safe-on-only.sql',
    side: 'squawk only',
    rule: 'require-concurrent-index-creation',
    why: 'CREATE INDEX ... ON ONLY a partitioned table builds nothing: an invalid index on the parent alone, no partition indexed (catalog on the shadow); each partition is then indexed CONCURRENTLY and attached, which is the safe way on a partitioned table',
    shadow: {
      kind: 'after',
      sql: 'CREATE INDEX measurements_taken_at_idx ON ONLY measurements (taken_at)',
      query: "SELECT (SELECT count(*)::int FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid WHERE h.inhparent = 'measurements'::regclass) AS partition_indexes, (SELECT indisvalid FROM pg_index WHERE indexrelid = 'measurements_taken_at_idx'::regclass) AS valid",
      rows: [{ partition_indexes: 0, valid: false }],
    },
  },
  { fixture: 'create-index-not-concurrent/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'drop-cascade/dangerous-attribute.sql', side: 'ours only', rule: 'drop-cascade', why: 'ALTER TYPE address DROP ATTRIBUTE city CASCADE dropped the column city of the typed table addresses with its values (measured: gone from the catalog, its table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['addresses.city'] } },
  { fixture: 'drop-cascade/dangerous-attribute.sql', side: 'ours only', rule: 'drop-column', why: "ALTER TYPE ... DROP ATTRIBUTE is a DROP COLUMN of the type: its values go from every typed table and every column of that type (measured: addresses.city gone); squawk's ban-drop-column looks only at ALTER TABLE", shadow: { kind: 'dropped-columns', columns: ['addresses.city'] } },
  { fixture: 'drop-cascade/dangerous-collation.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP COLLATION bytewise CASCADE dropped profiles.sort_name, a column of that collation, with its values (measured: gone from the catalog, its table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['profiles.sort_name'] } },
  { fixture: 'drop-cascade/dangerous-domain.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP DOMAIN email CASCADE dropped profiles.contact, a column of that domain, with its values (measured: gone from the catalog, its table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['profiles.contact'] } },
  { fixture: 'drop-cascade/dangerous-extension.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP EXTENSION citext CASCADE dropped profiles.login, a column of the extension\'s type, with its values (measured: gone from the catalog, its table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['profiles.login'] } },
  { fixture: 'drop-cascade/dangerous-function.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP FUNCTION slugify(text) CASCADE dropped profiles.slug, a stored generated column calling it, with its values (measured: gone from the catalog, its table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['profiles.slug'] } },
  { fixture: 'drop-cascade/dangerous-generated.sql', side: 'ours only', rule: 'drop-cascade', why: "ALTER TABLE profiles DROP COLUMN handle CASCADE also dropped profiles.slug, generated from handle, with its values (measured: gone from the catalog); squawk's ban-drop-column sees only the column named", shadow: { kind: 'dropped-columns', columns: ['profiles.handle', 'profiles.slug'] } },
  { fixture: 'drop-cascade/dangerous-inherits.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP TABLE events CASCADE also dropped events_2025, which inherits from it, and its rows (measured: gone from the catalog); squawk only sees the table named', shadow: { kind: 'dropped', tables: ['events', 'events_2025'] } },
  { fixture: 'drop-cascade/dangerous-type.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP TYPE address CASCADE dropped the typed table addresses and its rows (measured); squawk has no rule about DROP TYPE', shadow: { kind: 'dropped', tables: ['addresses'] } },
  { fixture: 'drop-cascade/dangerous-type-columns.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP TYPE mood CASCADE dropped profiles.mood and profiles.moods (an array of mood) with their values (measured: gone from the catalog, their table remains); squawk has no rule about it', shadow: { kind: 'dropped-columns', columns: ['profiles.mood', 'profiles.moods'] } },
  { fixture: 'drop-cascade/dangerous.sql', side: 'ours only', rule: 'drop-cascade', why: 'DROP SCHEMA archive CASCADE dropped archive.old_posts and archive.old_users with their rows, and profiles.grade, a column of a type in archive, with its values (measured); squawk has no rule about DROP SCHEMA', shadow: { kind: 'dropped', tables: ['archive.old_posts', 'archive.old_users'] } },
  { fixture: 'drop-cascade/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'the schema is empty: no table that existed before is dropped or locked (measured), so nothing queues behind it', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'domain-constraint-scans-tables/dangerous-set-not-null.sql', side: 'ours only', rule: 'domain-constraint-scans-tables', why: "squawk's ban-alter-domain-with-add-constraint does not cover SET NOT NULL, which checks every column of the domain's tables while holding SHARE on them (measured)", shadow: { kind: 'locks', modes: ['SHARE'] } },
  { fixture: 'domain-constraint-scans-tables/dangerous-validate.sql', side: 'ours only', rule: 'domain-constraint-scans-tables', why: "a domain's VALIDATE CONSTRAINT holds SHARE on every table using the domain while it scans them (measured), unlike a table's VALIDATE (SHARE UPDATE EXCLUSIVE); squawk has no rule for it", shadow: { kind: 'locks', modes: ['SHARE'] } },
  { fixture: 'domain-constraint-scans-tables/safe-unused-domain.sql', side: 'squawk only', rule: 'ban-alter-domain-with-add-constraint', why: 'no table has a column of unused_code (catalog on the shadow): the constraint checks no row and locks no table (measured)', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'domain-constraint-scans-tables/safe-unused-domain.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'no table has a column of unused_code: the statement locks no table (measured)', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'domain-constraint-scans-tables/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'with NOT VALID the statement locks no table (measured)', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'domain-constraint-scans-tables/safe.sql', side: 'squawk only', rule: 'ban-alter-domain-with-add-constraint', why: 'with NOT VALID PostgreSQL checks no existing row and locks no table (measured: no sequential scan, no relation lock); new values are checked at once', shadow: { kind: 'scans', sql: 'ALTER DOMAIN rating ADD CONSTRAINT rating_range CHECK (VALUE BETWEEN 0 AND 1000000) NOT VALID', tables: { posts: 0, reviews: 0 } } },
  { fixture: 'drop-column/safe.sql', side: 'squawk only', rule: 'ban-drop-column', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'drop-column/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'drop-index-not-concurrent/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the index's table (documented; squawk's own message says so): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'drop-table/safe.sql', side: 'squawk only', rule: 'ban-drop-table', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'drop-table/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'enum-value-added-in-transaction/dangerous.sql', side: 'ours only', rule: 'enum-value-added-in-transaction', why: 'PostgreSQL 11 refuses ALTER TYPE ... ADD VALUE inside a transaction block (allowed since 12, release notes); squawk --pg-version=11 --assume-in-transaction says nothing' },
  { fixture: 'enum-value-added-in-transaction/dangerous.sql', side: 'squawk only', rule: 'require-lock-timeout', why: ENUM_NO_TABLE_LOCK, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'enum-value-added-in-transaction/safe-new-type.sql', side: 'squawk only', rule: 'require-lock-timeout', why: ENUM_NO_TABLE_LOCK, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'enum-value-added-in-transaction/safe-pg12.sql', side: 'squawk only', rule: 'require-lock-timeout', why: ENUM_NO_TABLE_LOCK, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'enum-value-added-in-transaction/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: ENUM_NO_TABLE_LOCK, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'exclusion-constraint-in-place/dangerous.sql', side: 'ours only', rule: 'exclusion-constraint-in-place', why: 'squawk has no rule for EXCLUDE; its index is built under ACCESS EXCLUSIVE (measured), with no NOT VALID or USING INDEX form to avoid it', shadow: { kind: 'scans', sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)', tables: { bookings: 2 } } },
  { fixture: 'exclusion-constraint-in-place/dangerous.sql', side: 'squawk only', rule: 'constraint-missing-not-valid', why: "squawk's fix cannot be written: PostgreSQL rejects EXCLUDE ... NOT VALID; our exclusion-constraint-in-place says what can be done instead", shadow: { kind: 'rejects', sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&) NOT VALID', error: 'cannot be marked NOT VALID' } },
  { fixture: 'exclusion-constraint-in-place/safe-new-table.sql', side: 'squawk only', rule: 'constraint-missing-not-valid', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'exclusion-constraint-in-place/safe-new-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'foreign-key-without-index/dangerous.sql', side: 'ours only', rule: 'foreign-key-without-index', why: 'after the migration no index leads with comments.post_id (catalog on the shadow): every DELETE on posts, or update of posts.id, scans comments; squawk has no such rule' },
  { fixture: 'foreign-key-without-index/safe.sql', side: 'squawk only', rule: 'require-concurrent-index-creation', why: 'comments is created by the line before: no running code uses it, and the index locks no table that existed before (measured)', shadow: { kind: 'locks', line: 2, modes: [] } },
  { fixture: 'index-rebuild/dangerous.sql', side: 'squawk only', rule: 'prefer-text-field', why: 'the statement keeps varchar(100) and changes only the collation: the danger is the rebuild of posts_title_idx under ACCESS EXCLUSIVE, which our index-rebuild reports (and squawk as changing-column-type); the table is not rewritten (measured)', shadow: { kind: 'rebuilt', indexes: ['posts_title_idx on posts'] } },
  { fixture: 'index-rebuild/safe-concurrently.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `REINDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on posts (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'index-rebuild/safe.sql', side: 'squawk only', rule: 'changing-column-type', why: 'a collation change on a column no index covers is catalog-only: no table rewritten, no index rebuilt (relfilenodes unchanged on the shadow)', shadow: { kind: 'rebuilt', indexes: [] } },
  { fixture: 'prefer-jsonb/dangerous.sql', side: 'ours only', rule: 'prefer-jsonb', why: 'squawk 2.66 has no rule about json; json has no equality operator, so DISTINCT, GROUP BY and UNION on the column fail', shadow: { kind: 'rejects', sql: "SELECT DISTINCT '{}'::json", error: 'could not identify an equality operator for type json' } },
  { fixture: 'rename-enum-value/dangerous.sql', side: 'ours only', rule: 'rename-enum-value', why: 'squawk has no rule for it: once the rename commits PostgreSQL rejects the old label, so running code that writes or compares it fails', shadow: { kind: 'rejects', sql: "ALTER TYPE post_status RENAME VALUE 'published' TO 'live'; SELECT 'published'::post_status", error: 'invalid input value for enum' } },
  { fixture: 'rename-enum-value/dangerous.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'RENAME VALUE locks no table (measured); its danger is the label running code still uses, which is our rename-enum-value', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'rename-enum-value/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'ADD VALUE locks no table (measured)', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'rename-table/safe.sql', side: 'squawk only', rule: 'renaming-table', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'rename-table/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'reindex-not-concurrent/safe-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `REINDEX TABLE CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on posts (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'reindex-not-concurrent/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `REINDEX INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the index's table (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'restart-sequence/dangerous-above-shadow-max.sql', side: 'ours only', rule: 'restart-sequence', why: "squawk has no rule for restarting a sequence; 500 is above the shadow's rows but not known to be above production's", shadow: { kind: 'locks', modes: ['ACCESS EXCLUSIVE'] } },
  { fixture: 'restart-sequence/dangerous-sequence.sql', side: 'ours only', rule: 'restart-sequence', why: 'squawk has no rule for restarting a sequence; the next insert takes a value the column already holds', shadow: { kind: 'rejects', sql: "ALTER SEQUENCE invoices_id_seq RESTART WITH 10; INSERT INTO invoices (total) VALUES (1)", error: 'duplicate key' } },
  { fixture: 'restart-sequence/dangerous-sequence.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'ALTER SEQUENCE locks only the sequence, no table (measured); its danger is the collision, our restart-sequence', shadow: { kind: 'locks', modes: [] } },
  { fixture: 'restart-sequence/dangerous-setval.sql', side: 'ours only', rule: 'restart-sequence', why: 'squawk has no rule for setval; the next insert takes id 2, which the table already holds', shadow: { kind: 'rejects', sql: "SELECT setval('invoices_id_seq', 1); INSERT INTO invoices (total) VALUES (1)", error: 'duplicate key' } },
  { fixture: 'restart-sequence/dangerous.sql', side: 'ours only', rule: 'restart-sequence', why: 'squawk has no rule for restarting an identity: the next insert takes id 1, which the table already holds', shadow: { kind: 'rejects', sql: 'ALTER TABLE invoices ALTER COLUMN id RESTART; INSERT INTO invoices (total) VALUES (1)', error: 'duplicate key' } },
  { fixture: 'restart-sequence/safe-new-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'statement-failed/dangerous.sql', side: 'ours only', rule: 'statement-failed', why: 'missing_table does not exist after the earlier migrations (the shadow rejected it); squawk has no catalog', shadow: { kind: 'rejected', error: 'does not exist' } },
  { fixture: 'statement-failed/dangerous.sql', side: 'squawk only', rule: 'require-lock-timeout', why: 'the table does not exist, so the statement fails before any lock can be waited for; it has to be fixed first', shadow: { kind: 'rejected', error: 'does not exist' } },
  { fixture: 'table-rewrite/dangerous.sql', side: 'ours only', rule: 'table-rewrite', why: 'SET UNLOGGED rewrites audit under ACCESS EXCLUSIVE (relfilenode changed on the shadow); squawk has no rule for it', shadow: { kind: 'rewrite', table: 'audit' } },
  { fixture: 'table-rewrite/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `SET (fillfactor) takes SHARE UPDATE EXCLUSIVE (measured): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
  { fixture: 'truncate-table/dangerous.sql', side: 'ours only', rule: 'truncate-table', why: "squawk's ban-truncate-cascade needs CASCADE; a plain TRUNCATE also deletes every row, under ACCESS EXCLUSIVE (measured)", shadow: { kind: 'locks', modes: ['ACCESS EXCLUSIVE'] } },
  { fixture: 'unbatched-backfill/dangerous-no-where.sql', side: 'ours only', rule: 'unbatched-backfill', why: 'an UPDATE without WHERE locks every row until commit; squawk has no rule about UPDATE or DELETE' },
  { fixture: 'unbatched-backfill/dangerous.sql', side: 'ours only', rule: 'unbatched-backfill', why: 'WHERE body IS NULL is no batch: it reaches the whole table in one statement; squawk has no rule about UPDATE or DELETE' },
  { fixture: 'unique-without-using-index/dangerous.sql', side: 'squawk only', rule: 'constraint-missing-not-valid', why: "squawk's fix cannot be written: PostgreSQL rejects UNIQUE ... NOT VALID; our unique-without-using-index (squawk's disallowed-unique-constraint) gives the fix that works", shadow: { kind: 'rejects', sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email) NOT VALID', error: 'cannot be marked NOT VALID' } },
  { fixture: 'vacuum-full-or-cluster/dangerous-cluster.sql', side: 'ours only', rule: 'vacuum-full-or-cluster', why: 'CLUSTER rewrites posts under ACCESS EXCLUSIVE (relfilenode changed on the shadow); squawk has no rule about CLUSTER', shadow: { kind: 'rewrite', table: 'posts' } },
  { fixture: 'vacuum-full-or-cluster/dangerous.sql', side: 'ours only', rule: 'vacuum-full-or-cluster', why: 'VACUUM FULL rewrites posts under ACCESS EXCLUSIVE (relfilenode changed on the shadow); squawk has no rule about VACUUM', shadow: { kind: 'rewrite', table: 'posts' } },
  { fixture: 'vacuum-full-or-cluster/safe-new-table.sql', side: 'squawk only', rule: 'require-lock-timeout', why: NO_OLD_TABLE, shadow: { kind: 'locks', modes: [] } },
  { fixture: 'vacuum-full-or-cluster/safe.sql', side: 'squawk only', rule: 'require-lock-timeout', why: `plain VACUUM takes SHARE UPDATE EXCLUSIVE (documented): ${WEAK_LOCK}`, shadow: { kind: 'locks', modes: ['SHARE UPDATE EXCLUSIVE'] } },
];

interface Fixture {
  readonly name: string;
  /** The rule whose folder holds it. */
  readonly rule: SafetyRuleId;
  readonly path: string;
  /** The rule folder's own setup, run after the shared one. */
  readonly setup: string | undefined;
  readonly dangerous: boolean;
  readonly transaction: AnalyzeOptions['transaction'];
  /** The target version the fixture is judged for (`fixture.json`'s `pgVersion`), by both tools; default: the shadow's. */
  readonly pgVersion: number | undefined;
}

interface FixtureSettings {
  readonly transaction?: Fixture['transaction'];
  readonly pgVersion?: number;
  readonly files?: Readonly<Record<string, Omit<FixtureSettings, 'files'>>>;
}

interface SquawkViolation {
  readonly file: string;
  readonly line: number;
  readonly rule_name: string;
  readonly level: string;
  readonly message: string;
  readonly help: string | null;
}

/** squawk reads PostgreSQL only: SQLite's rule folders are judged by packages/core/test/sqlite-safety-rules.test.ts. */
const POSTGRES_RULES = new Set<string>(postgresDialect.safetyRules.map((rule) => rule.id));

const fixtures: Fixture[] = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && POSTGRES_RULES.has(entry.name))
  .flatMap(({ name: rule }) => {
    const folder = join(FIXTURES, rule);
    const folderSettings = existsSync(join(folder, 'fixture.json')) ? (JSON.parse(readFileSync(join(folder, 'fixture.json'), 'utf8')) as FixtureSettings) : {};
    const setup = existsSync(join(folder, 'setup.sql')) ? join(folder, 'setup.sql') : undefined;
    return readdirSync(folder)
      .filter((file) => file.endsWith('.sql') && file !== 'setup.sql')
      .map((file) => {
        const settings = { ...folderSettings, ...folderSettings.files?.[file] };
        return { name: `${rule}/${file}`, rule: rule as SafetyRuleId, path: join(folder, file), setup, dangerous: file.startsWith('dangerous'), transaction: settings.transaction ?? 'none', pgVersion: settings.pgVersion };
      });
  })
  .sort((a, b) => a.name.localeCompare(b.name));

describe('safety rules compared with squawk on the same fixtures', () => {
  let prepared: ShadowDatabase;
  let pgVersion: string;
  const compared = new Map<string, string[]>();
  const verdicts: Verdict[] = [];

  beforeAll(async () => {
    prepared = await openShadowDatabase();
    await replayMigrations({ dialect: postgresDialect, shadow: prepared, scripts: [{ id: 'setup', path: 'setup.sql', sql: readFileSync(SETUP, 'utf8') }], transaction: 'none' });
    // Squawk's version-dependent rules (adding-field-with-default) must judge the PostgreSQL the shadow runs.
    const [row] = await prepared.query<{ server_version: string }>('SHOW server_version');
    pgVersion = row!.server_version.split(' ')[0]!;
  });
  afterAll(async () => {
    await prepared?.close();
  });

  it('names only squawk rules that exist', () => {
    const named = new Set([...SAFETY_RULES.flatMap((rule): readonly string[] => rule.squawk), ...Object.keys(IGNORED_SQUAWK_RULES)]);
    expect([...named].filter((name) => !squawkKnows(name)).sort()).toEqual(Object.keys(NOT_SQUAWK_RULES).sort());
  });

  it.each(fixtures)('$name: the disagreements are the documented ones', async (fixture) => {
    const squawk = new Set(runSquawk(fixture, fixture.pgVersion === undefined ? pgVersion : String(fixture.pgVersion)).map((violation) => violation.rule_name));
    // A rule folder with a setup of its own is judged on a copy that also holds it.
    const setup = fixture.setup ? readFileSync(fixture.setup, 'utf8') : null;
    // On PGlite a fork loads the modules of the extensions its SQL creates (citext).
    const shadow = setup === null ? prepared : await prepared.fork({ sql: [setup] });
    const documented = DISAGREEMENTS.filter((entry) => entry.fixture === fixture.name);
    let ours: Set<SafetyRuleId>;
    try {
      if (fixture.setup && setup !== null) await replayMigrations({ dialect: postgresDialect, shadow, scripts: [{ id: 'rule setup', path: fixture.setup, sql: setup }], transaction: 'none' });
      const postgres = await resolvePostgresVersions({ flag: fixture.pgVersion, shadow, server: false, projectRoot: null });
      const analysis = await analyzeMigration({ dialect: postgresDialect, prepared: shadow, path: fixture.path, sql: readFileSync(fixture.path, 'utf8'), transaction: fixture.transaction, postgres });
      ours = new Set(analysis.statements.flatMap((statement) => statement.findings.map((finding) => finding.rule as SafetyRuleId)));
      const actual = disagreementsOf(squawk, ours);
      compared.set(fixture.name, actual);
      expect(actual).toEqual(documented.map(keyOf).sort());
      for (const entry of documented) if (entry.shadow) await expectShadowFact(entry.shadow, analysis, shadow);
    } finally {
      if (shadow !== prepared) await shadow.close();
    }

    verdicts.push({ dangerous: fixture.dangerous, ours: ours!.has(fixture.rule), squawk: squawkNamesOf(fixture.rule).some((name) => squawk.has(name)) });

    // On a dangerous fixture whose danger squawk has a rule for, both must catch it.
    const counterparts = squawkNamesOf(fixture.rule);
    if (fixture.dangerous && counterparts.length > 0 && !documented.some((entry) => entry.side === 'ours only' && entry.rule === fixture.rule)) {
      expect([...ours]).toContain(fixture.rule);
      expect(counterparts.filter((name) => squawk.has(name))).not.toEqual([]);
    }
  });

  it('documents no disagreement that was not found (prints the table)', () => {
    expect([...compared.keys()]).toEqual(fixtures.map((fixture) => fixture.name));
    const found = [...compared].flatMap(([fixture, keys]) => keys.map((key) => `${fixture} ${key}`)).sort();
    expect(DISAGREEMENTS.map((entry) => `${entry.fixture} ${keyOf(entry)}`).sort()).toEqual(found);
    console.log(markdownTable(DISAGREEMENTS));
  });

  it('scores both on the fixtures: every danger ours, no false alarm on a safe twin (prints the README table)', () => {
    const score = scoreOf(verdicts);
    expect(verdicts).toHaveLength(fixtures.length);
    expect(score.ours).toEqual({ caught: score.dangerous, falseAlarms: 0 });
    console.log(scoreTable(score));
  });
});

/** What is left on either side once our findings are mapped to squawk's names and squawk's style rules are set aside. */
function disagreementsOf(squawk: ReadonlySet<string>, ours: ReadonlySet<SafetyRuleId>): string[] {
  const covered = new Set([...ours].flatMap(squawkNamesOf));
  const squawkOnly = [...squawk].filter((name) => !(name in IGNORED_SQUAWK_RULES) && !covered.has(name));
  const oursOnly = [...ours].filter((rule) => !squawkNamesOf(rule).some((name) => squawk.has(name)));
  return [...squawkOnly.map((rule) => keyOf({ side: 'squawk only', rule })), ...oursOnly.map((rule) => keyOf({ side: 'ours only', rule }))].sort();
}

function squawkNamesOf(rule: SafetyRuleId): readonly string[] {
  return safetyRule(rule)?.squawk ?? [];
}

function keyOf(entry: Pick<Disagreement, 'side' | 'rule'>): string {
  return `${entry.side}: ${entry.rule}`;
}

async function expectShadowFact(fact: ShadowFact, analysis: MigrationAnalysis, prepared: ShadowDatabase): Promise<void> {
  const statements = analysis.statements;
  switch (fact.kind) {
    case 'no-rewrite':
      expect(statements.map((statement) => statement.error ?? null)).toEqual(statements.map(() => null));
      expect(statements.flatMap((statement) => statement.rewrites)).toEqual([]);
      return;
    case 'rewrite':
      expect(statements.flatMap((statement) => statement.rewrites)).toContain(fact.table);
      return;
    case 'rejected':
      expect(statements.map((statement) => statement.error ?? '').join('\n')).toContain(fact.error);
      return;
    case 'locks': {
      const at = fact.line === undefined ? statements : statements.filter((statement) => statement.line === fact.line);
      expect(at).not.toEqual([]);
      expect([...new Set(at.flatMap((statement) => statement.locks.map((lock) => lock.mode)))].sort()).toEqual([...fact.modes].sort());
      return;
    }
    case 'rejects': {
      const shadow = await prepared.fork();
      try {
        await expect(shadow.exec(fact.sql)).rejects.toThrow(fact.error);
      } finally {
        await shadow.close();
      }
      return;
    }
    case 'rebuilt':
      expect(statements.map((statement) => statement.error ?? null)).toEqual(statements.map(() => null));
      expect(statements.flatMap((statement) => statement.rebuiltIndexes)).toEqual(fact.indexes);
      return;
    case 'dropped':
      expect(statements.flatMap((statement) => statement.dropped)).toEqual(fact.tables);
      return;
    case 'dropped-columns':
      expect(statements.flatMap((statement) => statement.droppedColumns)).toEqual(fact.columns);
      return;
    case 'after': {
      const shadow = await prepared.fork();
      try {
        await shadow.exec(fact.sql);
        expect(await shadow.query(fact.query)).toEqual(fact.rows);
      } finally {
        await shadow.close();
      }
      return;
    }
    case 'scans': {
      const shadow = await prepared.fork();
      // The transaction's own counters: what earlier sessions did is not counted.
      const scans = async () => new Map((await shadow.query<{ table: string; scans: string }>('SELECT relname AS table, seq_scan::text AS scans FROM pg_stat_xact_user_tables')).map((row) => [row.table, Number(row.scans)]));
      try {
        await shadow.exec('BEGIN');
        const before = await scans();
        await shadow.exec(fact.sql);
        const after = await scans();
        await shadow.exec('ROLLBACK');
        expect(Object.fromEntries(Object.keys(fact.tables).map((table) => [table, (after.get(table) ?? 0) - (before.get(table) ?? 0)]))).toEqual(fact.tables);
      } finally {
        await shadow.close();
      }
    }
  }
}

/** Squawk's JSON report; it exits 1 when it reports something, 2 when it cannot run. */
function runSquawk(fixture: Fixture, pgVersion: string): SquawkViolation[] {
  const args = ['--reporter', 'json', `--pg-version=${pgVersion}`, ...(fixture.transaction === 'none' ? [] : ['--assume-in-transaction']), fixture.path];
  try {
    return JSON.parse(execFileSync(SQUAWK, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as SquawkViolation[];
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    if (failed.status !== 1 || !failed.stdout) throw new Error(`squawk failed on ${fixture.name}: ${failed.stderr ?? String(error)}`, { cause: error });
    return JSON.parse(failed.stdout) as SquawkViolation[];
  }
}

/** Squawk refuses `--include` of a rule it does not have. */
function squawkKnows(rule: string): boolean {
  try {
    execFileSync(SQUAWK, ['--reporter', 'json', '--include', rule, SETUP], { cwd: REPO_ROOT, stdio: 'pipe' });
    return true;
  } catch (error) {
    const failed = error as { status?: number; stderr?: Buffer };
    if (failed.status === 1) return true;
    if (failed.stderr?.toString().includes('invalid rule name')) return false;
    throw new Error(`squawk failed checking rule ${rule}: ${failed.stderr?.toString() ?? String(error)}`, { cause: error });
  }
}

/** One fixture's verdicts: whether each side reported the danger of the rule whose folder holds it. */
interface Verdict {
  readonly dangerous: boolean;
  readonly ours: boolean;
  /** Squawk reported one of the rule's squawk counterparts (a rule with none: squawk cannot catch it). */
  readonly squawk: boolean;
}

interface Score {
  readonly dangerous: number;
  readonly safe: number;
  readonly ours: { readonly caught: number; readonly falseAlarms: number };
  readonly squawk: { readonly caught: number; readonly falseAlarms: number };
}

function scoreOf(verdicts: readonly Verdict[]): Score {
  const side = (flagged: (verdict: Verdict) => boolean) => ({
    caught: verdicts.filter((verdict) => verdict.dangerous && flagged(verdict)).length,
    falseAlarms: verdicts.filter((verdict) => !verdict.dangerous && flagged(verdict)).length,
  });
  return {
    dangerous: verdicts.filter((verdict) => verdict.dangerous).length,
    safe: verdicts.filter((verdict) => !verdict.dangerous).length,
    ours: side((verdict) => verdict.ours),
    squawk: side((verdict) => verdict.squawk),
  };
}

function scoreTable(score: Score): string {
  const judged = (side: Score['ours']) => side.caught + (score.safe - side.falseAlarms);
  const row = (name: string, side: Score['ours']) =>
    `| ${name} | ${judged(side)} of ${score.dangerous + score.safe} | ${side.caught} of ${score.dangerous} | ${side.falseAlarms} of ${score.safe} |`;
  return ['| | fixtures judged right | dangers caught | false alarms on safe twins |', '|---|---|---|---|', row('orm-ai', score.ours), row('squawk', score.squawk)].join('\n');
}

function markdownTable(entries: readonly Disagreement[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = entries.map((entry) => `| ${entry.fixture} | ${entry.side} | ${entry.rule} | ${cell(entry.why)} |`);
  return ['squawk and orm-ai disagree on these fixtures:', '', '| fixture | side | rule | why we are right |', '|---|---|---|---|', ...rows].join('\n');
}
