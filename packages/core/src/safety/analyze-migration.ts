import type { Dialect } from '../dialect/dialect.js';
import type { Finding } from '../finding.js';
import type { OrmCapabilities } from '../orm-plugin.js';
import { runsInTransaction } from '../shadow/replay-migrations.js';
import { seedTables } from '../shadow/seed-rows.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { parseSql, statementKind, type ParsedStatement } from '../dialect/postgres/parser.js';
import { tableKey, tableLabel, type TableRef } from '../table-ref.js';
import { safetyRule, type SafetyRuleId } from './rules/index.js';
import { resolvePostgresVersions, statedVersions, type PostgresVersions, type PostgresVersionsStated } from '../dialect/postgres/postgres-target.js';
import { measurementDiffers, type PostgresFactId } from '../dialect/postgres/postgres-versions.js';
import {
  columnLabel,
  describeRebuiltIndex,
  type MeasuredDanger,
  type RulePhase,
  type SafetyFixes,
  type SafetyRuleDefinition,
  type StatementMeasurement,
  type TargetFinding,
} from './safety-rule.js';
import { ShadowCatalog } from './shadow-catalog.js';
import { names, nodeOf, tableOf, tablesNamedIn, type Node } from './statement-ast.js';
import { StatementMeasurer, type StatementLock } from './statement-measurement.js';

export type { StatementLock } from './statement-measurement.js';

/** How long a statement would hold its lock at production size, scaled from the shadow. */
export interface DurationEstimate {
  readonly table: string;
  readonly rows: number;
  readonly ms: number;
}

export interface StatementAnalysis {
  readonly line: number;
  readonly sql: string;
  readonly findings: readonly Finding[];
  readonly locks: readonly StatementLock[];
  /** Tables whose storage the statement replaced (measured `relfilenode` changes). */
  readonly rewrites: readonly string[];
  /** Indexes it rebuilt without rewriting their table (`posts_title_idx on posts`; measured `relfilenode` changes). */
  readonly rebuiltIndexes: readonly string[];
  /** Tables that existed before the migration and that it dropped (measured: gone from the catalog). */
  readonly dropped: readonly string[];
  /** Columns of tables that existed before the migration and remain that it dropped, named by it or not (`posts.status`; measured: gone from the catalog). */
  readonly droppedColumns: readonly string[];
  /** Wall time on the shadow with seeded rows; null when the statement did not run. */
  readonly durationMs: number | null;
  readonly estimates: readonly DurationEstimate[];
  /** Why the statement has no measurement: the shadow rejected it, or an earlier one. */
  readonly error?: string;
  /** The migration `--safe` added that holds it (`AnalyzeOptions.following`); absent in the migration itself. */
  readonly migration?: string;
}

export interface MigrationAnalysis {
  readonly path: string;
  readonly statements: readonly StatementAnalysis[];
  /** Rows seeded per table before measuring, and tables that could not be seeded. */
  readonly seeded: ReadonlyArray<{ readonly table: string; readonly rows: number }>;
  readonly unseeded: ReadonlyArray<{ readonly table: string; readonly reason: string }>;
  /** The PostgreSQL version the statements were measured on, and the one they were judged for; null on another database. */
  readonly postgres: PostgresVersionsStated | null;
}

/** What the pipeline knows of the version a migration is judged for, before the dialect resolves it. */
export interface AnalysisTarget {
  /** `--pg-version`, already checked. */
  readonly flag?: number | undefined;
  /** Whether the shadow is a server the user named (`--shadow-url`): its version is then the production one. */
  readonly server: boolean;
  /** Where the project declares a version (compose files, workflows); null for loose files. */
  readonly projectRoot: string | null;
}

/** Row counts at production size, by `schema.table` (from `--rows` or `--stats-url`). */
export type ProductionRows = ReadonlyMap<string, number>;

export interface AnalyzeOptions {
  /** The database's dialect: its safety rules judge the statements. */
  readonly dialect: Dialect;
  /** A shadow holding every earlier migration; it is left as it was. */
  readonly prepared: ShadowDatabase;
  readonly path: string;
  readonly sql: string;
  /** How the migrator runs it; `none` for plain SQL files, which run as psql would. */
  readonly transaction: OrmCapabilities['migrationTransaction'];
  readonly fixes?: SafetyFixes | undefined;
  readonly productionRows?: ProductionRows | undefined;
  /** Rows seeded into each touched table before measuring (default 100, or 2000 when estimating at production size). */
  readonly rowsPerTable?: number | undefined;
  /** Where the version to judge for comes from; the dialect resolves it (PostgreSQL: `resolvePostgresVersions`). Default: the shadow's own version. */
  readonly target?: AnalysisTarget | undefined;
  /** PostgreSQL's target version and the shadow's, already resolved (tests); overrides `target`. */
  readonly postgres?: PostgresVersions | undefined;
  /**
   * Migrations that run after this one (`--safe`'s builds, backfills and validation), each
   * analyzed as a migration of its own once the earlier ones ran, on the same seeded rows.
   */
  readonly following?: ReadonlyArray<{ readonly id: string; readonly sql: string }> | undefined;
}

/**
 * The safety analysis of one migration: each statement's findings from the parser and the
 * catalog, then run on the prepared shadow, isolated (`ShadowDatabase.isolated`), with seeded
 * rows in the tables it touches, one transaction per statement, reading the locks it took
 * and the tables' storage files before commit. Measured facts overrule static guesses.
 */
export async function analyzeMigration(options: AnalyzeOptions): Promise<MigrationAnalysis> {
  const target = options.target ?? { server: false, projectRoot: null };
  const postgres = options.postgres ?? (await resolvePostgresVersions({ flag: target.flag, shadow: options.prepared, server: target.server, projectRoot: target.projectRoot }));
  const parsed = await parseSql(options.sql);
  if (!parsed.ok) {
    const finding = safetyFinding('statement-failed', `does not parse as PostgreSQL: ${parsed.message}`, options.fixes);
    return {
      path: options.path,
      seeded: [],
      unseeded: [],
      postgres: statedVersions(postgres),
      statements: [{ line: parsed.line ?? 1, sql: options.sql.trim(), findings: [finding], locks: [], rewrites: [], rebuiltIndexes: [], dropped: [], droppedColumns: [], durationMs: null, estimates: [] }],
    };
  }
  const following: Array<{ id: string; statements: ParsedStatement[] }> = [];
  for (const migration of options.following ?? []) {
    const parsedFollowing = await parseSql(migration.sql);
    // The proof on the shadow already ran these: what a safe form writes parses.
    if (parsedFollowing.ok) following.push({ id: migration.id, statements: parsedFollowing.statements });
  }
  return options.prepared.isolated({ sql: [options.sql, ...(options.following ?? []).map((migration) => migration.sql)] }, async (shadow) => {
    // With production sizes to scale to, more rows make the shadow's per-row time less about fixed costs.
    const rowsPerTable = options.rowsPerTable ?? (options.productionRows ? 2000 : 100);
    const seeded = await seedTables({ shadow, tables: parsed.statements.flatMap((statement) => tablesNamedIn(statement.ast)), rowsPerTable });
    const seededRows = new Map(seeded.seeded.map(({ table, rows }) => [tableKey(table), rows]));
    const statements = await new MigrationRun(shadow, { ...options, postgres }, seededRows).analyze(parsed.statements);
    for (const migration of following) {
      // A migration runs only once the one before it worked.
      if (statements.some((statement) => statement.error !== undefined)) break;
      const analyzed = await new MigrationRun(shadow, { ...options, postgres }, seededRows).analyze(migration.statements);
      statements.push(...analyzed.map((statement) => ({ ...statement, migration: migration.id })));
    }
    return {
      path: options.path,
      statements,
      seeded: seeded.seeded.map(({ table, rows }) => ({ table: tableLabel(table), rows })),
      unseeded: seeded.skipped.map(({ table, reason }) => ({ table: tableLabel(table), reason })),
      postgres: statedVersions(postgres),
    };
  });
}

class MigrationRun {
  readonly #catalog: ShadowCatalog;
  readonly #measurer: StatementMeasurer;
  readonly #createdTables = new Set<string>();
  readonly #createdTypes = new Set<string>();
  #explicitTransaction = false;
  /** Whether the migrator wraps this migration in a transaction (with `script`, only one of several statements). */
  #migratorTransaction = false;
  #lockTimeoutSet = false;
  /** The rules earlier statements of this migration earned findings of. */
  readonly #found = new Set<string>();
  /** Findings that hold only because the target lacks a behaviour, with that behaviour. */
  readonly #lacking = new WeakMap<Finding, PostgresFactId>();
  /** Foreign keys seen so far, and which statement (by index) added each one during the migration. */
  #foreignKeys = new Set<number>();
  readonly #foreignKeysAddedBy = new Map<number, number>();

  constructor(
    shadow: ShadowDatabase,
    private readonly options: AnalyzeOptions & { readonly postgres: PostgresVersions },
    private readonly seededRows: ReadonlyMap<string, number>,
  ) {
    this.#catalog = new ShadowCatalog(shadow);
    this.#measurer = new StatementMeasurer(shadow, this.#catalog);
  }

  async analyze(statements: readonly ParsedStatement[]): Promise<StatementAnalysis[]> {
    this.#migratorTransaction = runsInTransaction(this.options.transaction, statements.length);
    await this.#measurer.start();
    this.#foreignKeys = new Set((await this.#catalog.foreignKeys()).map((key) => key.oid));
    const results: StatementAnalysis[] = [];
    let failed: string | null = null;
    for (const statement of statements) {
      if (failed !== null) {
        results.push({ line: statement.line, sql: statement.sql, findings: [], locks: [], rewrites: [], rebuiltIndexes: [], dropped: [], droppedColumns: [], durationMs: null, estimates: [], error: failed });
        continue;
      }
      const analysis = await this.#statement(statement);
      if (!analysis.error && ADDS_FOREIGN_KEYS.has(statementKind(statement))) await this.#noteForeignKeys(results.length);
      if (analysis.error) failed = `not run: the statement at line ${statement.line} failed`;
      results.push(analysis);
    }
    if (failed === null) await this.#migrationFindings(results);
    return results;
  }

  /** One statement: the parse-tree and catalog rules before it runs, then its measurement and the rules that read it. */
  async #statement(statement: ParsedStatement): Promise<StatementAnalysis> {
    const [kind, node] = Object.entries(statement.ast)[0] as [string, Node];
    const input = {
      statement,
      kind,
      node,
      catalog: this.#catalog,
      isNewTable: (table: TableRef) => this.#createdTables.has(tableKey(table)),
      isNewType: (name: string) => this.#createdTypes.has(name),
      inTransaction: this.#migratorTransaction || this.#explicitTransaction,
      migratorTransaction: this.#migratorTransaction,
      target: this.options.postgres.target,
      shadowVersion: this.options.postgres.shadow,
    };
    const suspected = [...(await this.#findings('parse-tree', input)), ...(await this.#findings('catalog', input))];
    this.#track(kind, node);
    const measurement = await this.#measurer.measure(statement, kind, node);
    const reconciled = measurement.ok ? this.#reconcile(suspected, measurement) : suspected;
    const measured = await this.#findings('measurement', {
      ...input,
      measurement,
      explained: (danger: MeasuredDanger) => measurement.ok && measuredFacts(measurement, danger) !== null && suspected.some((finding) => suspects(finding, danger)),
      lockTimeoutSet: this.#lockTimeoutSet,
      foundBefore: (rule: SafetyRuleId) => this.#found.has(rule),
    });
    const findings = [...reconciled, ...measured];
    for (const finding of findings) this.#found.add(finding.rule);
    const { line, sql } = statement;
    if (!measurement.ok) return { line, sql, findings, locks: [], rewrites: [], rebuiltIndexes: [], dropped: [], droppedColumns: [], durationMs: null, estimates: [], error: measurement.error };
    return {
      line,
      sql,
      findings,
      locks: measurement.locks,
      rewrites: measurement.rewrites.map(tableLabel),
      rebuiltIndexes: measurement.rebuiltIndexes.map(describeRebuiltIndex),
      dropped: measurement.dropped.map(tableLabel),
      droppedColumns: measurement.droppedColumns.map(columnLabel),
      durationMs: measurement.durationMs,
      estimates: this.#estimates(statement, findings, measurement.durationMs),
    };
  }

  /** The findings of every rule of one statement phase, in the list's order. */
  async #findings<P extends StatementPhase>(phase: P, input: PhaseInput<P>): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const rule of this.options.dialect.safetyRules) {
      if (rule.phase !== phase) continue;
      const check = rule.check as (input: PhaseInput<P>) => Iterable<string | TargetFinding> | AsyncIterable<string | TargetFinding>;
      for await (const found of check(input)) {
        const finding = safetyFinding(rule.id as SafetyRuleId, typeof found === 'string' ? found : found.message, this.options.fixes);
        if (typeof found !== 'string') this.#lacking.set(finding, found.lacking);
        findings.push(finding);
      }
    }
    return findings;
  }

  /**
   * Measured facts outrank the parser's and the catalog's suspicion, in both directions,
   * except where the shadow has a behaviour the target lacks: there the finding stays,
   * saying why the measurement does not hold for the target.
   */
  #reconcile(findings: readonly Finding[], measurement: Extract<StatementMeasurement, { ok: true }>): Finding[] {
    return findings.flatMap((finding) => {
      const danger = safetyRule(finding.rule)?.measuredAs;
      if (!danger) return [finding];
      const facts = measuredFacts(measurement, danger);
      if (facts !== null) return [{ ...finding, message: `${finding.message} Measured on the shadow: ${facts}.` }];
      const lacking = this.#lacking.get(finding);
      const differs = lacking ? measurementDiffers(lacking, this.options.postgres) : null;
      return differs ? [{ ...finding, message: `${finding.message} Not measured: ${differs}` }] : [];
    });
  }

  async #noteForeignKeys(statementIndex: number): Promise<void> {
    for (const key of await this.#catalog.foreignKeys()) {
      if (this.#foreignKeys.has(key.oid)) continue;
      this.#foreignKeys.add(key.oid);
      this.#foreignKeysAddedBy.set(key.oid, statementIndex);
    }
  }

  /** Remembers what later statements need: tables and enum types created here, an open BEGIN, a lock_timeout. */
  #track(kind: string, node: Node): void {
    const created = kind === 'CreateStmt' || kind === 'CreateTableAsStmt' ? tableOf(node.relation ?? nodeOf<Node>(node.into, 'IntoClause')?.rel) : null;
    if (created) this.#createdTables.add(tableKey(created));
    if (kind === 'CreateEnumStmt') this.#createdTypes.add(names(node.typeName).at(-1) ?? '');
    if (kind === 'TransactionStmt') {
      if (node.kind === 'TRANS_STMT_BEGIN' || node.kind === 'TRANS_STMT_START') this.#explicitTransaction = true;
      if (node.kind === 'TRANS_STMT_COMMIT' || node.kind === 'TRANS_STMT_ROLLBACK') this.#explicitTransaction = false;
    }
    if (kind === 'VariableSetStmt' && node.name === 'lock_timeout' && node.kind === 'VAR_SET_VALUE') this.#lockTimeoutSet = true;
  }

  #estimates(statement: ParsedStatement, findings: readonly Finding[], durationMs: number): DurationEstimate[] {
    const production = this.options.productionRows;
    if (!production || !findings.some((finding) => safetyRule(finding.rule)?.scansTable)) return [];
    const estimates: DurationEstimate[] = [];
    for (const table of tablesNamedIn(statement.ast)) {
      const rows = production.get(tableKey(table));
      const seeded = this.seededRows.get(tableKey(table));
      if (rows === undefined || !seeded) continue;
      // Linear in rows from the shadow's own time, fixed costs included: errs on the long side.
      estimates.push({ table: tableLabel(table), rows, ms: Math.round((durationMs / seeded) * rows) });
    }
    return estimates;
  }

  /** The rules that judge the finished migration; each finding goes to the statement that caused it. */
  async #migrationFindings(results: StatementAnalysis[]): Promise<void> {
    for (const rule of this.options.dialect.safetyRules) {
      if (rule.phase !== 'migration') continue;
      for await (const { statement, message } of rule.check({ catalog: this.#catalog, foreignKeysAddedBy: this.#foreignKeysAddedBy })) {
        const finding = safetyFinding(rule.id as SafetyRuleId, message, this.options.fixes);
        results[statement] = { ...results[statement]!, findings: [...results[statement]!.findings, finding] };
      }
    }
  }
}

type StatementPhase = Exclude<RulePhase, 'migration' | 'sqlite-statement'>;
type PhaseInput<P extends StatementPhase> = Parameters<Extract<SafetyRuleDefinition, { phase: P }>['check']>[0];

/** The statements that can add a foreign key. */
const ADDS_FOREIGN_KEYS = new Set(['CreateStmt', 'AlterTableStmt']);

function suspects(finding: Finding, danger: MeasuredDanger): boolean {
  return safetyRule(finding.rule)?.measuredAs === danger;
}

/** What the shadow measured of a danger, for a message; null when it measured none. */
function measuredFacts(measurement: Extract<StatementMeasurement, { ok: true }>, danger: MeasuredDanger): string | null {
  if (danger === 'rewrite') return measurement.rewrites.length > 0 ? `${measurement.rewrites.map(tableLabel).join(', ')} rewritten` : null;
  const rebuilt = measurement.rebuiltIndexes.map(describeRebuiltIndex);
  return rebuilt.length > 0 ? `${rebuilt.join(', ')} rebuilt` : null;
}

/** A rule's finding: the plugin's fix when it has one, else the rule's own. */
function safetyFinding(rule: SafetyRuleId, message: string, fixes: SafetyFixes | undefined): Finding {
  const definition = safetyRule(rule)!;
  return { rule, severity: definition.severity, message, fix: fixes?.[rule] ?? definition.fix };
}
