import { lastValueFrom, Observable, Subject } from 'rxjs';
import type { RunRepository } from '../persistence/run.repository';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { RunEventsService } from './run-events.service';
import { event, fakeStore, openChannel } from './testing/event-streams';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A stream of `run-1` from `afterSeq`, with what it delivered so far and whether it completed. */
function follow(events: RunEventsService, afterSeq = 0, handOver?: (lastSeq: number) => boolean) {
  const seen: number[] = [];
  const state = { seen, completed: false };
  const subscription = events.stream('t', 'run-1', afterSeq, handOver).subscribe({ next: (e) => seen.push(e.seq), complete: () => (state.completed = true) });
  return { ...state, seen, subscription, isCompleted: () => state.completed };
}

describe(`${RunEventsService.name}: delivery`, () => {
  it('sends a subscriber to a run executing here what was stored so far at once, before any further event', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued'), event(2), event(3)]);
    release();
    const stream = follow(new RunEventsService(repository, openChannel(event(1, 'Queued'), event(2), event(3))));
    await settle();
    expect(stream.seen).toEqual([1, 2, 3]);
  });

  it('delivers a live event that follows the last one as it is published, without reading the store', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued')]);
    release();
    const reads = jest.spyOn(repository, 'listEvents');
    const bus = openChannel(event(1, 'Queued'));
    const stream = follow(new RunEventsService(repository, bus));
    await settle();
    const readsAfterReplay = reads.mock.calls.length;

    bus.publish(event(2));
    expect(stream.seen).toEqual([1, 2]);
    bus.publish(event(3));
    expect(stream.seen).toEqual([1, 2, 3]);
    expect(reads).toHaveBeenCalledTimes(readsAfterReplay);
  });

  it('fills a gap from the store as soon as the live event after it arrives, not at the end of the run', async () => {
    const stored = [event(1, 'Queued'), event(2)];
    const { repository, release } = fakeStore(stored);
    release();
    const bus = openChannel(event(1, 'Queued'), event(2));
    const stream = follow(new RunEventsService(repository, bus));
    await settle();

    // 3 is stored but never reaches this subscriber live.
    stored.push(event(3), event(4));
    bus.publish(event(4));
    await settle();
    expect(stream.seen).toEqual([1, 2, 3, 4]);
    expect(stream.isCompleted()).toBe(false);
  });

  it('offers one hand-over for the live events of one turn, and none to a subscriber that left before it', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued')]);
    release();
    const bus = openChannel(event(1, 'Queued'));
    const events = new RunEventsService(repository, bus);
    const refusing = jest.fn(() => false);
    follow(events, 0, refusing);
    await settle();
    refusing.mockClear();
    bus.publish(event(2));
    bus.publish(event(3));
    await settle();
    expect(refusing.mock.calls).toEqual([[3]]);

    // A subscriber that leaves in the turn of the event that made it level gets no hand-over.
    const leaving = jest.fn(() => false);
    const left = follow(events, 3, leaving);
    await settle();
    leaving.mockClear();
    bus.publish(event(4));
    left.subscription.unsubscribe();
    await settle();
    expect(leaving).not.toHaveBeenCalled();
  });

  it('stops listening to the live channel and to the bus reconnections when the subscriber leaves', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued')]);
    release();
    const reconnections = new Subject<void>();
    const bus = openChannel(event(1, 'Queued'));
    const live = bus.live.bind(bus);
    let listening = 0;
    jest.spyOn(bus, 'live').mockImplementation(
      (runId) =>
        new Observable((subscriber) => {
          listening++;
          const subscription = live(runId).subscribe(subscriber);
          return () => (listening--, subscription.unsubscribe());
        }),
    );
    Object.defineProperty(bus, 'reconnected$', { value: reconnections.asObservable() });
    const stream = follow(new RunEventsService(repository, bus));
    await settle();
    expect([listening, reconnections.observed]).toEqual([1, true]);

    stream.subscription.unsubscribe();
    expect([listening, reconnections.observed]).toEqual([0, false]);
  });

  it('names the run it does not know, and passes the bus reconnections on', async () => {
    const { repository, release } = fakeStore([], false);
    release();
    const bus = new InProcessRunEventBus();
    const events = new RunEventsService(repository as RunRepository, bus);
    await expect(lastValueFrom(events.stream('t', 'run-9'))).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: 'Run run-9 not found' });
    expect(events.reconnected$).toBe(bus.reconnected$);
  });
});
