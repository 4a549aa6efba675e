import OpenAI from 'openai';
import { z } from 'zod';
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

/** How much of an answer that is not a completion its error quotes, after collapsing whitespace. */
export const QUOTED_BODY_CHARS = 200;

/**
 * Asks an OpenAI-compatible Chat Completions endpoint for change plans, with the plan's
 * JSON Schema as strict structured output. Retries and backoff on 429/5xx are the SDK's
 * (bounded by `maxRetries`, waiting out `Retry-After` up to `MAX_RETRY_AFTER_MS`); the
 * timeout covers the whole answer; a refusal or a failed request throws, and usage is counted.
 * An answer that is not a Chat Completions response (a web page, a proxy's error page, an
 * empty body) throws a coded error quoting its status, content type and the start of its body.
 */
export class ChatPlanner {
  readonly usage: LlmUsage;
  readonly #client: OpenAI;
  readonly #settings: LlmSettings;
  /** The HTTP answer of the last attempt, as read off the wire: what errors about it quote. */
  #lastAnswer: HttpAnswer | null = null;

  /** `usage` is updated in place on every call, so the caller can report it even after a failure. */
  constructor(settings: LlmSettings, usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0 }) {
    this.usage = usage;
    this.#settings = settings;
    this.#client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      fetch: wholeAnswerFetch((answer) => {
        this.#lastAnswer = answer;
      }),
    });
  }

  get model(): string {
    return this.#settings.model;
  }

  /** Sends the conversation and returns the model's plan document, parsed but not yet validated. */
  async proposePlan(messages: readonly ChatMessage[]): Promise<PlanAnswer> {
    const completion = await this.#complete(messages);
    // The schema requires one choice at least.
    const choice = completion.choices[0]!;
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

  async #complete(messages: readonly ChatMessage[]): Promise<UsableCompletion> {
    this.usage.calls += 1;
    let answer: unknown;
    try {
      answer = await this.#client.chat.completions.create({
        model: this.#settings.model,
        messages: messages.map((message) => ({ role: message.role, content: message.content })),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'change_plan', strict: true, schema: modelAnswerJsonSchema() },
        },
      });
    } catch (error) {
      throw requestFailed(error, this.#settings, this.#lastAnswer);
    }
    // Some compatible servers label their JSON text/plain, and the SDK hands such a body over as a string.
    if (typeof answer === 'string') answer = jsonOrText(answer);
    const tokens = tokenCountsSchema.safeParse(answer);
    if (tokens.success) {
      this.usage.promptTokens += tokens.data.usage.prompt_tokens;
      this.usage.completionTokens += tokens.data.usage.completion_tokens;
    }
    return usableCompletion(answer, { settings: this.#settings, httpAnswer: this.#lastAnswer });
  }
}

/** What the planner reads of a Chat Completions answer; anything else in it is ignored. */
const usableCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
      }),
    )
    .min(1, 'empty'),
});

type UsableCompletion = z.infer<typeof usableCompletionSchema>;

/** Token counts are for the report: a missing or odd count is 0, never a failed run. */
const tokenCountsSchema = z.object({
  usage: z.object({ prompt_tokens: z.number().nonnegative().catch(0), completion_tokens: z.number().nonnegative().catch(0) }),
});

/**
 * Checks the shape of what `create()` returned. The SDK returns the body as a string for a
 * non-JSON content type and `undefined` for an empty JSON body, so nothing is assumed. An
 * object with a `choices` array speaks the API, so its defects are the model's output
 * (`LLM_OUTPUT_INVALID`); anything else means OPENAI_BASE_URL is not the API (`LLM_REQUEST_FAILED`).
 */
function usableCompletion(answer: unknown, context: { settings: LlmSettings; httpAnswer: HttpAnswer | null }): UsableCompletion {
  const parsed = usableCompletionSchema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const { settings, httpAnswer } = context;
  const seen = httpAnswer ? describeHttpAnswer(httpAnswer, settings.apiKey) : `a ${answer === null ? 'null' : typeof answer}`;
  const speaksTheApi = typeof answer === 'object' && answer !== null && Array.isArray((answer as { choices?: unknown }).choices);
  if (!speaksTheApi) throw notTheApi(settings, `: ${seen}`);
  const issue = parsed.error.issues[0];
  const why = issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable';
  throw new OrmAiError('LLM_OUTPUT_INVALID', `the model "${settings.model}" at ${whereOf(settings)} answered a completion with no usable message (${why}): ${seen}`, {
    hint: `Try again or use another model; if it keeps happening, the server at OPENAI_BASE_URL is not fully OpenAI-compatible. Or use --plan FILE.`,
  });
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The answer came from something that is not the Chat Completions API; `detail` describes it. */
function notTheApi(settings: LlmSettings, detail: string, options: { retried?: boolean; cause?: unknown } = {}): OrmAiError {
  const retried = options.retried ? ` (after ${settings.maxRetries} retries)` : '';
  return new OrmAiError('LLM_REQUEST_FAILED', `the server at ${whereOf(settings)} did not answer with a Chat Completions response${retried}${detail}`, {
    hint: `Check OPENAI_BASE_URL: it must point at an OpenAI-compatible API (usually ending in /v1), not at a web page or a proxy's login page${options.retried ? ', and the server behind it must be up' : ''}. Or use --plan FILE.`,
    cause: options.cause,
  });
}

/** One HTTP answer as the server sent it; the SDK sees a copy. */
interface HttpAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: ArrayBuffer | null;
}

/**
 * `fetch` for the SDK that reads the whole body before returning. The SDK stops its timeout
 * once the headers arrive, so a server that sends headers and then stalls mid-body would
 * hang forever; read here, the body is covered by the same timeout and abort signal.
 * It also turns off the SDK's retry when the server asks to wait longer than we will, and
 * hands every answer to `record` (null while an attempt is under way), one planner's own.
 */
function wholeAnswerFetch(record: (answer: HttpAnswer | null) => void) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    record(null);
    const response = await fetch(input, init);
    const headers = new Headers(response.headers);
    const wait = requestedWaitMs(headers);
    // `x-should-retry` is the SDK's own override of its retry decision.
    if (!response.ok && wait !== null && wait > MAX_RETRY_AFTER_MS) headers.set('x-should-retry', 'false');
    const bodyless = [101, 204, 205, 304].includes(response.status);
    const body = bodyless ? null : await response.arrayBuffer();
    record({ status: response.status, contentType: headers.get('content-type'), body });
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * `HTTP 200, content type text/html, body "<!DOCTYPE html> <html>…"`: the body's start with
 * whitespace collapsed, control characters escaped (a hostile page must not drive the
 * terminal), and the API key blanked out should the page echo it.
 */
function describeHttpAnswer(answer: HttpAnswer, apiKey: string): string {
  const type = answer.contentType ? `content type ${answer.contentType}` : 'no content type';
  let text = new TextDecoder().decode(answer.body ?? new ArrayBuffer(0)).replace(/\s+/g, ' ').trim();
  if (apiKey) text = text.replaceAll(apiKey, '[API key]');
  const chars = Array.from(text);
  const quoted = chars
    .slice(0, QUOTED_BODY_CHARS)
    .join('')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const body = chars.length === 0 ? 'empty body' : `body "${quoted}${chars.length > QUOTED_BODY_CHARS ? '…' : ''}"`;
  return `HTTP ${answer.status}, ${type}, ${body}`;
}

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

function whereOf(settings: LlmSettings): string {
  return settings.baseURL ?? 'the OpenAI API';
}

/** Whether a body is JSON, as the SDK decides when it reads an error body. */
function isJsonBody(body: ArrayBuffer | null): boolean {
  try {
    JSON.parse(new TextDecoder().decode(body ?? new ArrayBuffer(0)));
    return true;
  } catch {
    return false;
  }
}

function requestFailed(error: unknown, settings: LlmSettings, httpAnswer: HttpAnswer | null): OrmAiError {
  const where = whereOf(settings);
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
  // A failure status with a body that is not the API's JSON error: a proxy's or a web server's page.
  if (error instanceof OpenAI.APIError && error.status !== undefined && httpAnswer && !isJsonBody(httpAnswer.body)) {
    const retried = settings.maxRetries > 0 && (error.status >= 500 || [408, 409, 429].includes(error.status));
    return notTheApi(settings, `: ${describeHttpAnswer(httpAnswer, settings.apiKey)}`, { retried, cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status === undefined ? 'no status' : `HTTP ${error.status}`;
    return new OrmAiError('LLM_REQUEST_FAILED', `the model request to ${where} failed (${status}): ${error.message}`, {
      hint: error.status === 401 ? 'Check OPENAI_API_KEY.' : 'Retries were exhausted; try again later, or use --plan FILE.',
      cause: error,
    });
  }
  // A success status whose JSON body the SDK could not parse (empty, or not JSON at all): the body says more than the SyntaxError.
  if (httpAnswer && httpAnswer.status >= 200 && httpAnswer.status < 300) {
    return notTheApi(settings, `: ${describeHttpAnswer(httpAnswer, settings.apiKey)}`, { cause: error });
  }
  return new OrmAiError('LLM_REQUEST_FAILED', `the model request to ${where} failed: ${describeError(error)}`, { cause: error });
}
