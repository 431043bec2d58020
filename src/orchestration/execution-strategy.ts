import type { RunContext } from './run-context';

/**
 * How a run schedules its agents. Implementations announce every step through the context's
 * events and return when the run's work is over; they stop starting agents once `run.stopped`.
 */
export interface ExecutionStrategy {
  execute(run: RunContext): Promise<void>;
}
