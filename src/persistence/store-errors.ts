import type { ErrorCode } from '@app/contracts';

/** A write refused because of the current state: an active run, a missing record, a finished run, a duplicate event. */
export class StoreConflictError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'RUN_ACTIVE' | 'CAMPAIGN_NOT_FOUND' | 'RUN_NOT_FOUND' | 'RUN_ALREADY_FINISHED' | 'STORE_ERROR'>,
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
