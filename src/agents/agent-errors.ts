import type { ErrorCode } from '@app/contracts';

/** An agent execution that failed with a known code. */
export class AgentError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
  }
}
