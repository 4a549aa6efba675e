import { OrmAiError } from '../errors.js';

export const DEFAULT_MODEL = 'gpt-4.1-mini';
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries of one call on 408/409/429/5xx and connection errors, with the SDK's backoff (honours Retry-After). */
export const DEFAULT_MAX_RETRIES = 2;

export interface LlmSettings {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly model: string;
  /** How long one HTTP request may take, from sending it to the last byte of the answer. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

export interface ResolveLlmSettingsOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--model`, which wins over `OPENAI_MODEL`. */
  readonly model?: string | undefined;
  /** Wins over `OPENAI_TIMEOUT_MS`. */
  readonly timeoutMs?: number | undefined;
  /** Wins over `OPENAI_MAX_RETRIES`. */
  readonly maxRetries?: number | undefined;
}

/**
 * Reads the model settings from the environment:
 *
 * - `OPENAI_API_KEY`, `OPENAI_BASE_URL`: a base URL alone is enough (local servers such as
 *   Ollama or vLLM take no key); neither is an error saying what to do.
 * - `OPENAI_MODEL`: the model name, unless `--model` is given (default {@link DEFAULT_MODEL}).
 * - `OPENAI_TIMEOUT_MS`: milliseconds one request may take, headers and body (default
 *   {@link DEFAULT_TIMEOUT_MS}). A slow local model may need more; tests use less.
 * - `OPENAI_MAX_RETRIES`: retries of a request that timed out or got 408/409/429/5xx, with
 *   backoff (default {@link DEFAULT_MAX_RETRIES}; 0 turns retries off).
 */
export function resolveLlmSettings(options: ResolveLlmSettingsOptions): LlmSettings {
  const { env } = options;
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  if (!apiKey && !baseURL) {
    throw new OrmAiError('LLM_NOT_CONFIGURED', 'no model is configured: OPENAI_API_KEY and OPENAI_BASE_URL are both unset', {
      hint: 'Set OPENAI_API_KEY (and OPENAI_BASE_URL for any OpenAI-compatible server such as Ollama, vLLM or Azure), or pass --plan FILE to run a written plan without a model.',
    });
  }
  return {
    // Local OpenAI-compatible servers ignore the key, but the SDK requires one.
    apiKey: apiKey ?? 'no-key',
    baseURL,
    model: resolveModelName(options),
    timeoutMs: options.timeoutMs ?? wholeNumberFromEnv(env, 'OPENAI_TIMEOUT_MS', { min: 1 }) ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? wholeNumberFromEnv(env, 'OPENAI_MAX_RETRIES', { min: 0 }) ?? DEFAULT_MAX_RETRIES,
  };
}

/** The model a run asks: `--model`, else `OPENAI_MODEL`, else the default. Reports name it even when the run failed. */
export function resolveModelName(options: Pick<ResolveLlmSettingsOptions, 'env' | 'model'>): string {
  return options.model?.trim() || options.env.OPENAI_MODEL?.trim() || DEFAULT_MODEL;
}

function wholeNumberFromEnv(env: ResolveLlmSettingsOptions['env'], name: string, bounds: { min: number }): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < bounds.min) {
    throw new OrmAiError('CONFIG_INVALID', `${name} is "${text}", not a whole number of at least ${bounds.min}`, {
      hint: `Set ${name} to a whole number such as ${name === 'OPENAI_TIMEOUT_MS' ? '120000' : '2'}, or unset it for the default.`,
    });
  }
  return value;
}
