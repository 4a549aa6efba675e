import { confirm, isCancel } from '@clack/prompts';
import pc from 'picocolors';
import { describeError, OrmAiError } from '../errors.js';
import type { LlmUsage } from '../llm/chat-planner.js';
import { resolveModelName } from '../llm/llm-settings.js';
import { DEFAULT_MODEL_PRICES, loadModelPrices, type ModelPrices } from '../llm/model-prices.js';
import { generateMigration, type GenerateOptions, type GenerateOutcome } from '../pipeline/generate.js';
import { jsonReportOf, jsonReportOfError, jsonReportOfWriteFailure } from '../report/json-report.js';
import { renderError, renderOutcome, renderUsage } from '../report/text-report.js';
import { productionRowsFrom } from '../safety/production-rows.js';
import { writeFilesAtomically } from '../write-files.js';
import { plainProgress, type StageProgress } from './stage-progress.js';

/** Where a command reads and writes; tests pass their own. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isInteractive: boolean;
  /** Asks the person to accept the change; absent means the built-in terminal prompt. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Shows the stages as they start; absent means plain `… stage` lines on stderr. */
  readonly progress?: StageProgress;
}

export interface GenerateCommandOptions extends Omit<GenerateOptions, 'usage' | 'onStage' | 'productionRows'> {
  /** `--rows TABLE=N` flags and `--stats-url`, for duration estimates. */
  readonly rows: readonly string[];
  readonly statsUrl: string | undefined;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** `--verbose`: end with the time each stage took. */
  readonly verbose?: boolean;
}

/**
 * The shared body of every CLI's generate command: run the pipeline, show the change,
 * ask (or not: `--yes`, `--dry-run`, no terminal), write atomically, report. Returns the
 * exit code; never calls `process.exit`.
 */
export async function runGenerateCommand(options: GenerateCommandOptions, io: CommandIo): Promise<number> {
  const usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0 };
  let prices: ModelPrices = DEFAULT_MODEL_PRICES;
  let outcome: GenerateOutcome;
  const progress = options.json ? undefined : (io.progress ?? plainProgress((line) => io.stderr(pc.dim(line))));
  try {
    // Before the model is called: a broken price table must not cost a paid run its report.
    prices = await loadModelPrices({ env: options.env, cwd: options.cwd });
    outcome = await generateMigration({
      ...options,
      productionRows: await productionRowsFrom({ rows: options.rows, statsUrl: options.statsUrl }),
      usage,
      onStage: progress ? (stage) => progress.stage(STAGE_LABELS[stage]) : undefined,
    });
    progress?.done();
  } catch (caught) {
    progress?.done();
    const error = codedError(caught);
    // A failed run may still have paid for model calls: report them with the model they went to.
    const model = options.planFile ? null : resolveModelName({ env: options.env, model: options.model });
    if (options.json) io.stdout(JSON.stringify(jsonReportOfError({ error, usage, model, prices }), null, 2));
    else io.stderr(usage.calls > 0 ? `${renderError(error)}\n${renderUsage({ ...usage, model }, prices)}` : renderError(error));
    return 1;
  }
  if (!options.json) io.stdout(renderOutcome(outcome, options.cwd, prices));
  const decision = await decideWrite(options, io);
  if (decision.write) {
    try {
      await writeFilesAtomically(outcome.files);
    } catch (caught) {
      const error = codedError(caught);
      if (options.json) io.stdout(JSON.stringify(jsonReportOfWriteFailure({ outcome, root: options.cwd, error, prices }), null, 2));
      else io.stderr(renderError(error));
      return 1;
    }
  }
  if (options.json) io.stdout(JSON.stringify(jsonReportOf({ outcome, root: options.cwd, written: decision.write, prices }), null, 2));
  else io.stdout(decision.write ? pc.green(`Wrote ${outcome.files.length} file(s).`) : pc.yellow(decision.reason));
  if (options.verbose && !options.json) io.stderr(timeByStage(outcome.timings));
  return 0;
}

/** How many stack frames an `INTERNAL_ERROR` carries: enough to find the bug, short enough to read. */
const REPORTED_FRAMES = 5;

/**
 * What a command reports for anything thrown: an `OrmAiError` as it is, anything else (a bug,
 * since every expected failure is coded) as `INTERNAL_ERROR` with the original message and
 * the first stack frames in the hint, so the run still ends in a report and exit code 1.
 */
export function codedError(error: unknown): OrmAiError {
  if (error instanceof OrmAiError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const frames = stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, REPORTED_FRAMES);
  const trace = frames.length > 0 ? ` with the command you ran and this trace:\n  ${frames.join('\n  ')}` : ' with the command you ran';
  return new OrmAiError('INTERNAL_ERROR', `unexpected ${name}: ${describeError(error)}`, {
    hint: `This is a bug in orm-ai, not in your project: please report it${trace}`,
    cause: error,
  });
}

/** `--verbose`: each stage's wall time, the longest first, and what they add up to. */
function timeByStage(timings: GenerateOutcome['timings']): string {
  const stages = Object.entries(timings).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  const total = stages.reduce((sum, [, ms]) => sum + ms, 0);
  const width = Math.max(...stages.map(([stage]) => STAGE_LABELS[stage as keyof typeof STAGE_LABELS].length));
  const line = (label: string, ms: number) => `  ${label.padEnd(width)}  ${(ms / 1000).toFixed(1).padStart(6)}s`;
  return ['Time by stage (wall; the type check runs beside the later stages)', ...stages.map(([stage, ms]) => line(STAGE_LABELS[stage as keyof typeof STAGE_LABELS], ms)), line('total', total)].join('\n');
}

const STAGE_LABELS = {
  'read-schema': 'reading the schema from the ORM source',
  plan: 'planning the change',
  'apply-plan': 'editing the schema source',
  'orm-generate': 'generating the migration with the ORM\'s tool',
  shadow: 'proving the migration on the shadow database',
  safety: 'measuring locks and rewrites on the shadow database',
  rollback: 'proving the down migration and the data on the shadow database',
} as const;

async function decideWrite(options: GenerateCommandOptions, io: CommandIo): Promise<{ write: boolean; reason: string }> {
  if (options.dryRun) return { write: false, reason: 'Dry run: nothing was written.' };
  if (options.yes) return { write: true, reason: '' };
  if (!io.isInteractive) {
    return { write: false, reason: 'No terminal to confirm on and no --yes: ran as --dry-run, nothing was written. Pass --yes to write.' };
  }
  const accepted = io.confirm ? await io.confirm('Write these changes?') : await terminalConfirm('Write these changes?');
  return accepted ? { write: true, reason: '' } : { write: false, reason: 'Not accepted: nothing was written.' };
}

async function terminalConfirm(message: string): Promise<boolean> {
  const answer = await confirm({ message, initialValue: false });
  return !isCancel(answer) && answer === true;
}
