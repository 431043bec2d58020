import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { filter } from 'rxjs/operators';
import type { OrchestrationEvent, OrchestrationRequest, OrchestrationResult } from '@app/contracts';
import type { AppConfig, OrchestrationSettings } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { CampaignOrchestrator, RunExecution } from '../campaign-orchestrator.service';
import { RunRegistry } from '../run-registry';
import { FakeAgentSet, FakeScripts } from './fake-agents';

/** A valid request for the orchestrator. */
export function sampleRequest(overrides: Partial<OrchestrationRequest> = {}): OrchestrationRequest {
  return {
    campaignId: 'campaign-1',
    brief: { objective: 'Sell more cups', targetAudience: 'Commuters', productDetails: 'A reusable cup.' },
    selectedPlatforms: ['x', 'linkedin'],
    ...overrides,
  };
}

/** An orchestrator over fake agents, with its registry and settings. */
export function createHarness(scripts: FakeScripts = {}, settings: Partial<OrchestrationSettings> = {}) {
  const base = loadConfig({ NODE_ENV: 'test', OFFLINE_LATENCY_MS: '0' });
  const config: AppConfig = { ...base, orchestration: { ...base.orchestration, ...settings } };
  const agents = new FakeAgentSet(scripts);
  const registry = new RunRegistry();
  const orchestrator = new CampaignOrchestrator(agents, config, registry);
  return { agents, registry, orchestrator, config };
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
