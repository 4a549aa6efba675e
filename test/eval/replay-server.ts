import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBody, sendJson } from '../support/chat-completions-server.js';

/**
 * Serves recorded model answers over OpenAI's Chat Completions API, or (recording mode)
 * proxies to a real model and saves its answers.
 *
 * A case's answers are found by a key in the URL: the runner gives the CLI
 * `OPENAI_BASE_URL=http://127.0.0.1:PORT/eval/<key>/v1`, where `<key>` is
 * `recordingKey(orm, request)`. The n-th request on that key gets the n-th recorded answer.
 */
export const RECORDINGS_DIR = fileURLToPath(new URL('./recordings/', import.meta.url));

export const SEED_SOURCE = 'hand-written seed, replace by recording against a real model';

export interface RecordedAnswer {
  /** The raw assistant message content, exactly as the model sent it. */
  readonly content: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface Recording {
  /** `SEED_SOURCE` for hand-written answers; `recorded from <model> at <date>` for real ones. */
  readonly source: string;
  readonly key: string;
  readonly orm: string;
  readonly request: string;
  readonly model: string;
  readonly answers: RecordedAnswer[];
}

/** sha256 of `<orm>\n<request>`, first 16 hex digits: the recording's file name. */
export function recordingKey(orm: string, request: string): string {
  return createHash('sha256').update(`${orm}\n${request}`).digest('hex').slice(0, 16);
}

export function recordingPath(key: string): string {
  return join(RECORDINGS_DIR, `${key}.json`);
}

export function readRecording(key: string): Recording | null {
  const path = recordingPath(key);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Recording) : null;
}

export interface ReplayServer {
  /** The base URL for one case's key. */
  baseUrlFor(key: string): string;
  /** Calls served (or proxied) per key. */
  callsFor(key: string): number;
  close(): Promise<void>;
}

export type ReplayMode =
  | { kind: 'replay' }
  /** Proxy to `upstreamBaseUrl` (ends in `/v1`) and (unless `save` is false) write every answer to the recordings; `describe` names the case for the file. */
  | { kind: 'record'; upstreamBaseUrl: string; apiKey: string | undefined; describe: (key: string) => { orm: string; request: string }; save?: boolean };

export async function startReplayServer(mode: ReplayMode = { kind: 'replay' }): Promise<ReplayServer> {
  const calls = new Map<string, number>();
  const recorded = new Map<string, RecordedAnswer[]>();
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: { message: String(error), type: 'server_error' } }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const match = /^\/eval\/([0-9a-f]+)\/v1\/chat\/completions$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      sendJson(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error' } });
      return;
    }
    const key = match[1]!;
    const index = calls.get(key) ?? 0;
    calls.set(key, index + 1);
    const parsed = JSON.parse(body) as { model: string; messages: Array<{ role: string; content: string }> };
    if (mode.kind === 'record') {
      await proxy(key, body, response);
      return;
    }
    const answer = readRecording(key)?.answers[index];
    if (!answer) {
      // 400, not 500: the client must not retry, and the last message says why the pipeline asked again.
      const last = parsed.messages.at(-1)?.content.slice(0, 1500) ?? '';
      sendJson(response, 400, { error: { message: `no recorded answer ${index + 1} for key ${key} (${recordingPath(key)}); the last message was:\n${last}`, type: 'invalid_request_error' } });
      return;
    }
    sendJson(response, 200, completion(parsed.model, answer));
  }

  async function proxy(key: string, body: string, response: ServerResponse): Promise<void> {
    if (mode.kind !== 'record') return;
    const upstream = await fetch(`${mode.upstreamBaseUrl.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(mode.apiKey ? { authorization: `Bearer ${mode.apiKey}` } : {}) },
      body,
    });
    const text = await upstream.text();
    response.writeHead(upstream.status, { 'content-type': 'application/json' });
    response.end(text);
    if (!upstream.ok || mode.save === false) return;
    const answer = JSON.parse(text) as { model?: string; choices: Array<{ message: { content: string | null } }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
    const answers = recorded.get(key) ?? [];
    answers.push({
      content: answer.choices[0]?.message.content ?? '',
      promptTokens: answer.usage?.prompt_tokens ?? 0,
      completionTokens: answer.usage?.completion_tokens ?? 0,
    });
    recorded.set(key, answers);
    const { orm, request } = mode.describe(key);
    const model = answer.model ?? (JSON.parse(body) as { model: string }).model;
    const recording: Recording = { source: `recorded from ${model} at ${new Date().toISOString()}`, key, orm, request, model, answers };
    mkdirSync(RECORDINGS_DIR, { recursive: true });
    writeFileSync(recordingPath(key), `${JSON.stringify(recording, null, 2)}\n`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrlFor: (key) => `http://127.0.0.1:${port}/eval/${key}/v1`,
    callsFor: (key) => calls.get(key) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function completion(model: string, answer: RecordedAnswer) {
  return {
    id: `chatcmpl-replay-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: answer.content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: answer.promptTokens, completion_tokens: answer.completionTokens, total_tokens: answer.promptTokens + answer.completionTokens },
  };
}
