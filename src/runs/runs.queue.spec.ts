import { aBrief } from '../agents/testing/fixtures';
import type { LeaseClaim } from '../persistence/run.repository';
import type { RunJob } from './run-queue';
import { RunQueue } from './run-queue';
import { createRunsHarness, ended } from './testing/runs-harness';

const NEW_CAMPAIGN = { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x' as const] };

/** A queue whose runs wait for a worker until the test lets one go (as BullMQ's do while every worker is busy), or that refuses them. */
class WaitingQueue extends RunQueue {
  readonly recoversRuns = true;
  readonly waiting = new Map<string, RunJob>();
  refuse?: Error;

  creationClaim(): LeaseClaim | undefined {
    return undefined;
  }

  async enqueue(job: RunJob): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.waiting.set(job.request.runId, job);
  }

  async withdraw(runId: string): Promise<RunJob | undefined> {
    const job = this.waiting.get(runId);
    this.waiting.delete(runId);
    return job;
  }

  async ping(): Promise<void> {}
}

function setup() {
  let queue!: WaitingQueue;
  const harness = createRunsHarness({ delayMs: 0, queue: () => (queue = new WaitingQueue()) });
  return { ...harness, queue };
}

describe('RunsService with a queue whose runs wait for a worker', () => {
  it('stores a run unclaimed and hands it to the queue as a job with its ids', async () => {
    const { runs, repository, queue } = setup();
    const started = await runs.start('t', NEW_CAMPAIGN);

    expect(started.status).toBe('queued');
    expect(queue.waiting.get(started.runId)).toMatchObject({ tenantId: 't', request: { runId: started.runId, campaignId: started.campaignId, selectedPlatforms: ['x'] } });
    expect(await repository.getRun('t', started.runId)).toMatchObject({ status: 'queued', lastSeq: 0 });
  });

  it('cancels a run no worker has started: taken out of the queue, then ended as cancelled with its events, and never executed', async () => {
    const { runs, repository, queue, events, agents } = setup();
    const started = await runs.start('t', NEW_CAMPAIGN);

    expect(await runs.cancel('t', started.runId)).toEqual({ runId: started.runId, status: 'cancelled' });
    await ended({ events }, 't', started);
    expect(queue.waiting.size).toBe(0);
    expect((await repository.listEvents('t', started.runId, 0)).map((e) => e.state)).toEqual(['Queued', 'Cancelled']);
    expect(agents.copy.calls).toHaveLength(0);
  });

  it('ends a run the queue refuses as failed, naming why, answers SERVICE_UNAVAILABLE, and frees its idempotency key', async () => {
    const { runs, repository, queue } = setup();
    queue.refuse = new Error('Redis is down');

    await expect(runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-refused' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'The run could not be queued; try again' });
    const [campaign] = (await repository.listCampaigns('t', 1, 10)).items;
    const [run] = await repository.listRuns('t', campaign.id);
    expect(run).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'RUN_INTERRUPTED', message: 'The run could not be queued: Error: Redis is down' })] });

    queue.refuse = undefined;
    const retried = await runs.start('t', NEW_CAMPAIGN, { idempotencyKey: 'k-refused' });
    expect(retried.replayed).toBeUndefined();
    expect(queue.waiting.has(retried.runId)).toBe(true);
  });

  it('leaves runs a crash cut short to the queue, which takes them over: no recovery sweep fails them', async () => {
    const { runs, repository } = setup();
    const campaign = await repository.createCampaign({ tenantId: 't', name: 'C', brief: aBrief() });
    await repository.createRun({ tenantId: 't', run: { id: 'crashed', campaignId: campaign.id, executionMode: 'parallel', selectedPlatforms: ['x'] } });

    await runs.onApplicationBootstrap();
    expect(await repository.getRun('t', 'crashed')).toMatchObject({ status: 'queued' });
    runs.beforeApplicationShutdown();
  });
});

describe('The recovery sweep of the embedded queue', () => {
  afterEach(() => jest.useRealTimers());

  it('fails runs whose lease expired at boot and then every RUN_LEASE_MS, and publishes their end to subscribers', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
    const { runs, repository, bus, config } = createRunsHarness({ config: (c) => ({ ...c, runs: { ...c.runs, leaseMs: 1000 } }) });
    const published = jest.spyOn(bus, 'publish');
    const campaign = await repository.createCampaign({ tenantId: 't', name: 'C', brief: aBrief() });
    await runs.onApplicationBootstrap();

    await repository.createRun({ tenantId: 't', run: { id: 'later', campaignId: campaign.id, executionMode: 'parallel', selectedPlatforms: ['x'] } });
    await jest.advanceTimersByTimeAsync(config.runs.leaseMs);
    expect(await repository.getRun('t', 'later')).toMatchObject({ status: 'failed', errors: [expect.objectContaining({ code: 'RUN_INTERRUPTED', message: 'The server stopped while the run was executing' })] });
    expect(published).toHaveBeenCalledWith(expect.objectContaining({ runId: 'later', state: 'Failed' }));

    // A sweep that fails is logged, and the next one runs all the same.
    const warn = jest.spyOn((runs as unknown as { logger: { warn: (m: string) => void } }).logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(repository, 'failInterruptedRuns').mockRejectedValueOnce(new Error('disk I/O error'));
    await jest.advanceTimersByTimeAsync(config.runs.leaseMs);
    expect(warn).toHaveBeenCalledWith('Recovery sweep failed: Error: disk I/O error');
    runs.beforeApplicationShutdown();
    const sweeps = (repository.failInterruptedRuns as jest.Mock).mock.calls.length;
    await jest.advanceTimersByTimeAsync(config.runs.leaseMs * 3);
    expect((repository.failInterruptedRuns as jest.Mock).mock.calls.length).toBe(sweeps);
  });
});
