import type { OrchestrationEvent } from '@app/contracts';
import { campaignInput, runInput, startApp, type E2eApp } from '../support/e2e-app';
import { expectCompleteStream, expectRunStream, readSse } from '../support/e2e-streams';

describe('Runs over REST and Server-Sent Events (e2e)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp({ OFFLINE_LATENCY_MS: '40-80' });
  });
  afterAll(() => app?.close());

  /** Opens the run's SSE stream with `headers`; `query` is appended to the path. */
  const openSse = (runId: string, headers: Record<string, string> = {}, query = '') =>
    app.stream(`/api/runs/${runId}/events${query}`, { headers: { accept: 'text/event-stream', ...headers } });

  /** Waits for the end of a run by following its SSE stream; returns its events. */
  const finished = async (runId: string): Promise<OrchestrationEvent[]> => (await readSse(await openSse(runId))).events;

  it('POST /api/runs creates the campaign, answers 202 at once and runs it to the end', async () => {
    const input = runInput({ executionMode: 'sequential', selectedPlatforms: ['facebook'] });
    const started = await app.http('POST', '/api/runs', { json: input });
    expect(started.status).toBe(202);
    expect(started.headers.get('content-type')).toMatch(/^application\/json/);
    expect(started.body).toEqual({ runId: expect.any(String), campaignId: expect.any(String), status: 'queued' });

    const events = await finished(started.body.runId);
    expectRunStream(events, 'sequential', ['facebook']);
    const campaign = await app.http('GET', `/api/campaigns/${started.body.campaignId}`);
    expect(campaign.body.campaign).toMatchObject({ name: input.campaign.name, brief: input.campaign.brief });
  });

  it('POST /api/campaigns answers 201 with a draft campaign; POST /api/campaigns/:id/runs starts a run of it', async () => {
    const input = campaignInput('  Spaced name  ');
    const created = await app.http('POST', '/api/campaigns', { json: input });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Spaced name',
      brief: input.brief,
      status: 'draft',
      activeVersionIds: {},
      isDeleted: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      briefRevision: 1,
      etag: expect.any(String),
    });
    const campaignId = created.body.id as string;
    const read = await app.http('GET', `/api/campaigns/${campaignId}`);
    expect(read.body).toEqual({ campaign: created.body, activeArtifacts: {}, latestAudit: {} });
    expect(read.headers.get('etag')).toBe(created.body.etag);
    expect((await app.http('GET', `/api/campaigns/${campaignId}/runs`)).body).toEqual([]);

    const started = await app.http('POST', `/api/campaigns/${campaignId}/runs`, { json: { selectedPlatforms: ['instagram'], executionMode: 'parallel' } });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ runId: expect.any(String), campaignId, status: 'queued' });
    expectRunStream(await finished(started.body.runId), 'parallel', ['instagram']);

    const detail = await app.http('GET', `/api/campaigns/${campaignId}`);
    expect(detail.body.campaign.status).toMatch(/^(completed|partiallyCompleted)$/);
    expect(Object.keys(detail.body.activeArtifacts).length).toBeGreaterThan(0);
  });

  it('GET /api/campaigns pages newest first; a page read with a continuationToken says which page it is', async () => {
    for (let i = 0; i < 5; i++) expect((await app.http('POST', '/api/campaigns', { json: campaignInput() })).status).toBe(201);
    const first = await app.http('GET', '/api/campaigns?pageSize=2');
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, continuationToken: expect.any(String) });
    const second = await app.http('GET', `/api/campaigns?pageSize=2&continuationToken=${encodeURIComponent(first.body.continuationToken)}`);
    expect(second.body).toMatchObject({ page: 2, pageSize: 2, totalCount: first.body.totalCount });
    expect((await app.http('GET', '/api/campaigns?page=2&pageSize=2')).body.items).toEqual(second.body.items);
  });

  it('GET /api/runs/:id/events answers the stored events after afterSeq as a JSON array', async () => {
    const { body } = await app.http('POST', '/api/runs', { json: runInput() });
    const events = await finished(body.runId);

    const all = await app.http('GET', `/api/runs/${body.runId}/events`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^application\/json/);
    expect(all.body).toEqual(events);
    expectCompleteStream(all.body, body.runId);

    const after3 = await app.http('GET', `/api/runs/${body.runId}/events?afterSeq=3`);
    expect(after3.body).toEqual(events.slice(3));
    expect(after3.body[0].seq).toBe(4);
    const none = await app.http('GET', `/api/runs/${body.runId}/events?afterSeq=${events.length}`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
  });

  it('the SSE form replays then follows the run live, id: is the seq, and closes after the terminal event', async () => {
    const { body } = await app.http('POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) });
    const response = await openSse(body.runId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toContain('no-cache');

    const { frames, events } = await readSse(response);
    expectRunStream(events, 'sequential', ['x', 'linkedin']);
    const eventFrames = frames.filter((f) => f.data !== undefined);
    expect(eventFrames.map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
    expect(frames[0]).toEqual({ retry: '2000' });

    const stored = await app.http('GET', `/api/runs/${body.runId}/events`);
    expect(stored.body).toEqual(events);
  });

  it('the SSE form resumes after Last-Event-ID (or afterSeq) and answers 204 when nothing is left of a finished run', async () => {
    const { body } = await app.http('POST', '/api/runs', { json: runInput({ executionMode: 'sequential' }) });
    const live = await openSse(body.runId);
    const { events: partial } = await readSse(live, { maxEvents: 4 });
    expect(partial.map((e) => e.seq)).toEqual([1, 2, 3, 4]);

    // Reconnect as EventSource would: Last-Event-ID is the last seq it saw.
    const resumed = await readSse(await openSse(body.runId, { 'last-event-id': '4' }));
    expect(resumed.events[0].seq).toBe(5);
    expect(resumed.events.map((e) => e.seq)).toEqual(resumed.events.map((_, i) => i + 5));
    const all = (await app.http('GET', `/api/runs/${body.runId}/events`)).body as OrchestrationEvent[];
    expectCompleteStream(all, body.runId);
    expect(resumed.events).toEqual(all.slice(4));
    expect([...partial, ...resumed.events]).toEqual(all);

    const byQuery = await readSse(await openSse(body.runId, {}, `?afterSeq=${all.length - 2}`));
    expect(byQuery.events).toEqual(all.slice(-2));
    const headerWins = await readSse(await openSse(body.runId, { 'last-event-id': String(all.length - 1) }, '?afterSeq=1'));
    expect(headerWins.events).toEqual(all.slice(-1));

    const nothingLeft = await openSse(body.runId, { 'last-event-id': String(all.length) });
    expect(nothingLeft.status).toBe(204);
    expect(await nothingLeft.text()).toBe('');
  });
});

