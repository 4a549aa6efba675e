import { describeError } from '../../errors.js';
import type { Finding } from '../../finding.js';
import type { AnalyzeOptions, MigrationAnalysis, StatementAnalysis } from '../../safety/analyze-migration.js';
import { safetyRule, type SafetyRuleId } from '../../safety/rules/index.js';
import type { SafetyFixes, SqliteMeasurement, SqliteStatementInput } from '../../safety/safety-rule.js';
import { runsInTransaction } from '../../shadow/replay-migrations.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';
import { tableLabel } from '../../table-ref.js';
import { parseSql, type ParsedStatement } from './parser.js';
import { tablesNamed, withReferencingTables } from './round-trip.js';
import { seedSqliteTables } from './seed-rows.js';

/**
 * The safety analysis of one SQLite migration: run on the prepared shadow, isolated, as the
 * ORM's migrator runs it (inside its transaction, where `PRAGMA foreign_keys=OFF` does
 * nothing), with seeded rows in the tables it names and in every table whose foreign keys
 * reference them, counting each table's rows around each statement. SQLite takes no locks
 * worth measuring (a writer holds the whole file) and rewrites nothing in place: what it can
 * do wrong is lose rows or values, which is what its rules judge.
 */
export async function analyzeSqliteMigration(options: AnalyzeOptions): Promise<MigrationAnalysis> {
  const parsed = await parseSql(options.sql);
  const rules = options.dialect.safetyRules.filter((rule) => rule.phase === 'sqlite-statement');
  if (!parsed.ok) {
    const finding = safetyFinding('statement-failed', `does not parse as SQLite: ${parsed.message}`, options.fixes);
    return { path: options.path, seeded: [], unseeded: [], postgres: null, statements: [notRun(parsed.line ?? 1, options.sql.trim(), [finding])] };
  }
  const statements = parsed.statements;
  return options.prepared.isolated({ sql: [options.sql] }, async (shadow) => {
    const watched = await withReferencingTables(shadow, await tablesNamed([options.sql]));
    const seeded = await seedSqliteTables(shadow, watched, options.rowsPerTable);
    const migratorTransaction = runsInTransaction(options.transaction, statements.length);
    if (migratorTransaction) await shadow.exec('BEGIN');
    const results: StatementAnalysis[] = [];
    let failed: string | null = null;
    for (const [index, statement] of statements.entries()) {
      if (failed !== null) {
        results.push({ ...notRun(statement.line, statement.sql, []), error: failed });
        continue;
      }
      const columns = await columnsOfTables(shadow);
      const measurement = await measure(shadow, statement);
      const input: SqliteStatementInput = { statement, index, statements, measurement, migratorTransaction, columnsBefore: (table) => columns.get(table) ?? null };
      const findings: Finding[] = [];
      for (const rule of rules) {
        // statement-failed is PostgreSQL's measurement rule too: SQLite adds it below.
        if (rule.phase !== 'sqlite-statement') continue;
        for (const message of rule.check(input)) findings.push(safetyFinding(rule.id as SafetyRuleId, message, options.fixes));
      }
      if (!measurement.ok) {
        // A rejection no rule explains is still a finding, never a silent skip.
        if (findings.length === 0) findings.push(safetyFinding('statement-failed', `The shadow database rejected it: ${measurement.error}`, options.fixes));
        failed = `not run: the statement at line ${statement.line} failed`;
        results.push({ ...notRun(statement.line, statement.sql, findings), error: measurement.error });
        continue;
      }
      const dropped = statement.kind === 'drop table' ? statement.tables.filter((table) => columns.has(table)) : [];
      results.push({ line: statement.line, sql: statement.sql, findings, locks: [], rewrites: [], rebuiltIndexes: [], dropped, droppedColumns: [], durationMs: measurement.durationMs, estimates: [] });
    }
    if (migratorTransaction) await shadow.exec(failed === null ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
    return {
      path: options.path,
      statements: results,
      seeded: seeded.seeded.map(({ table, rows }) => ({ table: tableLabel(table), rows })),
      unseeded: seeded.skipped.map(({ table, reason }) => ({ table: tableLabel(table), reason })),
      postgres: null,
    };
  });
}

/** Runs one statement, counting every table's rows before and after it. */
async function measure(shadow: ShadowDatabase, statement: ParsedStatement): Promise<SqliteMeasurement> {
  const before = await rowCounts(shadow);
  const started = performance.now();
  try {
    await shadow.exec(statement.sql);
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
  const durationMs = Math.round(performance.now() - started);
  const after = await rowCounts(shadow);
  const rowsLost = [...before].flatMap(([table, count]) => {
    const now = after.get(table);
    return now !== undefined && now < count ? [{ table, before: count, after: now }] : [];
  });
  return { ok: true, rowsLost, durationMs };
}

async function rowCounts(shadow: ShadowDatabase): Promise<Map<string, number>> {
  const tables = await shadow.query<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (tables.length === 0) return new Map();
  const counts = await shadow.query<{ name: string; n: number }>(tables.map(({ name }) => `SELECT ${literal(name)} AS name, count(*) AS n FROM ${quote(name)}`).join(' UNION ALL '));
  return new Map(counts.map(({ name, n }) => [name, Number(n)]));
}

async function columnsOfTables(shadow: ShadowDatabase): Promise<Map<string, string[]>> {
  const rows = await shadow.query<{ table_name: string; name: string }>(
    "SELECT m.name AS table_name, c.name AS name FROM sqlite_schema AS m, pragma_table_xinfo(m.name) AS c WHERE m.type = 'table' AND c.hidden IN (0, 2, 3) ORDER BY m.name, c.cid",
  );
  const columns = new Map<string, string[]>();
  for (const row of rows) columns.set(row.table_name, [...(columns.get(row.table_name) ?? []), row.name]);
  return columns;
}

function notRun(line: number, sql: string, findings: Finding[]): StatementAnalysis {
  return { line, sql, findings, locks: [], rewrites: [], rebuiltIndexes: [], dropped: [], droppedColumns: [], durationMs: null, estimates: [] };
}

/** A rule's finding: the plugin's fix when it has one, else the rule's own. */
function safetyFinding(rule: SafetyRuleId, message: string, fixes: SafetyFixes | undefined): Finding {
  const definition = safetyRule(rule)!;
  return { rule, severity: definition.severity, message, fix: fixes?.[rule] ?? definition.fix };
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
