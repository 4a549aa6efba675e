import type { Finding } from '../finding.js';

/**
 * The one list of safety rules: stable ids, severities, and the safe alternative in plain
 * PostgreSQL terms. An ORM plugin may say the same fix in its own terms
 * (`OrmCapabilities.safetyFixes`); the rule itself stays here.
 *
 * `squawk` names the squawk rules that catch the same danger (empty: squawk has none), so
 * the comparison with squawk (tests and `npm run bench`) can say where the two disagree.
 */
export const SAFETY_RULES = {
  'create-index-not-concurrent': {
    severity: 'warning',
    squawk: ['require-concurrent-index-creation'],
    fix: 'Build the index with CREATE INDEX CONCURRENTLY, in a migration of its own that runs outside a transaction.',
  },
  'drop-index-not-concurrent': {
    severity: 'warning',
    squawk: ['require-concurrent-index-deletion'],
    fix: 'Drop the index with DROP INDEX CONCURRENTLY, in a migration of its own that runs outside a transaction.',
  },
  'concurrently-in-transaction': {
    severity: 'error',
    squawk: ['ban-concurrent-index-creation-in-transaction'],
    fix: 'Move the CONCURRENTLY statement into a migration of its own and run that migration outside a transaction.',
  },
  'add-column-not-null-without-default': {
    severity: 'error',
    squawk: ['adding-required-field', 'adding-not-nullable-field'],
    fix: 'Add the column with a constant DEFAULT (no rewrite since PostgreSQL 11), or add it nullable, backfill in batches, then SET NOT NULL.',
  },
  'add-column-rewrites-table': {
    severity: 'error',
    squawk: ['adding-serial-primary-key-field', 'adding-field-with-default', 'adding-not-nullable-field'],
    fix: 'Add the column nullable without the volatile default, identity or generated expression, backfill it in batches, then set the default for new rows.',
  },
  'alter-column-type-rewrites-table': {
    severity: 'error',
    squawk: ['changing-column-type', 'prefer-text-field'],
    fix: 'Add a new column of the new type, write to both, backfill in batches, then switch reads and drop the old column (expand and contract).',
  },
  'set-not-null-scans-table': {
    severity: 'warning',
    squawk: ['adding-not-nullable-field'],
    fix: 'First ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT (no ACCESS EXCLUSIVE), then SET NOT NULL (no scan) and drop the check.',
  },
  'constraint-not-valid-missing': {
    severity: 'warning',
    squawk: ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
    fix: 'Add the constraint with NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration: validation then only takes SHARE UPDATE EXCLUSIVE.',
  },
  'unique-without-using-index': {
    severity: 'warning',
    squawk: ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).',
  },
  'drop-table': {
    severity: 'warning',
    squawk: ['ban-drop-table'],
    fix: 'Stop reading and writing the table in a deploy first, keep a backup of its rows, and drop it in a later migration.',
  },
  'drop-column': {
    severity: 'warning',
    squawk: ['ban-drop-column'],
    fix: 'Stop reading and writing the column in a deploy first (for ORMs: remove it from the model and ignore it), then drop it in a later migration.',
  },
  'truncate-table': {
    severity: 'error',
    squawk: ['ban-truncate-cascade'],
    fix: 'A schema migration should not delete all rows; delete them deliberately, in batches, outside the migration.',
  },
  'rename-table': {
    severity: 'warning',
    squawk: ['renaming-table'],
    fix: 'Running code still uses the old name until it is deployed: deploy code that works with both names first (a view with the old name), or rename in a maintenance window.',
  },
  'rename-column': {
    severity: 'warning',
    squawk: ['renaming-column'],
    fix: 'Running code still uses the old name until it is deployed: add the new column, write to both, backfill, switch reads, then drop the old one; or keep the database name and map it in the ORM.',
  },
  'unbatched-backfill': {
    severity: 'warning',
    squawk: [],
    fix: 'Update or delete in batches (WHERE id IN (SELECT id ... LIMIT 1000) repeated, or by key ranges), outside the migration transaction, so no statement holds row locks on the whole table.',
  },
  'lock-timeout-missing': {
    severity: 'warning',
    squawk: ['require-lock-timeout'],
    fix: "Start the migration with SET lock_timeout = '5s' (SET LOCAL inside a transaction) so a statement waiting for its lock behind a long transaction fails instead of queueing every conflicting query behind it.",
  },
  'prefer-jsonb': {
    severity: 'warning',
    squawk: [],
    fix: 'Use jsonb: json keeps the text as written, cannot be indexed with GIN and has no equality operator.',
  },
  'foreign-key-without-index': {
    severity: 'warning',
    squawk: [],
    fix: 'Index the referencing columns (leading columns of some index), or every delete or key update on the referenced table scans this table.',
  },
  'table-rewrite': {
    severity: 'error',
    squawk: [],
    fix: 'The statement rewrote the whole table under ACCESS EXCLUSIVE (measured on the shadow): split it into steps that do not rewrite (a new column, a batched backfill, a swap).',
  },
  'transaction-nesting': {
    severity: 'warning',
    squawk: ['transaction-nesting'],
    fix: 'Remove BEGIN/COMMIT from the migration: its migrator already runs it in a transaction.',
  },
  'prefer-timestamptz': {
    severity: 'info',
    squawk: ['prefer-timestamp-tz'],
    fix: 'Use timestamptz (timestamp with time zone): timestamp without time zone silently depends on the session time zone.',
  },
  'statement-failed': {
    severity: 'error',
    squawk: [],
    fix: 'Fix the statement: the shadow database, holding every earlier migration and seeded rows, rejected it.',
  },
} as const satisfies Record<string, { severity: Finding['severity']; squawk: readonly string[]; fix: string }>;

export type SafetyRule = keyof typeof SAFETY_RULES;

export const SAFETY_RULE_IDS = Object.keys(SAFETY_RULES) as SafetyRule[];

/** A rule's finding: the plugin's fix when it has one, else the rule's own. */
export function safetyFinding(
  rule: SafetyRule,
  message: string,
  fixes: Partial<Record<SafetyRule, string>> | undefined,
): Finding {
  const definition = SAFETY_RULES[rule];
  return { rule, severity: definition.severity, message, fix: fixes?.[rule] ?? definition.fix };
}
