import { structuredPatch } from 'diff';
import pc from 'picocolors';
import { describeChange, type ChangePlan } from '../change-plan.js';
import type { OrmAiError } from '../errors.js';
import type { FileChange } from '../orm-plugin.js';
import type { GenerateOutcome } from '../pipeline/generate.js';
import { formatUsd, type ModelPrices } from '../llm/model-prices.js';
import { reportedUsage } from './json-report.js';
import { pathFromRoot } from '../project-path.js';
import { describeDataChange } from '../rollback/prove-round-trip.js';
import { describeVersions, renderAnalysisText } from './safety-report.js';

/**
 * The confirm screen: the plan, each file's change as a coloured diff, the SQL and the proof.
 * `prices` defaults to the built-in table; the CLI passes the one `ORM_AI_PRICES` adjusts.
 */
export function renderOutcome(outcome: GenerateOutcome, root: string, prices?: ModelPrices): string {
  const byRole = (role: FileChange['role']) => outcome.files.filter((file) => file.role === role);
  const name = (file: FileChange) => pathFromRoot(root, file.path);
  const sections = [
    renderPlan(outcome.plan),
    ...byRole('source').map((file) => renderFileChange(file, root)),
    `${pc.bold('Migration')} ${byRole('migration').map(name).join(', ')}\n${outcome.upStatements.join('\n')}`,
    `${pc.bold('Down')}\n${outcome.downStatements.join('\n') || pc.dim('(nothing)')}`,
    renderSafe(outcome),
    byRole('metadata')
      .map((file) => pc.dim(`${name(file)} ${file.before === null ? '(new)' : '(updated)'}`))
      .join('\n'),
    renderFindings(outcome),
    `${pc.green('✔')} applied after every existing migration on the shadow database (${outcome.shadow})`,
    renderRollback(outcome),
    renderUsage(outcome.usage, prices),
  ];
  return sections.filter(Boolean).join('\n\n');
}

function renderPlan(plan: ChangePlan): string {
  const lines = [pc.bold('Plan'), plan.summary, ''];
  for (const change of plan.changes) lines.push(`  ${pc.cyan(describeChange(change))} ${pc.dim(`— ${change.reason}`)}`);
  for (const step of plan.migrationSteps) lines.push(`  ${pc.cyan(`sql (${step.position})`)} ${pc.dim(`— ${step.reason}; locks: ${step.locks}`)}`);
  return lines.join('\n');
}


/** A unified diff with + and - lines coloured; new files are shown whole. */
export function renderFileChange(file: FileChange, root: string): string {
  const name = pathFromRoot(root, file.path);
  if (file.before === null) return `${pc.bold(name)} ${pc.green('(new)')}\n${pc.green(file.after)}`;
  const patch = structuredPatch(name, name, file.before, file.after, '', '', { context: 2 });
  const lines = [pc.bold(name)];
  for (const hunk of patch.hunks) {
    lines.push(pc.cyan(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) lines.push(line.startsWith('+') ? pc.green(line) : line.startsWith('-') ? pc.red(line) : pc.dim(line));
  }
  return lines.join('\n');
}

/** The ORM tool's own warnings, then the statements the safety analysis has something to say about. */
function renderFindings(outcome: GenerateOutcome): string {
  const colour = { error: pc.red, warning: pc.yellow, info: pc.cyan } as const;
  const safety = new Set(outcome.analysis.statements.flatMap((statement) => statement.findings));
  const notable = outcome.analysis.statements.some((statement) => statement.findings.length > 0 || statement.rewrites.length > 0 || statement.rebuiltIndexes.length > 0 || statement.dropped.length > 0 || statement.droppedColumns.length > 0);
  const ormFindings = outcome.findings
    .filter((finding) => !safety.has(finding))
    .map((finding) => `${colour[finding.severity](finding.severity)} ${pc.dim(`[${finding.rule}]`)} ${finding.message}\n  ${pc.dim(`fix: ${finding.fix}`)}`)
    .join('\n');
  const versions = describeVersions(outcome.analysis.postgres);
  const analysis = notable
    ? `${pc.bold('Safety')} (measured on the shadow with seeded rows, ${versions})\n${renderAnalysisText(outcome.analysis, { onlyNotable: true })}`
    : `${pc.green('✔')} safety: no findings; ${outcome.analysis.postgres === null ? 'rows' : 'locks and rewrites'} measured on the shadow (${versions})`;
  return [ormFindings, analysis].filter(Boolean).join('\n');
}

/** With `--safe`: each migration that follows the new one, then which safe forms were used or could not be. */
function renderSafe(outcome: GenerateOutcome): string {
  const safe = outcome.safe;
  if (!safe) return '';
  const lines: string[] = [];
  for (const next of safe.following) {
    lines.push(`${pc.bold('Then')} ${next.id}${next.outsideTransaction ? pc.dim(' (outside a transaction)') : ''}\n${next.up.join('\n')}`);
    lines.push(`${pc.bold('Down')} ${pc.dim(next.id)}\n${next.down.join('\n') || pc.dim('(nothing)')}`);
  }
  const forms = [
    ...safe.rewritten.map((entry) => `  ${pc.green('safe form')} ${pc.dim(`[${entry.rule}]`)} ${entry.summary}`),
    ...safe.kept.map((entry) => `  ${pc.yellow('kept')} ${pc.dim(`[${entry.rule}]`)} ${entry.statement.split('\n')[0]}: ${entry.reason}`),
  ];
  lines.push(forms.length > 0 ? `${pc.bold('--safe')}\n${forms.join('\n')}` : `${pc.bold('--safe')} ${pc.dim('nothing to rewrite')}`);
  if (safe.deployOneAtATime) lines.push(`${pc.yellow('deploy one at a time:')} ${safe.deployOneAtATime}`);
  if (safe.rewritten.length > 0) lines.push(`${pc.green('✔')} the safe migrations end where the ORM's migration does (catalogs compared on the shadow)`);
  return lines.join('\n\n');
}

/** The round trip's verdict, then its evidence: what up lost, what down left different or did not bring back. */
function renderRollback(outcome: GenerateOutcome): string {
  const proof = outcome.rollback;
  const lines = proof.reversible
    ? [`${pc.green('✔')} down restores the schema and the data (up, down, up on seeded rows)`]
    : [`${pc.red('✖')} not reversible: ${proof.reason}`];
  for (const change of proof.dataLoss) lines.push(`  ${pc.red('lost by up:')} ${describeDataChange(change)}`);
  for (const line of proof.schemaDifferences) lines.push(`  ${pc.dim('after down:')} ${line}`);
  for (const change of proof.notRestored) lines.push(`  ${pc.dim('not brought back:')} ${describeDataChange(change)}`);
  return lines.join('\n');
}

/** One line: the model, its calls and tokens, and the estimated cost (or why there is none). */
export function renderUsage(usage: GenerateOutcome['usage'], prices?: ModelPrices): string {
  if (usage.calls === 0) return pc.dim('model: none (plan from file)');
  const reported = reportedUsage(usage, prices);
  const cost = reported.costUsd === null ? `cost unknown (${reported.costUnknownReason})` : `~${formatUsd(reported.costUsd)}`;
  return pc.dim(`model: ${usage.model}, ${usage.calls} call(s), ${usage.promptTokens} prompt + ${usage.completionTokens} completion tokens, ${cost}`);
}

/** An error as a person reads it: what failed, and what to do. */
export function renderError(error: OrmAiError): string {
  const hint = error.hint ? `\n${pc.yellow('hint:')} ${error.hint}` : '';
  return `${pc.red('error')} ${pc.dim(`[${error.code}]`)} ${error.message}${hint}`;
}
