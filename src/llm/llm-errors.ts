import type { ErrorCode } from '@app/contracts';

/** A failed LLM call, after the adapter's own retries. */
export class LlmError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'LLM_RATE_LIMITED' | 'LLM_UNAVAILABLE' | 'LLM_TIMEOUT' | 'LLM_REQUEST_FAILED'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

/** The call was aborted by its signal; `reason` is the signal's reason. */
export class LlmAbortedError extends Error {
  constructor(readonly reason: unknown) {
    super('LLM call aborted');
    this.name = 'LlmAbortedError';
  }
}

/** True when `error` is an `LlmAbortedError`. */
export function isLlmAborted(error: unknown): error is LlmAbortedError {
  return error instanceof LlmAbortedError;
}
