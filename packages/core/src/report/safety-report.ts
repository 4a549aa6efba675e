import pc from 'picocolors';
import type { Finding } from '../finding.js';
import type { CheckOutcome } from '../pipeline/check.js';
import type { MigrationAnalysis, StatementAnalysis } from '../safety/analyze-migration.js';
import type { OrmAiError } from '../errors.js';
import type { PostgresVersionsStated } from '../dialect/postgres/postgres-target.js';
import { reportedError, type AnalysisReport } from './analysis-report-schema.js';
import type { CheckFailedReport, CheckReport } from './check-report-schema.js';

/**
 * How the safety analysis reads: as a terminal report, as a pull-request comment
 * (markdown), and as `check --json`. The generate confirm screen reuses the text form.
 */

export interface SeverityCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export function countFindings(files: readonly MigrationAnalysis[]): SeverityCounts {
  const findings = files.flatMap((file) => file.statements.flatMap((statement) => statement.findings));
  const count = (severity: Finding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  return { errors: count('error'), warnings: count('warning'), infos: count('info') };
}

/** `check --json`: each migration's analysis, with a summary and what could not be judged. */
export function checkJsonReport(outcome: CheckOutcome): CheckReport {
  const summary = countFindings(outcome.files);
  return {
    ok: summary.errors === 0,
    shadow: outcome.shadow,
    summary,
    files: outcome.files.map(analysisReport),
    unchecked: outcome.unchecked ?? [],
  };
}

/** `check --json` when the check could not run. */
export function checkJsonReportOfError(error: OrmAiError): CheckFailedReport {
  return { ok: false, error: reportedError(error) };
}

/** One migration's analysis as both `--json` reports carry it (`check`'s `files[]`, `generate`'s `analysis`). */
export function analysisReport(analysis: MigrationAnalysis): AnalysisReport {
  return {
    path: analysis.path,
    statements: analysis.statements.map((statement) => ({
      line: statement.line,
      sql: statement.sql,
      findings: statement.findings,
      locks: statement.locks,
      rewrites: statement.rewrites,
      rebuiltIndexes: statement.rebuiltIndexes,
      dropped: statement.dropped,
      droppedColumns: statement.droppedColumns,
      // A hundredth of a millisecond is finer than the measurement; more digits would only be noise.
      durationMs: statement.durationMs === null ? null : Math.round(statement.durationMs * 100) / 100,
      estimates: statement.estimates,
      ...(statement.error === undefined ? {} : { error: statement.error }),
      ...(statement.migration === undefined ? {} : { migration: statement.migration }),
    })),
    seeded: analysis.seeded,
    unseeded: analysis.unseeded,
    postgres: analysis.postgres,
  };
}

const COLOUR = { error: pc.red, warning: pc.yellow, info: pc.cyan } as const;

/** One migration's statements with their locks, rewrites and findings, for a terminal. */
export function renderAnalysisText(analysis: MigrationAnalysis, options: { onlyNotable?: boolean } = {}): string {
  const lines = [pc.bold(analysis.path)];
  for (const statement of analysis.statements) {
    const notable = statement.findings.length > 0 || statement.rewrites.length > 0 || statement.rebuiltIndexes.length > 0 || statement.dropped.length > 0 || statement.droppedColumns.length > 0 || statement.error !== undefined;
    if (options.onlyNotable && !notable) continue;
    lines.push(`  ${pc.dim(`line ${statement.line}${statement.migration ? ` of ${statement.migration}` : ''}`)}  ${firstLine(statement.sql)}`);
    for (const lock of statement.locks) {
      lines.push(`    ${pc.dim('lock')} ${lock.mode} on ${lock.relation}${lock.measured ? '' : ' (documented)'} ${pc.dim(`— blocks ${lock.blocks}`)}`);
    }
    if (statement.rewrites.length > 0) lines.push(`    ${pc.red('rewrites')} ${statement.rewrites.join(', ')}`);
    if (statement.rebuiltIndexes.length > 0) lines.push(`    ${pc.yellow('rebuilds')} ${statement.rebuiltIndexes.join(', ')}`);
    if (statement.dropped.length > 0) lines.push(`    ${pc.red('drops')} ${statement.dropped.join(', ')}`);
    if (statement.droppedColumns.length > 0) lines.push(`    ${pc.red('drops columns')} ${statement.droppedColumns.join(', ')}`);
    for (const estimate of statement.estimates) {
      lines.push(`    ${pc.dim('estimate')} ${formatDuration(estimate.ms)} at ${estimate.rows.toLocaleString('en-US')} rows in ${estimate.table}`);
    }
    if (statement.error) lines.push(`    ${pc.red('failed')} ${statement.error}`);
    for (const finding of statement.findings) {
      lines.push(`    ${COLOUR[finding.severity](finding.severity)} ${pc.dim(`[${finding.rule}]`)} ${finding.message}`);
      lines.push(`      ${pc.dim(`fix: ${finding.fix}`)}`);
    }
  }
  if (analysis.unseeded.length > 0) {
    lines.push(pc.dim(`  not seeded: ${analysis.unseeded.map((entry) => `${entry.table} (${entry.reason})`).join('; ')}`));
  }
  return lines.join('\n');
}

export function renderCheckText(outcome: CheckOutcome): string {
  const summary = countFindings(outcome.files);
  const sections = outcome.files.map((file) => renderAnalysisText(file));
  if (outcome.unchecked?.length) sections.push(pc.yellow(`Not checked (after a failed migration): ${outcome.unchecked.join(', ')}`));
  const verdict = summary.errors > 0 ? pc.red('✖') : pc.green('✔');
  const versions = outcome.files[0] ? ` (${describeVersions(outcome.files[0].postgres)})` : '';
  sections.push(`${verdict} ${describeCounts(summary)} in ${outcome.files.length} migration(s), measured on ${outcome.shadow}${versions}`);
  return sections.join('\n\n');
}

/** A pull-request comment: a verdict, then a table per migration and the fixes. */
export function renderCheckMarkdown(outcome: CheckOutcome): string {
  const summary = countFindings(outcome.files);
  const lines = [`## ${summary.errors > 0 ? '❌' : '✅'} Migration safety: ${describeCounts(summary)}`, ''];
  const versions = outcome.files[0] ? ` Findings are stated for ${describeVersions(outcome.files[0].postgres)}.` : '';
  lines.push(`Each statement ran on a shadow database (${escapeMarkdown(outcome.shadow)}) holding every earlier migration and seeded rows; locks and rewrites are measured there.${versions}`, '');
  for (const file of outcome.files) {
    lines.push(`### \`${file.path}\``, '');
    lines.push('| Line | Statement | Locks | Rewrites | Findings |', '| ---: | --- | --- | --- | --- |');
    for (const statement of file.statements) lines.push(markdownRow(statement));
    const findings = file.statements.flatMap((statement) => statement.findings.map((finding) => ({ line: statement.line, finding })));
    if (findings.length > 0) {
      lines.push('', '<details><summary>Safe alternatives</summary>', '');
      for (const { line, finding } of findings) lines.push(`- **${finding.rule}** (line ${line}): ${escapeMarkdown(finding.message)}<br>Fix: ${escapeMarkdown(finding.fix)}`);
      lines.push('', '</details>');
    }
    lines.push('');
  }
  if (outcome.unchecked?.length) lines.push(`Not checked (after a failed migration): ${outcome.unchecked.map((path) => `\`${path}\``).join(', ')}`);
  return lines.join('\n').trimEnd();
}

function markdownRow(statement: StatementAnalysis): string {
  const icon = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;
  const locks = statement.locks.map((lock) => `${lock.mode} on ${lock.relation}`).join('<br>') || '—';
  const findings = [
    ...statement.findings.map((finding) => `${icon[finding.severity]} \`${finding.rule}\``),
    ...(statement.error ? [`❌ failed: ${escapeMarkdown(statement.error)}`] : []),
  ].join('<br>');
  return `| ${statement.line} | \`${escapeMarkdown(firstLine(statement.sql), true)}\` | ${locks} | ${statement.rewrites.join(', ') || '—'} | ${findings || '✅'} |`;
}

const TARGET_FROM: Readonly<Record<PostgresVersionsStated['targetFrom'], string>> = {
  flag: '--pg-version',
  'shadow-server': "the --shadow-url server's version",
  project: 'declared in',
  'embedded-shadow': "the embedded shadow's version; pass --pg-version N for your server's",
};

/** `PostgreSQL 18.6; judged for PostgreSQL 13 (--pg-version)`: where the measurements came from and whom the findings are for; null is SQLite, judged the same for every version. */
export function describeVersions(postgres: PostgresVersionsStated | null): string {
  if (postgres === null) return 'SQLite, findings the same for every version';
  const from = postgres.targetFrom === 'project' ? `${TARGET_FROM.project} ${postgres.declaredIn.join(', ')}` : TARGET_FROM[postgres.targetFrom];
  return `PostgreSQL ${postgres.measuredOn}; judged for PostgreSQL ${postgres.target}, ${from}`;
}

function describeCounts(counts: SeverityCounts): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}${counts.infos > 0 ? `, ${plural(counts.infos, 'note')}` : ''}`;
}

function firstLine(sql: string): string {
  const [first = '', ...rest] = sql.split('\n');
  const line = first.length > 100 ? `${first.slice(0, 97)}...` : first;
  return rest.length > 0 && !line.endsWith('...') ? `${line} ...` : line;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

function escapeMarkdown(text: string, inCode = false): string {
  return inCode ? text.replaceAll('`', "'").replaceAll('|', '\\|') : text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
