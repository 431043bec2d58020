import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { reply } from './openai-test-behaviours';

/** The parts of a chat-completions request body the tests look at. */
export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  [key: string]: unknown;
}

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query parameters, e.g. `{ 'api-version': '2024-10-21' }`. */
  query: Record<string, string>;
  /** Request headers, lower-cased (`api-key`, `authorization`…). */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` when the body was not JSON. */
  body: ChatRequestBody | undefined;
  /** `performance.now()` when the body was fully received. */
  receivedAt: number;
}

/** What a behaviour gets to answer one chat-completions request. */
export interface Exchange {
  request: RecordedRequest;
  res: ServerResponse;
  /** False once the connection closed (client abort, server stop). */
  readonly open: boolean;
  /** Waits `ms` (cut short when the connection closes); resolves to `open` afterwards. */
  wait(ms: number): Promise<boolean>;
}

/** Answers one request. Build them with `reply` from `openai-test-behaviours`. */
export type Behaviour = (exchange: Exchange) => void | Promise<void>;

const CHAT_PATH = /^\/(?:v1|openai\/deployments\/[^/]+)\/chat\/completions$/;
/** The models list (the circuit breaker's probe), answered by the same behaviours: any 2xx serves. */
const MODELS_PATH = /^\/(?:v1|openai)\/models$/;

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
}

/**
 * A local OpenAI-compatible chat-completions server for tests, listening on 127.0.0.1 with an
 * ephemeral port. It serves both the OpenAI path (`POST /v1/chat/completions`, use
 * {@link openAiBaseUrl}) and the Azure path (`POST /openai/deployments/:deployment/chat/completions`,
 * use {@link azureEndpoint}) and the models list (`GET /v1/models`, `GET /openai/models`), records every request, and answers each with the next one-shot
 * behaviour from {@link enqueue} or else the default behaviour ({@link respondWith}; initially
 * `reply.completion()`, a valid answer for the requested schema).
 */
export class OpenAiTestServer {
  /** Every request received since start or the last {@link reset}, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** `performance.now()` of every response the client closed before it was finished. */
  readonly clientAborts: number[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: Waiter[] = [];
  private queue: Behaviour[] = [];
  private fallback: Behaviour = reply.completion();
  private stopping = false;

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  /** Stops the server, destroying every open connection (hanging responses included). */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Base URL for the OpenAI SDK: `<origin>/v1`. */
  get openAiBaseUrl(): string {
    return `${this.origin}/v1`;
  }

  /** Endpoint for the `AzureOpenAI` SDK client (it appends `/openai/deployments/...`). */
  get azureEndpoint(): string {
    return this.origin;
  }

  /** Queues one-shot behaviours: each answers exactly one upcoming request, in order. */
  enqueue(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** Sets the behaviour for requests the queue does not cover. */
  respondWith(behaviour: Behaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /** Forgets the recorded requests and aborts, empties the queue and restores the default behaviour. */
  reset(): void {
    this.requests.length = 0;
    this.clientAborts.length = 0;
    this.queue = [];
    this.fallback = reply.completion();
  }

  /** Resolves with the `count`-th recorded request once it has arrived; rejects after `timeoutMs`. */
  waitForRequest(count = 1, timeoutMs = 2000): Promise<RecordedRequest> {
    return this.waitUntil(() => this.requests.length >= count, timeoutMs, `request #${count}`).then(() => this.requests[count - 1]);
  }

  /**
   * Resolves with the time (`performance.now()`) at which the client closed its `count`-th
   * unfinished response; rejects after `timeoutMs`.
   */
  waitForClientAbort(count = 1, timeoutMs = 2000): Promise<number> {
    return this.waitUntil(() => this.clientAborts.length >= count, timeoutMs, `client abort #${count}`).then(
      () => this.clientAborts[count - 1],
    );
  }

  private waitUntil(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`OpenAiTestServer: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.ready());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let open = true;
    res.once('close', () => {
      open = false;
      if (!res.writableFinished && !this.stopping) {
        this.clientAborts.push(performance.now());
        this.notify();
      }
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: ChatRequestBody | undefined;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
    } catch {
      body = undefined;
    }
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      receivedAt: performance.now(),
    };
    this.requests.push(request);
    this.notify();
    const routed = (req.method === 'POST' && CHAT_PATH.test(url.pathname)) || (req.method === 'GET' && MODELS_PATH.test(url.pathname));
    if (!routed) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `No route for ${req.method} ${url.pathname}`, type: 'not_found' } }));
      return;
    }
    const exchange: Exchange = {
      request,
      res,
      get open() {
        return open;
      },
      wait: (ms) => this.wait(ms, res, () => open),
    };
    try {
      await (this.queue.shift() ?? this.fallback)(exchange);
    } catch (error) {
      if (open && !res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      if (open) res.end(JSON.stringify({ error: { message: `Test server behaviour failed: ${String(error)}` } }));
    }
  }

  private wait(ms: number, res: ServerResponse, isOpen: () => boolean): Promise<boolean> {
    if (ms <= 0 || !isOpen()) return Promise.resolve(isOpen());
    return new Promise<boolean>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        res.off('close', done);
        resolve(isOpen());
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      res.once('close', done);
    });
  }
}
