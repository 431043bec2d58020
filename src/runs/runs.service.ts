import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { filter, firstValueFrom, map, merge, take, timer } from 'rxjs';
import { ACTIVE_RUN_STATUSES, isTerminalState, OrchestrationRun, RunDetail } from '@app/contracts';
import { DomainError } from '../common/domain-error';
import { validateRunRequest, withIds } from '../orchestration/validate-request';
import { RunRepository, TenantId } from '../persistence/run.repository';
import type { StartRunInput } from './dto/start-run.dto';
import { RunEventBus } from './run-event-bus';
import { RunExecutor } from './run-executor';
import { RunJob, RunQueue } from './run-queue';

/** What a start returns at once. */
export interface StartedRun {
  runId: string;
  campaignId: string;
  status: OrchestrationRun['status'];
}

const INTERRUPTED = 'The server stopped while the run was executing';

/** How long a cancel waits for the run's end to be stored before it answers the status it has. */
const CANCEL_WAIT_MS = 2000;

/**
 * The lifecycle of runs: start (persist the campaign and a queued run, then hand it to the
 * executor), cancel (wherever the run executes), queries, and recovery of the runs a crash left
 * unfinished.
 */
@Injectable()
export class RunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunsService.name);
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly repository: RunRepository,
    private readonly executor: RunExecutor,
    private readonly queue: RunQueue,
    private readonly bus: RunEventBus,
    private readonly config: AppConfig,
  ) {}

  /**
   * Fails the runs a crash left unfinished, at boot and then every `RUN_LEASE_MS`: those whose
   * lease has expired, never a live node's (a node that restarts within its old lease finds its
   * runs still held, and the next sweep ends them). Not with a queue that takes such runs over.
   */
  async onApplicationBootstrap(): Promise<void> {
    // With BullMQ, a run whose node died goes back to the queue and is taken over instead.
    if (this.queue.recoversRuns) return;
    await this.failInterrupted();
    this.sweep = setInterval(() => void this.failInterrupted().catch((error: unknown) => this.logger.warn(`Recovery sweep failed: ${String(error)}`)), this.config.runs.leaseMs).unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  private async failInterrupted(): Promise<void> {
    const ended = await this.repository.failInterruptedRuns(INTERRUPTED);
    if (ended.length === 0) return;
    this.logger.warn(`Marked ${ended.length} interrupted run(s) failed (RUN_INTERRUPTED)`);
    // Their subscribers, on any node, get the end.
    for (const { terminalEvent } of ended) this.bus.publish(terminalEvent);
  }

  /**
   * Creates the campaign (or loads it), persists a queued run and starts it; returns at once.
   * @throws OrchestrationValidationError, DomainError CAMPAIGN_NOT_FOUND / SERVICE_UNAVAILABLE, StoreConflictError RUN_ACTIVE
   */
  async start(tenantId: TenantId, input: StartRunInput): Promise<StartedRun> {
    if (!this.executor.accepting) throw new DomainError('SERVICE_UNAVAILABLE', 'The server is shutting down and takes no new runs');
    const existing = input.campaignId ? await this.repository.getCampaign(tenantId, input.campaignId) : undefined;
    if (input.campaignId && !existing) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${input.campaignId} not found`);
    const brief = existing?.brief ?? input.campaign!.brief;
    const request = validateRunRequest({ campaignId: existing?.id ?? 'new', brief, executionMode: input.executionMode, selectedPlatforms: input.selectedPlatforms });
    const runId = randomUUID();
    const newRun = { id: runId, executionMode: request.executionMode!, selectedPlatforms: request.selectedPlatforms };
    // Embedded: created claimed by this node (epoch 1), which executes it at once. BullMQ: a worker claims it.
    const lease = this.queue.creationClaim();
    const run = existing
      ? await this.repository.createRun({ tenantId, run: { ...newRun, campaignId: existing.id }, lease })
      : await this.repository.createCampaignRun({ tenantId, name: input.campaign!.name, brief: request.brief, run: newRun, lease });
    try {
      await this.queue.enqueue({ tenantId, request: withIds(request, run.campaignId, runId) });
    } catch (error) {
      // Stored but never queued: end it now rather than leave it waiting for nothing.
      await this.repository.failInterruptedRuns(`The run could not be queued: ${String(error)}`, { runId }).catch(() => undefined);
      throw new DomainError('SERVICE_UNAVAILABLE', 'The run could not be queued; try again');
    }
    return { runId, campaignId: run.campaignId, status: run.status };
  }

  /**
   * Cancels a run wherever it executes and waits (briefly) until its end is stored.
   * @throws DomainError RUN_NOT_FOUND, RUN_ALREADY_FINISHED
   */
  async cancel(tenantId: TenantId, runId: string): Promise<{ runId: string; status: OrchestrationRun['status'] }> {
    const run = await this.repository.getRun(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    if (!ACTIVE_RUN_STATUSES.includes(run.status)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${runId} has already ended (${run.status})`);
    // Listening before asking, so that the terminal event cannot pass unseen in between.
    const ended = firstValueFrom(
      merge(
        this.bus.live(runId).pipe(filter((event) => isTerminalState(event.state))),
        timer(CANCEL_WAIT_MS),
      ).pipe(take(1), map(() => undefined)),
      { defaultValue: undefined },
    );
    const waiting = await this.queue.withdraw(runId);
    if (waiting) await this.cancelWaiting(tenantId, waiting.request);
    else await this.bus.requestCancel(runId);
    await ended;
    const after = await this.repository.getRun(tenantId, runId);
    return { runId, status: after?.status ?? run.status };
  }

  /** A run taken out of the queue before any worker started it: stored here as queued, then cancelled, like any cancelled run. */
  private async cancelWaiting(tenantId: TenantId, request: RunJob['request']): Promise<void> {
    const lease = await this.repository.claimRun(tenantId, request.runId, this.executor.claim);
    const cancelled = new AbortController();
    cancelled.abort();
    void this.executor.execute(tenantId, request, lease.epoch, cancelled.signal);
  }

  /** @throws DomainError RUN_NOT_FOUND */
  async get(tenantId: TenantId, runId: string): Promise<RunDetail> {
    const run = await this.repository.getRunDetail(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    return run;
  }
}
