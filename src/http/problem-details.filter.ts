import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ERROR_CODES, ErrorCode, FieldError } from '@app/contracts';
import { isCodedError, RetryLaterError } from '../common/domain-error';

/** 5xx answers the server gives by design, logged where they are decided rather than here. */
const DELIBERATE_REFUSALS: readonly ErrorCode[] = ['SERVICE_UNAVAILABLE', 'LLM_UNAVAILABLE'];

/** HTTP status of each error code (others are 500). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CAMPAIGN_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  APPROVAL_BLOCKED: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  RUN_ACTIVE: 409,
  RUN_ALREADY_FINISHED: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  STORE_ERROR: 503,
  LLM_UNAVAILABLE: 503,
};

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'SERVICE_UNAVAILABLE',
};

/** A body parser's error (`http-errors`): a client error with a `type` saying what was wrong with the body. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return typeof candidate?.type === 'string' && typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500;
}

/** A failed inflate of a request body (`Z_DATA_ERROR`, `Z_BUF_ERROR`…): it was not what its Content-Encoding said. */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** What each body-parser error says to the client (others: the parser's own message, which names no internals). */
const BODY_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.too.large': ['PAYLOAD_TOO_LARGE', 'The request body is too large'],
  'entity.parse.failed': ['VALIDATION_FAILED', 'The request body is not valid JSON'],
  'encoding.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'The request body has a Content-Encoding the server does not accept (identity, gzip, deflate or br)'],
  'charset.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'The request body has a charset the server does not accept (utf-8)'],
};

/** An RFC 9457 problem detail, with the error code and the invalid fields. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  /** When the client may try again (also the `Retry-After` header). */
  retryAfterSeconds?: number;
}

/** The problem detail for `error` (a coded domain error, a Nest HTTP exception, or anything else). */
export function toProblem(error: unknown): ProblemDetails {
  let code: ErrorCode = 'INTERNAL_ERROR';
  let status = 500;
  let detail = 'An unexpected error occurred';
  let errors: FieldError[] | undefined;
  let retryAfterSeconds: number | undefined;
  if (isCodedError(error, ERROR_CODES)) {
    code = error.code;
    status = STATUS[code] ?? 500;
    detail = status === 500 ? detail : error.message;
    errors = error.errors;
    retryAfterSeconds = error instanceof RetryLaterError ? error.retryAfterSeconds : undefined;
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    detail = error.message;
  } else if (isZlibError(error)) {
    [status, code, detail] = [400, 'VALIDATION_FAILED', 'The request body could not be decompressed as its Content-Encoding says'];
    errors = [{ field: '(body)', message: 'could not be decompressed' }];
  } else if (isBodyParserError(error)) {
    // A corrupt compressed body fails while it is inflated: a 400 like any unreadable body.
    [code, detail] = BODY_ERRORS[error.type] ?? ['VALIDATION_FAILED', `The request body could not be read: ${error.message}`];
    status = STATUS[code]!;
    if (code === 'VALIDATION_FAILED') errors = [{ field: '(body)', message: error.type === 'entity.parse.failed' ? 'is not valid JSON' : 'could not be read' }];
  }
  const title = code.toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  return { type: `urn:campaign-orchestrator:problem:${code.toLowerCase().replace(/_/g, '-')}`, title, status, detail, code, ...(errors ? { errors } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}

/** Writes `problem` as `application/problem+json`. */
export function sendProblem(response: Response, problem: ProblemDetails): void {
  // RFC 6750: a 401 says which scheme would be accepted.
  if (problem.status === 401 && !response.getHeader('WWW-Authenticate')) response.setHeader('WWW-Authenticate', 'Bearer');
  if (problem.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(problem.retryAfterSeconds));
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Maps every error escaping a controller to an RFC 9457 problem detail. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(error);
    // 503s that refuse on purpose (shutting down, the model endpoint's breaker open) are no server error.
    if (problem.status >= 500 && !DELIBERATE_REFUSALS.includes(problem.code)) this.logger.error(problem.detail, error instanceof Error ? error.stack : String(error));
    if (response.headersSent) {
      response.end();
      return;
    }
    sendProblem(response, problem);
  }
}
