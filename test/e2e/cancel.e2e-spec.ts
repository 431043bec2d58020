import { runInput, startApp, type E2eApp } from '../support/e2e-app';
import { expectCompleteStream, expectTerminalMetadata } from '../support/e2e-streams';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';

/** Every LLM call hangs this long: a run is surely mid-generation when the test acts. */
const HANG_MS = 10_000;

describe('Cancelling runs (e2e)', () => {
  const llm = new OpenAiTestServer();
  let app: E2eApp;

  beforeAll(async () => {
    await llm.start();
    app = await startApp({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0' });
  });
  afterAll(async () => {
    await app?.close();
    await llm.stop();
  });
  beforeEach(() => {
    llm.reset();
    llm.respondWith(reply.completion({ delayMs: HANG_MS }));
  });

  it('run:cancel ends the run as Cancelled for every subscriber and closes its LLM calls', async () => {
    const [owner, watcher] = await Promise.all([app.connect(), app.connect()]);
    const { runId, campaignId } = await owner.startOk(runInput());
    expect(await watcher.subscribe(runId)).toMatchObject({ ok: true, run: { id: runId } });
    await llm.waitForRequest(3, 5000);
    await owner.waitFor((e) => e.runId === runId && e.phase === 'started', 'a started generator');

    expect(await owner.cancel(runId)).toEqual({ ok: true, status: 'cancelled' });
    await llm.waitForClientAbort(3, 5000);

    const [seenByOwner, seenByWatcher] = await Promise.all([owner.untilTerminal(runId), watcher.untilTerminal(runId)]);
    expectCompleteStream(seenByOwner, runId);
    const terminal = seenByOwner[seenByOwner.length - 1];
    expect(terminal).toMatchObject({ state: 'Cancelled', metadata: { resultStatus: 'cancelled' } });
    expectTerminalMetadata(terminal);
    expect(seenByOwner.some((e) => e.phase === 'failed')).toBe(false);
    expect(seenByWatcher.map((e) => e.eventId)).toEqual(seenByOwner.map((e) => e.eventId));

    const run = await app.http('GET', `/api/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'cancelled', resultStatus: 'cancelled', lastSeq: seenByOwner.length });
    const campaign = await app.http('GET', `/api/campaigns/${campaignId}`);
    expect(campaign.body.campaign.status).toBe('cancelled');

    const again = await watcher.cancel(runId);
    expect(again).toMatchObject({ ok: false, error: { code: 'RUN_ALREADY_FINISHED', message: expect.any(String) } });
  });

  it('POST /api/runs/:id/cancel answers 202 with the status, then 409 once the run has ended', async () => {
    const watcher = await app.connect();
    const started = await app.http('POST', '/api/runs', { json: runInput() });
    expect(started.status).toBe(202);
    const { runId } = started.body;
    expect(await watcher.subscribe(runId)).toMatchObject({ ok: true });
    await llm.waitForRequest(3, 5000);

    const cancelled = await app.http('POST', `/api/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toEqual({ runId, status: 'cancelled' });
    await llm.waitForClientAbort(3, 5000);
    const events = await watcher.untilTerminal(runId);
    expectCompleteStream(events, runId);
    expect(events[events.length - 1].state).toBe('Cancelled');

    const again = await app.http('POST', `/api/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, code: 'RUN_ALREADY_FINISHED', type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  });

  it('POST /api/campaigns/:id/runs answers 409 RUN_ACTIVE while a run of the campaign is active, 202 after it ended', async () => {
    const created = await app.http('POST', '/api/campaigns', { json: runInput().campaign });
    expect(created.status).toBe(201);
    const campaignId = created.body.id as string;

    const first = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ runId: expect.any(String), campaignId, status: 'queued' });
    await llm.waitForRequest(1, 5000);

    const second = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'], executionMode: 'sequential' } });
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(second.body).toMatchObject({ status: 409, code: 'RUN_ACTIVE', detail: expect.any(String) });

    const client = await app.connect();
    const overSocket = await client.start({ campaignId, selectedPlatforms: ['x'] });
    expect(overSocket).toMatchObject({ ok: false, error: { code: 'RUN_ACTIVE' } });

    expect((await app.http('POST', `/api/runs/${first.body.runId}/cancel`)).body.status).toBe('cancelled');
    llm.respondWith(reply.completion());
    const third = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } });
    expect(third.status).toBe(202);
    expect(await client.subscribe(third.body.runId)).toMatchObject({ ok: true });
    const events = await client.untilTerminal(third.body.runId);
    expectCompleteStream(events, third.body.runId);

    const history = await app.http('GET', `/api/campaigns/${campaignId}/runs`);
    expect(history.body.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [third.body.runId, expect.stringMatching(/^(completed|partiallyCompleted)$/)],
      [first.body.runId, 'cancelled'],
    ]);
  });

  it('of two concurrent starts of one campaign, exactly one is accepted and the other is a 409 RUN_ACTIVE', async () => {
    const created = await app.http('POST', '/api/campaigns', { json: runInput().campaign });
    const campaignId = created.body.id as string;
    const answers = await Promise.all([1, 2, 3].map(() => app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['x'] } })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    const accepted = answers.find((a) => a.status === 202)!;
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(['RUN_ACTIVE', 'RUN_ACTIVE']);
    expect((await app.http('GET', `/api/campaigns/${campaignId}/runs`)).body.map((r: { id: string }) => r.id)).toEqual([accepted.body.runId]);
    expect((await app.http('POST', `/api/runs/${accepted.body.runId}/cancel`)).body).toEqual({ runId: accepted.body.runId, status: 'cancelled' });
  });
});
