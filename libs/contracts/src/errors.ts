import type { AgentType } from './agents';

/**
 * Every error code the server reports, on an event, in a result, in a problem detail or in a
 * socket acknowledgement.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'CAMPAIGN_NOT_FOUND',
  'RUN_NOT_FOUND',
  'RUN_ALREADY_FINISHED',
  'RUN_ACTIVE',
  'VERSION_NOT_FOUND',
  'PRECONDITION_FAILED',
  'PRECONDITION_REQUIRED',
  'APPROVAL_BLOCKED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'TOO_MANY_SUBSCRIPTIONS',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'AGENT_TIMEOUT',
  'RUN_TIMEOUT',
  'RUN_INTERRUPTED',
  'SERVICE_UNAVAILABLE',
  'STORE_ERROR',
  'INVALID_OUTPUT',
  'LLM_RATE_LIMITED',
  'LLM_UNAVAILABLE',
  'LLM_TIMEOUT',
  'LLM_REQUEST_FAILED',
  'CONTENT_FILTERED',
  'OUTPUT_TRUNCATED',
  'MODEL_REFUSED',
  'CANCELLED',
  'AGENT_FAILED',
  'INTERNAL_ERROR',
] as const;

/** One error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An invalid input field, named by its dotted path (e.g. `brief.objective`). */
export interface FieldError {
  field: string;
  message: string;
}

/** An error that happened during a run, attributed to the agent where it happened. */
export interface OrchestrationError {
  /** The agent that failed; absent for run-level errors such as `RUN_TIMEOUT`. */
  agentType?: AgentType;
  code: ErrorCode;
  message: string;
  /** ISO-8601 time the error was recorded. */
  timestamp: string;
  /** The generation attempt during which it happened, when it belongs to one. */
  attempt?: number;
}

/** The socket event a client gets when its access token expires, just before the server disconnects it. */
export const SESSION_EXPIRED_EVENT = 'session:expired';

/** Payload of {@link SESSION_EXPIRED_EVENT}: the error shape of socket acknowledgements. */
export interface SessionExpired {
  code: 'UNAUTHORIZED';
  message: string;
}
