import { httpRequest, runInput, startApp, type E2eApp, type HttpAnswer } from '../support/e2e-app';
import { refusedHandshake } from '../support/e2e-socket';
import { expectCompleteStream } from '../support/e2e-streams';

const TOKEN_A = 'tokenAAAAAAAAAAAAAAAA';
const TOKEN_B = 'tokenBBBBBBBBBBBBBBBB';

function expectProblem(answer: HttpAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }));
}

describe('Authentication and tenant isolation (e2e)', () => {
  let app: E2eApp;
  /** A run of tenant A that has ended, and its campaign. */
  let runOfA: { runId: string; campaignId: string };

  beforeAll(async () => {
    app = await startApp({ AUTH_TOKENS: `${TOKEN_A}:tenant-a,${TOKEN_B}:tenant-b` });
    const started = await app.http('POST', '/api/runs', { token: TOKEN_A, json: runInput({ name: 'Campaign of A' }) });
    expect(started.status).toBe(202);
    runOfA = started.body;
    const watcher = await app.connect(TOKEN_A);
    expect(await watcher.subscribe(runOfA.runId)).toMatchObject({ ok: true });
    await watcher.untilTerminal(runOfA.runId);
  });
  afterAll(() => app?.close());

  it('REST without a bearer token, or with a wrong one, is a 401 problem detail', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/campaigns'],
      ['POST', '/api/campaigns'],
      ['POST', '/api/runs'],
      ['GET', `/api/runs/${runOfA.runId}`],
      ['GET', `/api/runs/${runOfA.runId}/events`],
      ['POST', `/api/runs/${runOfA.runId}/cancel`],
      ['GET', `/api/campaigns/${runOfA.campaignId}/runs`],
    ];
    for (const [method, path] of routes) {
      expectProblem(await app.http(method, path, { token: null, json: method === 'POST' ? runInput() : undefined }), 401, 'UNAUTHORIZED');
      expectProblem(await app.http(method, path, { token: 'tokenCCCCCCCCCCCCCCCC' }), 401, 'UNAUTHORIZED');
      expectProblem(await app.http(method, path, { token: null, headers: { authorization: `Basic ${TOKEN_A}` } }), 401, 'UNAUTHORIZED');
      expectProblem(await app.http(method, path, { token: TOKEN_A.slice(0, -1) }), 401, 'UNAUTHORIZED');
    }
    expect((await app.http('GET', '/api/campaigns', { token: null, headers: { authorization: `bearer ${TOKEN_A}` } })).status).toBe(200);
  });

  it('the health endpoints need no token', async () => {
    expect((await httpRequest(app.baseUrl, 'GET', '/api/health/live')).status).toBe(200);
    const ready = await httpRequest(app.baseUrl, 'GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok' });
  });

  it('a socket handshake without a token or with a bad one is refused', async () => {
    for (const auth of [undefined, {}, { token: 'tokenCCCCCCCCCCCCCCCC' }, { token: 42 }, { token: `${TOKEN_A} ` }]) {
      const error = await refusedHandshake(app.baseUrl, auth);
      expect(error.message).toMatch(/token/i);
      expect(error.data).toEqual({ code: 'UNAUTHORIZED' });
    }
    const accepted = await app.connect(TOKEN_B);
    expect(accepted.connected).toBe(true);
  });

  it("tenant A's run and campaign are not found for tenant B over REST", async () => {
    const asB = { token: TOKEN_B };
    expectProblem(await app.http('GET', `/api/runs/${runOfA.runId}`, asB), 404, 'RUN_NOT_FOUND');
    expectProblem(await app.http('GET', `/api/runs/${runOfA.runId}/events`, asB), 404, 'RUN_NOT_FOUND');
    expectProblem(await app.http('GET', `/api/runs/${runOfA.runId}/events`, { ...asB, headers: { accept: 'text/event-stream' } }), 404, 'RUN_NOT_FOUND');
    expectProblem(await app.http('POST', `/api/runs/${runOfA.runId}/cancel`, asB), 404, 'RUN_NOT_FOUND');
    expectProblem(await app.http('GET', `/api/campaigns/${runOfA.campaignId}`, asB), 404, 'CAMPAIGN_NOT_FOUND');
    expectProblem(await app.http('GET', `/api/campaigns/${runOfA.campaignId}/runs`, asB), 404, 'CAMPAIGN_NOT_FOUND');
    expectProblem(await app.http('POST', `/api/campaigns/${runOfA.campaignId}/runs`, { ...asB, json: { selectedPlatforms: ['x'] } }), 404, 'CAMPAIGN_NOT_FOUND');

    const asA = { token: TOKEN_A };
    expect((await app.http('GET', `/api/runs/${runOfA.runId}`, asA)).status).toBe(200);
    expect((await app.http('GET', `/api/campaigns/${runOfA.campaignId}`, asA)).status).toBe(200);
  });

  it("tenant B's socket cannot subscribe to, cancel or start a run of tenant A's", async () => {
    const clientB = await app.connect(TOKEN_B);
    expect(await clientB.subscribe(runOfA.runId)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expect(await clientB.subscribe(runOfA.runId, 3)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expect(await clientB.cancel(runOfA.runId)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expect(await clientB.start({ campaignId: runOfA.campaignId, selectedPlatforms: ['x'] })).toMatchObject({ ok: false, error: { code: 'CAMPAIGN_NOT_FOUND' } });
    // A round trip after the refusals: no event of A's run reached B.
    expect(await clientB.subscribe('no-such-run')).toMatchObject({ ok: false });
    expect(clientB.received).toEqual([]);

    const clientA = await app.connect(TOKEN_A);
    expect(await clientA.subscribe(runOfA.runId)).toMatchObject({ ok: true, run: { id: runOfA.runId } });
    expectCompleteStream(await clientA.untilTerminal(runOfA.runId), runOfA.runId);
  });

  it("a live run of A is cancelled by neither B's socket nor B's REST call, and B never sees its events", async () => {
    const clientA = await app.connect(TOKEN_A);
    const clientB = await app.connect(TOKEN_B);
    const { runId } = await clientA.startOk(runInput({ executionMode: 'sequential' }));
    expect(await clientB.cancel(runId)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    expectProblem(await app.http('POST', `/api/runs/${runId}/cancel`, { token: TOKEN_B }), 404, 'RUN_NOT_FOUND');
    expect(await clientB.subscribe(runId)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });

    const events = await clientA.untilTerminal(runId);
    expect(events[events.length - 1].state).not.toBe('Cancelled');
    expect(await clientB.subscribe('no-such-run')).toMatchObject({ ok: false });
    expect(clientB.received).toEqual([]);
  });

  it("the campaigns list of B does not show A's campaigns", async () => {
    const ofB = await app.http('POST', '/api/campaigns', { token: TOKEN_B, json: runInput({ name: 'Campaign of B' }).campaign });
    expect(ofB.status).toBe(201);

    const listB = await app.http('GET', '/api/campaigns?pageSize=100', { token: TOKEN_B });
    expect(listB.status).toBe(200);
    expect(listB.body).toMatchObject({ totalCount: 1, items: [{ id: ofB.body.id, name: 'Campaign of B' }] });

    const listA = await app.http('GET', '/api/campaigns?pageSize=100', { token: TOKEN_A });
    const idsOfA = listA.body.items.map((c: { id: string }) => c.id);
    expect(idsOfA).toContain(runOfA.campaignId);
    expect(idsOfA).not.toContain(ofB.body.id);
    expect(listA.body.totalCount).toBe(idsOfA.length);
    expectProblem(await app.http('GET', `/api/campaigns/${ofB.body.id}`, { token: TOKEN_A }), 404, 'CAMPAIGN_NOT_FOUND');
  });
});
