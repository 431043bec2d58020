import { firstValueFrom, lastValueFrom, Observable, toArray } from 'rxjs';
import type { OrchestrationEvent, OrchestrationState } from '@app/contracts';
import type { RunEventBus } from '../../src/runs/run-event-bus';

/** Two nodes' buses over one transport: `executing` runs the runs, `serving` has the subscribers (the same bus when embedded). */
export interface RunEventBusHarness {
  executing: RunEventBus;
  serving: RunEventBus;
  teardown(): Promise<void>;
}

export type RunEventBusSetup = () => Promise<RunEventBusHarness>;

let runs = 0;

/** A new run id and its events: `event(seq, state)`. */
function aRun() {
  const runId = `run-${++runs}-${Date.now()}`;
  const event = (seq: number, state: OrchestrationState = 'GeneratingCopy'): OrchestrationEvent => ({
    eventId: `${runId}-e${seq}`,
    runId,
    campaignId: 'c',
    seq,
    state,
    attempt: 1,
    message: `event ${seq}`,
    timestamp: new Date().toISOString(),
  });
  return { runId, event };
}

/** Every event `live$` emits until it completes. */
const everything = (live$: Observable<OrchestrationEvent>) => lastValueFrom(live$.pipe(toArray()));

/**
 * The behaviour every `RunEventBus` adapter must show (see the port's contract): live events of a
 * run in order and once per subscription, wherever they are published; nothing of other runs;
 * an end with the terminal event or `close`; cancel requests to the executing node.
 */
export function runEventBusContract(name: string, setup: RunEventBusSetup): void {
  describe(`RunEventBus contract: ${name}`, () => {
    let harness: RunEventBusHarness;

    beforeEach(async () => {
      harness = await setup();
    });
    afterEach(() => harness.teardown());

    it('delivers the published events of a run in seq order, then completes after the terminal one', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      const received = everything(harness.serving.live(runId));
      const published = [event(1, 'Queued'), event(2), event(3), event(4, 'Completed')];
      published.forEach((e) => harness.executing.publish(e));

      expect(await received).toEqual(published);
    });

    it('delivers each event once to every subscription, and only from the moment it subscribed', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      const first = everything(harness.serving.live(runId));
      const firstGotOne = firstValueFrom(harness.serving.live(runId));
      harness.executing.publish(event(1, 'Queued'));
      await firstGotOne;
      const second = everything(harness.serving.live(runId));
      harness.executing.publish(event(2));
      harness.executing.publish(event(3, 'Cancelled'));

      expect((await first).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await second).map((e) => e.seq)).toEqual([2, 3]);
    });

    it('keeps runs apart: a subscriber gets nothing of another run', async () => {
      const one = aRun();
      const other = aRun();
      harness.executing.open(one.runId, 't');
      harness.executing.open(other.runId, 't');
      const received = everything(harness.serving.live(one.runId));
      harness.executing.publish(other.event(1, 'Queued'));
      harness.executing.publish(one.event(1, 'Queued'));
      harness.executing.publish(other.event(2, 'Failed'));
      harness.executing.publish(one.event(2, 'Failed'));

      expect((await received).map((e) => e.eventId)).toEqual([one.event(1).eventId, one.event(2).eventId]);
    });

    it('ends the live events of a closed run without a terminal event', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      const received = everything(harness.serving.live(runId));
      const firstArrived = firstValueFrom(harness.serving.live(runId));
      harness.executing.publish(event(1, 'Queued'));
      await firstArrived;
      harness.executing.close(runId);

      expect((await received).map((e) => e.seq)).toEqual([1]);
    });

    it('stops delivering to a subscription that unsubscribed', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      const seen: number[] = [];
      const subscription = harness.serving.live(runId).subscribe((e) => seen.push(e.seq));
      const stays = everything(harness.serving.live(runId));
      const firstArrived = firstValueFrom(harness.serving.live(runId));
      harness.executing.publish(event(1, 'Queued'));
      await firstArrived;
      subscription.unsubscribe();
      harness.executing.publish(event(2));
      harness.executing.publish(event(3, 'Completed'));

      expect((await stays).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(seen).toEqual([1]);
    });

    it('carries a cancel request to the handler of the executing node', async () => {
      const { runId } = aRun();
      const requested = new Promise<string>((resolve) => harness.executing.onCancel(resolve));
      await harness.serving.requestCancel(runId);

      expect(await requested).toBe(runId);
    });

    it('tells the executing node the seq it has published, from the one a taken-over run had stored, and nothing of other runs or tenants', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      expect(harness.executing.publishedSeq('t', runId)).toBe(0);
      harness.executing.publish(event(1, 'Queued'));

      expect(harness.executing.publishedSeq('t', runId)).toBe(1);
      expect(harness.executing.publishedSeq('another-tenant', runId)).toBeUndefined();
      expect(harness.executing.publishedSeq('t', aRun().runId)).toBeUndefined();
      const takenOver = aRun();
      harness.executing.open(takenOver.runId, 't', 7);
      expect(harness.executing.publishedSeq('t', takenOver.runId)).toBe(7);
    });

    it('keeps the published seq of a run opened again, and forgets it after the terminal event or a release', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      harness.executing.publish(event(1, 'Queued'));
      harness.executing.publish(event(2));
      harness.executing.open(runId, 't');
      expect(harness.executing.publishedSeq('t', runId)).toBe(2);
      harness.executing.publish(event(3, 'Completed'));
      expect(harness.executing.publishedSeq('t', runId)).toBeUndefined();

      const released = aRun();
      harness.executing.open(released.runId, 't', 4);
      harness.executing.release(released.runId);
      expect(harness.executing.publishedSeq('t', released.runId)).toBeUndefined();
    });

    it('goes on delivering to the other subscriptions of a run when some unsubscribe', async () => {
      const { runId, event } = aRun();
      harness.executing.open(runId, 't');
      const stays = everything(harness.serving.live(runId));
      for (const subscription of [harness.serving.live(runId).subscribe(), harness.serving.live(runId).subscribe()]) subscription.unsubscribe();
      const firstArrived = firstValueFrom(harness.serving.live(runId));
      harness.executing.publish(event(1, 'Queued'));
      await firstArrived;
      harness.executing.publish(event(2, 'Completed'));

      expect((await stays).map((e) => e.seq)).toEqual([1, 2]);
    });
  });
}
