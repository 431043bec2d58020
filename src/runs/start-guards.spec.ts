import { createRunsHarness, type RunsHarnessOptions } from './testing/runs-harness';
import { fingerprintOf, idempotencyKeyOf } from './idempotency';
import { aBrief } from '../agents/testing/fixtures';

/** The agents' sample brief, shared by every tier. */
const BRIEF = aBrief();
const NEW_CAMPAIGN = { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x' as const] };

/** RunsService with the given per-tenant limits and model availability, over in-memory SQLite and fake agents of `delayMs`. */
const setup = (options: RunsHarnessOptions = {}) => createRunsHarness(options);

describe('Run starts: idempotency keys', () => {
  it('answers a repeat of a start with its key with the first answer, marked replayed, and starts nothing more', async () => {
    const { runs, repository } = setup();
    const first = await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-1' });
    const repeat = await runs.start('t', { ...NEW_CAMPAIGN }, { idempotencyKey: 'k-1' });

    expect(first.replayed).toBeUndefined();
    expect(repeat).toEqual({ runId: first.runId, campaignId: first.campaignId, status: 'queued', replayed: true });
    expect((await repository.listCampaigns('t', 1, 10)).totalCount).toBe(1);
    expect(await repository.listRuns('t', first.campaignId)).toHaveLength(1);
  });

  it('starts one run for concurrent repeats of one key', async () => {
    const { runs, repository } = setup();
    const answers = await Promise.allSettled(Array.from({ length: 5 }, () => runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-burst' })));

    const started = answers.filter((a) => a.status === 'fulfilled').map((a) => (a as PromiseFulfilledResult<{ runId: string }>).value.runId);
    // A repeat that arrives while the first start is still writing is told to retry (IDEMPOTENCY_KEY_IN_USE), never given a second run.
    for (const refused of answers.filter((a) => a.status === 'rejected')) expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE', retryAfterSeconds: 1 });
    expect(new Set(started).size).toBe(1);
    expect((await repository.listCampaigns('t', 1, 10)).totalCount).toBe(1);
  });

  it('refuses the key with another request (IDEMPOTENCY_KEY_REUSED); other tenants and other keys are apart', async () => {
    const { runs } = setup();
    const first = await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-2' });

    await expect(runs.start('t', { ...NEW_CAMPAIGN, executionMode: 'sequential' }, { idempotencyKey: 'k-2' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'This Idempotency-Key was used with another request; use a new key for a new request' });
    expect((await runs.start('other', NEW_CAMPAIGN, { idempotencyKey: 'k-2' })).runId).not.toBe(first.runId);
    expect((await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-3' })).runId).not.toBe(first.runId);
    expect((await runs.start('t', NEW_CAMPAIGN)).runId).not.toBe(first.runId);
  });

  it('frees the key of a start that failed, so that its retry starts the run', async () => {
    const { runs } = setup({ delayMs: 5_000 });
    const busy = await runs.start('t', NEW_CAMPAIGN);
    const again = { campaignId: busy.campaignId, selectedPlatforms: ['x' as const] };
    await expect(runs.start('t', again, { idempotencyKey: 'k-4' })).rejects.toMatchObject({ code: 'RUN_ACTIVE' });
    await runs.cancel('t', busy.runId);

    const retried = await runs.start('t', again, { idempotencyKey: 'k-4' });
    expect(retried.replayed).toBeUndefined();
    expect(retried.runId).not.toBe(busy.runId);
    await runs.cancel('t', retried.runId);
  });

  it("takes over a key whose start a crash cut short (its run never stored) once it is old, and tells a repeat of a young one to retry", async () => {
    const { runs, repository } = setup();
    const fingerprint = fingerprintOf(NEW_CAMPAIGN);
    await repository.claimIdempotencyKey({ tenantId: 't', key: 'k-young', fingerprint, runId: 'never-stored-1', campaignId: 'c', createdAt: new Date().toISOString() }, 60_000);
    await repository.claimIdempotencyKey({ tenantId: 't', key: 'k-old', fingerprint, runId: 'never-stored-2', campaignId: 'c', createdAt: new Date(Date.now() - 60_000).toISOString() }, 3_600_000);

    await expect(runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-young' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE', message: 'A start with this Idempotency-Key is under way; retry to get its answer' });
    const recovered = await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-old' });
    expect(recovered.replayed).toBeUndefined();
    expect(await repository.getRun('t', recovered.runId)).toBeDefined();
    expect((await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-old' })).runId).toBe(recovered.runId);
  });

  it('fingerprints the content of a request, not its key order, and checks the REST header', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2], d: undefined } })).toBe(fingerprintOf({ b: { c: [1, 2] }, a: 1 }));
    expect(fingerprintOf({ b: { c: [2, 1] }, a: 1 })).not.toBe(fingerprintOf({ b: { c: [1, 2] }, a: 1 }));
    expect(fingerprintOf({ z: 1, y: [{ d: 2, c: 3 }], x: null })).toBe(fingerprintOf({ x: null, y: [{ c: 3, d: 2 }], z: 1 }));
    expect(fingerprintOf({ a: [1] })).not.toBe(fingerprintOf({ a: { 0: 1 } }));
    expect(fingerprintOf({ a: null })).not.toBe(fingerprintOf({ a: {} }));
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('3f1c0c1e-8d4e-4c55-b7b4-4f3c9d1b2a10')).toBe('3f1c0c1e-8d4e-4c55-b7b4-4f3c9d1b2a10');
    for (const bad of ['', 'with space', 'é', 'k'.repeat(256)]) {
      expect(() => idempotencyKeyOf(bad)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'The Idempotency-Key header is not valid', errors: [{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }] }),
      );
    }
  });
});

describe('Run starts: per-tenant limits and the model endpoint', () => {
  it('refuses starts past TENANT_RUN_STARTS_PER_MINUTE with RATE_LIMITED and the seconds to wait, per tenant', async () => {
    const { runs } = setup({ tenants: { startsPerMinute: 2, maxActiveRuns: 0 } });
    await runs.start('t', NEW_CAMPAIGN);
    await runs.start('t', NEW_CAMPAIGN);

    const refused = await runs.start('t', NEW_CAMPAIGN).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('2 runs a minute') });
    const wait = (refused as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    await expect(runs.start('other', NEW_CAMPAIGN)).resolves.toMatchObject({ status: 'queued' });
  });

  it('refuses a start past TENANT_MAX_ACTIVE_RUNS until one of the runs has ended, and never draws on the minute budget for it', async () => {
    const { runs } = setup({ tenants: { startsPerMinute: 3, maxActiveRuns: 2 }, delayMs: 5_000 });
    const first = await runs.start('t', NEW_CAMPAIGN);
    const second = await runs.start('t', NEW_CAMPAIGN);

    await expect(runs.start('t', NEW_CAMPAIGN)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 5, message: expect.stringContaining('2 runs queued or running') });
    await expect(runs.start('t', NEW_CAMPAIGN)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 5 });
    await runs.cancel('t', first.runId);
    const third = await runs.start('t', NEW_CAMPAIGN);
    await Promise.all([runs.cancel('t', second.runId), runs.cancel('t', third.runId)]);
    // Three starts drawn in all: the fourth is over the minute's budget.
    await expect(runs.start('t', NEW_CAMPAIGN)).rejects.toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('3 runs a minute') });
  });

  it('answers a replay even at the limit, and does not draw on the budget for it', async () => {
    const { runs } = setup({ tenants: { startsPerMinute: 1, maxActiveRuns: 0 } });
    const first = await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-limit' });
    expect((await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-limit' })).runId).toBe(first.runId);
    await expect(runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-next' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // The refused start did not keep its key.
    await expect(runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-next' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('refuses new runs at once with LLM_UNAVAILABLE while the model endpoint is failing, and stores nothing', async () => {
    const { runs, repository } = setup({ llm: { available: false, retryAfterSeconds: 17 } });
    await expect(runs.start('t', NEW_CAMPAIGN)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE', retryAfterSeconds: 17, message: 'The model endpoint is failing; new runs are refused until it answers again' });
    expect((await repository.listCampaigns('t', 1, 10)).totalCount).toBe(0);
  });
});
