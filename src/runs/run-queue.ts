import type { LeaseClaim, TenantId } from '../persistence/run.repository';
import type { StoredRunRequest } from './run-executor';

/** A stored, queued run to execute. */
export interface RunJob {
  tenantId: TenantId;
  request: StoredRunRequest;
}

/**
 * Where stored runs go to be executed: on this node at once (embedded), or by any node's worker
 * (BullMQ). Contract: a run handed over is executed at most once at a time; `withdraw` takes out
 * a run no worker has started, and then no worker ever will.
 */
export abstract class RunQueue {
  /**
   * The claim a new run is created with: this node's when it executes the run at once (embedded),
   * none when a worker claims it when it takes it.
   */
  abstract creationClaim(): LeaseClaim | undefined;

  /** Hands over a run stored as queued (created with `creationClaim()`). */
  abstract enqueue(job: RunJob): Promise<void>;

  /** Takes a run that waits for a worker out of the queue and returns it; undefined when it is not waiting (started, or unknown). */
  abstract withdraw(runId: string): Promise<RunJob | undefined>;

  /**
   * True when the queue itself brings back the runs of a node that died (BullMQ hands a job whose
   * worker stopped renewing its lock to another worker): the store's recovery sweep stays out of it.
   */
  abstract readonly recoversRuns: boolean;

  /** Resolves when the queue's transport answers (readiness). */
  abstract ping(): Promise<void>;
}
