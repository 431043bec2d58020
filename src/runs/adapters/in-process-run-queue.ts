import { Injectable } from '@nestjs/common';
import type { LeaseClaim } from '../../persistence/run.repository';
import { RunExecutor } from '../run-executor';
import { RunJob, RunQueue } from '../run-queue';

/** The embedded queue: the node that stores a run executes it at once (created claimed, epoch 1). */
@Injectable()
export class InProcessRunQueue extends RunQueue {
  /** Nobody else would: the recovery sweep fails the runs of a process that died, once their lease expired. */
  readonly recoversRuns = false;

  constructor(private readonly executor: RunExecutor) {
    super();
  }

  creationClaim(): LeaseClaim {
    return this.executor.claim;
  }

  async enqueue({ tenantId, request }: RunJob): Promise<void> {
    void this.executor.execute(tenantId, request, 1);
  }

  /** Nothing waits: every run executes as soon as it is stored. */
  async withdraw(): Promise<undefined> {
    return undefined;
  }

  async ping(): Promise<void> {}
}
