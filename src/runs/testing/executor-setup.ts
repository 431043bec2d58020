import type { OrchestrationEvent } from '@app/contracts';
import type { AppConfig } from '../../config/app-config';
import { aBrief } from '../../agents/testing/fixtures';
import { InProcessRunQueue } from '../adapters/in-process-run-queue';
import type { RunExit } from '../run-executor';
import type { RunJob } from '../run-queue';
import type { RunsService } from '../runs.service';
import { createRunsHarness } from './runs-harness';

/** What a spy on a method of the executor's logger receives. */
type LogSpy = jest.SpyInstance<void, [message: string, ...rest: unknown[]]>;

/**
 * An executor over an in-memory SQLite store and fake agents of `delayMs` each, with a lease of
 * `leaseMs`; `scaleOut` configures Redis (whose queue would take handed-back runs) and `shutdown`.
 * It records what the bus published, the jobs the queue got, how each run left the executor, and
 * silences (and records) the executor's warnings and errors.
 */
export function setupExecutor(delayMs: number, leaseMs = 10_000, options: { scaleOut?: boolean; shutdown?: AppConfig['shutdown'] } = {}) {
  const jobs: RunJob[] = [];
  const harness = createRunsHarness({
    delayMs,
    config: (config) => ({
      ...config,
      runs: { ...config.runs, leaseMs },
      redis: options.scaleOut ? { url: 'redis://127.0.0.1:6379', prefix: 'test', connectTimeoutMs: 10_000 } : undefined,
      shutdown: options.shutdown ?? config.shutdown,
    }),
    queue: (executor) => {
      const queue = new InProcessRunQueue(executor);
      const enqueue = queue.enqueue.bind(queue);
      queue.enqueue = (job) => (jobs.push(job), enqueue(job));
      return queue;
    },
  });
  const { executor, bus } = harness;
  const published: OrchestrationEvent[] = [];
  const publish = bus.publish.bind(bus);
  jest.spyOn(bus, 'publish').mockImplementation((event) => {
    published.push(event);
    publish(event);
  });
  const exits = jest.spyOn(executor, 'execute');
  /** How the run executed `index`-th on this executor left it. */
  const exitOf = (index = 0): Promise<RunExit> => exits.mock.results[index].value;
  const logger = (executor as unknown as { logger: Record<'warn' | 'error', (message: string) => void> }).logger;
  const warned = jest.spyOn(logger, 'warn').mockImplementation(() => undefined) as unknown as LogSpy;
  const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined) as unknown as LogSpy;
  return { ...harness, published, jobs, exitOf, warned, logged };
}

/** Starts a run of a new campaign on x. */
export const startRun = (runs: RunsService) => runs.start('t', { campaign: { name: 'C', brief: aBrief() }, selectedPlatforms: ['x'] });
