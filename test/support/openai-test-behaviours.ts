import type { ServerResponse } from 'node:http';
import { sampleAnswer } from './llm-fixtures';
import type { Behaviour, ChatRequestBody, Exchange } from './openai-test-server';

/** Token usage as the OpenAI API reports it. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Options of a successful completion. */
export interface CompletionOptions {
  /** The assistant message; default: a valid answer for the request's `json_schema.name` (`{}` otherwise). */
  content?: string;
  /** Default: estimated from the request's messages and `content` (4 characters a token). */
  usage?: WireUsage;
  /** Delay before the response headers, in ms. */
  delayMs?: number;
  /** Streamed responses: delay between two SSE frames, in ms. */
  chunkDelayMs?: number;
  /** Streamed responses: how many deltas the content is split into (default 4). */
  deltas?: number;
  /** Why the model stopped (default `stop`): `length` (truncated), `content_filter` (Azure's filter). */
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** A refusal instead of an answer (the message's `refusal`; the content is then null). */
  refusal?: string;
  /** Azure's per-category filter results on the choice, e.g. `{ violence: { filtered: true, severity: 'high' } }`. */
  contentFilterResults?: Record<string, { filtered: boolean; severity: string }>;
}

const estimate = (text: string) => Math.ceil(text.length / 4);

function defaultContent(body: ChatRequestBody | undefined): string {
  const answer = sampleAnswer(body?.response_format?.json_schema?.name);
  return JSON.stringify(answer ?? {});
}

function defaultUsage(body: ChatRequestBody | undefined, content: string): WireUsage {
  const prompt = estimate((body?.messages ?? []).map((m) => m.content).join('\n'));
  const completion = estimate(content);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The SSE frames (`chat.completion.chunk` objects) of a streamed answer. */
function streamFrames(id: string, model: string, content: string, usage: WireUsage, deltas: number, withUsage: boolean, options: CompletionOptions): object[] {
  const created = Math.floor(Date.now() / 1000);
  const frame = (choices: object[], extra: object = {}) => ({ id, object: 'chat.completion.chunk', created, model, choices, ...extra });
  const pieces = options.refusal !== undefined ? split(options.refusal, deltas).map((piece) => ({ refusal: piece })) : split(content, deltas).map((piece) => ({ content: piece }));
  const filter = options.contentFilterResults ? { content_filter_results: options.contentFilterResults } : {};
  return [
    frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ...pieces.map((delta) => frame([{ index: 0, delta, finish_reason: null }])),
    frame([{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop', ...filter }]),
    ...(withUsage ? [frame([], { usage })] : []),
  ];
}

async function answer(exchange: Exchange, options: CompletionOptions): Promise<void> {
  const { request, res } = exchange;
  if (!(await exchange.wait(options.delayMs ?? 0))) return;
  // The models list (`GET /v1/models`): the probe of a client's circuit breaker.
  if (request.method === 'GET') {
    sendJson(res, 200, { object: 'list', data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'test' }] });
    return;
  }
  const body = request.body;
  const content = options.content ?? defaultContent(body);
  const usage = options.usage ?? defaultUsage(body, content);
  const model = body?.model ?? 'test-model';
  const id = `chatcmpl-test-${Date.now()}`;
  if (!body?.stream) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: options.refusal !== undefined ? null : content, refusal: options.refusal ?? null },
          logprobs: null,
          finish_reason: options.finishReason ?? 'stop',
          ...(options.contentFilterResults ? { content_filter_results: options.contentFilterResults } : {}),
        },
      ],
      usage,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const frames = streamFrames(id, model, content, usage, options.deltas ?? 4, body.stream_options?.include_usage === true, options);
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && !(await exchange.wait(options.chunkDelayMs ?? 0))) return;
    res.write(`data: ${JSON.stringify(frame)}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

/** Builders of the behaviours an `OpenAiTestServer` can answer with. */
export const reply = {
  /** A successful completion, JSON or SSE as the request's `stream` flag asks. */
  completion(options: CompletionOptions = {}): Behaviour {
    return (exchange) => answer(exchange, options);
  },

  /** A successful completion whose message content is not parseable JSON. */
  malformedContent(options: Omit<CompletionOptions, 'content'> & { content?: string } = {}): Behaviour {
    return reply.completion({ ...options, content: options.content ?? '{"headlines": ["Stay cool", ' });
  },

  /**
   * An error status with an OpenAI error body. `retryAfterMs` (default 0) is sent as the
   * `retry-after-ms` header, which the SDK uses as its backoff instead of ~0.5 s+. `message`
   * replaces the error's text (`echoAuthorization`: with the request's `Authorization` header in
   * it, as some gateways answer a 401).
   */
  status(status: number, options: { retryAfterMs?: number | null; delayMs?: number; message?: string; echoAuthorization?: boolean } = {}): Behaviour {
    return async (exchange) => {
      if (!(await exchange.wait(options.delayMs ?? 0))) return;
      const retryAfterMs = options.retryAfterMs === undefined ? 0 : options.retryAfterMs;
      const headers: Record<string, string> = retryAfterMs === null ? {} : { 'retry-after-ms': String(retryAfterMs) };
      const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
      const echoed = options.echoAuthorization ? ` ${String(exchange.request.headers.authorization ?? exchange.request.headers['api-key'] ?? '')}` : '';
      const message = `${options.message ?? `Test server says ${status}`}${echoed}`;
      sendJson(exchange.res, status, { error: { message, type, param: null, code: type } }, headers);
    };
  },

  /** Azure's answer when its content filter refuses the prompt: HTTP 400, code `content_filter`, the categories in `innererror`. */
  promptFiltered(categories: string[] = ['violence']): Behaviour {
    return (exchange) => {
      const result = Object.fromEntries(categories.map((category) => [category, { filtered: true, severity: 'high' }]));
      sendJson(exchange.res, 400, {
        error: {
          message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: result },
        },
      });
    };
  },

  /** A 200 whose HTTP body is not JSON (e.g. a proxy's HTML error page), labelled `contentType`. */
  nonJsonBody(options: { contentType?: string; delayMs?: number } = {}): Behaviour {
    return async (exchange) => {
      if (!(await exchange.wait(options.delayMs ?? 0))) return;
      exchange.res.writeHead(200, { 'content-type': options.contentType ?? 'application/json' });
      exchange.res.end('<html><body>502 Bad Gateway</body></html>');
    };
  },

  /**
   * A response that never ends: with `headers: true` the status line and headers (and, for a
   * stream, a first SSE frame) are sent and the body never completes; otherwise nothing is sent.
   * The connection stays open until the client closes it or the server stops.
   */
  hang(options: { headers?: boolean } = {}): Behaviour {
    return (exchange) => {
      if (!options.headers) return;
      const stream = exchange.request.body?.stream === true;
      exchange.res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      if (stream) {
        const frame = { id: 'chatcmpl-hang', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: '{' }, finish_reason: null }] };
        exchange.res.write(`data: ${JSON.stringify(frame)}\n\n`);
      } else {
        exchange.res.write('{"id": "chatcmpl-hang", ');
      }
    };
  },
};
