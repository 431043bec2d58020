import { Injectable } from '@nestjs/common';
import { RunAbort } from './orchestration-errors';

/** The abort controllers of the runs executing in this process, by run id. */
@Injectable()
export class RunRegistry {
  private readonly controllers = new Map<string, AbortController>();

  /** Registers a run; its controller aborts on `cancel(runId)`. */
  register(runId: string, controller: AbortController): void {
    if (this.controllers.has(runId)) throw new Error(`Run ${runId} is already executing`);
    this.controllers.set(runId, controller);
  }

  release(runId: string): void {
    this.controllers.delete(runId);
  }

  /** Cancels a run executing here; false when it is not (unknown or finished). */
  cancel(runId: string): boolean {
    const controller = this.controllers.get(runId);
    if (!controller) return false;
    controller.abort(new RunAbort('CANCELLED'));
    return true;
  }

  /** Cancels every run executing here (shutdown). */
  cancelAll(): number {
    for (const controller of this.controllers.values()) controller.abort(new RunAbort('CANCELLED'));
    return this.controllers.size;
  }

  isActive(runId: string): boolean {
    return this.controllers.has(runId);
  }

  get size(): number {
    return this.controllers.size;
  }
}
