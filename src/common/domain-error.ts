import type { ErrorCode, FieldError } from '@app/contracts';

/**
 * An error with a code from the contract's union. Services throw it; the HTTP filter maps it to a
 * problem detail and the socket gateway to an `{ ok: false, error }` acknowledgement.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A refusal the client may retry after `retryAfterSeconds`: HTTP 429 or 503 with `Retry-After`, and the seconds in the socket ack. */
export class RetryLaterError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
    this.name = 'RetryLaterError';
  }
}

/** Anything carrying a contract error code (DomainError, store and validation errors). */
export interface CodedError {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

/** True when `error` carries an error code of the contract. */
export function isCodedError(error: unknown, codes: readonly string[]): error is CodedError {
  const code = error instanceof Error ? (error as Partial<CodedError>).code : undefined;
  return typeof code === 'string' && codes.includes(code);
}
