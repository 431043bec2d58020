import type { OrchestrationEvent, OrchestrationRun, OrchestrationState } from '@app/contracts';
import type { RunRepository } from '../../persistence/run.repository';
import { InProcessRunEventBus } from '../adapters/in-process-run-event-bus';

/** An event of `run-1`. */
export const event = (seq: number, state: OrchestrationState = 'GeneratingCopy'): OrchestrationEvent => ({
  eventId: `e${seq}`,
  runId: 'run-1',
  campaignId: 'c',
  seq,
  state,
  attempt: 1,
  message: '',
  timestamp: new Date(0).toISOString(),
});

/** A store whose event reads can be held open while the test publishes live events. */
export function fakeStore(stored: OrchestrationEvent[], known = true) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const repository = {
    getRun: async () => (known ? ({ id: 'run-1' } as OrchestrationRun) : undefined),
    listEvents: async (_tenant: string, _run: string, afterSeq: number) => {
      await gate;
      return stored.filter((e) => e.seq > afterSeq);
    },
  } as unknown as RunRepository;
  return { repository, release };
}

/** The channel of a run executing here for tenant `t`, with the events it has already published (stored ones are published in order). */
export function openChannel(...published: OrchestrationEvent[]): InProcessRunEventBus {
  const bus = new InProcessRunEventBus();
  bus.open('run-1', 't');
  published.forEach((e) => bus.publish(e));
  return bus;
}
