import { lastValueFrom, toArray } from 'rxjs';
import { InProcessRunEventBus } from '../../src/runs/adapters/in-process-run-event-bus';
import { runEventBusContract } from '../contracts/run-event-bus.contract';

runEventBusContract('in-process', async () => {
  const bus = new InProcessRunEventBus();
  return { executing: bus, serving: bus, teardown: async () => undefined };
});

describe(InProcessRunEventBus.name, () => {
  it('completes the live events of a run that is not executing in this process at once', async () => {
    const bus = new InProcessRunEventBus();

    expect(await lastValueFrom(bus.live('elsewhere').pipe(toArray()))).toEqual([]);
  });

  it('forgets a run after its terminal event', () => {
    const bus = new InProcessRunEventBus();
    bus.open('run-1', 't');
    bus.publish({ eventId: 'e', runId: 'run-1', campaignId: 'c', seq: 1, state: 'Cancelled', attempt: 1, message: '', timestamp: new Date().toISOString() });

    expect(bus.size).toBe(0);
    expect(bus.publishedSeq('t', 'run-1')).toBeUndefined();
  });

  it('closes or releases a run it does not execute without complaint', () => {
    const bus = new InProcessRunEventBus();
    expect(() => bus.close('elsewhere')).not.toThrow();
    expect(() => bus.release('elsewhere')).not.toThrow();
    expect(bus.size).toBe(0);
  });
});
