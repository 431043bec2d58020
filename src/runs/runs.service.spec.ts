import { createRunsHarness, eventsOf } from './testing/runs-harness';
import type { RunEventsService } from './run-events.service';
import type { OrchestrationEvent } from '@app/contracts';
import { StoreError } from '../persistence/store-errors';
import { RunsService } from './runs.service';
import { aBrief } from '../agents/testing/fixtures';

/** The agents' sample brief, shared by every tier. */
const BRIEF = aBrief();

/** RunsService over an in-memory SQLite store and fake agents that take `delayMs` each. */
const setup = (delayMs = 5) => createRunsHarness({ delayMs });

const collect = (events: RunEventsService, runId: string) => eventsOf({ events }, 't', runId);

describe(RunsService.name, () => {
  it('stores every event before publishing it, and the run with its outcome at the end', async () => {
    const { runs, events, repository, bus } = setup();
    // One timeline of what the store has acknowledged and what the bus was given, in the order it happened.
    const timeline: string[] = [];
    const append = repository.appendEvents.bind(repository);
    const finish = repository.finishRun.bind(repository);
    const publish = bus.publish.bind(bus);
    jest.spyOn(repository, 'appendEvents').mockImplementation(async (tenant, batch) => {
      await append(tenant, batch);
      batch.forEach((e) => timeline.push(`stored ${e.seq}`));
    });
    jest.spyOn(repository, 'finishRun').mockImplementation(async (outcome) => {
      await finish(outcome);
      timeline.push(`stored ${outcome.terminalEvent.seq}`);
    });
    jest.spyOn(bus, 'publish').mockImplementation((e) => {
      timeline.push(`published ${e.seq}`);
      publish(e);
    });
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    expect(started.status).toBe('queued');
    const live = await collect(events, started.runId);

    for (const { seq } of live) {
      expect(timeline.indexOf(`stored ${seq}`)).toBeGreaterThanOrEqual(0);
      expect(timeline.indexOf(`stored ${seq}`)).toBeLessThan(timeline.indexOf(`published ${seq}`));
    }

    const stored = await repository.listEvents('t', started.runId, 0);
    expect(stored).toEqual(live);
    expect(live.at(-1)?.state).toBe('Completed');
    expect(await repository.getRun('t', started.runId)).toMatchObject({ status: 'completed', lastSeq: live.length });
  });

  it('stores the events that arrive while a write is in flight together, in order, each once', async () => {
    const { runs, events, repository } = setup(0);
    const appends = jest.spyOn(repository, 'appendEvents');
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    const live = await collect(events, started.runId);

    const written = appends.mock.calls.flatMap(([, batch]) => batch);
    expect(written.map((e) => e.seq)).toEqual(live.slice(0, -1).map((e) => e.seq));
    expect(appends.mock.calls.length).toBeLessThan(written.length);
    expect(appends.mock.calls.some(([, batch]) => batch.length > 1)).toBe(true);
  });

  it('ends a run as failed, with its terminal event, when a store write fails mid-run', async () => {
    const { runs, executor, events, repository, registry } = setup(50);
    const append = repository.appendEvents.bind(repository);
    jest.spyOn(repository, 'appendEvents').mockImplementation(async (tenant: string, batch: readonly OrchestrationEvent[]) => {
      if (batch.some((event) => event.seq === 3)) throw new StoreError('disk I/O error');
      return append(tenant, batch);
    });
    const logged = jest.spyOn((executor as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    const live = await collect(events, started.runId);

    expect(live.map((e) => e.seq)).toEqual(live.map((_, i) => i + 1));
    expect(live.at(-1)).toMatchObject({ state: 'Failed', metadata: { errorCodes: ['RUN_INTERRUPTED'] } });
    const run = await repository.getRun('t', started.runId);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run?.errors[0].message).toContain('disk I/O error');
    expect(registry.isActive(started.runId)).toBe(false);
    expect(logged).toHaveBeenCalled();
  });

  it('refuses a second run of a campaign while one is active, and unknown campaigns', async () => {
    const { runs } = setup(30);
    const first = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    await expect(runs.start('t', { campaignId: first.campaignId, selectedPlatforms: ['x'] })).rejects.toMatchObject({ code: 'RUN_ACTIVE' });
    await expect(runs.start('t', { campaignId: 'nope', selectedPlatforms: ['x'] })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
    await runs.cancel('t', first.runId);
  });

  it('cancels a run and answers its stored status; a second cancel is a conflict', async () => {
    const { runs, repository } = setup(5_000);
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    expect(await runs.cancel('t', started.runId)).toEqual({ runId: started.runId, status: 'cancelled' });
    expect((await repository.listEvents('t', started.runId, 0)).at(-1)?.state).toBe('Cancelled');
    await expect(runs.cancel('t', started.runId)).rejects.toMatchObject({ code: 'RUN_ALREADY_FINISHED', message: `Run ${started.runId} has already ended (cancelled)` });
    await expect(runs.cancel('other-tenant', started.runId)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: `Run ${started.runId} not found` });
  });

  it('reads a run with its detail, and names an unknown one', async () => {
    const { runs, events } = setup();
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    await collect(events, started.runId);
    expect(await runs.get('t', started.runId)).toMatchObject({ id: started.runId, campaignId: started.campaignId, status: 'completed' });
    await expect(runs.get('t', 'nope')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: 'Run nope not found' });
    await expect(runs.get('other', started.runId)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    await expect(runs.start('t', { campaignId: 'gone', selectedPlatforms: ['x'] })).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', message: 'Campaign gone not found' });
  });

  it('marks runs a crash left unfinished as failed when it boots, and says how many', async () => {
    const { runs, repository } = setup();
    const warn = jest.spyOn((runs as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    await runs.onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
    runs.beforeApplicationShutdown();
    const campaign = await repository.createCampaign({ tenantId: 't', name: 'C', brief: BRIEF });
    await repository.createRun({ tenantId: 't', run: { id: 'crashed', campaignId: campaign.id, executionMode: 'parallel', selectedPlatforms: ['x'] } });
    await runs.onApplicationBootstrap();
    expect(await repository.getRun('t', 'crashed')).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'RUN_INTERRUPTED' })] });
    expect(warn).toHaveBeenCalledWith('Marked 1 interrupted run(s) failed (RUN_INTERRUPTED)');
    runs.beforeApplicationShutdown();
  });

  it('drains on shutdown: no new runs, in-flight runs end before it returns', async () => {
    const { runs, executor, repository } = setup(20);
    const started = await runs.start('t', { campaign: { name: 'C', brief: BRIEF }, selectedPlatforms: ['x'] });
    const shutdown = executor.beforeApplicationShutdown();
    await expect(runs.start('t', { campaign: { name: 'D', brief: BRIEF }, selectedPlatforms: ['x'] })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'The server is shutting down and takes no new runs' });
    await shutdown;
    expect((await repository.getRun('t', started.runId))?.status).toBe('completed');
    expect(executor.activeRuns).toBe(0);
  });
});
