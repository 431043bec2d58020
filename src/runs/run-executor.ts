import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { isTerminalState, OrchestrationEvent, OrchestrationRequest } from '@app/contracts';
import { AppConfig } from '../config/app-config';
import { CampaignOrchestrator, RunExecution } from '../orchestration/campaign-orchestrator.service';
import { RunRegistry } from '../orchestration/run-registry';
import { RunRepository, TenantId } from '../persistence/run.repository';
import { RunEventBus } from './run-event-bus';
import { writeInBatches } from './write-in-batches';

/** A validated request of a stored run: its campaign and run ids are set. */
export type StoredRunRequest = OrchestrationRequest & { runId: string };

/**
 * Executes stored runs on this node: runs the orchestrator, stores every event and only then
 * publishes it, stores the outcome with the terminal event, handles a failing store, answers
 * cancel requests for the runs it executes, and drains them on shutdown.
 */
@Injectable()
export class RunExecutor implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly pipelines = new Map<string, Promise<void>>();
  private draining = false;

  constructor(
    private readonly repository: RunRepository,
    private readonly orchestrator: CampaignOrchestrator,
    private readonly registry: RunRegistry,
    private readonly bus: RunEventBus,
    private readonly config: AppConfig,
  ) {
    bus.onCancel((runId) => this.registry.cancel(runId));
  }

  /** False once shutdown has begun: this node starts no run any more. */
  get accepting(): boolean {
    return !this.draining;
  }

  /** Runs executing on this node. */
  get activeRuns(): number {
    return this.pipelines.size;
  }

  /**
   * Executes a queued run of `tenantId` that the store holds. Resolves once its end is stored (or
   * the store failure handled); never rejects.
   * @throws OrchestrationValidationError (synchronously) when the request is invalid.
   */
  execute(tenantId: TenantId, request: StoredRunRequest): Promise<void> {
    const execution = this.orchestrator.run(request);
    this.bus.open(request.runId, tenantId);
    const pipeline = writeInBatches(execution.events$, (batch) => this.persist(tenantId, execution, batch))
      .catch((error: unknown) => this.storeFailed(tenantId, execution, error))
      .finally(() => this.pipelines.delete(execution.runId));
    this.pipelines.set(execution.runId, pipeline);
    return pipeline;
  }

  /** The end of a run executing here, or at once for any other run. */
  async settled(runId: string): Promise<void> {
    await this.pipelines.get(runId);
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
   * Stores a batch of the run's events, then publishes them: the events that arrive while a write
   * is in flight are stored together in the next write. The terminal event is stored with the
   * run's outcome in one transaction. Runs in the run's trace context, so every store write is a
   * child of the run's span.
   */
  private persist(tenantId: TenantId, execution: RunExecution, batch: OrchestrationEvent[]): Promise<void> {
    return context.with(execution.context, async () => {
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
