import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
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

/** Waits for a run's whole stream and its result. */
export async function collect(execution: RunExecution): Promise<{ events: OrchestrationEvent[]; result: OrchestrationResult }> {
  const events = await lastValueFrom(execution.events$.pipe(toArray()));
  return { events, result: await execution.result };
}

/** Resolves with the first event of the run matching `predicate`. */
export function when(execution: RunExecution, predicate: (e: OrchestrationEvent) => boolean): Promise<OrchestrationEvent> {
  return firstValueFrom(execution.events$.pipe(filter(predicate)));
}
