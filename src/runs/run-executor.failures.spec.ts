import { lastValueFrom, toArray } from 'rxjs';
import { isTerminalState, type OrchestrationEvent } from '@app/contracts';
import { eventually } from '../common/testing/eventually';
import { createHarness, withinRunDeadline } from '../orchestration/testing/orchestrator-harness';
import { StoreConflictError, StoreError } from '../persistence/store-errors';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { RunExecutor } from './run-executor';
import { setupExecutor, startRun } from './testing/executor-setup';

/** Makes the store refuse every append of the run's events from `seq` on, with `error`. */
function failAppendsFrom(repository: ReturnType<typeof setupExecutor>['repository'], seq: number, error: Error = new StoreError('disk I/O error')) {
  const append = repository.appendEvents.bind(repository);
  jest.spyOn(repository, 'appendEvents').mockImplementation(async (tenant, batch, epoch) => {
    if (batch.some((event) => event.seq >= seq)) throw error;
    return append(tenant, batch, epoch);
  });
}

describe(`${RunExecutor.name}: a failing store, shutdown and takeover`, () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it.each([
    ['a failing store', new StoreError('disk I/O error')],
    ['a conflict that is not the end of the run', new StoreConflictError('STORE_ERROR', 'disk I/O error: seq 3 stored twice')],
  ])('ends a run whose write failed (%s) as failed, and publishes that end to its live subscribers', async (_case, error) => {
    const { executor, runs, repository, bus, published, logged, exitOf } = setupExecutor(20);
    failAppendsFrom(repository, 3, error);
    const { runId } = await startRun(runs);
    const live = lastValueFrom(bus.live(runId).pipe(toArray(), withinRunDeadline('The live channel did not end')));
    await executor.settled(runId);

    expect(await exitOf()).toBe('ended');
    expect(published.at(-1)).toMatchObject({ runId, state: 'Failed', metadata: { errorCodes: ['RUN_INTERRUPTED'] } });
    expect((await live).at(-1)).toMatchObject({ state: 'Failed' });
    expect(bus.publishedSeq('t', runId)).toBeUndefined();
    expect(logged).toHaveBeenCalledWith(`Run ${runId}: store write failed, ending the run`, expect.stringContaining('disk I/O error'));
  });

  it('closes the live channel of a run it could not even mark failed, and leaves the run to the recovery sweep', async () => {
    const { executor, runs, repository, bus, published, logged, exitOf } = setupExecutor(20);
    failAppendsFrom(repository, 3);
    jest.spyOn(repository, 'failInterruptedRuns').mockRejectedValue(new StoreError('the store is gone'));
    const { runId } = await startRun(runs);
    const live = lastValueFrom(bus.live(runId).pipe(toArray(), withinRunDeadline('The live channel did not end')));
    await executor.settled(runId);

    expect(await exitOf()).toBe('ended');
    // Its subscribers are not left waiting: the channel ends, and they read the store from then on.
    expect((await live).some((event) => isTerminalState(event.state))).toBe(false);
    expect(bus.publishedSeq('t', runId)).toBeUndefined();
    expect(published.some((event) => isTerminalState(event.state))).toBe(false);
    expect(logged).toHaveBeenCalledWith(`Run ${runId}: could not mark it failed; restart recovery will`, 'StoreError: the store is gone');
    expect(['queued', 'running']).toContain((await repository.getRun('t', runId))?.status);
  });

  it('publishes nothing more for a run whose write failed when the store says it has ended already', async () => {
    const { executor, runs, repository, published, logged, exitOf } = setupExecutor(20);
    failAppendsFrom(repository, 3);
    jest.spyOn(repository, 'failInterruptedRuns').mockResolvedValue([]);
    const { runId } = await startRun(runs);
    await executor.settled(runId);

    expect(await exitOf()).toBe('ended');
    expect(published.some((event) => isTerminalState(event.state))).toBe(false);
    expect(logged.mock.calls).toEqual([[`Run ${runId}: store write failed, ending the run`, expect.stringContaining('disk I/O error')]]);
  });

  it('hands a run back on shutdown even when its lease cannot be given up: the next node claims it once the lease expires', async () => {
    const { executor, runs, repository, published, warned, exitOf } = setupExecutor(2_000, 10_000, { scaleOut: true, shutdown: { mode: 'handback', graceMs: 10_000 } });
    jest.spyOn(repository, 'releaseLeases').mockRejectedValue(new StoreError('timed out'));
    const { runId } = await startRun(runs);
    await eventually(() => (published.some((event) => event.state === 'GeneratingCopy') ? true : undefined), 'the copy started');

    await executor.beforeApplicationShutdown();

    expect(await exitOf()).toBe('handedBack');
    expect(warned).toHaveBeenCalledWith(`Run ${runId}: its lease could not be released (another node takes it over once it expires): StoreError: timed out`);
  });

  it('cancels its runs on shutdown in cancel mode, even with a queue other nodes take runs from', async () => {
    const { executor, runs, repository, published } = setupExecutor(2_000, 10_000, { scaleOut: true, shutdown: { mode: 'cancel', graceMs: 10_000 } });
    const said = jest.spyOn((executor as unknown as { logger: { log: (message: string) => void } }).logger, 'log').mockImplementation(() => undefined);
    const { runId } = await startRun(runs);
    await eventually(() => (published.some((event) => event.state === 'GeneratingCopy') ? true : undefined), 'the copy started');

    await executor.beforeApplicationShutdown();

    expect(published.at(-1)).toMatchObject({ runId, state: 'Cancelled' });
    expect((await repository.getRun('t', runId))?.status).toBe('cancelled');
    expect(said).toHaveBeenCalledWith('Shutting down with 1 run(s) in flight (cancel)');
  });

  it('shuts down at once, saying nothing of runs, with none in flight', async () => {
    const { executor } = setupExecutor(0);
    const said = jest.spyOn((executor as unknown as { logger: { log: (message: string) => void } }).logger, 'log').mockImplementation(() => undefined);
    await executor.beforeApplicationShutdown();
    expect(said).not.toHaveBeenCalled();
  });

  it('asks the store to renew nothing while it executes no run, and goes on when a renewal fails', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { executor, runs, repository, warned } = setupExecutor(0, 900);
    const renewals = jest.spyOn(repository, 'renewLeases');
    executor.onApplicationBootstrap();
    jest.advanceTimersByTime(2_000);
    expect(renewals).not.toHaveBeenCalled();

    const { runId } = await startRun(runs);
    renewals.mockRejectedValueOnce(new StoreError('throttled'));
    // The run is still executing (fake timers hold its agents): the renewal fails, and the run goes on.
    await jest.advanceTimersByTimeAsync(300);
    expect(renewals).toHaveBeenCalledTimes(1);
    expect(warned).toHaveBeenCalledWith('Lease renewal failed (tried again in 300 ms): StoreError: throttled');
    jest.useRealTimers();
    await executor.settled(runId);
    expect((await repository.getRun('t', runId))?.status).toBe('completed');
    await executor.beforeApplicationShutdown();
  });

  it('takes over a run another node left: it goes on after the stored events with a Resumed event, and the old owner writes nothing more', async () => {
    const first = setupExecutor(1_000, 200);
    const { runs, repository, config, jobs } = first;
    const { runId } = await startRun(runs);
    // The first node stops renewing (it never booted its renewal); its lease runs out while its agents work.
    await eventually(async () => ((await repository.getRun('t', runId))!.lastSeq >= 3 ? true : undefined), 'three events stored');
    const other = createHarness();
    const second = new RunExecutor(repository, other.orchestrator, other.registry, new InProcessRunEventBus(), config);
    const lease = await eventually(() => repository.claimRun('t', runId, second.claim).catch(() => undefined), 'the lease expired');
    const stored = await repository.listEvents('t', runId, 0);

    expect(await second.execute('t', jobs[0].request, lease.epoch, undefined, stored)).toBe('ended');
    expect(await first.exitOf()).toBe('lost');
    const events: OrchestrationEvent[] = await repository.listEvents('t', runId, 0);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[stored.length]).toMatchObject({ state: 'Resumed', metadata: { afterSeq: stored.length, epoch: 2 } });
    expect(events.filter((event) => event.state === 'Queued')).toHaveLength(1);
    expect(events.filter((event) => isTerminalState(event.state))).toEqual([events.at(-1)]);
    expect((await repository.getRun('t', runId))?.status).toBe('completed');
  });
});
