import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback that speaks OpenAI's Chat Completions API and answers from
 * a script, so tests run the real `openai` client (its retries, timeouts and parsing)
 * against realistic good and bad answers. Every request it receives is recorded.
 */
export type ScriptedReply =
  /** A normal completion whose assistant content is `content` (a plan: pass JSON.stringify(plan)). */
  | { kind: 'content'; content: string; finishReason?: 'stop' | 'length'; promptTokens?: number; completionTokens?: number }
  /** The model declines: `message.refusal` set, no content. */
  | { kind: 'refusal'; refusal: string }
  /** An HTTP error such as 429 or 500, with an OpenAI-style error body. */
  | { kind: 'http-error'; status: number; message: string; headers?: Record<string, string> }
  /** Accepts the request and never answers (the client's timeout must fire). */
  | { kind: 'hang' }
  /** Sends the status line, the headers and the start of the body, then goes silent: a proxy or server that stalls mid-answer. */
  | { kind: 'stall' }
  /**
   * Any answer at all, sent as given: a web page, a proxy's error page, an empty body. No
   * content type is sent when `contentType` is null; `headers` may add `content-length: 0`.
   */
  | { kind: 'raw'; status: number; contentType: string | null; body: string | Uint8Array; headers?: Record<string, string> };

export interface RecordedRequest {
  readonly path: string;
  /** `Date.now()` when the request had arrived in full: the gaps show how long the client waited between retries. */
  readonly receivedAt: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; strict: boolean; schema: unknown } };
  };
}

export interface ChatCompletionsServer {
  /** The base URL to give the client (`OPENAI_BASE_URL`), ending in `/v1`. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Replies not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

export async function startChatCompletionsServer(script: readonly ScriptedReply[], options: { pathPrefix?: string } = {}): Promise<ChatCompletionsServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const prefix = options.pathPrefix ?? '/v1';
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method !== 'POST' || request.url !== `${prefix}/chat/completions`) {
      sendJson(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error' } });
      return;
    }
    requests.push({ path: request.url, receivedAt: Date.now(), headers: request.headers, body: JSON.parse(body) as RecordedRequest['body'] });
    const reply = queue.shift();
    if (!reply) {
      sendJson(response, 500, { error: { message: 'the test script has no more replies', type: 'server_error' } });
      return;
    }
    respond(response, reply, requests.at(-1)!.body.model);
  }

  function respond(response: ServerResponse, reply: ScriptedReply, model: string): void {
    switch (reply.kind) {
      case 'hang':
        hanging.add(response);
        return;
      case 'stall':
        hanging.add(response);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"id":"chatcmpl-stalled","object":"chat.completion","choices":[');
        return;
      case 'raw':
        response.writeHead(reply.status, { ...(reply.contentType === null ? {} : { 'content-type': reply.contentType }), ...reply.headers });
        response.end(reply.body);
        return;
      case 'http-error':
        sendJson(response, reply.status, { error: { message: reply.message, type: 'server_error' } }, reply.headers);
        return;
      case 'refusal':
        sendJson(response, 200, completion(model, { role: 'assistant', content: null, refusal: reply.refusal }, 'stop', 50, 10));
        return;
      case 'content':
        sendJson(
          response,
          200,
          completion(model, { role: 'assistant', content: reply.content, refusal: null }, reply.finishReason ?? 'stop', reply.promptTokens ?? 1200, reply.completionTokens ?? 300),
        );
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${prefix}`,
    requests,
    remaining: () => queue.length,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function completion(model: string, message: Record<string, unknown>, finishReason: string, promptTokens: number, completionTokens: number) {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Shared with the eval's replay server. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
