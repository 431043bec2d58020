import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { io } from 'socket.io-client';
import type { OrchestrationEvent } from '@app/contracts';
import { eventually, httpRequest, removeDir, runInput, tempDir } from '../support/e2e-app';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';
import { spawnServer, type ServerProcess } from '../support/server-process';

/** What leaves the server, tried as a careless or hostile client would, against its own process. */
describe('Safe to expose (e2e)', () => {
  const llm = new OpenAiTestServer();
  let dir: string;
  let server: ServerProcess | undefined;

  beforeAll(() => llm.start());
  afterAll(() => llm.stop());
  beforeEach(() => (dir = tempDir('orchestrator-exposed-')));
  afterEach(async () => {
    llm.reset();
    await server?.stop();
    server = undefined;
    removeDir(dir);
  });

  it('keeps the LLM key out of events, run records and logs when the endpoint echoes it in a 401', async () => {
    const key = 'sk-e2e-secret-0123456789abcdef';
    llm.respondWith(reply.status(401, { message: 'Incorrect API key provided:', echoAuthorization: true }));
    server = await spawnServer({
      cwd: dir,
      env: { PORT: '0', LOG_LEVEL: 'debug', LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: key, LLM_MAX_RETRIES: '0' },
    });

    const started = await httpRequest(server.baseUrl, 'POST', '/api/runs', { json: runInput() });
    const { runId, campaignId } = started.body as { runId: string; campaignId: string };
    const run = await eventually(async () => {
      const answer = await httpRequest(server!.baseUrl, 'GET', `/api/runs/${runId}`);
      return ['queued', 'running'].includes(answer.body.status) ? undefined : answer;
    }, 'the end of the run');
    const events = await httpRequest<OrchestrationEvent[]>(server.baseUrl, 'GET', `/api/runs/${runId}/events`);
    const history = await httpRequest(server.baseUrl, 'GET', `/api/campaigns/${campaignId}/runs`);

    // The endpoint did get the key and did echo it.
    expect(llm.requests[0].headers.authorization).toBe(`Bearer ${key}`);
    expect(run.body.status).toBe('failed');
    expect(events.body.some((event) => event.message.includes('The model endpoint refused the call (HTTP 401)'))).toBe(true);
    for (const exposed of [JSON.stringify(run.body), JSON.stringify(events.body), JSON.stringify(history.body)]) expect(exposed).not.toContain(key);
    // The provider's text is logged, redacted (the line reaches this process's pipe after the run's end is stored: waited for).
    await eventually(async () => (server!.output().stdout.includes('Incorrect API key provided: Bearer ***') ? true : undefined), 'the redacted log line');
    const { stdout, stderr } = server.output();
    expect(stdout + stderr).not.toContain(key);
  });

  it('does not log a token a client put in the query string or an x-api-key header', async () => {
    server = await spawnServer({ cwd: dir, env: { PORT: '0', LOG_LEVEL: 'info' } });

    const answer = await httpRequest(server.baseUrl, 'GET', '/api/runs/no-such-run/events?afterSeq=1&access_token=query-secret-0123&api_key=key-secret-4567', {
      headers: { 'x-api-key': 'header-secret-89ab' },
    });

    expect(answer.status).toBe(404);
    const { stdout } = await eventually(async () => (server!.output().stdout.includes('no-such-run') ? server!.output() : undefined), 'the request log line');
    expect(stdout).toContain('/api/runs/no-such-run/events?afterSeq=1&access_token=[Redacted]&api_key=[Redacted]');
    for (const secret of ['query-secret-0123', 'key-secret-4567', 'header-secret-89ab']) expect(stdout).not.toContain(secret);
  });

  it('with AUTH_TOKENS, opens /metrics only with METRICS_TOKEN (not a tenant token); the page and the API description are public by design', async () => {
    const tenant = 'tenant-token-0123456789';
    const metrics = 'metrics-token-0123456789';
    server = await spawnServer({ cwd: dir, env: { PORT: '0', AUTH_TOKENS: `${tenant}:acme`, METRICS_TOKEN: metrics } });
    const get = (path: string, token?: string) => httpRequest(server!.baseUrl, 'GET', path, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    const refused = await get('/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(refused.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await get('/metrics', tenant)).status).toBe(401);
    const scraped = await get('/metrics', metrics);
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('# TYPE');
    expect((await get('/api/campaigns')).status).toBe(401);
    expect((await get('/api/campaigns', tenant)).status).toBe(200);
    expect((await get('/api/docs-json')).status).toBe(200);
    expect((await get('/')).status).toBe(200);
  });

  it('without METRICS_TOKEN, /metrics answers scrapers without a token', async () => {
    server = await spawnServer({ cwd: dir, env: { PORT: '0', AUTH_TOKENS: 'tenant-token-0123456789:acme' } });

    expect((await httpRequest(server.baseUrl, 'GET', '/metrics')).status).toBe(200);
  });

  describe('one socket cannot take more than its share', () => {
    /** The server's resident memory, from the kernel, in bytes. */
    const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

    it('disconnects a client that never reads once SOCKET_MAX_BUFFERED_BYTES is queued for it, and the server stays small', async () => {
      server = await spawnServer({
        cwd: dir,
        env: { PORT: '0', LOG_LEVEL: 'info', OFFLINE_LATENCY_MS: '0', SOCKET_MESSAGES_PER_SECOND: '1000000', SOCKET_MAX_BUFFERED_BYTES: String(256 * 1024) },
      });
      const { runId } = (await httpRequest(server.baseUrl, 'POST', '/api/runs', { json: runInput() })).body as { runId: string };
      await eventually(async () => ((await httpRequest(server!.baseUrl, 'GET', `/api/runs/${runId}`)).body.status === 'queued' ? undefined : true), 'the run to end');
      const client = io(server.baseUrl, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
      const before = rssOf(server.pid);
      const closed = new Promise<string>((resolve) => client.once('disconnect', resolve));

      // The client stops reading its TCP socket, and asks for the run's whole replay (11 KB) again and again.
      (client.io.engine.transport as unknown as { ws: { _socket: Socket } }).ws._socket.pause();
      for (let i = 0; i < 5000 && client.connected; i++) {
        client.emit('run:unsubscribe', { runId });
        client.emit('run:subscribe', { runId });
        // Lets each replay be sent before the next unsubscribe ends it.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const reason = await closed;
      const grown = rssOf(server.pid) - before;
      client.close();

      expect(reason).toBe('transport close');
      const logged = /Socket \S+: disconnected, (\d+) bytes queued for it \(SOCKET_MAX_BUFFERED_BYTES 262144\)/;
      const queued = await eventually(async () => logged.exec(server!.output().stdout) ?? undefined, 'the log line of the disconnect');
      // Disconnected at the first event past the bound.
      expect(Number(queued[1])).toBeLessThan(256 * 1024 + 16 * 1024);
      // Unbounded, the same client took the server from 151 to 434 MB.
      expect(grown).toBeLessThan(64 * 1024 * 1024);
      expect((await httpRequest(server.baseUrl, 'GET', '/api/health/live')).status).toBe(200);
    });
  });
});
