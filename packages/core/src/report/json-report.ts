import type { ChangePlan } from '../change-plan.js';
import type { Finding } from '../finding.js';
import type { OrmAiError } from '../errors.js';
import type { LlmUsage } from '../llm/chat-planner.js';
import { DEFAULT_MODEL_PRICES, estimateCost, type CostEstimate, type ModelPrices } from '../llm/model-prices.js';
import type { GenerateOutcome } from '../pipeline/generate.js';
import type { MigrationAnalysis } from '../safety/analyze-migration.js';
import type { RoundTripProof } from '../rollback/prove-round-trip.js';

/**
 * Model calls and tokens, and their estimated cost in USD: `costUsd` is null, and
 * `costUnknownReason` says why, when the price table has no price for the model.
 */
export type ReportedUsage = LlmUsage & { readonly model: string | null } & CostEstimate;

/** The one object `--json` prints, the same for every ORM's CLI. */
export interface JsonReport {
  readonly ok: boolean;
  readonly plan: ChangePlan | null;
  /** Paths written, or that would be written on a dry run. */
  readonly files: string[];
  readonly written: boolean;
  readonly migration: string | null;
  readonly upSql: string | null;
  /** The down migration, in the order it runs. */
  readonly downSql: string | null;
  /** Whether down, proved on the shadow, restored the schema and every value up kept. */
  readonly reversible: boolean | null;
  /** Why not, when `reversible` is false. */
  readonly irreversibleReason: string | null;
  /** The round trip's evidence: catalog differences after down, data lost by up, data down did not bring back. */
  readonly rollback: RoundTripProof | null;
  readonly findings: Finding[];
  /** The safety analysis, statement by statement (the shape of `check --json`'s files). */
  readonly analysis: MigrationAnalysis | null;
  readonly shadow: string | null;
  readonly usage: ReportedUsage;
  readonly timingsMs: Record<string, number> | null;
  readonly error: { code: string; message: string; hint: string | null } | null;
}

/** `prices` defaults to the built-in table; the CLI passes the one `ORM_AI_PRICES` adjusts. */
export function jsonReportOf(options: { outcome: GenerateOutcome; written: boolean; prices?: ModelPrices | undefined }): JsonReport {
  const { outcome } = options;
  return {
    ok: true,
    plan: outcome.plan,
    files: outcome.files.map((file) => file.path),
    written: options.written,
    migration: outcome.migrationId,
    upSql: outcome.upStatements.join('\n'),
    downSql: outcome.downStatements.join('\n'),
    reversible: outcome.rollback.reversible,
    irreversibleReason: outcome.rollback.reason,
    rollback: outcome.rollback,
    findings: [...outcome.findings],
    analysis: outcome.analysis,
    shadow: outcome.shadow,
    usage: reportedUsage(outcome.usage, options.prices),
    timingsMs: Object.fromEntries(Object.entries(outcome.timings).map(([stage, ms]) => [stage, Math.round(ms)])),
    error: null,
  };
}

export function jsonReportOfError(options: { error: OrmAiError; usage: LlmUsage; model: string | null; prices?: ModelPrices | undefined }): JsonReport {
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
    shadow: null,
    usage: reportedUsage({ ...options.usage, model: options.model }, options.prices),
    timingsMs: null,
    error: { code: options.error.code, message: options.error.message, hint: options.error.hint ?? null },
  };
}

/** A run's usage with its estimated cost; the text report's usage line shows the same numbers. */
export function reportedUsage(usage: LlmUsage & { model: string | null }, prices: ModelPrices = DEFAULT_MODEL_PRICES): ReportedUsage {
  const { calls, promptTokens, completionTokens, model } = usage;
  return { calls, promptTokens, completionTokens, model, ...estimateCost({ usage, model, prices }) };
}
