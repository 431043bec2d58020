import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { Activation, isTerminalState, OrchestrationEvent } from '@app/contracts';
import { AppConfig } from '../config/app-config';
import { CampaignOrchestrator, RunExecution } from '../orchestration/campaign-orchestrator.service';
import { RunRegistry } from '../orchestration/run-registry';
import type { ValidRunRequest } from '../orchestration/validate-request';
import { LeaseClaim, RunRepository, TenantId } from '../persistence/run.repository';
import { LeaseLostError, StoreConflictError } from '../persistence/store-errors';
import { RunEventBus } from './run-event-bus';
import { writeInBatches } from './write-in-batches';

/** A validated request of a stored run: its campaign and run ids are set. */
export type StoredRunRequest = ValidRunRequest & { runId: string };

/**
 * Why a write was refused when this node no longer holds the run: another node claimed it (a
 * newer epoch), or it ended meanwhile without this node (its new owner finished it, or a cancel
 * did). Undefined for any other failure: the store failed.
 */
function lostBecause(error: unknown): string | undefined {
  if (error instanceof LeaseLostError) return error.message;
  if (error instanceof StoreConflictError && error.code === 'RUN_ALREADY_FINISHED') return 'it ended without this node';
  return undefined;
}

/**
 * How a run left this node: `ended` (its end is stored, or its failure handled), `lost` (another
 * node took it over) or `handedBack` (shutdown gave it up with its lease, for another node to take
 * over from its stored events).
 */
export type RunExit = 'ended' | 'lost' | 'handedBack';

/**
 * Executes stored runs on this node: runs the orchestrator, stores every event and only then
 * publishes it, stores the outcome with the terminal event, handles a failing store, answers
 * cancel requests for the runs it executes, and on shutdown drains them, hands them back (with a
 * queue that other nodes take runs from) or cancels them.
 *
 * It holds a lease on every run it executes and renews them together every third of
 * `RUN_LEASE_MS`; each write carries the lease's epoch. A run whose lease it lost (the store says
 * another node claimed it) is stopped here without writing anything more.
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** This node, unique per process start: the owner of its leases. */
  readonly nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger(RunExecutor.name);
  private readonly pipelines = new Map<string, Promise<RunExit>>();
  /** The epoch of each run's lease held here. */
  private readonly leases = new Map<string, number>();
  /** Runs given up on shutdown, stopping without writing anything more. */
  private readonly handedBack = new Set<string>();
  private renewal?: NodeJS.Timeout;
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

  onApplicationBootstrap(): void {
    const every = Math.floor(this.config.runs.leaseMs / 3);
    this.renewal = setInterval(() => void this.renewLeases(), every).unref();
  }

  /** The claim a run created for this node carries: this node, the configured lease. */
  get claim(): LeaseClaim {
    return { owner: this.nodeId, leaseMs: this.config.runs.leaseMs };
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
   * Executes a queued run of `tenantId` that the store holds and this node has claimed at `epoch`.
   * Resolves once its end is stored (or the failure handled), or once it has left this node
   * (another node took it over, or shutdown handed it back with its lease); never rejects.
   * @param signal cancels the run (already aborted: the run is stored as queued, then cancelled).
   * @param stored a run taken over from another node: its stored events, which it goes on after.
   * @throws OrchestrationValidationError (synchronously) when the request is invalid.
   */
  execute(tenantId: TenantId, request: StoredRunRequest, epoch: number, signal?: AbortSignal, stored: readonly OrchestrationEvent[] = []): Promise<RunExit> {
    const { runId } = request;
    const execution = this.orchestrator.run(request, signal, stored.length > 0 ? { events: stored, epoch } : undefined);
    this.bus.open(runId, tenantId, stored.at(-1)?.seq ?? 0);
    this.leases.set(runId, epoch);
    const pipeline = writeInBatches(execution.events$, (batch) => this.persist(tenantId, execution, batch, epoch, request.regeneration?.activate))
      .then((): RunExit => 'ended')
      .catch((error: unknown) => {
        const why = lostBecause(error);
        return why !== undefined ? this.leaseLost(execution, why) : this.storeFailed(execution, error);
      })
      .then((exit) => (this.handedBack.has(runId) ? this.release(runId, epoch) : exit))
      .finally(() => {
        this.pipelines.delete(runId);
        this.leases.delete(runId);
        this.handedBack.delete(runId);
      });
    this.pipelines.set(runId, pipeline);
    return pipeline;
  }

  /** The end of a run executing here, or at once for any other run. */
  async settled(runId: string): Promise<void> {
    await this.pipelines.get(runId);
  }

  /**
   * Stops taking runs; lets in-flight runs finish for the grace period (`drain`), then hands the
   * rest back to the queue when other nodes take runs from it (else cancels them), and waits until
   * each has left. Leases are renewed until then, so that no other node takes a draining run over.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    if (this.pipelines.size > 0) {
      const { mode, graceMs } = this.config.shutdown;
      this.logger.log(`Shutting down with ${this.pipelines.size} run(s) in flight (${mode})`);
      if (mode === 'drain') await this.settle(graceMs);
      if (mode !== 'cancel' && this.config.redis) [...this.leases.keys()].forEach((runId) => this.handBack(runId));
      else this.registry.cancelAll();
      await this.settle(5000);
    }
    clearInterval(this.renewal);
  }

  /** Stops a run here without writing anything more; its lease is released once it has stopped. */
  private handBack(runId: string): void {
    if (!this.leases.delete(runId)) return;
    this.handedBack.add(runId);
    this.logger.log(`Run ${runId}: handed back to the queue`);
    this.bus.release(runId);
    this.registry.cancel(runId);
  }

  /** Gives a handed-back run's lease up, so that the next node claims it at once rather than after the lease. */
  private async release(runId: string, epoch: number): Promise<RunExit> {
    try {
      await this.repository.releaseLeases(this.nodeId, [{ runId, epoch }]);
    } catch (error) {
      this.logger.warn(`Run ${runId}: its lease could not be released (another node takes it over once it expires): ${String(error)}`);
    }
    return 'handedBack';
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
  private persist(tenantId: TenantId, execution: RunExecution, batch: OrchestrationEvent[], epoch: number, activate?: Activation): Promise<void> {
    return context.with(execution.context, async () => {
      // Lost here already (a failed renewal): the store would refuse it; do not even ask.
      if (!this.leases.has(execution.runId)) throw new LeaseLostError(execution.runId, 'its lease was lost');
      const terminal = isTerminalState(batch[batch.length - 1].state) ? batch.pop() : undefined;
      if (batch.length > 0) {
        await this.repository.appendEvents(tenantId, batch, epoch);
        batch.forEach((event) => this.bus.publish(event));
      }
      if (terminal) {
        await this.repository.finishRun({ tenantId, result: await execution.result, terminalEvent: terminal, epoch, activate });
        this.bus.publish(terminal);
      }
    });
  }

  /** Renews the leases of the runs executing here; stops the ones this node has lost. */
  private async renewLeases(): Promise<void> {
    if (this.leases.size === 0) return;
    const held = [...this.leases].map(([runId, epoch]) => ({ runId, epoch }));
    try {
      const renewed = new Set(await this.repository.renewLeases(this.nodeId, held, this.config.runs.leaseMs));
      // A run that ended meanwhile is not lost: its pipeline has let go of it.
      for (const { runId } of held) if (!renewed.has(runId) && this.leases.has(runId)) this.stopLost(runId, 'its lease could not be renewed');
    } catch (error) {
      this.logger.warn(`Lease renewal failed (tried again in ${Math.floor(this.config.runs.leaseMs / 3)} ms): ${String(error)}`);
    }
  }

  /** Another node holds the run now: stop it here, write nothing more, tell nobody. */
  private stopLost(runId: string, why: string): void {
    if (!this.leases.delete(runId)) return;
    this.logger.warn(`Run ${runId}: stopped here, ${why}; another node owns it now`);
    this.bus.release(runId);
    this.registry.cancel(runId);
  }

  /** A write was refused for an older epoch (the run was taken over), or after the run ended elsewhere, or the run was handed back. */
  private async leaseLost(execution: RunExecution, why: string): Promise<RunExit> {
    this.stopLost(execution.runId, why);
    await execution.result;
    return 'lost';
  }

  /** A write failed: stop the run, mark it failed in the store if it still answers, and end its live stream. */
  private async storeFailed(execution: RunExecution, error: unknown): Promise<RunExit> {
    this.logger.error(`Run ${execution.runId}: store write failed, ending the run`, error instanceof Error ? error.stack : String(error));
    this.registry.cancel(execution.runId);
    await execution.result;
    const message = `The store failed while the run was executing: ${error instanceof Error ? error.message : String(error)}`;
    try {
      const [ended] = await this.repository.failInterruptedRuns(message, { runId: execution.runId });
      if (ended) this.bus.publish(ended.terminalEvent);
    } catch (secondError) {
      this.logger.error(`Run ${execution.runId}: could not mark it failed; restart recovery will`, String(secondError));
    } finally {
      this.bus.close(execution.runId);
    }
    return 'ended';
  }
}
