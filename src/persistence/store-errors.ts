import type { ErrorCode } from '@app/contracts';

/** A write refused because of the current state: an active run, a missing record, a finished run, a stale etag, a duplicate event. */
export class StoreConflictError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'RUN_ACTIVE' | 'CAMPAIGN_NOT_FOUND' | 'RUN_NOT_FOUND' | 'RUN_ALREADY_FINISHED' | 'PRECONDITION_FAILED' | 'STORE_ERROR'>,
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** The store failed (unreachable, corrupt, full); the operation did not happen. */
export class StoreError extends Error {
  readonly code: ErrorCode = 'STORE_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * A write or a claim of a run refused because another node holds the run's lease: its epoch has
 * moved past the writer's (the writer lost the run), or its lease has not expired (a claim).
 */
export class LeaseLostError extends Error {
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
    this.name = 'LeaseLostError';
  }
}
