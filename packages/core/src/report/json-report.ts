import type { OrmAiError } from '../errors.js';
import type { LlmUsage } from '../llm/chat-planner.js';
import { DEFAULT_MODEL_PRICES, estimateCost, type ModelPrices } from '../llm/model-prices.js';
import { GENERATE_STAGES, type GenerateOutcome, type GenerateStage } from '../pipeline/generate.js';
import { pathFromRoot } from '../project-path.js';
import { reportedError } from './analysis-report-schema.js';
import type { GenerateFailedReport, GenerateSucceededReport, ReportedUsage } from './generate-report-schema.js';
import { analysisReport } from './safety-report.js';

export type { GenerateFailedReport, GenerateSucceededReport, JsonReport, ReportedUsage } from './generate-report-schema.js';

/**
 * The report of a run that proved its migration. `root` is the folder the run started in:
 * `files` are relative to it, as the text report shows them. `prices` defaults to the
 * built-in table; the CLI passes the one `ORM_AI_PRICES` adjusts.
 */
export function jsonReportOf(options: { outcome: GenerateOutcome; root: string; written: boolean; prices?: ModelPrices | undefined }): GenerateSucceededReport {
  const { outcome } = options;
  return {
    ok: true,
    plan: outcome.plan,
    files: outcome.files.map((file) => pathFromRoot(options.root, file.path)),
    written: options.written,
    migration: outcome.migrationId,
    upSql: outcome.upStatements.join('\n'),
    downSql: outcome.downStatements.join('\n'),
    reversible: outcome.rollback.reversible,
    irreversibleReason: outcome.rollback.reason,
    rollback: outcome.rollback,
    findings: outcome.findings,
    analysis: analysisReport(outcome.analysis),
    safe: outcome.safe ?? null,
    shadow: outcome.shadow,
    usage: reportedUsage(outcome.usage, options.prices),
    timingsMs: Object.fromEntries(GENERATE_STAGES.map((stage) => [stage, Math.round(outcome.timings[stage])])) as Record<GenerateStage, number>,
    error: null,
  };
}

/** The report of a run that failed before its migration was proven: no files or findings, every other outcome field null. */
export function jsonReportOfError(options: { error: OrmAiError; usage: LlmUsage; model: string | null; prices?: ModelPrices | undefined }): GenerateFailedReport {
  return {
    ok: false,
    plan: null,
    files: [],
    written: false,
    migration: null,
    upSql: null,
    downSql: null,
    reversible: null,
    irreversibleReason: null,
    rollback: null,
    findings: [],
    analysis: null,
    safe: null,
    shadow: null,
    usage: reportedUsage({ ...options.usage, model: options.model }, options.prices),
    timingsMs: null,
    error: reportedError(options.error),
  };
}

/** The report of a run whose migration was proven but whose files could not be written. */
export function jsonReportOfWriteFailure(options: { outcome: GenerateOutcome; root: string; error: OrmAiError; prices?: ModelPrices | undefined }): GenerateFailedReport {
  return { ...jsonReportOf({ ...options, written: false }), ok: false, written: false, error: reportedError(options.error) };
}

/** A run's usage with its estimated cost; the text report's usage line shows the same numbers. */
export function reportedUsage(usage: LlmUsage & { model: string | null }, prices: ModelPrices = DEFAULT_MODEL_PRICES): ReportedUsage {
  const { calls, promptTokens, completionTokens, model } = usage;
  return { calls, promptTokens, completionTokens, model, ...estimateCost({ usage, model, prices }) };
}
