import { lastValueFrom, Subject, toArray } from 'rxjs';
import type { OrchestrationRun } from '@app/contracts';
import type { RunRepository } from '../persistence/run.repository';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { RunEventsService } from './run-events.service';
import { event, fakeStore, openChannel } from './testing/event-streams';

/** A bus whose transport breaks when the test says so (`breaks.next()`: it is back, and may have lost events). */
class BreakingBus extends InProcessRunEventBus {
  readonly breaks = new Subject<void>();
  override readonly reconnected$ = this.breaks.asObservable();
}

describe(RunEventsService.name, () => {
  it('replays stored events, then live ones, without gap or duplicate when events arrive during the replay', async () => {
    const stored = [event(1, 'Queued'), event(2), event(3)];
    const { repository, release } = fakeStore(stored);
    const bus = openChannel(event(1, 'Queued'), event(2));
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 1).pipe(toArray()));

    // Published while the replay read is still in flight: 3 is also in the store, 4 and 5 are not yet.
    bus.publish(event(3));
    bus.publish(event(4));
    stored.push(event(4), event(5));
    bus.publish(event(5));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish(event(6, 'Completed'));

    expect((await collected).map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
  });

  it('reads from the store the events the live channel skipped, and holds later ones until then', async () => {
    const stored = [event(1, 'Queued'), event(2)];
    const { repository, release } = fakeStore(stored);
    const bus = openChannel(event(1, 'Queued'), event(2));
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 0).pipe(toArray()));
    release();
    await new Promise((resolve) => setImmediate(resolve));

    // 3 and 4 are stored but never reach this subscriber live (a transport that lost them).
    stored.push(event(3), event(4), event(5));
    bus.publish(event(5));
    bus.publish(event(6));
    stored.push(event(6), event(7, 'Completed'));
    bus.publish(event(7, 'Completed'));

    expect((await collected).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the store when the bus is back from a break, so that a terminal event it lost still ends the stream', async () => {
    const stored = [event(1, 'Queued'), event(2)];
    const { repository, release } = fakeStore(stored);
    const bus = new BreakingBus();
    bus.open('run-1', 't');
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 0).pipe(toArray()));
    release();
    await new Promise((resolve) => setImmediate(resolve));

    // Stored, then lost in transit while the bus was down.
    stored.push(event(3), event(4, 'Completed'));
    bus.breaks.next();

    expect((await collected).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('reads the store again when the bus breaks during its replay', async () => {
    const stored = [event(1, 'Queued')];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Each read sees the store as it was when it was asked.
    const repository = {
      getRun: async () => ({ id: 'run-1' }) as OrchestrationRun,
      listEvents: async (_tenant: string, _run: string, afterSeq: number) => {
        const snapshot = stored.filter((e) => e.seq > afterSeq);
        await gate;
        return snapshot;
      },
    } as unknown as RunRepository;
    const bus = new BreakingBus();
    bus.open('run-1', 't');
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 0).pipe(toArray()));
    await new Promise((resolve) => setImmediate(resolve));

    // While the replay reads: the terminal event is stored, lost in transit, and the bus is back.
    stored.push(event(2, 'Completed'));
    bus.breaks.next();
    release();

    expect((await collected).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('with a hand-over, stops once caught up with the live run, hands over between two publishes, and completes', async () => {
    const stored = [event(1, 'Queued'), event(2)];
    const { repository, release } = fakeStore(stored);
    const bus = openChannel(event(1, 'Queued'), event(2));
    const events = new RunEventsService(repository, bus);
    const seen: number[] = [];
    const handedOver: number[] = [];
    let completed = false;
    events.stream('t', 'run-1', 0, (lastSeq) => {
      expect(lastSeq).toBe(seen.length);
      handedOver.push(seen.length);
      events.live('run-1').subscribe((e) => seen.push(e.seq));
      return true;
    }).subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });

    bus.publish(event(3));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish(event(4));
    bus.publish(event(5, 'Completed'));

    expect(handedOver).toEqual([3]);
    expect(completed).toBe(true);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('hands over only once the live channel has brought what the store had (a bus that delivers after the store)', async () => {
    const stored = [event(1, 'Queued'), event(2), event(3), event(4), event(5)];
    const { repository, release } = fakeStore(stored);
    // The bus has delivered up to 3; 4 and 5 are stored but still on their way.
    const bus = openChannel(event(1, 'Queued'), event(2), event(3));
    let handedOverAt: number | undefined;
    const streamed: number[] = [];
    const done = new Promise<void>((resolve) =>
      new RunEventsService(repository, bus).stream('t', 'run-1', 0, () => ((handedOverAt = streamed.at(-1)), true)).subscribe({ next: (e) => streamed.push(e.seq), complete: resolve }),
    );
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(handedOverAt).toBeUndefined();

    bus.publish(event(4));
    await new Promise((resolve) => setImmediate(resolve));
    expect(handedOverAt).toBeUndefined();
    bus.publish(event(5));
    await done;
    bus.publish(event(6));

    expect(streamed).toEqual([1, 2, 3, 4, 5]);
    expect(handedOverAt).toBe(5);
  });

  it('does not hand over a run that is not executing here, nor one whose terminal event came with the replay', async () => {
    const handOver = jest.fn(() => true);
    const finished = fakeStore([event(1, 'Queued'), event(2, 'Completed')]);
    finished.release();
    expect((await lastValueFrom(new RunEventsService(finished.repository, new InProcessRunEventBus()).stream('t', 'run-1', 0, handOver).pipe(toArray()))).map((e) => e.seq)).toEqual([1, 2]);

    const ending = fakeStore([event(1, 'Queued')]);
    const bus = openChannel(event(1, 'Queued'));
    const collected = lastValueFrom(new RunEventsService(ending.repository, bus).stream('t', 'run-1', 0, handOver).pipe(toArray()));
    bus.publish(event(2, 'Cancelled'));
    ending.release();
    expect((await collected).map((e) => e.seq)).toEqual([1, 2]);
    expect(handOver).not.toHaveBeenCalled();
  });

  it('replays a finished run from the store and completes after its terminal event', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued'), event(2), event(3, 'Cancelled')]);
    release();
    const events = await lastValueFrom(new RunEventsService(repository, new InProcessRunEventBus()).stream('t', 'run-1').pipe(toArray()));
    expect(events.map((e) => e.state)).toEqual(['Queued', 'GeneratingCopy', 'Cancelled']);
  });

  it('completes with nothing when the client already has every event of a finished run', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued'), event(2, 'Completed')]);
    release();
    const events = await lastValueFrom(new RunEventsService(repository, new InProcessRunEventBus()).stream('t', 'run-1', 2).pipe(toArray()));
    expect(events).toEqual([]);
  });

  it('fails with RUN_NOT_FOUND for an unknown run', async () => {
    const { repository, release } = fakeStore([], false);
    release();
    await expect(lastValueFrom(new RunEventsService(repository, new InProcessRunEventBus()).stream('t', 'run-1'))).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('reads nothing from the store for a subscriber that has every event published so far, and still gets every later one', async () => {
    const getRun = jest.fn();
    const listEvents = jest.fn();
    const events = new RunEventsService({ getRun, listEvents } as unknown as RunRepository, openChannel(event(1, 'Queued')));
    const seen: number[] = [];
    let completed = false;
    events.stream('t', 'run-1', 1).subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });
    const bus = (events as unknown as { bus: InProcessRunEventBus }).bus;
    bus.publish(event(2));
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish(event(3));
    bus.publish(event(4, 'Completed'));

    expect(seen).toEqual([2, 3, 4]);
    expect(completed).toBe(true);
    expect(getRun).not.toHaveBeenCalled();
    expect(listEvents).not.toHaveBeenCalled();
  });

  it('hands a just-started run over at once, and sends another tenant through the store (RUN_NOT_FOUND)', async () => {
    const handOver = jest.fn(() => true);
    const { repository, release } = fakeStore([], false);
    release();
    const events = new RunEventsService(repository, openChannel());
    const own = lastValueFrom(events.stream('t', 'run-1', 0, handOver).pipe(toArray()));
    expect(await own).toEqual([]);
    expect(handOver).toHaveBeenCalledTimes(1);

    await expect(lastValueFrom(events.stream('other-tenant', 'run-1', 0, handOver))).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    expect(handOver).toHaveBeenCalledTimes(1);
  });

  it('stops listening to the live channel when the subscriber leaves', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued')]);
    release();
    const bus = openChannel(event(1, 'Queued'));
    const seen: number[] = [];
    const subscription = new RunEventsService(repository, bus).stream('t', 'run-1').subscribe((e) => seen.push(e.seq));
    await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    bus.publish(event(2));
    expect(seen).toEqual([1]);
  });
});

describe(InProcessRunEventBus.name, () => {
  it('delivers to subscribers of the run only and closes the channel with the terminal event', () => {
    const bus = new InProcessRunEventBus();
    bus.open('run-1', 't');
    const seen: number[] = [];
    let completed = false;
    bus.live('run-1').subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });
    bus.publish({ ...event(1), runId: 'other' });
    bus.publish(event(1));
    expect([bus.publishedSeq('t', 'run-1'), bus.publishedSeq('u', 'run-1')]).toEqual([1, undefined]);
    bus.publish(event(2, 'Failed'));
    expect(bus.publishedSeq('t', 'run-1')).toBeUndefined();
    expect(seen).toEqual([1, 2]);
    expect(completed).toBe(true);
    expect(bus.size).toBe(0);
  });

  it('completes at once for a run that is not executing here, and on close', () => {
    const bus = new InProcessRunEventBus();
    let done = 0;
    bus.live('nope').subscribe({ complete: () => done++ });
    bus.open('run-1', 't');
    bus.live('run-1').subscribe({ complete: () => done++ });
    bus.close('run-1');
    expect(done).toBe(2);
  });
});
