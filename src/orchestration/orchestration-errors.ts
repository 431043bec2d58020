import type { ErrorCode, FieldError } from '@app/contracts';

/** A request rejected before any run was created; names every invalid field. */
export class OrchestrationValidationError extends Error {
  readonly code: ErrorCode = 'VALIDATION_FAILED';

  constructor(readonly errors: FieldError[]) {
    super(`Invalid run request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'OrchestrationValidationError';
  }
}

/** Why a run's or an agent's signal was aborted. */
export type AbortCause = Extract<ErrorCode, 'CANCELLED' | 'RUN_TIMEOUT' | 'AGENT_TIMEOUT'>;

/** The reason given to `AbortController.abort` by the orchestrator. */
export class RunAbort extends Error {
  constructor(readonly code: AbortCause) {
    super(code === 'CANCELLED' ? 'Run cancelled' : code === 'RUN_TIMEOUT' ? 'Run timed out' : 'Agent timed out');
    this.name = 'RunAbort';
  }
}

/** The abort cause carried by a signal's reason, or `CANCELLED` for a foreign reason. */
export function abortCauseOf(signal: AbortSignal): AbortCause {
  return signal.reason instanceof RunAbort ? signal.reason.code : 'CANCELLED';
}
