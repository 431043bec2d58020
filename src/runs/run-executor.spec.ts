import { hostname } from 'node:os';
import { isTerminalState, type OrchestrationEvent } from '@app/contracts';
import { LeaseLostError } from '../persistence/store-errors';
import { RunExecutor } from './run-executor';
import { setupExecutor, startRun } from './testing/executor-setup';

describe(RunExecutor.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('creates each run claimed by this node and writes every event with the lease epoch', async () => {
    const { executor, runs, repository, exitOf } = setupExecutor(0);
    const appends = jest.spyOn(repository, 'appendEvents');
    const finishes = jest.spyOn(repository, 'finishRun');
    const { runId } = await startRun(runs);
    await executor.settled(runId);

    expect(appends.mock.calls.length).toBeGreaterThan(0);
    expect(appends.mock.calls.every(([, , epoch]) => epoch === 1)).toBe(true);
    expect(finishes.mock.calls.map(([outcome]) => outcome.epoch)).toEqual([1]);
    // Held by this node: another node cannot claim it while it runs, and it is finished now.
    await expect(repository.claimRun('t', runId, { owner: 'another-node', leaseMs: 1000 })).rejects.toMatchObject({ code: 'RUN_ALREADY_FINISHED' });
    expect(await exitOf()).toBe('ended');
    // The owner its leases name: this host, this process, and what tells two starts of one process apart.
    expect(executor.nodeId).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{8}$`));
  });

  it('tells the bus the seq a run taken over goes on after before it publishes anything, so that a subscriber meanwhile reads the store', async () => {
    const { executor, runs, repository, bus, jobs, warned, logged } = setupExecutor(5);
    const { runId } = await startRun(runs);
    await executor.settled(runId);
    const stored = await repository.listEvents('t', runId, 0);
    // The run has ended in the store, which refuses the takeover's writes: only the bus matters here.

    const takeover = executor.execute('t', jobs[0].request, 2, undefined, stored);
    expect(bus.publishedSeq('t', runId)).toBe(stored.length);
    await takeover;
    // Not a failing store: the run has ended (here, before the takeover), so this node stops it and writes nothing.
    expect(warned).toHaveBeenCalledWith(`Run ${runId}: stopped here, it ended without this node; another node owns it now`);
    expect(logged).not.toHaveBeenCalled();
  });

  it('stops a run whose write the store refused for an older epoch, and writes and publishes nothing more for it', async () => {
    const { executor, runs, repository, registry, published, warned, exitOf } = setupExecutor(30);
    const append = repository.appendEvents.bind(repository);
    jest.spyOn(repository, 'appendEvents').mockImplementation(async (tenant, batch, epoch) => {
      if (batch.some((event) => event.seq >= 3)) throw new LeaseLostError(batch[0].runId, 'taken over');
      return append(tenant, batch, epoch);
    });
    const finishes = jest.spyOn(repository, 'finishRun');
    const failures = jest.spyOn(repository, 'failInterruptedRuns');
    const { runId } = await startRun(runs);
    await executor.settled(runId);

    expect(registry.isActive(runId)).toBe(false);
    expect(finishes).not.toHaveBeenCalled();
    expect(failures).not.toHaveBeenCalled();
    expect(published.every((event) => event.seq < 3)).toBe(true);
    expect(['queued', 'running']).toContain((await repository.getRun('t', runId))?.status);
    expect(warned).toHaveBeenCalledWith(`Run ${runId}: stopped here, taken over; another node owns it now`);
    expect(await exitOf()).toBe('lost');
  });

  it('renews the leases of its runs, and stops a run whose lease it could not renew', async () => {
    const { executor, runs, repository, registry, published, warned, exitOf } = setupExecutor(2_000, 1_000);
    const renewals = jest.spyOn(repository, 'renewLeases').mockResolvedValue([]);
    const finishes = jest.spyOn(repository, 'finishRun');
    executor.onApplicationBootstrap();
    const { runId } = await startRun(runs);
    await executor.settled(runId);
    await executor.beforeApplicationShutdown();

    expect(renewals).toHaveBeenCalledWith(executor.nodeId, [{ runId, epoch: 1 }], 1_000);
    expect(registry.isActive(runId)).toBe(false);
    expect(finishes).not.toHaveBeenCalled();
    expect(published.some((event) => event.state === 'Cancelled' || event.state === 'Completed')).toBe(false);
    expect(warned).toHaveBeenCalledWith(`Run ${runId}: stopped here, its lease could not be renewed; another node owns it now`);
    expect(await exitOf()).toBe('lost');
  });

  describe('on shutdown', () => {
    const untilPublished = (published: OrchestrationEvent[], state: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (published.some((event) => event.state === state)) resolve(void clearInterval(check));
        }, 5);
      });

    it('hands a run back when other nodes take runs from the queue: it stops without writing, and gives its lease up for another node to claim at once', async () => {
      const { executor, runs, repository, registry, published, exitOf } = setupExecutor(2_000, 10_000, { scaleOut: true, shutdown: { mode: 'handback', graceMs: 10_000 } });
      const said = jest.spyOn((executor as unknown as { logger: { log: (message: string) => void } }).logger, 'log').mockImplementation(() => undefined);
      const finishes = jest.spyOn(repository, 'finishRun');
      const { runId } = await startRun(runs);
      await untilPublished(published, 'GeneratingCopy');
      const seqBefore = (await repository.getRun('t', runId))!.lastSeq;

      await executor.beforeApplicationShutdown();

      expect(await exitOf()).toBe('handedBack');
      expect(said.mock.calls).toEqual([['Shutting down with 1 run(s) in flight (handback)'], [`Run ${runId}: handed back to the queue`]]);
      expect(registry.isActive(runId)).toBe(false);
      expect(finishes).not.toHaveBeenCalled();
      expect(published.some((event) => isTerminalState(event.state))).toBe(false);
      expect(await repository.getRun('t', runId)).toMatchObject({ status: 'running', lastSeq: seqBefore });
      // Released: another node claims it now, not once the 10 s lease has run out.
      expect(await repository.claimRun('t', runId, { owner: 'another-node', leaseMs: 10_000 })).toEqual({ runId, epoch: 2 });
      await expect(startRun(runs)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    });

    it('drains a run within the grace period, renewing its lease meanwhile, so that no other node takes it over', async () => {
      const { executor, runs, repository, published } = setupExecutor(500, 1_000, { scaleOut: true, shutdown: { mode: 'drain', graceMs: 10_000 } });
      const renewals = jest.spyOn(repository, 'renewLeases');
      executor.onApplicationBootstrap();
      const { runId } = await startRun(runs);

      await executor.beforeApplicationShutdown();

      expect(published.at(-1)).toMatchObject({ runId, state: 'Completed' });
      expect(renewals).toHaveBeenCalledWith(executor.nodeId, [{ runId, epoch: 1 }], 1_000);
    });

    it('cancels what is left after the grace period on one embedded node, which no other node could take over', async () => {
      const { executor, runs, repository, published } = setupExecutor(2_000, 10_000, { shutdown: { mode: 'drain', graceMs: 50 } });
      const { runId } = await startRun(runs);

      await executor.beforeApplicationShutdown();

      expect(published.at(-1)).toMatchObject({ runId, state: 'Cancelled' });
      expect((await repository.getRun('t', runId))?.status).toBe('cancelled');
    });
  });
});
