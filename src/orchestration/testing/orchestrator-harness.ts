import { firstValueFrom, from, lastValueFrom, MonoTypeOperatorFunction, throwError, timeout, toArray } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { OrchestrationEvent, OrchestrationRequest, OrchestrationResult } from '@app/contracts';
import { aBrief } from '../../agents/testing/fixtures';
import type { AppConfig, OrchestrationSettings } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { RunLog, TransitionLog } from '../../telemetry/run-log';
import { CampaignOrchestrator, RunExecution } from '../campaign-orchestrator.service';
import { RunRegistry } from '../run-registry';
import { FakeAgentSet, FakeScripts } from './fake-agents';

/** A valid request for the orchestrator: the agents' sample brief on x and LinkedIn. */
export function sampleRequest(overrides: Partial<OrchestrationRequest> = {}): OrchestrationRequest {
  return {
    campaignId: 'campaign-1',
    brief: aBrief(),
    selectedPlatforms: ['x', 'linkedin'],
    ...overrides,
  };
}

/** A run log that keeps the transition lines of every run, with the ids each run's log was opened for. */
export class RecordingRunLog extends RunLog {
  readonly lines: Array<{ runId: string; line: Record<string, unknown> }> = [];

  override forRun(run: { runId: string }): TransitionLog {
    return (line) => this.lines.push({ runId: run.runId, line });
  }
}

/** An orchestrator over fake agents, with its registry, settings and run log. */
export function createHarness(scripts: FakeScripts = {}, settings: Partial<OrchestrationSettings> = {}) {
  const base = loadConfig({ NODE_ENV: 'test', OFFLINE_LATENCY_MS: '0' });
  const config: AppConfig = { ...base, orchestration: { ...base.orchestration, ...settings } };
  const agents = new FakeAgentSet(scripts);
  const registry = new RunRegistry();
  const log = new RecordingRunLog();
  const orchestrator = new CampaignOrchestrator(agents, config, registry, log);
  return { agents, registry, orchestrator, config, log };
}

/**
 * How long a spec waits for a run on fake agents to end (they take milliseconds) before it fails,
 * naming what it waited for: a run that never ends fails its test at once instead of hanging it
 * (and a mutation test then counts a failure, not a timeout that costs a fresh test runner).
 */
export const RUN_DEADLINE_MS = 3000;

/** Fails the stream when it has not emitted (for `toArray`: ended) within `RUN_DEADLINE_MS`, saying `what` did not happen. */
export function withinRunDeadline<T>(what: string): MonoTypeOperatorFunction<T> {
  return timeout({ first: RUN_DEADLINE_MS, with: () => throwError(() => new Error(`${what} within ${RUN_DEADLINE_MS} ms`)) });
}

/** Waits for a run's whole stream and its result. */
export async function collect(execution: RunExecution): Promise<{ events: OrchestrationEvent[]; result: OrchestrationResult }> {
  const events = await lastValueFrom(execution.events$.pipe(toArray(), withinRunDeadline('The run did not end')));
  const result = await lastValueFrom(from(execution.result).pipe(withinRunDeadline('The run ended without a result')));
  return { events, result };
}

/** Resolves with the first event of the run matching `predicate`. */
export function when(execution: RunExecution, predicate: (e: OrchestrationEvent) => boolean): Promise<OrchestrationEvent> {
  return firstValueFrom(execution.events$.pipe(filter(predicate), withinRunDeadline('No event of the run matched')));
}
