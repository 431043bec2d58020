import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { withIds } from '../../orchestration/validate-request';
import type { LeaseClaim, RunLease, RunRepository } from '../../persistence/run.repository';
import { LeaseLostError, StoreConflictError } from '../../persistence/store-errors';
import type { RunExecutor } from '../run-executor';
import { RunJob, RunQueue } from '../run-queue';
import { closeConnection } from './redis-connection';

/** Settings of the queue: the nodes' shared Redis key prefix, runs per node, the lease. */
export interface BullMqRunQueueSettings {
  prefix: string;
  concurrency: number;
  leaseMs: number;
}

/**
 * A job's data as read back from Redis: plain JSON, no longer known as validated, so validated
 * again (a job queued by another version of the server, or altered, fails here, and so does its job).
 * @throws OrchestrationValidationError
 */
function readJob(data: RunJob): RunJob {
  return { tenantId: data.tenantId, request: withIds(data.request, data.request.campaignId, data.request.runId) };
}

/** The queue's name under the prefix. */
const QUEUE = 'runs';
/** How often each worker looks for jobs whose worker died (their lock expired). */
const STALLED_CHECK_MS = 1000;
/** How many times one run may be taken over before its job fails (and the recovery sweep fails the run). */
const MAX_TAKEOVERS = 5;

/**
 * Runs queued in BullMQ on Redis, executed by a worker on any node, `RUN_CONCURRENCY` at a time;
 * a run waits (queued) while every worker is busy. The job id is the run id, so a start that is
 * retried cannot queue a run twice. A worker claims the run's lease in the store before it
 * executes it (waiting out the lease of a node that has just died), so the store, not the queue,
 * decides who may write. BullMQ's job lock lasts one lease; a worker that dies stops renewing it,
 * BullMQ's stalled check moves the job back to the queue, and the worker that takes it next takes
 * the run over from its stored events (ADR 0017).
 */
export class BullMqRunQueue extends RunQueue implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly recoversRuns = true;
  private readonly logger = new Logger(BullMqRunQueue.name);
  private readonly queue: Queue<RunJob>;
  /** None on a node with `RUN_CONCURRENCY=0`. */
  private readonly worker?: Worker<RunJob>;

  /**
   * @param producer a connection for the queue's commands.
   * @param consumer the worker's connection (blocking commands: `maxRetriesPerRequest: null`).
   */
  constructor(
    private readonly producer: Redis,
    private readonly consumer: Redis,
    private readonly repository: RunRepository,
    private readonly executor: RunExecutor,
    private readonly settings: BullMqRunQueueSettings,
  ) {
    super();
    const prefix = `${settings.prefix}:bull`;
    this.queue = new Queue<RunJob>(QUEUE, { connection: producer, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 1000 } } });
    if (settings.concurrency === 0) return;
    this.worker = new Worker<RunJob>(QUEUE, (job, token) => this.process(job, token), {
      connection: consumer,
      prefix,
      autorun: false,
      concurrency: settings.concurrency,
      lockDuration: settings.leaseMs,
      // A job whose worker died is found within a second of its lock expiring, and taken over.
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: MAX_TAKEOVERS,
    });
    // A job that failed (taken over too often, or its run could not be claimed) will not run again: end its run.
    this.worker.on('failed', (job, error) => {
      this.logger.warn(`Run ${job?.id ?? '?'}: its job failed: ${error.message}`);
      if (job?.id) void this.repository.failInterruptedRuns(`The run could not be executed: ${error.message}`, { runId: job.id }).catch(() => undefined);
    });
    this.worker.on('error', (error) => this.logger.warn(`Worker: ${error.message}`));
  }

  onApplicationBootstrap(): void {
    void this.worker?.run().catch((error: unknown) => this.logger.error(`The worker stopped: ${String(error)}`));
  }

  /** Stops taking jobs and waits for the runs in flight (which the executor drains or cancels). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await Promise.all([closeConnection(this.producer), closeConnection(this.consumer)]);
  }

  creationClaim(): undefined {
    return undefined;
  }

  async enqueue(job: RunJob): Promise<void> {
    await this.queue.add('run', job, { jobId: job.request.runId });
  }

  async withdraw(runId: string): Promise<RunJob | undefined> {
    const job = await this.queue.getJob(runId);
    if (!job || (await this.queue.remove(runId)) !== 1) return undefined;
    return readJob(job.data);
  }

  async ping(): Promise<void> {
    await Promise.all([this.producer.ping(), this.consumer.ping()]);
  }

  /**
   * Claims the run and executes it here; resolves once its end is stored. A run claimed before
   * (epoch above 1: its node died, lost its lease or handed it back) is taken over: it goes on
   * from its stored events. A run this node hands back on shutdown goes back to the queue's
   * waiting list, where the next free worker (on another node) takes it at once.
   */
  private async process(job: Job<RunJob>, token?: string): Promise<void> {
    const { tenantId, request } = readJob(job.data);
    const lease = await this.claim(tenantId, request.runId, this.executor.claim);
    if (!lease) return;
    const stored = lease.epoch > 1 ? await this.repository.listEvents(tenantId, request.runId, 0) : [];
    if (stored.length > 0) this.logger.warn(`Run ${request.runId}: taken over after event ${stored.at(-1)!.seq} (epoch ${lease.epoch})`);
    const exit = await this.executor.execute(tenantId, request, lease.epoch, undefined, stored);
    if (exit === 'ended') return;
    // Handed back, or stopped as lost: back to the waiting list for the next worker, which claims
    // the run once this node's lease has lapsed. When another worker really has taken the job
    // over (this node's lock expired), the move is refused, and that worker goes on with the run.
    try {
      await job.moveToWait(token);
    } catch (error) {
      this.logger.warn(`Run ${request.runId}: its job has moved on to another worker (${String(error)})`);
      return;
    }
    // Tells the worker that the job has moved on: neither completed nor failed.
    throw new WaitingError();
  }

  /** The run's lease for this node, waiting out another node's live lease (at most two leases); undefined when the run has ended. */
  private async claim(tenantId: string, runId: string, claim: LeaseClaim): Promise<RunLease | undefined> {
    const deadline = Date.now() + 2 * this.settings.leaseMs;
    for (;;) {
      try {
        return await this.repository.claimRun(tenantId, runId, claim);
      } catch (error) {
        if (error instanceof StoreConflictError && error.code === 'RUN_ALREADY_FINISHED') return undefined;
        if (!(error instanceof LeaseLostError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, this.settings.leaseMs / 4)));
      }
    }
  }
}
