import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import type { CampaignBrief, ExecutionMode, Platform } from '@app/contracts';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import { connectClient, type RunSocket } from './e2e-socket';
import { assertDocumented, OpenApiResponses } from './openapi-responses';
import { SAMPLE_BRIEF } from './llm-fixtures';

/**
 * Environment every e2e app starts with (overridable): quiet, fast offline model, no drain wait,
 * no per-tenant limits (test/e2e/tenant-limits.e2e-spec.ts sets its own).
 */
const BASE_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  LLM_PROVIDER: 'offline',
  OFFLINE_LATENCY_MS: '20-60',
  SHUTDOWN_MODE: 'cancel',
  SHUTDOWN_GRACE_MS: '0',
  TENANT_RUN_STARTS_PER_MINUTE: '0',
  TENANT_MAX_ACTIVE_RUNS: '0',
};

/** A new temporary directory; the caller removes it (or hands it to {@link startApp}). */
export function tempDir(prefix = 'orchestrator-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a directory and everything in it; never throws. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** The answer of one HTTP request: status, headers, the parsed JSON body (or undefined) and the raw text. */
export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Options of {@link E2eApp.http}. */
export interface HttpOptions {
  /** A JSON value to send (serialised), or a raw string body with `contentType`. */
  json?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer <token>`; defaults to the app's default token. */
  token?: string | null;
}

/**
 * The answers' checkers of the apps that validate them, by base URL: every answer {@link httpRequest}
 * or {@link E2eApp.stream} gets from such an app is checked against the OpenAPI document the app
 * serves (read once per app), and a request whose answer the document does not describe fails.
 */
const documented = new Map<string, Promise<OpenApiResponses>>();

/** Checks answers from `baseUrl` against its OpenAPI document until {@link forgetResponseChecks}. */
export function checkResponsesOf(baseUrl: string): void {
  if (!documented.has(baseUrl)) documented.set(baseUrl, OpenApiResponses.of(baseUrl));
}

/** Stops checking the answers of `baseUrl` (its app stopped; the port may serve another one). */
export function forgetResponseChecks(baseUrl: string): void {
  documented.delete(baseUrl);
}

/** A listening application on 127.0.0.1 with an ephemeral port, its data dir and its clients. */
export interface E2eApp {
  readonly app: NestExpressApplication;
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly dataDir: string;
  /** The SQLite file of the app's store. */
  readonly dbFile: string;
  /** One HTTP request to `baseUrl + path`. */
  http<T = any>(method: string, path: string, options?: HttpOptions): Promise<HttpAnswer<T>>;
  /** A GET whose body is left unread (a Server-Sent Events stream); its status and headers are checked as `http`'s answers are. */
  stream(path: string, options?: Pick<HttpOptions, 'headers' | 'token'>): Promise<Response>;
  /** Connects a socket client (closed by {@link stop}); `token` defaults to the app's default token. */
  connect(token?: string): Promise<RunSocket>;
  /** Closes the clients and the app (once); keeps the data dir. */
  stop(): Promise<void>;
  /** {@link stop}, then removes the data dir unless it was given by the caller. */
  close(): Promise<void>;
}

/** Options of {@link startApp}. */
export interface StartOptions {
  /** Run on this data dir (the caller owns it); default a new temporary one removed by `close`. */
  dataDir?: string;
  /** The token `http` and `connect` use unless told otherwise. */
  token?: string;
  /** Where the app's log lines go (to capture them); stdout by default. */
  logDestination?: DestinationStream;
  /** Check every HTTP answer against the served OpenAPI document (default true). */
  checkResponses?: boolean;
}

/**
 * Builds the app exactly as main.ts does (`createApp`) with `env` over {@link BASE_ENV}, listens on
 * 127.0.0.1:0 and returns handles to drive and stop it.
 */
export async function startApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<E2eApp> {
  const dataDir = options.dataDir ?? tempDir();
  const ownsDir = options.dataDir === undefined;
  let app: NestExpressApplication;
  try {
    app = await createApp(loadConfig({ ...BASE_ENV, DATA_DIR: dataDir, ...env }), options.logDestination);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    if (ownsDir) removeDir(dataDir);
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const clients: RunSocket[] = [];
  let stopped: Promise<void> | undefined;

  if (options.checkResponses ?? true) checkResponsesOf(baseUrl);

  const stop = () =>
    (stopped ??= (async () => {
      // A client that got something the AsyncAPI document does not describe throws on close: after the app is closed too.
      const failures: unknown[] = [];
      for (const client of clients) {
        try {
          client.close();
        } catch (error) {
          failures.push(error);
        }
      }
      await app.close();
      forgetResponseChecks(baseUrl);
      if (failures.length > 0) throw failures[0];
    })());

  return {
    app,
    baseUrl,
    dataDir,
    dbFile: join(dataDir, 'orchestrator.db'),
    http: (method, path, httpOptions = {}) => httpRequest(baseUrl, method, path, { token: options.token, ...httpOptions }),
    stream: (path, streamOptions = {}) => streamRequest(baseUrl, path, { token: options.token, ...streamOptions }),
    async connect(token = options.token) {
      const client = await connectClient(baseUrl, token);
      clients.push(client);
      return client;
    },
    stop,
    async close() {
      await stop();
      if (ownsDir) removeDir(dataDir);
    },
  };
}

/** One request with Node's fetch; the body is parsed as JSON when it is JSON. */
export async function httpRequest<T = any>(baseUrl: string, method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= options.contentType ?? 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const parsed = parseJson(text);
  const validator = documented.get(baseUrl);
  if (validator) assertDocumented(await validator, { method, path, status: response.status, headers: response.headers, body: parsed, text });
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A GET with Node's fetch whose body is left to the caller; checked like {@link httpRequest}'s answers (a 2xx stream by status and headers). */
export async function streamRequest(baseUrl: string, path: string, options: Pick<HttpOptions, 'headers' | 'token'> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const validator = documented.get(baseUrl);
  if (validator) {
    // A stream is checked by its status and headers; any other answer (204, a problem) whole, read from a copy.
    const text = response.status === 200 ? undefined : await response.clone().text();
    assertDocumented(await validator, { method: 'GET', path, status: response.status, headers: response.headers, body: text === undefined ? undefined : parseJson(text), text });
  }
  return response;
}

/** A new campaign input with a recognisable name. */
export function campaignInput(name = `E2E campaign ${Math.random().toString(36).slice(2, 8)}`, brief: CampaignBrief = SAMPLE_BRIEF) {
  return { name, brief: structuredClone(brief) };
}

/** A `POST /api/runs` / `run:start` payload for a new campaign. */
export function runInput(options: { executionMode?: ExecutionMode; selectedPlatforms?: Platform[]; name?: string } = {}) {
  return {
    campaign: campaignInput(options.name),
    ...(options.executionMode ? { executionMode: options.executionMode } : {}),
    selectedPlatforms: options.selectedPlatforms ?? (['x', 'linkedin'] as Platform[]),
  };
}

export { eventually } from '../../src/common/testing/eventually';
