import { OrmAiError } from '../errors.js';

export const DEFAULT_MODEL = 'gpt-4.1-mini';
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Retries of one call on 408/409/429/5xx and connection errors, with the SDK's backoff (honours Retry-After). */
export const DEFAULT_MAX_RETRIES = 2;

export interface LlmSettings {
  readonly apiKey: string;
  readonly baseURL: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

export interface ResolveLlmSettingsOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--model`, which wins over `OPENAI_MODEL`. */
  readonly model?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxRetries?: number | undefined;
}

/**
 * Reads `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `OPENAI_MODEL`. A base URL alone is enough
 * (local servers such as Ollama or vLLM take no key); neither is an error saying what to do.
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
    model: options.model?.trim() || env.OPENAI_MODEL?.trim() || DEFAULT_MODEL,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
  };
}
