import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteRunRepository } from '../../src/persistence/adapters/sqlite-run.repository';
import { OPEN_TENANT } from '../../src/auth/tenant-resolver';
import { eventually, httpRequest, removeDir, runInput, startApp, tempDir, type E2eApp } from '../support/e2e-app';
import { connectClient, type RunSocket } from '../support/e2e-socket';
import { expectCompleteStream, readSse } from '../support/e2e-streams';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';

const DB_FILE = 'orchestrator.db';

/** Copies the store's files as a crash would leave them on disk (after a checkpoint through a second connection). */
function snapshotStore(fromDir: string, toDir: string): void {
  const db = new Database(join(fromDir, DB_FILE));
  try {
    db.pragma('wal_checkpoint(FULL)');
  } finally {
    db.close();
  }
  for (const suffix of ['', '-wal', '-shm']) {
    const file = join(fromDir, DB_FILE + suffix);
    if (existsSync(file)) copyFileSync(file, join(toDir, DB_FILE + suffix));
  }
}

/** Reads a run and its events straight from a store file, then closes it. */
async function readStore(dir: string, runId: string) {
  const repository = new SqliteRunRepository(join(dir, DB_FILE));
  try {
    return { run: await repository.getRun(OPEN_TENANT, runId), events: await repository.listEvents(OPEN_TENANT, runId, 0) };
  } finally {
    await repository.close();
  }
}

describe('Restart recovery and graceful shutdown (e2e)', () => {
  const llm = new OpenAiTestServer();
  const dirs: string[] = [];
  const apps: E2eApp[] = [];
  const sockets: RunSocket[] = [];
  const hangingLlm = () => ({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0' });
  const newDir = () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
  const start = async (env: Record<string, string>, dataDir: string) => {
    const app = await startApp(env, { dataDir });
    apps.push(app);
    return app;
  };

  beforeAll(() => llm.start());
  beforeEach(() => {
    llm.reset();
    llm.respondWith(reply.completion({ delayMs: 10_000 }));
  });
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    for (const app of apps.splice(0)) await app.close();
    dirs.splice(0).forEach(removeDir);
  });
  afterAll(() => llm.stop());

  it('a run a crash left running is failed with RUN_INTERRUPTED and one terminal Failed event once its lease has expired', async () => {
    const crashedDir = newDir();
    const first = await start({ ...hangingLlm(), RUN_LEASE_MS: '1000' }, crashedDir);
    const client = await first.connect();
    const { runId, campaignId } = await client.startOk(runInput());
    await client.waitFor((e) => e.runId === runId && e.seq >= 2, 'a second event');
    await llm.waitForRequest(3, 5000);
    expect((await first.http('GET', `/api/runs/${runId}`)).body.status).toBe('running');

    const restartDir = newDir();
    snapshotStore(crashedDir, restartDir);
    await first.stop();
    const atCrash = await readStore(restartDir, runId);
    expect(atCrash.run).toMatchObject({ status: 'running' });
    expect(atCrash.events.length).toBeGreaterThanOrEqual(2);
    expect(atCrash.events.every((e) => !['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled'].includes(e.state))).toBe(true);
    const lastSeq = atCrash.run!.lastSeq;

    // The crashed node's lease outlives it by up to RUN_LEASE_MS: boot recovery, or the sweep after it, ends the run once it expired.
    const second = await start({ RUN_LEASE_MS: '1000' }, restartDir);
    const run = await eventually(async () => {
      const answer = await second.http('GET', `/api/runs/${runId}`);
      return answer.body.status === 'running' ? undefined : answer;
    }, 'the recovery of the interrupted run');
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'failed', resultStatus: 'failed', lastSeq: lastSeq + 1, finishedAt: expect.any(String) });
    expect(run.body.errors).toEqual([expect.objectContaining({ code: 'RUN_INTERRUPTED', message: expect.any(String) })]);

    const events = (await second.http('GET', `/api/runs/${runId}/events`)).body;
    expectCompleteStream(events, runId);
    expect(events.slice(0, -1)).toEqual(atCrash.events);
    expect(events[events.length - 1]).toMatchObject({ seq: lastSeq + 1, state: 'Failed', campaignId, metadata: { resultStatus: 'failed', errorCodes: ['RUN_INTERRUPTED'] } });

    const watcher = await second.connect();
    const ack = await watcher.subscribe(runId);
    expect(ack).toMatchObject({ ok: true, run: { id: runId, status: 'failed', lastSeq: lastSeq + 1 } });
    expect(await watcher.untilTerminal(runId)).toEqual(events);
    expect((await second.http('GET', `/api/runs/${runId}/events`, { headers: { accept: 'text/event-stream', 'last-event-id': String(lastSeq + 1) } })).status).toBe(204);

    expect((await second.http('GET', `/api/campaigns/${campaignId}`)).body.campaign.status).toBe('failed');
    const rerun = await second.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } });
    expect(rerun.status).toBe(202);
    expect(await watcher.subscribe(rerun.body.runId)).toMatchObject({ ok: true });
    expectCompleteStream(await watcher.untilTerminal(rerun.body.runId), rerun.body.runId);

    // A second restart finds nothing left to recover: the terminal event is not appended twice.
    await second.stop();
    const third = await start({}, restartDir);
    expect((await third.http('GET', `/api/runs/${runId}/events`)).body).toEqual(events);
  });

  it("SHUTDOWN_MODE=cancel: closing the app cancels the run in flight, stores its end, and refuses new requests", async () => {
    const dataDir = newDir();
    const app = await start({ ...hangingLlm(), SHUTDOWN_MODE: 'cancel' }, dataDir);
    const watcher = await connectClient(app.baseUrl);
    sockets.push(watcher);
    const started = await app.http('POST', '/api/runs', { json: runInput() });
    expect(started.status).toBe(202);
    const { runId } = started.body;
    expect(await watcher.subscribe(runId)).toMatchObject({ ok: true });
    await llm.waitForRequest(3, 5000);

    await app.stop();
    await llm.waitForClientAbort(3, 5000);

    const stored = await readStore(dataDir, runId);
    expect(stored.run).toMatchObject({ status: 'cancelled', resultStatus: 'cancelled', lastSeq: stored.events.length });
    expectCompleteStream(stored.events, runId);
    expect(stored.events[stored.events.length - 1]).toMatchObject({ state: 'Cancelled', metadata: { resultStatus: 'cancelled' } });
    // The subscriber got the terminal event before the server went away.
    expect(watcher.eventsOf(runId)).toEqual(stored.events);

    await expect(httpRequest(app.baseUrl, 'POST', '/api/runs', { json: runInput() })).rejects.toThrow();
  });

  it('SHUTDOWN_MODE=drain: closing the app lets the run in flight finish within the grace period', async () => {
    const dataDir = newDir();
    const app = await start({ SHUTDOWN_MODE: 'drain', SHUTDOWN_GRACE_MS: '10000', OFFLINE_LATENCY_MS: '40-80' }, dataDir);
    const started = await app.http('POST', '/api/runs', { json: runInput() });
    expect(started.status).toBe(202);

    await app.stop();
    const stored = await readStore(dataDir, started.body.runId);
    expect(stored.run?.status).toMatch(/^(completed|partiallyCompleted)$/);
    expectCompleteStream(stored.events, started.body.runId);
    expect(stored.events[stored.events.length - 1].state).toMatch(/^(Completed|PartiallyCompleted)$/);
  });

  it('SHUTDOWN_MODE=drain: while draining new runs are refused with 503; a run still going when the grace period ends is cancelled', async () => {
    const dataDir = newDir();
    const app = await start({ ...hangingLlm(), SHUTDOWN_MODE: 'drain', SHUTDOWN_GRACE_MS: '1000' }, dataDir);
    const outsider = await connectClient(app.baseUrl);
    sockets.push(outsider);
    const { body } = await app.http('POST', '/api/runs', { json: runInput() });
    await llm.waitForRequest(3, 5000);
    const sse = readSse(await app.stream(`/api/runs/${body.runId}/events`, { headers: { accept: 'text/event-stream' } }));

    const stopping = app.stop();
    // Draining has begun once a start of an unknown campaign is refused as unavailable rather than not found.
    await eventually(async () => {
      const answer = await app.http('POST', '/api/campaigns/no-such-campaign/runs', { json: { selectedPlatforms: ['x'] } });
      return answer.status === 503 ? answer : undefined;
    }, 'the server to start draining');
    const refused = await app.http('POST', '/api/runs', { json: runInput() });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(await outsider.start(runInput())).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });

    await stopping;
    const { events } = await sse;
    expectCompleteStream(events, body.runId);
    expect(events[events.length - 1].state).toBe('Cancelled');
    const stored = await readStore(dataDir, body.runId);
    expect(stored.run?.status).toBe('cancelled');
    expect(stored.events).toEqual(events);
  });
});
