import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ERROR_CODES } from '@app/contracts';
import type * as C from '@app/contracts';
import type { ProblemDetails as ProblemDetailsContract } from '../problem-details.filter';
import { valuesOf, type Mirror, type Proofs } from './mirror';

/** The OpenAPI schemas of errors (RFC 9457 problem details) and of the health probes. */

export class FieldError implements C.FieldError {
  @ApiProperty({ description: 'Dotted path of the invalid field (campaign.brief.objective), (body) for the whole body, or a header (If-Match)', example: 'campaign.brief.objective' })
  field!: string;

  @ApiProperty({ description: 'What is wrong with it (several failed rules joined with “; ”)', example: 'objective should not be empty' })
  message!: string;
}

/** An RFC 9457 problem detail (`application/problem+json`), with the error code and the invalid fields. */
export class ProblemDetails implements ProblemDetailsContract {
  @ApiProperty({ description: 'urn:campaign-orchestrator:problem:<code in kebab case>', example: 'urn:campaign-orchestrator:problem:validation-failed' }) type!: string;
  @ApiProperty({ example: 'Validation failed' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 }) status!: number;
  @ApiProperty({ example: 'Invalid input: campaign.brief.objective: objective should not be empty' }) detail!: string;
  @ApiProperty({ enum: ERROR_CODES, type: 'string', example: 'VALIDATION_FAILED' }) code!: C.ErrorCode;
  @ApiPropertyOptional({ type: [FieldError], description: 'Each invalid field, once' }) errors?: FieldError[];
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'When to try again (also Retry-After), with RATE_LIMITED, LLM_UNAVAILABLE and IDEMPOTENCY_KEY_IN_USE' })
  retryAfterSeconds?: number;
}

const INDICATOR: SchemaObject = { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } }, additionalProperties: true };
const HEALTH_INDICATORS = { type: 'object', additionalProperties: INDICATOR, example: { store: { status: 'up' } } } as const;

/** A health probe's answer (@nestjs/terminus). */
export class HealthCheck implements HealthCheckResult {
  @ApiProperty({ enum: valuesOf<HealthCheckResult['status']>()(['ok', 'error', 'shutting_down']), type: 'string' }) status!: HealthCheckResult['status'];
  @ApiPropertyOptional({ ...HEALTH_INDICATORS, description: 'The indicators that are up' }) info?: HealthCheckResult['info'];
  @ApiPropertyOptional({ ...HEALTH_INDICATORS, description: 'The indicators that are down, with a message' }) error?: HealthCheckResult['error'];
  @ApiProperty({ ...HEALTH_INDICATORS, description: 'Every indicator' }) details!: HealthCheckResult['details'];
}

export type ProblemProofs = Proofs<[Mirror<FieldError, C.FieldError>, Mirror<ProblemDetails, ProblemDetailsContract>, Mirror<HealthCheck, HealthCheckResult>]>;
