import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { isTerminalState, OrchestrationEvent, OrchestrationRun, RunDetail } from '@app/contracts';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { CampaignOrchestrator, RunExecution } from '../orchestration/campaign-orchestrator.service';
import { RunRegistry } from '../orchestration/run-registry';
import { validateRunRequest, withIds } from '../orchestration/validate-request';
import { RunRepository, TenantId } from '../persistence/run.repository';
import type { StartRunInput } from './dto/start-run.dto';
import { RunEventBus } from './run-event-bus';
import { writeInBatches } from './write-in-batches';

/** What a start returns at once. */
export interface StartedRun {
  runId: string;
  campaignId: string;
  status: OrchestrationRun['status'];
}

const INTERRUPTED = 'The server stopped while the run was executing';

/**
 * The lifecycle of runs: start (persist the campaign and a queued run, then execute), the ordered
 * store-then-publish pipeline of every event, cancel, queries, recovery of runs a crash left
 * unfinished, and draining on shutdown.
 */
@Injectable()
export class RunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunsService.name);
  private readonly pipelines = new Map<string, Promise<void>>();
  private draining = false;

  constructor(
    private readonly repository: RunRepository,
    private readonly orchestrator: CampaignOrchestrator,
    private readonly registry: RunRegistry,
    private readonly bus: RunEventBus,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ended = await this.repository.failInterruptedRuns(INTERRUPTED);
    if (ended.length > 0) this.logger.warn(`Marked ${ended.length} interrupted run(s) failed (RUN_INTERRUPTED)`);
  }

  /**
   * Creates the campaign (or loads it), persists a queued run and starts it; returns at once.
   * @throws OrchestrationValidationError, DomainError CAMPAIGN_NOT_FOUND / SERVICE_UNAVAILABLE, StoreConflictError RUN_ACTIVE
   */
  async start(tenantId: TenantId, input: StartRunInput): Promise<StartedRun> {
    if (this.draining) throw new DomainError('SERVICE_UNAVAILABLE', 'The server is shutting down and takes no new runs');
    const existing = input.campaignId ? await this.repository.getCampaign(tenantId, input.campaignId) : undefined;
    if (input.campaignId && !existing) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${input.campaignId} not found`);
    const brief = existing?.brief ?? input.campaign!.brief;
    const request = validateRunRequest({ campaignId: existing?.id ?? 'new', brief, executionMode: input.executionMode, selectedPlatforms: input.selectedPlatforms });
    const runId = randomUUID();
    const newRun = { id: runId, executionMode: request.executionMode!, selectedPlatforms: request.selectedPlatforms };
    const run = existing
      ? await this.repository.createRun({ tenantId, run: { ...newRun, campaignId: existing.id } })
      : await this.repository.createCampaignRun({ tenantId, name: input.campaign!.name, brief: request.brief, run: newRun });
    this.bus.open(runId, tenantId);
    this.track(tenantId, this.orchestrator.run(withIds(request, run.campaignId, runId)));
    return { runId, campaignId: run.campaignId, status: run.status };
  }

  /**
   * Cancels a run executing here and waits (briefly) until its end is stored.
   * @throws DomainError RUN_NOT_FOUND, RUN_ALREADY_FINISHED
   */
  async cancel(tenantId: TenantId, runId: string): Promise<{ runId: string; status: OrchestrationRun['status'] }> {
    const run = await this.repository.getRun(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    if (!this.registry.cancel(runId)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${runId} has already ended (${run.status})`);
    await Promise.race([this.pipelines.get(runId), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    const after = await this.repository.getRun(tenantId, runId);
    return { runId, status: after?.status ?? run.status };
  }

  /** @throws DomainError RUN_NOT_FOUND */
  async get(tenantId: TenantId, runId: string): Promise<RunDetail> {
    const run = await this.repository.getRunDetail(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    return run;
  }

  /** Runs executing in this process. */
  get activeRuns(): number {
    return this.pipelines.size;
  }

  /** Stops taking runs; lets in-flight runs finish for the grace period (or cancels them), then waits for their end to be stored. */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    if (this.pipelines.size === 0) return;
    const { mode, graceMs } = this.config.shutdown;
    this.logger.log(`Shutting down with ${this.pipelines.size} run(s) in flight (${mode})`);
    if (mode === 'drain') await this.settle(graceMs);
    this.registry.cancelAll();
    await this.settle(5000);
  }

  private async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.pipelines.values()]), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /**
   * Stores the run's events in order, then publishes them: the events that arrive while a write is
   * in flight are stored together in the next write. The terminal event is stored with the run's
   * outcome in one transaction.
   */
  private track(tenantId: TenantId, execution: RunExecution): void {
    // In the run's trace context, so every store write is a child of the run's span.
    const persist = (batch: OrchestrationEvent[]) =>
      context.with(execution.context, async () => {
        const terminal = isTerminalState(batch[batch.length - 1].state) ? batch.pop() : undefined;
        if (batch.length > 0) {
          await this.repository.appendEvents(tenantId, batch);
          batch.forEach((event) => this.bus.publish(event));
        }
        if (terminal) {
          await this.repository.finishRun({ tenantId, result: await execution.result, terminalEvent: terminal });
          this.bus.publish(terminal);
        }
      });
    const pipeline = writeInBatches(execution.events$, persist)
      .catch((error: unknown) => this.storeFailed(tenantId, execution, error))
      .finally(() => this.pipelines.delete(execution.runId));
    this.pipelines.set(execution.runId, pipeline);
  }

  /** A write failed: stop the run, mark it failed in the store if it still answers, and end its live stream. */
  private async storeFailed(tenantId: TenantId, execution: RunExecution, error: unknown): Promise<void> {
    this.logger.error(`Run ${execution.runId}: store write failed, ending the run`, error instanceof Error ? error.stack : String(error));
    this.registry.cancel(execution.runId);
    await execution.result;
    const message = `The store failed while the run was executing: ${error instanceof Error ? error.message : String(error)}`;
    try {
      const [ended] = await this.repository.failInterruptedRuns(message, execution.runId);
      const [terminal] = ended ? await this.repository.listEvents(tenantId, execution.runId, ended.lastSeq - 1) : [];
      if (terminal) this.bus.publish(terminal);
    } catch (secondError) {
      this.logger.error(`Run ${execution.runId}: could not mark it failed; restart recovery will`, String(secondError));
    } finally {
      this.bus.close(execution.runId);
    }
  }
}
