import { lastValueFrom, toArray } from 'rxjs';
import { InProcessRunEventBus } from './adapters/in-process-run-event-bus';
import { RunEventsService } from './run-events.service';
import { event, fakeStore, openChannel } from './testing/event-streams';

/** Lets every queued microtask and I/O callback run (a hand-over happens in a microtask). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Subscribers whose `afterSeq` the live channel has not reached, and a hand-over the caller
 * refuses. Found by the property tier: a subscriber ahead of the channel was handed over at
 * once, the socket gateway refused it (its broadcast was behind) and followed it again, which
 * handed it over again, in microtasks without end: the process stopped serving.
 */
describe(`${RunEventsService.name}: hand-over`, () => {
  it('keeps a subscriber that asked for events after one not published yet on its own stream until the channel brings it, then hands it over there', async () => {
    const { repository, release } = fakeStore([]);
    release();
    const bus = openChannel(event(1, 'Queued'), event(2));
    const offers: number[] = [];
    const seen: number[] = [];
    let completed = false;
    new RunEventsService(repository, bus).stream('t', 'run-1', 4, (lastSeq) => (offers.push(lastSeq), true)).subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });
    await settle();
    expect(offers).toEqual([]);

    bus.publish(event(3));
    await settle();
    expect(offers).toEqual([]);
    bus.publish(event(4));
    await settle();

    expect(offers).toEqual([4]);
    expect(seen).toEqual([]);
    expect(completed).toBe(true);
  });

  it('offers a refused hand-over again after the next live event only, and delivers the events meanwhile', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued')]);
    release();
    const bus = openChannel(event(1, 'Queued'));
    const offers: number[] = [];
    let accept = false;
    const seen: number[] = [];
    let completed = false;
    new RunEventsService(repository, bus).stream('t', 'run-1', 0, (lastSeq) => (offers.push(lastSeq), accept)).subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });
    await settle();
    // Caught up from the store, but the channel has not brought 1: no offer yet.
    expect(offers).toEqual([]);

    bus.publish(event(2));
    await settle();
    await settle();
    expect(offers).toEqual([2]);
    expect(completed).toBe(false);
    accept = true;
    bus.publish(event(3));
    await settle();

    expect(offers).toEqual([2, 3]);
    expect(seen).toEqual([1, 2, 3]);
    expect(completed).toBe(true);
  });

  it('completes a subscriber that asked for events after the run\'s last one when the run ends, with none', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued'), event(2), event(3, 'Completed')]);
    release();
    const bus = openChannel(event(1, 'Queued'));
    const handOver = jest.fn(() => true);
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 10, handOver).pipe(toArray()));
    await settle();
    bus.publish(event(2));
    bus.publish(event(3, 'Completed'));

    expect(await collected).toEqual([]);
    expect(handOver).not.toHaveBeenCalled();
  });

  it('reads the rest from the store and completes when the channel closes without a terminal event after the replay', async () => {
    const stored = [event(1, 'Queued'), event(2)];
    const { repository, release } = fakeStore(stored);
    release();
    const bus = openChannel(event(1, 'Queued'), event(2));
    const collected = lastValueFrom(new RunEventsService(repository, bus).stream('t', 'run-1', 0).pipe(toArray()));
    await settle();
    // Stored, then the run leaves this node before publishing it.
    stored.push(event(3));
    bus.close('run-1');

    expect((await collected).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('reads the store for a run taken over here before it publishes anything: the events it stored before are not skipped', async () => {
    const { repository, release } = fakeStore([event(1, 'Queued'), event(2), event(3, 'Resumed')]);
    release();
    const bus = new InProcessRunEventBus();
    bus.open('run-1', 't', 3);
    const seen: number[] = [];
    new RunEventsService(repository, bus).stream('t', 'run-1', 0).subscribe((e) => seen.push(e.seq));
    await settle();
    bus.publish(event(4));

    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
