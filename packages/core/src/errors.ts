/**
 * Operational failures: one error class with a stable `code`, a message naming the bad
 * value and the rule it broke, a `hint` saying what to do, and the `cause`. Findings and
 * plan-validation problems are not errors: they come back as data.
 *
 * These are every code an `OrmAiError` can carry; the reports' JSON Schemas list them from here.
 */
export const ORM_AI_ERROR_CODES = [
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'DIALECT_UNSUPPORTED',
  'SCHEMA_READ_FAILED',
  'UNSUPPORTED_ORM_VERSION',
  'NO_MIGRATIONS',
  'PLAN_FILE_INVALID',
  'PLAN_REJECTED',
  'PLAN_APPLY_FAILED',
  'SOURCE_TYPECHECK_FAILED',
  'LLM_NOT_CONFIGURED',
  'LLM_REQUEST_FAILED',
  'LLM_REFUSED',
  'LLM_OUTPUT_INVALID',
  'MIGRATION_GENERATE_FAILED',
  'MIGRATION_AMBIGUOUS',
  'SCHEMA_OUT_OF_SYNC',
  'SHADOW_UNAVAILABLE',
  'SHADOW_REJECTED_MIGRATION',
  'SHADOW_URL_INVALID',
  'SHADOW_NOT_CONFINED',
  'SHADOW_EXTENSION_UNAVAILABLE',
  'MIGRATION_UNSAFE',
  'SAFE_FORM_DIFFERS',
  'DATA_LOSS_NOT_ALLOWED',
  'MIGRATION_LOSES_DATA',
  'MIGRATION_IRREVERSIBLE',
  'STATS_UNAVAILABLE',
  'PG_VERSION_UNSUPPORTED',
  'WRITE_FAILED',
  'USAGE',
  'INTERRUPTED',
  'INTERNAL_ERROR',
] as const;

export type OrmAiErrorCode = (typeof ORM_AI_ERROR_CODES)[number];

export interface OrmAiErrorOptions {
  readonly hint?: string;
  readonly cause?: unknown;
  /** The message as a model may read it, when it differs: counts for values, database text redacted (see llm/model-facing.ts). */
  readonly forModel?: string;
}

export class OrmAiError extends Error {
  override readonly name = 'OrmAiError';
  readonly code: OrmAiErrorCode;
  readonly hint: string | undefined;
  /** What a repair prompt or an MCP answer may carry instead of `message`; undefined when `message` may go (redacted) as it is. */
  readonly forModel: string | undefined;

  constructor(code: OrmAiErrorCode, message: string, options: OrmAiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.forModel = options.forModel;
  }
}

/** The message of anything thrown, for wrapping causes into a sentence. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
