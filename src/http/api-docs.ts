import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeaderObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { ErrorCode } from '@app/contracts';
import { ProblemDetails } from './dto/problem.response';

/**
 * OpenAPI decorators shared by the controllers: the problem answers of each operation (RFC 9457,
 * `application/problem+json`, with the codes each status carries), the bearer security of the
 * protected controllers, and the headers that matter (ETag, If-Match, Idempotency-Key,
 * Idempotent-Replayed, Retry-After, WWW-Authenticate).
 */

/** The security scheme of the tenants' tokens (static tokens or Entra ID JWTs). */
export const BEARER = 'bearer';

/** The statuses a problem detail is sent with. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 429 | 500 | 503;

/** The problems of an operation: each status with the codes it is answered with. */
export type Problems = Partial<Record<ProblemStatus, readonly ErrorCode[]>>;

const TITLES: Record<ProblemStatus, string> = {
  400: 'Invalid input',
  401: 'No valid bearer token',
  403: 'The token lacks the right (role or scope) the operation needs',
  404: 'Not found (or another tenant’s)',
  409: 'Conflict',
  412: 'If-Match is not the campaign’s ETag any more',
  413: 'The body is too large',
  415: 'The body is not application/json, or its encoding or charset is not accepted',
  422: 'The idempotency key was used with another request',
  428: 'If-Match is missing',
  429: 'A per-tenant limit',
  500: 'Unexpected error (details only in the server log)',
  503: 'Unavailable for now',
};

const RETRY_AFTER: HeaderObject = { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } };

/** Headers of the problems of each status (`required` where the server always sends them). */
const HEADERS: Partial<Record<ProblemStatus, Record<string, HeaderObject>>> = {
  401: { 'WWW-Authenticate': { description: 'RFC 6750: `Bearer`, or `Bearer error="invalid_token"` for a refused token', required: true, schema: { type: 'string', pattern: '^Bearer' } } },
  403: { 'WWW-Authenticate': { description: 'RFC 6750: `Bearer error="insufficient_scope"`', required: true, schema: { type: 'string', pattern: '^Bearer' } } },
  409: { 'Retry-After': { ...RETRY_AFTER, description: 'With IDEMPOTENCY_KEY_IN_USE: seconds to wait before repeating' } },
  429: { 'Retry-After': { ...RETRY_AFTER, required: true } },
  503: { 'Retry-After': { ...RETRY_AFTER, description: 'With LLM_UNAVAILABLE: seconds to the next probe of the model endpoint' } },
};

/** A problem detail whose `code` is one of `codes`. */
export function problemSchema(codes: readonly ErrorCode[]): SchemaObject {
  return { allOf: [{ $ref: getSchemaPath(ProblemDetails) }, { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } }] };
}

/** Describes the problem answers of an operation (or, on a controller, of each of its operations). */
export function ApiProblems(problems: Problems): MethodDecorator & ClassDecorator {
  const entries = Object.entries(problems).map(([status, codes]) => [Number(status) as ProblemStatus, codes ?? []] as const);
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...entries.map(([status, codes]) =>
      ApiResponse({
        status,
        description: `${TITLES[status]}: ${codes.join(', ')}`,
        content: { 'application/problem+json': { schema: problemSchema(codes) } },
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
      }),
    ),
  ) as MethodDecorator & ClassDecorator;
}

/** The problems every operation can answer with. */
const EVERYWHERE: Problems = { 500: ['INTERNAL_ERROR'] };

/** A controller whose operations need a tenant's bearer token (static, or an Entra ID JWT with the read or write right). */
export function ApiProtected(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER),
    ApiProblems({ ...EVERYWHERE, 401: ['UNAUTHORIZED'], 403: ['FORBIDDEN'], 503: ['SERVICE_UNAVAILABLE', 'STORE_ERROR'] }),
  );
}

/** A controller whose operations need no token. */
export function ApiPublic(): ClassDecorator {
  return ApiProblems(EVERYWHERE);
}

/** The problems of an operation that reads a JSON body. */
export const BODY_PROBLEMS: Problems = { 400: ['VALIDATION_FAILED'], 413: ['PAYLOAD_TOO_LARGE'], 415: ['UNSUPPORTED_MEDIA_TYPE'] };

/** The problems of a start (create-and-start, a run of a campaign, a regeneration), besides a 404. */
export const START_PROBLEMS: Problems = {
  ...BODY_PROBLEMS,
  409: ['RUN_ACTIVE', 'IDEMPOTENCY_KEY_IN_USE'],
  422: ['IDEMPOTENCY_KEY_REUSED'],
  429: ['RATE_LIMITED'],
  503: ['SERVICE_UNAVAILABLE', 'STORE_ERROR', 'LLM_UNAVAILABLE'],
};

/** `Idempotency-Key` on a start. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeat of the same start within IDEMPOTENCY_WINDOW_SECONDS gets the first answer (Idempotent-Replayed: true) and starts nothing; the same key with another request: 422',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$', example: '3f1c2a9e-5b7d-4c1e-9a2f-0d6b8e4c7a15' },
  });

/** `If-Match` on a change of a campaign. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The campaign’s ETag (GET /api/campaigns/:id, or campaign.etag); without it 428, stale 412',
    schema: { type: 'string', minLength: 1 },
  });

/** The `ETag` of the campaign an answer carries. */
export const ETAG: Record<string, HeaderObject> = { ETag: { description: 'The campaign’s ETag: send it back as If-Match', required: true, schema: { type: 'string', minLength: 1 } } };

/** `Idempotent-Replayed` on the answer of a start. */
export const IDEMPOTENT_REPLAYED: Record<string, HeaderObject> = {
  'Idempotent-Replayed': { description: '`true` when this is the stored answer of an earlier start with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
};
