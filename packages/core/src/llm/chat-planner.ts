import OpenAI from 'openai';
import { describeError, OrmAiError } from '../errors.js';
import { modelAnswerJsonSchema } from '../plan-json-schema.js';
import type { LlmSettings } from './llm-settings.js';
import type { ChatMessage } from './plan-prompt.js';

/** What the model cost this run; the report carries it. */
export interface LlmUsage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * One model answer: the parsed JSON document, or why it is unusable in a way the model
 * can be asked to correct (not JSON, cut off). `raw` goes back into the conversation.
 */
export type PlanAnswer = { ok: true; document: unknown; raw: string } | { ok: false; problem: string; raw: string };

/**
 * The longest `Retry-After` a run waits out. The SDK honours any value, so a server asking
 * for an hour would hang the CLI silently; past this the call fails and says so.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Asks an OpenAI-compatible Chat Completions endpoint for change plans, with the plan's
 * JSON Schema as strict structured output. Retries and backoff on 429/5xx are the SDK's
 * (bounded by `maxRetries`, waiting out `Retry-After` up to `MAX_RETRY_AFTER_MS`); the
 * timeout covers the whole answer; a refusal or a failed request throws, and usage is counted.
 */
export class ChatPlanner {
  readonly usage: LlmUsage;
  readonly #client: OpenAI;
  readonly #settings: LlmSettings;

  /** `usage` is updated in place on every call, so the caller can report it even after a failure. */
  constructor(settings: LlmSettings, usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0 }) {
    this.usage = usage;
    this.#settings = settings;
    this.#client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      fetch: wholeAnswerFetch,
    });
  }

  get model(): string {
    return this.#settings.model;
  }

  /** Sends the conversation and returns the model's plan document, parsed but not yet validated. */
  async proposePlan(messages: readonly ChatMessage[]): Promise<PlanAnswer> {
    const completion = await this.#complete(messages);
    const choice = completion.choices[0];
    if (!choice) throw new OrmAiError('LLM_OUTPUT_INVALID', `the model "${this.model}" answered with no choices`, { hint: 'Try again or use another model.' });
    if (choice.message.refusal) {
      throw new OrmAiError('LLM_REFUSED', `the model refused to plan this change: ${choice.message.refusal}`, {
        hint: 'Rephrase the request, or write the plan yourself and pass it with --plan FILE.',
      });
    }
    const raw = choice.message.content ?? '';
    if (choice.finish_reason === 'length') {
      return { ok: false, raw, problem: 'the answer was cut off at the token limit (finish_reason "length"): answer with a shorter plan' };
    }
    try {
      return { ok: true, document: JSON.parse(raw), raw };
    } catch (error) {
      return { ok: false, raw, problem: `the answer is not valid JSON (${describeError(error)}): answer with the plan's JSON only` };
    }
  }

  async #complete(messages: readonly ChatMessage[]): Promise<OpenAI.Chat.Completions.ChatCompletion> {
    this.usage.calls += 1;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create({
        model: this.#settings.model,
        messages: messages.map((message) => ({ role: message.role, content: message.content })),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'change_plan', strict: true, schema: modelAnswerJsonSchema() },
        },
      });
    } catch (error) {
      throw requestFailed(error, this.#settings);
    }
    this.usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    this.usage.completionTokens += completion.usage?.completion_tokens ?? 0;
    return completion;
  }
}

/**
 * `fetch` for the SDK that reads the whole body before returning. The SDK stops its timeout
 * once the headers arrive, so a server that sends headers and then stalls mid-body would
 * hang forever; read here, the body is covered by the same timeout and abort signal.
 * It also turns off the SDK's retry when the server asks to wait longer than we will.
 */
const wholeAnswerFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  const wait = requestedWaitMs(headers);
  // `x-should-retry` is the SDK's own override of its retry decision.
  if (!response.ok && wait !== null && wait > MAX_RETRY_AFTER_MS) headers.set('x-should-retry', 'false');
  const bodyless = [101, 204, 205, 304].includes(response.status);
  const body = bodyless ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
};

/** The wait a response asks for before a retry, read as the SDK reads it: `retry-after-ms`, then `Retry-After` (seconds or a date). */
function requestedWaitMs(headers: Headers): number | null {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(milliseconds)) return milliseconds;
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return null;
  const seconds = Number.parseFloat(retryAfter);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : date - Date.now();
}

function requestFailed(error: unknown, settings: LlmSettings): OrmAiError {
  const where = settings.baseURL ?? 'the OpenAI API';
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new OrmAiError('LLM_REQUEST_FAILED', `the model at ${where} did not answer within ${settings.timeoutMs} ms (after ${settings.maxRetries} retries)`, {
      hint: 'Check OPENAI_BASE_URL and that the server is up, or use --plan FILE.',
      cause: error,
    });
  }
  const wait = error instanceof OpenAI.APIError && error.headers ? requestedWaitMs(error.headers) : null;
  if (error instanceof OpenAI.APIError && wait !== null && wait > MAX_RETRY_AFTER_MS) {
    return new OrmAiError(
      'LLM_REQUEST_FAILED',
      `the model at ${where} answered HTTP ${error.status ?? '(no status)'} and asked to wait ${Math.round(wait / 1000)} s before retrying, longer than the ${MAX_RETRY_AFTER_MS / 1000} s a run waits`,
      { hint: 'The provider is rate-limiting or down: try again later, check your quota, or use --plan FILE.', cause: error },
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status === undefined ? 'no status' : `HTTP ${error.status}`;
    return new OrmAiError('LLM_REQUEST_FAILED', `the model request to ${where} failed (${status}): ${error.message}`, {
      hint: error.status === 401 ? 'Check OPENAI_API_KEY.' : 'Retries were exhausted; try again later, or use --plan FILE.',
      cause: error,
    });
  }
  return new OrmAiError('LLM_REQUEST_FAILED', `the model request to ${where} failed: ${describeError(error)}`, { cause: error });
}
