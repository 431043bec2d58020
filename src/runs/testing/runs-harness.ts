import { lastValueFrom, toArray } from 'rxjs';
import type { OrchestrationEvent } from '@app/contracts';
import type { AppConfig } from '../../config/app-config';
import { ALWAYS_AVAILABLE, type LlmAvailability } from '../../llm/llm-breaker';
import { type FakeScripts, SAMPLE_CONTENT } from '../../orchestration/testing/fake-agents';
import { createHarness, withinRunDeadline } from '../../orchestration/testing/orchestrator-harness';
import { SqliteRunRepository } from '../../persistence/adapters/sqlite-run.repository';
import type { TenantId } from '../../persistence/run.repository';
import { InProcessRunEventBus } from '../adapters/in-process-run-event-bus';
import { InProcessRunQueue } from '../adapters/in-process-run-queue';
import { CampaignEditingService } from '../campaign-editing.service';
import { CampaignsService } from '../campaigns.service';
import { RunEventsService } from '../run-events.service';
import { RunExecutor } from '../run-executor';
import type { RunQueue } from '../run-queue';
import { RunsService, type StartedRun } from '../runs.service';
import { TenantLimits } from '../tenant-limits';

export interface RunsHarnessOptions {
  /** How long each fake generator takes (default 5 ms). */
  delayMs?: number;
  /** Scripts for the fake agents instead of the sample content after `delayMs`. */
  scripts?: FakeScripts;
  /** Per-tenant limits (default: none). */
  tenants?: AppConfig['tenants'];
  /** The model's availability (default: always available). */
  llm?: LlmAvailability;
  /** The queue runs go to (default: the in-process one, which executes each at once). */
  queue?: (executor: RunExecutor) => RunQueue;
  /** Changes to the configuration (runs, redis, shutdown…), on top of the test defaults. */
  config?: (config: AppConfig) => AppConfig;
}

/**
 * The runs module without Nest: the services over an in-memory SQLite store, the in-process bus
 * and queue, and the orchestrator on fake agents that answer the sample content.
 */
export function createRunsHarness(options: RunsHarnessOptions = {}) {
  const step = <T>(output: T) => () => ({ output, delayMs: options.delayMs ?? 5 });
  const harness = createHarness(options.scripts ?? { copy: step(SAMPLE_CONTENT.copy), shortCopy: step(SAMPLE_CONTENT.shortCopy), visualConcept: step(SAMPLE_CONTENT.visualConcept) });
  const defaults: AppConfig = { ...harness.config, tenants: options.tenants ?? { startsPerMinute: 0, maxActiveRuns: 0 } };
  const config = options.config ? options.config(defaults) : defaults;
  const repository = new SqliteRunRepository(':memory:');
  const bus = new InProcessRunEventBus();
  const executor = new RunExecutor(repository, harness.orchestrator, harness.registry, bus, config);
  const queue = options.queue ? options.queue(executor) : new InProcessRunQueue(executor);
  const runs = new RunsService(repository, executor, queue, bus, config, new TenantLimits(repository, config), options.llm ?? ALWAYS_AVAILABLE);
  return {
    runs,
    executor,
    queue,
    repository,
    bus,
    config,
    agents: harness.agents,
    registry: harness.registry,
    events: new RunEventsService(repository, bus),
    campaigns: new CampaignsService(repository),
    editing: new CampaignEditingService(repository),
  };
}

/** What `createRunsHarness` gives. */
export type RunsHarness = ReturnType<typeof createRunsHarness>;

/** Resolves with the run `started` names once its event stream has ended (wait for this, not for a fixed time). */
export async function ended({ events }: Pick<RunsHarness, 'events'>, tenantId: TenantId, started: StartedRun | Promise<StartedRun>): Promise<StartedRun> {
  const run = await started;
  await eventsOf({ events }, tenantId, run.runId);
  return run;
}

/** The whole event stream of a run, once it has ended (failing the test when it has not within the run deadline). */
export function eventsOf({ events }: Pick<RunsHarness, 'events'>, tenantId: TenantId, runId: string): Promise<OrchestrationEvent[]> {
  return lastValueFrom(events.stream(tenantId, runId).pipe(toArray(), withinRunDeadline(`Run ${runId} did not end`)));
}
