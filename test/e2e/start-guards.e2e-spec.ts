import { eventually, removeDir, runInput, startApp, tempDir, type E2eApp } from '../support/e2e-app';
import { reply } from '../support/openai-test-behaviours';
import { OpenAiTestServer } from '../support/openai-test-server';

const TOKEN_A = 'tenant-a-token-0123456789';
const TOKEN_B = 'tenant-b-token-0123456789';
const TWO_TENANTS = { AUTH_TOKENS: `${TOKEN_A}:acme,${TOKEN_B}:globex` };

/** What guards a run start before anything is stored: idempotency keys, per-tenant limits, the model endpoint's circuit breaker. */
describe('Start guards (e2e)', () => {
  const apps: E2eApp[] = [];
  const dirs: string[] = [];
  const start = async (env: Record<string, string>, dataDir?: string) => {
    const app = await startApp({ ...TWO_TENANTS, ...env }, { token: TOKEN_A, dataDir });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    dirs.splice(0).forEach(removeDir);
  });

  describe('Idempotency-Key', () => {
    it('answers a repeated REST start with the first answer (202, same body, Idempotent-Replayed) and starts one run, also after a restart', async () => {
      const dataDir = tempDir();
      dirs.push(dataDir);
      const app = await start({}, dataDir);
      const input = runInput({ name: 'Idempotent launch' });
      const key = { 'idempotency-key': 'launch-2026-12-01' };

      const first = await app.http('POST', '/api/runs', { json: input, headers: key });
      const repeat = await app.http('POST', '/api/runs', { json: input, headers: key });
      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(repeat.status).toBe(202);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect((await app.http('GET', '/api/campaigns')).body.totalCount).toBe(1);

      await app.stop();
      const restarted = await start({}, dataDir);
      const afterRestart = await restarted.http('POST', '/api/runs', { json: input, headers: key });
      expect(afterRestart.status).toBe(202);
      expect(afterRestart.body).toEqual(first.body);
      expect((await restarted.http('GET', `/api/campaigns/${first.body.campaignId}/runs`)).body).toHaveLength(1);
    });

    it('refuses the key with another body (422 IDEMPOTENCY_KEY_REUSED) and a malformed key (400 naming the header); another tenant has its own keys', async () => {
      const app = await start({});
      const key = { 'idempotency-key': 'k-body' };
      const first = await app.http('POST', '/api/runs', { json: runInput({ name: 'One' }), headers: key });

      const reused = await app.http('POST', '/api/runs', { json: runInput({ name: 'Another' }), headers: key });
      expect(reused.status).toBe(422);
      expect(reused.headers.get('content-type')).toContain('application/problem+json');
      expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });

      const malformed = await app.http('POST', '/api/runs', { json: runInput(), headers: { 'idempotency-key': 'has spaces in it' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });

      const otherTenant = await app.http('POST', '/api/runs', { json: runInput({ name: 'One' }), headers: key, token: TOKEN_B });
      expect(otherTenant.status).toBe(202);
      expect(otherTenant.body.runId).not.toBe(first.body.runId);
      expect((await app.http('GET', '/api/campaigns')).body.totalCount).toBe(1);
    });

    it('replays a start of an existing campaign instead of answering RUN_ACTIVE, and a refused start keeps no key', async () => {
      const app = await start({ OFFLINE_LATENCY_MS: '3000' });
      const campaign = (await app.http('POST', '/api/campaigns', { json: runInput().campaign })).body;
      const path = `/api/campaigns/${campaign.id}/runs`;
      const first = await app.http('POST', path, { json: { selectedPlatforms: ['x'] }, headers: { 'idempotency-key': 'rerun-1' } });
      const repeat = await app.http('POST', path, { json: { selectedPlatforms: ['x'] }, headers: { 'idempotency-key': 'rerun-1' } });
      expect([first.status, repeat.status]).toEqual([202, 202]);
      expect(repeat.body.runId).toBe(first.body.runId);

      const busy = await app.http('POST', path, { json: { selectedPlatforms: ['x'] }, headers: { 'idempotency-key': 'rerun-2' } });
      expect(busy.status).toBe(409);
      expect(busy.body.code).toBe('RUN_ACTIVE');
      await app.http('POST', `/api/runs/${first.body.runId}/cancel`);
      const retried = await app.http('POST', path, { json: { selectedPlatforms: ['x'] }, headers: { 'idempotency-key': 'rerun-2' } });
      expect(retried.status).toBe(202);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(retried.body.runId).not.toBe(first.body.runId);
      await app.http('POST', `/api/runs/${retried.body.runId}/cancel`);
    });

    it('takes idempotencyKey in run:start: a repeat gets the same run, replayed, on any transport', async () => {
      const app = await start({});
      const socket = await app.connect();
      const input = runInput({ name: 'Socket launch' });

      const first = await socket.start({ ...input, idempotencyKey: 'socket-1' });
      const repeat = await socket.start({ ...input, idempotencyKey: 'socket-1' });
      const viaRest = await app.http('POST', '/api/runs', { json: input, headers: { 'idempotency-key': 'socket-1' } });
      expect(first).toMatchObject({ ok: true });
      expect(first).not.toHaveProperty('replayed');
      expect(repeat).toEqual({ ...first, replayed: true });
      expect(viaRest.body).toMatchObject({ runId: (first as { runId: string }).runId });
      expect(viaRest.headers.get('idempotent-replayed')).toBe('true');

      const bad = await socket.start({ ...input, idempotencyKey: '' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'idempotencyKey' })] } });
      const reused = await socket.start({ ...runInput(), idempotencyKey: 'socket-1' });
      expect(reused).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    });
  });

  describe('per-tenant limits', () => {
    it('answers starts past TENANT_RUN_STARTS_PER_MINUTE with 429, Retry-After and RATE_LIMITED, on REST and socket, per tenant; invalid starts draw nothing', async () => {
      const app = await start({ TENANT_RUN_STARTS_PER_MINUTE: '2' });
      expect((await app.http('POST', '/api/runs', { json: { campaign: {} } })).status).toBe(400);
      for (let n = 0; n < 2; n++) expect((await app.http('POST', '/api/runs', { json: runInput() })).status).toBe(202);

      const limited = await app.http('POST', '/api/runs', { json: runInput() });
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: retryAfter });
      const socket = await app.connect();
      expect(await socket.start(runInput())).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });

      expect((await app.http('POST', '/api/runs', { json: runInput(), token: TOKEN_B })).status).toBe(202);
    });

    it('answers a start past TENANT_MAX_ACTIVE_RUNS with 429 until one of the runs has ended', async () => {
      const app = await start({ TENANT_MAX_ACTIVE_RUNS: '2', OFFLINE_LATENCY_MS: '3000' });
      const runs = [];
      for (let n = 0; n < 2; n++) runs.push((await app.http('POST', '/api/runs', { json: runInput() })).body.runId as string);

      const limited = await app.http('POST', '/api/runs', { json: runInput() });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('5');
      expect(limited.body.detail).toContain('2 runs queued or running');
      expect((await app.http('POST', '/api/runs', { json: runInput(), token: TOKEN_B })).status).toBe(202);

      await app.http('POST', `/api/runs/${runs[0]}/cancel`);
      const next = await app.http('POST', '/api/runs', { json: runInput() });
      expect(next.status).toBe(202);
      await Promise.all([runs[1], next.body.runId].map((runId) => app.http('POST', `/api/runs/${runId}/cancel`)));
    });
  });

  describe('the model endpoint failing', () => {
    const llm = new OpenAiTestServer();
    beforeAll(() => llm.start());
    afterAll(() => llm.stop());
    afterEach(() => {
      llm.reset();
      llm.respondWith(reply.completion());
    });

    it('opens the breaker after LLM_BREAKER_FAILURES failures in a row: readiness 503, new runs 503 LLM_UNAVAILABLE at once; the first good probe closes it', async () => {
      const app = await start({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: llm.openAiBaseUrl, OPENAI_API_KEY: 'sk-e2e', LLM_MAX_RETRIES: '0', LLM_BREAKER_FAILURES: '3', LLM_BREAKER_PROBE_MS: '300' });
      expect((await app.http('GET', '/api/health/ready')).status).toBe(200);
      llm.respondWith(reply.status(503));

      const doomed = await app.http('POST', '/api/runs', { json: runInput() });
      expect(doomed.status).toBe(202);
      const ready = await eventually(async () => {
        const answer = await app.http('GET', '/api/health/ready');
        return answer.status === 503 ? answer : undefined;
      }, 'readiness to report the model endpoint');
      expect(ready.body.error).toMatchObject({ llm: { status: 'down' } });
      expect(ready.body.details.store.status).toBe('up');

      const refused = await app.http('POST', '/api/runs', { json: runInput() });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'LLM_UNAVAILABLE' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const socket = await app.connect();
      expect(await socket.start(runInput())).toMatchObject({ ok: false, error: { code: 'LLM_UNAVAILABLE' } });
      expect((await app.http('GET', '/api/campaigns')).body.totalCount).toBe(1);
      const probes = () => llm.requests.filter((r) => r.method === 'GET' && r.path === '/v1/models').length;
      await eventually(async () => (probes() >= 1 ? true : undefined), 'a probe of the models list');

      llm.respondWith(reply.completion());
      await eventually(async () => ((await app.http('GET', '/api/health/ready')).status === 200 ? true : undefined), 'the breaker to close');
      const again = await app.http('POST', '/api/runs', { json: runInput() });
      expect(again.status).toBe(202);
      const run = await eventually(async () => {
        const answer = await app.http('GET', `/api/runs/${again.body.runId}`);
        return ['completed', 'partiallyCompleted'].includes(answer.body.status) ? answer.body : undefined;
      }, 'the run after the endpoint recovered');
      // Every agent answered (the test server's stock answers may miss the audit's bar, hence partial).
      expect(run.errors).toEqual([]);
      expect((await app.http('GET', `/api/runs/${doomed.body.runId}`)).body.status).toMatch(/failed|partiallyCompleted/);
    });
  });
});
