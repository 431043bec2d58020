import { Redis } from 'ioredis';
import type { OrchestrationEvent } from '@app/contracts';
import { eventually, httpRequest, removeDir, runInput, tempDir } from '../support/e2e-app';
import { SCHEMA_NAMES } from '../support/llm-fixtures';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';
import { connectClient, type RunSocket } from '../support/e2e-socket';
import { expectCompleteStream } from '../support/e2e-streams';
import { CosmosTestServer } from '../support/cosmos-test-server';
import { RedisTestServer } from '../support/redis-test-server';
import { runServer, spawnServer, type ServerProcess } from '../support/server-process';

/**
 * Nodes as production runs them: separate server processes sharing one Cosmos DB store (the
 * protocol server, in the test's process) and one Redis (a redis-server the test starts).
 */
// Several server processes boot per test (1-3 s each), and some runs wait out a lease.
jest.setTimeout(60_000);

describe('Scale-out over Redis: several server processes (e2e)', () => {
  const redis = new RedisTestServer();
  const cosmos = new CosmosTestServer();
  const llm = new OpenAiTestServer();
  const dirs: string[] = [];
  const nodes: ServerProcess[] = [];
  const sockets: RunSocket[] = [];
  let env: Record<string, string>;

  /** A node on the shared store and Redis; `extra` overrides its environment. */
  const startNode = async (extra: Record<string, string> = {}) => {
    const dir = tempDir('orchestrator-node-');
    dirs.push(dir);
    const node = await spawnServer({ cwd: dir, env: { ...env, ...extra } });
    nodes.push(node);
    return node;
  };
  const connect = async (node: ServerProcess) => {
    const socket = await connectClient(node.baseUrl);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    await Promise.all([redis.start(), cosmos.start(), llm.start()]);
    const settings = cosmos.settings();
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      REDIS_URL: redis.url,
      COSMOS_ENDPOINT: settings.endpoint,
      COSMOS_KEY: 'test-key',
      COSMOS_DATABASE: settings.database,
      LLM_PROVIDER: 'offline',
      OFFLINE_LATENCY_MS: '30-80',
      SHUTDOWN_MODE: 'cancel',
      // One tenant starts well over 120 runs a minute here; the per-tenant limits test sets its own.
      TENANT_RUN_STARTS_PER_MINUTE: '0',
      TENANT_MAX_ACTIVE_RUNS: '0',
    };
  });
  afterEach(async () => {
    llm.reset();
    sockets.splice(0).forEach((socket) => socket.close());
    await Promise.all(nodes.splice(0).map((node) => node.stop()));
    dirs.splice(0).forEach(removeDir);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), cosmos.stop(), llm.stop()]);
  });

  /** Nodes that serve the API and the streams but execute nothing (RUN_CONCURRENCY=0). */
  const API_ONLY = { RUN_CONCURRENCY: '0' };

  it('runs a run started on node A on node B, the only worker, and streams it to a client on node C, every event once and in order', async () => {
    const [a, b, c] = [await startNode(API_ONLY), await startNode(), await startNode(API_ONLY)];
    const watcher = await connect(c);
    const started = await httpRequest(a.baseUrl, 'POST', '/api/runs', { json: runInput() });
    expect(started.status).toBe(202);
    const { runId } = started.body as { runId: string };

    expect((await watcher.subscribe(runId)).ok).toBe(true);
    const events = await watcher.untilTerminal(runId);

    expectCompleteStream(events, runId);
    const stored = await httpRequest<OrchestrationEvent[]>(a.baseUrl, 'GET', `/api/runs/${runId}/events`);
    expect(events.map((e) => e.eventId)).toEqual(stored.body.map((e) => e.eventId));
    // Its transitions are logged where it executed.
    expect(b.output().stdout).toContain(runId);
    expect(a.output().stdout).not.toContain(runId);
    expect(c.output().stdout).not.toContain(runId);
  });

  it('cancels on node C a run executing on node B: B aborts it, and C answers its cancelled status', async () => {
    const a = await startNode(API_ONLY);
    await startNode({ OFFLINE_LATENCY_MS: '20000' });
    const c = await startNode(API_ONLY);
    const watcher = await connect(c);
    const started = await httpRequest(a.baseUrl, 'POST', '/api/runs', { json: runInput() });
    const { runId } = started.body as { runId: string };
    await watcher.subscribe(runId);
    await watcher.waitFor((e) => e.runId === runId && e.phase === 'started', 'an agent started');

    const cancelled = await httpRequest(c.baseUrl, 'POST', `/api/runs/${runId}/cancel`);

    // C answers the status stored once B has ended the run, or (a busy machine, past its 2 s wait) the one it has then.
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ runId });
    // Only a cancel that reached B ends the run Cancelled: B's agent calls take 20 s.
    const events = await watcher.untilTerminal(runId);
    expectCompleteStream(events, runId);
    expect(events.at(-1)?.state).toBe('Cancelled');
    expect((await httpRequest(c.baseUrl, 'GET', `/api/runs/${runId}`)).body.status).toBe('cancelled');
  });

  it('keeps a run queued while every worker is busy, and cancels it there: Queued, then Cancelled, no agent called', async () => {
    const api = await startNode(API_ONLY);
    await startNode({ RUN_CONCURRENCY: '1', OFFLINE_LATENCY_MS: '20000' });
    const watcher = await connect(api);
    const busy = (await httpRequest(api.baseUrl, 'POST', '/api/runs', { json: runInput() })).body as { runId: string };
    await watcher.subscribe(busy.runId);
    await watcher.waitFor((e) => e.runId === busy.runId && e.phase === 'started', 'the first run at work');
    const waiting = (await httpRequest(api.baseUrl, 'POST', '/api/runs', { json: runInput() })).body as { runId: string };

    expect((await httpRequest(api.baseUrl, 'GET', `/api/runs/${waiting.runId}`)).body.status).toBe('queued');
    await watcher.subscribe(waiting.runId);
    const cancelled = await httpRequest(api.baseUrl, 'POST', `/api/runs/${waiting.runId}/cancel`);

    expect(cancelled.body).toEqual({ runId: waiting.runId, status: 'cancelled' });
    const events = await watcher.untilTerminal(waiting.runId);
    expectCompleteStream(events, waiting.runId);
    expect(events.map((e) => e.state)).toEqual(['Queued', 'Cancelled']);
    await httpRequest(api.baseUrl, 'POST', `/api/runs/${busy.runId}/cancel`);
  });

  it.each(['Cosmos DB + Redis', 'one SQLite file, no Redis'])('restarting one node leaves the runs another executes running (%s)', async (setup) => {
    const shared = tempDir('orchestrator-shared-');
    dirs.push(shared);
    const store: Record<string, string> = setup.startsWith('Cosmos') ? {} : { REDIS_URL: '', COSMOS_ENDPOINT: '', DATA_DIR: shared };
    // Long enough to outlast two more node boots on a loaded 2-core machine.
    const a = await startNode({ ...store, OFFLINE_LATENCY_MS: '8000' });
    const started = await httpRequest(a.baseUrl, 'POST', '/api/runs', { json: runInput() });
    const { runId } = started.body as { runId: string };
    const b = await startNode(store);
    await b.stop();
    const restarted = await startNode(store);

    expect((await httpRequest(restarted.baseUrl, 'GET', `/api/runs/${runId}`)).body.status).toBe('running');
    const watcher = await connect(a);
    await watcher.subscribe(runId);
    const events = await watcher.untilTerminal(runId, 45_000);
    expectCompleteStream(events, runId);
    expect(['Completed', 'PartiallyCompleted']).toContain(events.at(-1)?.state);
    expect(events.at(-1)?.metadata?.errorCodes).not.toContain('RUN_INTERRUPTED');
  });

  it('takes a run over when its node is killed: the client on the surviving node gets every event once, and finished artifacts are not generated again', async () => {
    llm.respondWith(reply.completion({ delayMs: 400 }));
    const viaLlm = { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0', RUN_LEASE_MS: '2000' };
    const nodes = [await startNode(viaLlm), await startNode(viaLlm)];
    const started = await httpRequest(nodes[0].baseUrl, 'POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) });
    const { runId } = started.body as { runId: string };
    const first = await connect(nodes[0]);
    await first.subscribe(runId);
    await first.waitFor((e) => e.runId === runId && e.state === 'GeneratingCopy' && e.phase === 'completed', 'the copy');
    const owner = await eventually(async () => nodes.find((node) => node.output().stdout.includes(runId)), 'the node that executes the run');
    const survivor = nodes.find((node) => node !== owner)!;
    const before = first.eventsOf(runId);
    const copyRequests = () => llm.requests.filter((r) => r.body?.response_format?.json_schema?.name === SCHEMA_NAMES.copy).length;
    expect(copyRequests()).toBe(1);

    await owner.kill();
    const second = await connect(survivor);
    const afterSeq = before.at(-1)!.seq;
    await second.subscribe(runId, afterSeq);
    const after = await second.untilTerminal(runId, 30_000);

    const events = [...before, ...after];
    expectCompleteStream(events, runId);
    expect(after.find((e) => e.state === 'Resumed')).toMatchObject({ metadata: { epoch: 2 } });
    expect(['Completed', 'PartiallyCompleted']).toContain(events.at(-1)?.state);
    expect(events.filter((e) => e.state === 'GeneratingCopy' && e.phase === 'completed')).toHaveLength(1);
    expect(copyRequests()).toBe(1);
    expect(survivor.output().stdout).toContain(`Run ${runId}: taken over after event`);
    const run = await httpRequest(survivor.baseUrl, 'GET', `/api/runs/${runId}`);
    expect(run.body.versions.filter((v: { type: string }) => v.type === 'copy')).toHaveLength(1);
  });

  it.each([
    ['SHUTDOWN_MODE=handback', { SHUTDOWN_MODE: 'handback' }],
    ['SHUTDOWN_MODE=drain, past its grace', { SHUTDOWN_MODE: 'drain', SHUTDOWN_GRACE_MS: '300' }],
  ])('hands its runs back on SIGTERM (%s): another node takes them over at once, from their stored events', async (_mode, shutdown) => {
    llm.respondWith(reply.completion({ delayMs: 400 }));
    // A lease far longer than the wait for the end: a takeover within it shows that the lease was given up.
    const viaLlm = { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0', RUN_LEASE_MS: '120000', ...shutdown };
    const nodes = [await startNode(viaLlm), await startNode(viaLlm)];
    const api = await startNode(API_ONLY);
    const watcher = await connect(api);
    const { runId } = (await httpRequest(api.baseUrl, 'POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) })).body as { runId: string };
    await watcher.subscribe(runId);
    await watcher.waitFor((e) => e.runId === runId && e.state === 'GeneratingCopy' && e.phase === 'completed', 'the copy');
    const owner = await eventually(async () => nodes.find((node) => node.output().stdout.includes(runId)), 'the node that executes the run');
    const survivor = nodes.find((node) => node !== owner)!;

    // Shut down by its own hooks (which re-raise the signal), not killed when the grace ran out.
    expect(await owner.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    const events = await watcher.untilTerminal(runId, 20_000);

    expectCompleteStream(events, runId);
    expect(owner.output().stdout).toContain(`Run ${runId}: handed back to the queue`);
    expect(survivor.output().stdout).toContain(`Run ${runId}: taken over after event`);
    expect(events.filter((e) => e.state === 'Resumed')).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ epoch: 2 }) })]);
    expect(events.map((e) => e.state)).not.toContain('Cancelled');
    expect(['Completed', 'PartiallyCompleted']).toContain(events.at(-1)?.state);
    const run = (await httpRequest(api.baseUrl, 'GET', `/api/runs/${runId}`)).body;
    expect(run.versions.filter((v: { type: string }) => v.type === 'copy')).toHaveLength(1);
    expect(llm.requests.filter((r) => r.body?.response_format?.json_schema?.name === SCHEMA_NAMES.copy)).toHaveLength(1);
  });

  it('fences a node paused past its lease: the new owner finishes the run once, and the old one writes nothing when it comes back', async () => {
    llm.respondWith(reply.completion({ delayMs: 400 }));
    const viaLlm = { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0', RUN_LEASE_MS: '2000' };
    const nodes = [await startNode(viaLlm), await startNode(viaLlm)];
    const api = await startNode({ ...API_ONLY });
    const watcher = await connect(api);
    const { runId } = (await httpRequest(api.baseUrl, 'POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) })).body as { runId: string };
    await watcher.subscribe(runId);
    await watcher.waitFor((e) => e.runId === runId && e.state === 'GeneratingCopy' && e.phase === 'completed', 'the copy').catch((error: Error) => {
      throw new Error(`${error.message}\n${[...nodes, api].map((node, i) => `node ${i}:\n${node.output().stdout.slice(-2000)}${node.output().stderr.slice(-1000)}`).join('\n')}`);
    });
    const owner = await eventually(async () => nodes.find((node) => node.output().stdout.includes(runId)), 'the node that executes the run');

    owner.pause();
    const events = await watcher.untilTerminal(runId, 40_000);
    owner.pause(false);
    // Let the old owner wake up, finish its call in flight and try to write it.
    await eventually(async () => (owner.output().stdout.includes(`Run ${runId}: stopped here`) ? true : undefined), 'the old owner to stop the run', 15_000);

    expectCompleteStream(events, runId);
    expect(events.filter((e) => e.state === 'Resumed')).toHaveLength(1);
    const stored = (await httpRequest<OrchestrationEvent[]>(api.baseUrl, 'GET', `/api/runs/${runId}/events`)).body;
    expect(stored.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    const run = (await httpRequest(api.baseUrl, 'GET', `/api/runs/${runId}`)).body;
    expect(run.lastSeq).toBe(events.length);
    expect(run.versions.filter((v: { type: string }) => v.type === 'copy')).toHaveLength(1);
  });

  it('ends 50 concurrent runs on 3 nodes, one of them killed and restarted meanwhile, each with one terminal event, no gap and no version twice', async () => {
    const fast = { OFFLINE_LATENCY_MS: '400-800', RUN_LEASE_MS: '2000' };
    const fleet = [await startNode(fast), await startNode(fast), await startNode(fast)];
    const starts = Array.from({ length: 50 }, (_, i) => httpRequest(fleet[i % 3].baseUrl, 'POST', '/api/runs', { json: runInput() }));
    const runIds = (await Promise.all(starts)).map((answer) => {
      expect(answer.status).toBe(202);
      return (answer.body as { runId: string }).runId;
    });
    // A crash in the middle, once its runs have produced something: they are taken over by the others.
    await eventually(async () => (fleet[1].output().stdout.includes('"phase":"completed"') ? true : undefined), 'node 1 at work', 20_000);
    await fleet[1].kill();
    fleet[1] = await startNode(fast);

    let takenOver = 0;
    for (const runId of runIds) {
      const run = await eventually(async () => {
        const answer = await httpRequest(fleet[0].baseUrl, 'GET', `/api/runs/${runId}`);
        return ['queued', 'running'].includes(answer.body.status) ? undefined : answer.body;
      }, `the end of run ${runId}`, 40_000).catch((error: Error) => {
        // What the nodes said of the run that did not end, to tell a stranded run from a slow one.
        const lines = [...fleet, ...nodes].flatMap((node, i) => node.output().stdout.split('\n').filter((l) => !l.includes('"req":') && (l.includes(runId) || /taken over|Worker|job failed|stopped here/.test(l))).map((l) => `node ${i}: ${l.slice(0, 400)}`));
        throw new Error(`${error.message}\n${[...new Set(lines)].join('\n')}`);
      });
      const events = (await httpRequest<OrchestrationEvent[]>(fleet[2].baseUrl, 'GET', `/api/runs/${runId}/events`)).body;
      expectCompleteStream(events, runId);
      expect(run.lastSeq).toBe(events.length);
      takenOver += events.some((e) => e.state === 'Resumed') ? 1 : 0;
      // A version written twice (by two owners) would show as two versions of one attempt.
      const versions = (run.versions as { type: string; attempt: number }[]).map((v) => `${v.type}@${v.attempt}`);
      expect(new Set(versions).size).toBe(versions.length);
    }
    expect(takenOver).toBeGreaterThan(0);
  });

  it('catches the clients of a node up from the store when its Redis subscription breaks mid-run: every event once, the end too', async () => {
    await startNode({ OFFLINE_LATENCY_MS: '150-250' });
    const api = await startNode(API_ONLY);
    const clients = [await connect(api), await connect(api)];
    const { runId } = (await httpRequest(api.baseUrl, 'POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) })).body as { runId: string };
    await Promise.all(clients.map((client) => client.subscribe(runId)));
    await Promise.all(clients.map((client) => client.waitFor((e) => e.runId === runId && e.phase === 'started', 'the first agent')));

    // For 1.5 s every subscriber connection is dropped as soon as it is back: what is published meanwhile is lost in transit.
    const admin = new Redis(redis.url);
    const from = Date.now();
    let kills = 0;
    try {
      while (Date.now() - from < 1500) {
        kills += Number(await admin.client('KILL', 'TYPE', 'pubsub'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      admin.disconnect();
    }
    const until = Date.now();

    const stored = await eventually(async () => {
      const events = (await httpRequest<OrchestrationEvent[]>(api.baseUrl, 'GET', `/api/runs/${runId}/events`)).body;
      return events.some((e) => e.state === 'Completed' || e.state === 'PartiallyCompleted') ? events : undefined;
    }, 'the end of the run', 30_000);
    expect(kills).toBeGreaterThan(0);
    expect(stored.some((e) => Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) <= until)).toBe(true);
    for (const client of clients) {
      const events = await client.untilTerminal(runId, 10_000);
      expectCompleteStream(events, runId);
      expect(events.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
    }
    expect(api.output().stdout).toContain('after a break; live subscribers catch up from the store');
  });

  it('refuses RUN_CONCURRENCY=0 without Redis: nothing would execute the runs', async () => {
    const dir = tempDir('orchestrator-node-');
    dirs.push(dir);
    const exit = await runServer({ cwd: dir, env: { ...env, REDIS_URL: '', RUN_CONCURRENCY: '0' } });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('RUN_CONCURRENCY: 0 (no worker) needs REDIS_URL');
  });

  it('reports Redis in readiness', async () => {
    const node = await startNode();
    const ready = await httpRequest(node.baseUrl, 'GET', '/api/health/ready');

    expect(ready.status).toBe(200);
    expect(ready.body.info).toEqual({ store: { status: 'up' }, redis: { status: 'up' }, llm: { status: 'up' } });
  });

  it('holds per-tenant limits and idempotency keys across nodes: one budget of starts, one answer per key', async () => {
    const limits = { TENANT_RUN_STARTS_PER_MINUTE: '3', REDIS_PREFIX: `limits-${Date.now()}` };
    const [a, b] = [await startNode(limits), await startNode(limits)];
    const key = { 'idempotency-key': `across-nodes-${Date.now()}` };
    const input = runInput();

    const first = await httpRequest(a.baseUrl, 'POST', '/api/runs', { json: input, headers: key });
    const replayed = await httpRequest(b.baseUrl, 'POST', '/api/runs', { json: input, headers: key });
    expect(first.status).toBe(202);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toEqual(first.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    expect((await httpRequest(b.baseUrl, 'POST', '/api/runs', { json: runInput() })).status).toBe(202);
    expect((await httpRequest(a.baseUrl, 'POST', '/api/runs', { json: runInput() })).status).toBe(202);
    // The replay drew nothing: three starts in all, on two nodes, and the fourth is refused on either.
    for (const node of [a, b]) {
      const limited = await httpRequest(node.baseUrl, 'POST', '/api/runs', { json: runInput() });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });
});
