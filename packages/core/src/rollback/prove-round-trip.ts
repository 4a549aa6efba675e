import { describeError, OrmAiError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { FollowingMigration, OrmCapabilities } from '../orm-plugin.js';
import { migrationScripts } from '../pipeline/prove-migration.js';
import { ShadowCatalog } from '../safety/shadow-catalog.js';
import { nodeOf, tablesNamedIn } from '../safety/statement-ast.js';
import { takeCatalogSnapshot, diffCatalogSnapshots } from '../shadow/catalog-snapshot.js';
import { replayMigrations } from '../shadow/replay-migrations.js';
import { seedTables } from '../shadow/seed-rows.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql } from '../dialect/postgres/parser.js';
import { tableLabel, type TableRef } from '../table-ref.js';
import { changesAfterMigration, changesAfterRollback, readTableContents, type DataChange } from './table-contents.js';

export interface RoundTripOptions {
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
 * seeds the tables it touches (parents first; every table when up drops with CASCADE),
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
  const following = options.following ?? [];
  const touched = await tablesTouched([...options.up, ...options.down]);
  const cascades = await dropsWithCascade(options.up);
  const sql = [...options.up, ...options.down, ...following.flatMap((migration) => [...migration.up, ...migration.down])];
  return options.prepared.isolated({ sql }, async (shadow) => {
    // A cascade takes columns and tables from tables no statement names (the columns of a
    // dropped type, an inheritance child): every table is seeded and read, so what it took is measured.
    const observed = cascades ? [...touched, ...(await new ShadowCatalog(shadow).userTables())] : touched;
    const seeded = await seedTables({ shadow, tables: observed });
    const tables: TableRef[] = [...new Map([...observed, ...seeded.seeded.map(({ table }) => table)].map((table) => [tableLabel(table), table])).values()];
    const seededReport = seeded.seeded.map(({ table, rows }) => ({ table: tableLabel(table), rows }));
    const run = async (step: 'up' | 'down' | 'up again', statements: readonly string[]): Promise<string | null> => {
      try {
        const direction = step === 'down' ? 'down' : 'up';
        const scripts = migrationScripts({ migrationId: options.migrationId, statements, following, direction });
        await replayMigrations({ shadow, scripts, transaction: options.transaction });
        return null;
      } catch (error) {
        return error instanceof OrmAiError ? error.message : describeError(error);
      }
    };

    const schemaBefore = await takeCatalogSnapshot(shadow);
    const rowsBefore = await readTableContents(shadow, { tables });
    const oids = rowsBefore.map((table) => table.oid);
    const upFailure = await run('up', options.up);
    if (upFailure) return unproved({ step: 'up', message: upFailure }, seededReport);
    const dataLoss = await changesAfterMigration(shadow, rowsBefore, await readTableContents(shadow, { oids }));

    const downFailure = await run('down', options.down);
    if (downFailure) return { ...unproved({ step: 'down', message: downFailure }, seededReport), dataLoss };
    const schemaDifferences = diffCatalogSnapshots(schemaBefore, await takeCatalogSnapshot(shadow));
    const notRestored = await changesAfterRollback(shadow, rowsBefore, await readTableContents(shadow, { tables }));

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

/** Tables the statements name, up and down both (a down may touch a table up only renamed). */
async function tablesTouched(statements: readonly string[]): Promise<TableRef[]> {
  const found = new Map<string, TableRef>();
  for (const statement of statements) {
    const parsed = await parseSql(statement);
    if (!parsed.ok) continue;
    for (const table of parsed.statements.flatMap((candidate) => tablesNamedIn(candidate.ast))) found.set(tableLabel(table), table);
  }
  return [...found.values()];
}

/** Whether up drops anything with CASCADE (`DROP TYPE ... CASCADE`, `ALTER TABLE ... DROP COLUMN ... CASCADE`). */
async function dropsWithCascade(statements: readonly string[]): Promise<boolean> {
  const cascades = (node: { behavior?: string } | undefined) => node?.behavior === 'DROP_CASCADE';
  for (const statement of statements) {
    const parsed = await parseSql(statement);
    if (!parsed.ok) continue;
    for (const { ast } of parsed.statements) {
      if (cascades(nodeOf(ast, 'DropStmt'))) return true;
      if ((nodeOf<{ cmds?: unknown[] }>(ast, 'AlterTableStmt')?.cmds ?? []).some((command) => cascades(nodeOf(command, 'AlterTableCmd')))) return true;
    }
  }
  return false;
}
