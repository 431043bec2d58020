import type { ErrorCode } from '@app/contracts';

/**
 * A failed LLM call, after the adapter's own retries. Its `message` is ours, safe to show to
 * clients; the provider's own text, which can carry secrets (some gateways echo the caller's key
 * in a 401), is only in `detail`, redacted, for the logs. It keeps no `cause` for the same reason.
 */
export class LlmError extends Error {
  constructor(
    readonly code: Extract<ErrorCode, 'LLM_RATE_LIMITED' | 'LLM_UNAVAILABLE' | 'LLM_TIMEOUT' | 'LLM_REQUEST_FAILED' | 'CONTENT_FILTERED' | 'OUTPUT_TRUNCATED' | 'MODEL_REFUSED'>,
    message: string,
    /** What the provider said, redacted: for logs only. */
    readonly detail?: string,
    /** The endpoint's HTTP status, when it answered one. */
    readonly status?: number,
  ) {
    super(message);
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
