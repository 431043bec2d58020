import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { filter, firstValueFrom, map, merge, take, timer } from 'rxjs';
import { ACTIVE_RUN_STATUSES, ArtifactType, Campaign, isTerminalState, OrchestrationRun, RunDetail, ShortCopyOutput } from '@app/contracts';
import { DomainError, RetryLaterError } from '../common/domain-error';
import { LlmAvailability } from '../llm/llm-breaker';
import type { RegenerationInputDto } from '../orchestration/dto/run-request.dto';
import { validateRunRequest, ValidRunRequest, withIds } from '../orchestration/validate-request';
import { RunRepository, TenantId } from '../persistence/run.repository';
import type { StartRunInput } from './dto/start-run.dto';
import { RunEventBus } from './run-event-bus';
import { RunExecutor } from './run-executor';
import { fingerprintOf, ORPHANED_AFTER_MS } from './idempotency';
import { RunJob, RunQueue } from './run-queue';
import { TenantLimits } from './tenant-limits';

/** What a start returns at once. */
export interface StartedRun {
  runId: string;
  campaignId: string;
  status: OrchestrationRun['status'];
  /** True when this is the answer of an earlier start with the same idempotency key. */
  replayed?: boolean;
}

/** How a start is asked for. */
export interface StartOptions {
  /** A repeat of the same request with this key within the window returns the run it started. */
  idempotencyKey?: string;
  /** Who asks (`Principal.subject`), kept with the run and its versions. */
  requestedBy?: string;
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
    private readonly limits: TenantLimits,
    private readonly llm: LlmAvailability,
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
   * Creates the campaign (or loads it), persists a queued run and starts it; returns at once. With
   * an idempotency key, a repeat of the same request within the window returns the first start's
   * answer (`replayed`) and starts nothing.
   * @throws OrchestrationValidationError, DomainError CAMPAIGN_NOT_FOUND / SERVICE_UNAVAILABLE /
   * IDEMPOTENCY_KEY_REUSED / IDEMPOTENCY_KEY_IN_USE, RetryLaterError RATE_LIMITED / LLM_UNAVAILABLE,
   * StoreConflictError RUN_ACTIVE
   */
  async start(tenantId: TenantId, input: StartRunInput, options: StartOptions = {}): Promise<StartedRun> {
    this.assertAccepting();
    const existing = input.campaignId ? await this.repository.getCampaign(tenantId, input.campaignId) : undefined;
    if (input.campaignId && !existing) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${input.campaignId} not found`);
    const brief = existing?.brief ?? input.campaign!.brief;
    const request = validateRunRequest({ campaignId: existing?.id ?? 'new', brief, executionMode: input.executionMode, selectedPlatforms: input.selectedPlatforms });
    return this.launch(tenantId, request, fingerprintOf(input), options, existing ?? { name: input.campaign!.name });
  }

  /**
   * Starts a regeneration of one artifact of the campaign with the editor's instructions: a run of
   * its generator on the campaign's brief and the artifact's active version (with its latest audit),
   * then the audit and the compliance loop. Idempotency keys, limits and the model's availability
   * as for `start`.
   * @throws DomainError CAMPAIGN_NOT_FOUND, VALIDATION_FAILED (no platforms known for short copy), and as `start`
   */
  async regenerate(tenantId: TenantId, campaignId: string, artifactType: ArtifactType, input: RegenerationInputDto, options: StartOptions = {}): Promise<StartedRun> {
    this.assertAccepting();
    if (input.platforms && artifactType !== 'shortCopy') throw new DomainError('VALIDATION_FAILED', 'Platforms can only be chosen for shortCopy', [{ field: 'platforms', message: 'platforms can only be chosen for shortCopy' }]);
    const detail = await this.repository.getCampaignDetail(tenantId, campaignId);
    if (!detail) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found`);
    const active = detail.activeArtifacts[artifactType];
    const report = detail.latestAudit[artifactType];
    const [latest] = await this.repository.listRuns(tenantId, campaignId);
    const known = artifactType === 'shortCopy' && active ? (active.content as ShortCopyOutput).platforms.map((p) => p.platform) : latest?.selectedPlatforms;
    if (!known && !input.platforms && artifactType === 'shortCopy') throw new DomainError('VALIDATION_FAILED', 'The campaign has no short copy yet: name the platforms', [{ field: 'platforms', message: 'platforms are required for a first short copy' }]);
    const selectedPlatforms = [...new Set([...(known ?? []), ...(input.platforms ?? [])])];
    const request = validateRunRequest({
      campaignId,
      brief: detail.campaign.brief,
      selectedPlatforms: selectedPlatforms.length > 0 ? selectedPlatforms : ['x'],
      regeneration: {
        artifactType,
        instructions: input.instructions,
        platforms: input.platforms,
        activate: input.activate,
        base: active && {
          versionId: active.id,
          versionNumber: active.versionNumber,
          content: active.content,
          ...(report ? { feedback: { verdict: report.verdict, weightedScore: report.weightedScore, flags: report.flags, recommendations: report.recommendations } } : {}),
        },
      },
    });
    return this.launch(tenantId, request, fingerprintOf({ regenerate: artifactType, campaignId, ...input }), options, detail.campaign);
  }

  private assertAccepting(): void {
    if (!this.executor.accepting) throw new DomainError('SERVICE_UNAVAILABLE', 'The server is shutting down and takes no new runs');
  }

  /**
   * Stores a queued run of `request` (on `campaign`, or on a new campaign of that name) and queues
   * it, behind the idempotency key, the tenant's limits and the model's availability.
   */
  private async launch(tenantId: TenantId, request: ValidRunRequest, fingerprint: string, { idempotencyKey, requestedBy }: StartOptions, campaign: Campaign | { name: string }): Promise<StartedRun> {
    const existing = 'id' in campaign ? campaign : undefined;
    const ids = { runId: randomUUID(), campaignId: existing?.id ?? randomUUID() };
    if (idempotencyKey) {
      const earlier = await this.claimKey(tenantId, idempotencyKey, fingerprint, ids);
      if (earlier) return earlier;
    }
    try {
      if (!this.llm.available) throw new RetryLaterError('LLM_UNAVAILABLE', 'The model endpoint is failing; new runs are refused until it answers again', this.llm.retryAfterSeconds);
      await this.limits.admitStart(tenantId);
      const { regeneration } = request;
      const newRun = {
        id: ids.runId,
        executionMode: request.executionMode,
        selectedPlatforms: request.selectedPlatforms,
        briefRevision: existing?.briefRevision ?? 1,
        ...(requestedBy ? { requestedBy } : {}),
        ...(regeneration
          ? { regeneration: { artifactType: regeneration.artifactType, instructions: regeneration.instructions, ...(regeneration.platforms ? { platforms: regeneration.platforms } : {}), activate: regeneration.activate ?? 'unlessFailed', ...(regeneration.base ? { baseVersionId: regeneration.base.versionId } : {}) } }
          : {}),
      };
      // Embedded: created claimed by this node (epoch 1), which executes it at once. BullMQ: a worker claims it.
      const lease = this.queue.creationClaim();
      const run = existing
        ? await this.repository.createRun({ tenantId, run: { ...newRun, campaignId: existing.id }, lease })
        : await this.repository.createCampaignRun({ tenantId, id: ids.campaignId, name: campaign.name, brief: request.brief, run: newRun, lease });
      await this.enqueue(tenantId, withIds(request, run.campaignId, ids.runId));
      return { runId: ids.runId, campaignId: run.campaignId, status: run.status };
    } catch (error) {
      // Nothing was started: the key may be used again.
      if (idempotencyKey) await this.repository.releaseIdempotencyKey(tenantId, idempotencyKey, ids.runId).catch(() => undefined);
      throw error;
    }
  }

  private async enqueue(tenantId: TenantId, request: RunJob['request']): Promise<void> {
    try {
      await this.queue.enqueue({ tenantId, request });
    } catch (error) {
      // Stored but never queued: end it now rather than leave it waiting for nothing.
      await this.repository.failInterruptedRuns(`The run could not be queued: ${String(error)}`, { runId: request.runId }).catch(() => undefined);
      throw new DomainError('SERVICE_UNAVAILABLE', 'The run could not be queued; try again');
    }
  }

  /**
   * Claims `key` for the start of `ids`. Returns the earlier start's answer when the key holds one
   * for the same request, undefined when this start holds the key now. A record whose run was never
   * created (its node crashed in between) is taken over once it is older than `ORPHANED_AFTER_MS`.
   * @throws DomainError IDEMPOTENCY_KEY_REUSED (another request), IDEMPOTENCY_KEY_IN_USE (its start is under way)
   */
  private async claimKey(tenantId: TenantId, key: string, fingerprint: string, ids: { runId: string; campaignId: string }): Promise<StartedRun | undefined> {
    const record = { tenantId, key, fingerprint, ...ids, createdAt: new Date().toISOString() };
    for (let attempt = 1; attempt <= 2; attempt++) {
      const held = await this.repository.claimIdempotencyKey(record, this.config.runs.idempotencyWindowMs);
      if (held.runId === ids.runId) return undefined;
      if (held.fingerprint !== fingerprint) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with another request; use a new key for a new request');
      // The first start answered `queued`: a repeat gets the same answer.
      if (await this.repository.getRun(tenantId, held.runId)) return { runId: held.runId, campaignId: held.campaignId, status: 'queued', replayed: true };
      if (Date.now() - Date.parse(held.createdAt) < ORPHANED_AFTER_MS) break;
      await this.repository.releaseIdempotencyKey(tenantId, key, held.runId);
    }
    throw new RetryLaterError('IDEMPOTENCY_KEY_IN_USE', 'A start with this Idempotency-Key is under way; retry to get its answer', 1);
  }

  /**
   * Cancels a run wherever it executes and waits (briefly) until its end is stored.
   * @throws DomainError RUN_NOT_FOUND, RUN_ALREADY_FINISHED
   */
  async cancel(tenantId: TenantId, runId: string): Promise<{ runId: string; status: OrchestrationRun['status'] }> {
    const run = await this.repository.getRun(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    if (!ACTIVE_RUN_STATUSES.includes(run.status)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${runId} has already ended (${run.status})`);
    const waiting = await this.queue.withdraw(runId);
    if (waiting) {
      await this.cancelWaiting(tenantId, waiting.request);
    } else {
      // Listening before asking, so that the terminal event cannot pass unseen in between.
      const ended = firstValueFrom(
        merge(
          this.bus.live(runId).pipe(filter((event) => isTerminalState(event.state))),
          timer(CANCEL_WAIT_MS),
        ).pipe(take(1), map(() => undefined)),
        { defaultValue: undefined },
      );
      await this.bus.requestCancel(runId);
      await ended;
    }
    const after = await this.repository.getRun(tenantId, runId);
    return { runId, status: after?.status ?? run.status };
  }

  /** A run taken out of the queue before any worker started it: executed here already cancelled, like any cancelled run; resolves once its end is stored. */
  private async cancelWaiting(tenantId: TenantId, request: RunJob['request']): Promise<void> {
    const lease = await this.repository.claimRun(tenantId, request.runId, this.executor.claim);
    const cancelled = new AbortController();
    cancelled.abort();
    await this.executor.execute(tenantId, request, lease.epoch, cancelled.signal);
  }

  /** @throws DomainError RUN_NOT_FOUND */
  async get(tenantId: TenantId, runId: string): Promise<RunDetail> {
    const run = await this.repository.getRunDetail(tenantId, runId);
    if (!run) throw new DomainError('RUN_NOT_FOUND', `Run ${runId} not found`);
    return run;
  }
}
