/**
 * What PostgreSQL does differently by major version, where a migration's safety depends on
 * it. Each fact is a behaviour that a release introduced, with the release notes or manual
 * page that says so. Rules ask a `PostgresTarget` whether it has a fact
 * (`target.supports('constant-default-without-rewrite')`); no rule compares version numbers.
 */
export interface PostgresFact {
  /** The first major version with the behaviour. */
  readonly since: number;
  /** The behaviour, as a clause that follows "PostgreSQL N": `adds a column with a constant default without rewriting the table`. */
  readonly behaviour: string;
  /** Where PostgreSQL says so. */
  readonly source: string;
}

/** The table of version-dependent behaviours; the README's table is this one. */
export const POSTGRES_FACTS = {
  'constant-default-without-rewrite': {
    since: 11,
    behaviour: 'adds a column with a non-volatile default without rewriting the table, keeping the value in the catalog',
    source: 'https://www.postgresql.org/docs/release/11.0/',
  },
  'enum-add-value-in-transaction': {
    since: 12,
    behaviour: 'runs ALTER TYPE ... ADD VALUE inside a transaction block, though the new value cannot be used before the transaction commits',
    source: 'https://www.postgresql.org/docs/release/12.0/',
  },
  'reindex-concurrently': {
    since: 12,
    behaviour: 'has REINDEX CONCURRENTLY, which rebuilds an index without blocking writes',
    source: 'https://www.postgresql.org/docs/release/12.0/',
  },
  'set-not-null-skips-scan-with-check': {
    since: 12,
    behaviour: 'skips the full-table scan of SET NOT NULL when a validated CHECK (col IS NOT NULL) proves it',
    source: 'https://www.postgresql.org/docs/release/12.0/',
  },
  'attach-partition-share-update-exclusive': {
    since: 12,
    behaviour: 'attaches a partition under SHARE UPDATE EXCLUSIVE on the parent table instead of ACCESS EXCLUSIVE',
    source: 'https://www.postgresql.org/docs/release/12.0/',
  },
  'detach-partition-concurrently': {
    since: 14,
    behaviour: 'has ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY, which does not block queries on the parent table',
    source: 'https://www.postgresql.org/docs/release/14.0/',
  },
  'not-null-not-valid': {
    since: 18,
    behaviour: 'adds a NOT NULL constraint as NOT VALID and validates it later without ACCESS EXCLUSIVE',
    source: 'https://www.postgresql.org/docs/release/18.0/',
  },
  'virtual-generated-columns': {
    since: 18,
    behaviour: 'has virtual generated columns, the default kind, which add no stored data and rewrite nothing',
    source: 'https://www.postgresql.org/docs/release/18.0/',
  },
} as const satisfies Record<string, PostgresFact>;

export type PostgresFactId = keyof typeof POSTGRES_FACTS;

/** The major versions a target may be: the oldest the table has facts for, to the newest release. */
export const TARGET_VERSIONS = { oldest: 10, newest: 18 } as const;

/** A PostgreSQL major version a migration is judged for, and the facts that hold there. */
export class PostgresTarget {
  constructor(readonly major: number) {}

  /** Whether this version has the behaviour. */
  supports(fact: PostgresFactId): boolean {
    return this.major >= POSTGRES_FACTS[fact].since;
  }

  /** `PostgreSQL 11`. */
  get label(): string {
    return `PostgreSQL ${this.major}`;
  }
}

/**
 * Why a measurement on the shadow does not settle a fact for the target: the shadow has the
 * behaviour and the target does not (the shadow is newer, and the behaviour came between
 * them). Null when the shadow's measurement holds for the target.
 */
export function measurementDiffers(fact: PostgresFactId, options: { shadow: PostgresTarget; target: PostgresTarget }): string | null {
  if (options.shadow.supports(fact) === options.target.supports(fact)) return null;
  const { since, behaviour } = POSTGRES_FACTS[fact];
  const has = options.shadow.supports(fact) ? options.shadow : options.target;
  const lacks = options.shadow.supports(fact) ? options.target : options.shadow;
  return `${has.label} ${behaviour} (since ${since}); ${lacks.label} does not, so the shadow's measurement on ${options.shadow.label} does not hold for ${options.target.label}.`;
}

/** The major version of `server_version_num` (`180006` → 18; `90624` → 9). */
export function majorOfVersionNum(versionNum: number): number {
  return Math.floor(versionNum / 10000);
}
