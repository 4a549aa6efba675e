import { describeError, OrmAiError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { FollowingMigration, OrmCapabilities } from '../orm-plugin.js';
import type { Dialect } from '../dialect/dialect.js';
import { migrationScripts } from '../pipeline/prove-migration.js';
import { diffCatalogSnapshots } from '../shadow/catalog-snapshot.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { tableLabel, type TableRef } from '../table-ref.js';
import type { DataChange } from './table-contents.js';

export interface RoundTripOptions {
  /** The database: how its tables are seeded and read, and its statements split. */
  readonly dialect: Dialect;
  /** A shadow holding every existing migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly migrationId: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** The migrations `--safe` adds after it: up runs them after it, down undoes them first. */
  readonly following?: readonly FollowingMigration[] | undefined;
  readonly transaction: OrmCapabilities['migrationTransaction'];
}

/** What the round trip up, down, up proved on seeded rows. */
export interface RoundTripProof {
  /** True when down gave back the schema, line for line, and every value up had kept, and up ran again after it. */
  readonly reversible: boolean;
  /** Why not, in one sentence a person can act on; null when reversible. */
  readonly reason: string | null;
  /** Catalog differences between before up and after down, one line each (`- index posts_tags_idx on posts: ...`). */
  readonly schemaDifferences: readonly string[];
  /** What up did to existing rows: rows lost, columns dropped, values nulled, truncated or changed. */
  readonly dataLoss: readonly DataChange[];
  /** What down did not bring back, compared by name with the rows before up. */
  readonly notRestored: readonly DataChange[];
  /** The database's error when up (on seeded rows), down, or up again failed; else null. */
  readonly failure: { readonly step: 'up' | 'down' | 'up again'; readonly message: string } | null;
  /** Tables that held generated rows during the proof, with how many. */
  readonly seeded: ReadonlyArray<{ readonly table: string; readonly rows: number }>;
}

/**
 * Proves a migration's down on the prepared shadow, isolated (`ShadowDatabase.isolated`):
 * seeds the tables it touches and those a drop reaches (`RoundTripDatabase.tablesToWatch`),
 * snapshots the catalog and the rows, runs up and measures what it did to the rows, runs
 * down and compares both snapshots and the rows with those before up, then runs up again,
 * which must still work. Each run goes the ORM migrator's way (one
 * transaction, one per migration, or none).
 *
 * @example
 * const proof = await proveRoundTrip({ prepared, migrationId: '0002_add_posts_tags', up, down, transaction: 'all' });
 * if (!proof.reversible) console.log(proof.reason, proof.schemaDifferences);
 */
export async function proveRoundTrip(options: RoundTripOptions): Promise<RoundTripProof> {
  const { dialect } = options;
  const database = dialect.roundTrip;
  const following = options.following ?? [];
  const sql = [...options.up, ...options.down, ...following.flatMap((migration) => [...migration.up, ...migration.down])];
  return options.prepared.isolated({ sql }, async (shadow) => {
    const observed = await database.tablesToWatch(shadow, { up: options.up, down: options.down });
    const seeded = await database.seed(shadow, observed);
    const tables: TableRef[] = [...new Map([...observed, ...seeded.seeded.map(({ table }) => table)].map((table) => [tableLabel(table), table])).values()];
    const seededReport = seeded.seeded.map(({ table, rows }) => ({ table: tableLabel(table), rows }));
    const run = async (step: 'up' | 'down' | 'up again', statements: readonly string[]): Promise<string | null> => {
      try {
        const direction = step === 'down' ? 'down' : 'up';
        const scripts = migrationScripts({ migrationId: options.migrationId, statements, following, direction });
        await replayMigrations({ dialect, shadow, scripts, transaction: options.transaction });
        return null;
      } catch (error) {
        return error instanceof OrmAiError ? error.message : describeError(error);
      }
    };

    const schemaBefore = await database.snapshot(shadow);
    const rowsBefore = await database.readRows(shadow, tables);
    const upFailure = await run('up', options.up);
    if (upFailure) return unproved({ step: 'up', message: upFailure }, seededReport);
    const dataLoss = await database.changesAfterUp(shadow, rowsBefore);

    const downFailure = await run('down', options.down);
    if (downFailure) return { ...unproved({ step: 'down', message: downFailure }, seededReport), dataLoss };
    const schemaDifferences = diffCatalogSnapshots(schemaBefore, await database.snapshot(shadow));
    const notRestored = await database.changesAfterDown(shadow, rowsBefore);

    const againFailure = await run('up again', options.up);
    const failure = againFailure ? { step: 'up again' as const, message: againFailure } : null;
    const reason = reasonFor({ schemaDifferences, notRestored, failure });
    return { reversible: reason === null, reason, schemaDifferences, dataLoss, notRestored, failure, seeded: seededReport };
  });
}

function unproved(failure: NonNullable<RoundTripProof['failure']>, seeded: RoundTripProof['seeded']): RoundTripProof {
  return { reversible: false, reason: reasonFor({ schemaDifferences: [], notRestored: [], failure }), schemaDifferences: [], dataLoss: [], notRestored: [], failure, seeded };
}

/**
 * `proof.reason` with data changes as counts, without example values: what a model may be
 * told (the database errors in it still go through `redactDatabaseText`).
 */
export function reasonInCounts(proof: RoundTripProof): string | null {
  return reasonFor(proof, { examples: false });
}

function reasonFor(proof: Pick<RoundTripProof, 'schemaDifferences' | 'notRestored' | 'failure'>, options: DescribeOptions = {}): string | null {
  if (proof.failure?.step === 'up') return `up failed on the shadow with seeded rows, so its down could not be proved: ${oneLine(proof.failure.message)}`;
  if (proof.failure?.step === 'down') return `down failed on the shadow after up: ${oneLine(proof.failure.message)}`;
  const parts: string[] = [];
  if (proof.schemaDifferences.length > 0) parts.push(`down leaves ${proof.schemaDifferences.length} difference(s) in the schema (${proof.schemaDifferences[0]}${proof.schemaDifferences.length > 1 ? ', ...' : ''})`);
  if (proof.notRestored.length > 0) parts.push(`down does not bring back ${proof.notRestored.map((change) => describeDataChange(change, options)).join('; ')}`);
  if (proof.failure?.step === 'up again') parts.push(`up fails again after down: ${oneLine(proof.failure.message)}`);
  return parts.length > 0 ? `${parts.join('; ')}.` : null;
}

/** The replay's error (file, line, statement, the database's words) on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

export interface DescribeOptions {
  /** Show the example value, before and after (default true). A model gets counts only: `false`. */
  readonly examples?: boolean | undefined;
}

/** `posts.title: 40 of 100 values truncated ('title_abcdef' → 'title_')`; without examples, `posts.title: 40 of 100 values truncated`. */
export function describeDataChange(change: DataChange, options: DescribeOptions = {}): string {
  const target = change.target.replace(/^public\./, '');
  const example = change.example && options.examples !== false ? ` (${literal(change.example.before)} → ${literal(change.example.after)})` : '';
  switch (change.kind) {
    case 'table-dropped':
      return `${target}: the table and its ${change.of} row(s)`;
    case 'rows-lost':
      return `${target}: ${change.count} of ${change.of} row(s) gone`;
    case 'column-dropped':
      return `${target}: the column and its ${change.count} value(s)`;
    default:
      return `${target}: ${change.count} of ${change.of} value(s) ${change.kind}${example}`;
  }
}

function literal(value: string | null): string {
  if (value === null) return 'NULL';
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

/** The rule id of the findings `dataLossFindings` makes. */
export const DATA_LOSS_RULE = 'data-loss';

/**
 * The up migration's effect on existing rows as `data-loss` error findings, one per table or
 * column: measured on seeded rows, not guessed from the SQL.
 */
export function dataLossFindings(proof: Pick<RoundTripProof, 'dataLoss'>, options: DescribeOptions = {}): Finding[] {
  return proof.dataLoss.map((change) => ({
    rule: DATA_LOSS_RULE,
    severity: 'error' as const,
    message: `Measured on the shadow with seeded rows, the migration loses ${describeDataChange(change, options)}.`,
    fix:
      change.kind === 'table-dropped' || change.kind === 'column-dropped'
        ? 'Keep the data: rename instead of dropping, or copy it elsewhere in an earlier migration; drop only when the request asks and --allow-data-loss is given.'
        : 'Change the type or the backfill so every existing value survives (a wider type, or a new column beside the old one); else ask for it and pass --allow-data-loss.',
  }));
}
