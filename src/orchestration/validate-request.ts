import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { FieldError, OrchestrationRequest, RegenerationRequest } from '@app/contracts';
import { RunRequestDto } from './dto/run-request.dto';
import { OrchestrationValidationError } from './orchestration-errors';

/** Flattens class-validator errors into dotted field paths, each field once (its failed constraints' messages joined with `; `). */
export function fieldErrors(errors: ValidationError[]): FieldError[] {
  const messages = new Map<string, string[]>();
  const walk = (list: ValidationError[], prefix: string) => {
    for (const error of list) {
      const field = prefix ? `${prefix}.${error.property}` : error.property;
      const own = Object.values(error.constraints ?? {});
      if (own.length > 0) messages.set(field, [...(messages.get(field) ?? []), ...own]);
      walk(error.children ?? [], field);
    }
  };
  walk(errors, '');
  return [...messages].map(([field, list]) => ({ field, message: [...new Set(list)].join('; ') }));
}

function campaignIdErrors(campaignId: unknown): FieldError[] {
  return typeof campaignId === 'string' && campaignId.trim() !== '' ? [] : [{ field: 'campaignId', message: 'campaignId must be a non-empty string' }];
}

/** A regeneration's platforms: short copy only, and among the run's platforms. */
function regenerationErrors({ artifactType, platforms }: RegenerationRequest, selected: readonly string[]): FieldError[] {
  if (!platforms) return [];
  if (artifactType !== 'shortCopy') return [{ field: 'regeneration.platforms', message: 'platforms can only be chosen for shortCopy' }];
  const unknown = platforms.filter((p) => !selected.includes(p));
  return unknown.length === 0 ? [] : [{ field: 'regeneration.platforms', message: `${unknown.join(', ')} not among the selected platforms (${selected.join(', ')})` }];
}

/** The regeneration as the engine keeps it: a plain copy, `activate` set. */
function regenerationOf({ artifactType, instructions, platforms, activate, base }: RegenerationRequest): RegenerationRequest {
  return {
    artifactType,
    instructions,
    ...(platforms ? { platforms: [...platforms] } : {}),
    activate: activate ?? 'unlessFailed',
    ...(base ? { base: JSON.parse(JSON.stringify(base)) } : {}),
  };
}

declare const VALID: unique symbol;

/**
 * A run request that `validateRunRequest` returned: valid against DOMAIN.md's rules, normalised
 * (trimmed, `executionMode` set) and deeply frozen. Only this module makes one; the engine's
 * internals take nothing else. The brand is a type: at run time this module also remembers every
 * request it returned, so a cast cannot pass an unchecked request off as a valid one.
 */
export type ValidRunRequest = OrchestrationRequest & { readonly executionMode: NonNullable<OrchestrationRequest['executionMode']>; readonly [VALID]: true };

/** Requests this module validated; they are frozen, so they stay valid. */
const validated = new WeakSet<object>();

function sealed<T extends OrchestrationRequest>(request: T): T & ValidRunRequest {
  const frozen = deepFreeze(request);
  validated.add(frozen);
  return frozen as T & ValidRunRequest;
}

/** True for a request `validateRunRequest` returned. */
export function isValidRunRequest(request: OrchestrationRequest): request is ValidRunRequest {
  return validated.has(request);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates and normalises (trims) a run request against DOMAIN.md's rules. A request it returned
 * before (frozen) is returned as it is, without validating it again.
 * @throws OrchestrationValidationError naming each invalid field.
 */
export function validateRunRequest(request: OrchestrationRequest): ValidRunRequest {
  if (isValidRunRequest(request)) return request;
  if (request === null || typeof request !== 'object') throw new OrchestrationValidationError([{ field: '(body)', message: 'must be an object' }]);
  const dto = plainToInstance(RunRequestDto, request);
  const errors = fieldErrors(validateSync(dto, { whitelist: true, forbidUnknownValues: true }));
  errors.push(...campaignIdErrors(request.campaignId));
  if (errors.length === 0 && dto.regeneration) errors.push(...regenerationErrors(dto.regeneration, dto.selectedPlatforms));
  if (errors.length > 0) throw new OrchestrationValidationError(errors);
  return sealed({
    campaignId: request.campaignId,
    runId: request.runId,
    brief: JSON.parse(JSON.stringify(dto.brief)),
    executionMode: dto.executionMode ?? 'parallel',
    selectedPlatforms: [...dto.selectedPlatforms],
    ...(dto.regeneration ? { regeneration: regenerationOf(dto.regeneration) } : {}),
  });
}

/**
 * A validated request with its campaign and run ids set, still known as validated (the ids are
 * checked, the rest was); any other request is validated whole.
 * @throws OrchestrationValidationError
 */
export function withIds(request: OrchestrationRequest, campaignId: string, runId: string): ValidRunRequest & { runId: string } {
  if (!isValidRunRequest(request)) return withIds(validateRunRequest({ ...request, campaignId }), campaignId, runId);
  const errors = campaignIdErrors(campaignId);
  if (errors.length > 0) throw new OrchestrationValidationError(errors);
  return sealed({ ...request, campaignId, runId });
}
