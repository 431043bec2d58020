import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { FieldError, OrchestrationRequest } from '@app/contracts';
import { RunRequestDto } from './dto/run-request.dto';
import { OrchestrationValidationError } from './orchestration-errors';

/** Flattens class-validator errors into dotted field paths. */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Validates and normalises (trims) a run request against DOMAIN.md's rules.
 * @throws OrchestrationValidationError naming each invalid field.
 */
export function validateRunRequest(request: OrchestrationRequest): OrchestrationRequest {
  if (request === null || typeof request !== 'object') throw new OrchestrationValidationError([{ field: '(body)', message: 'must be an object' }]);
  const dto = plainToInstance(RunRequestDto, request);
  const errors = fieldErrors(validateSync(dto, { whitelist: true, forbidUnknownValues: true }));
  if (typeof request.campaignId !== 'string' || request.campaignId.trim() === '') {
    errors.push({ field: 'campaignId', message: 'campaignId must be a non-empty string' });
  }
  if (errors.length > 0) throw new OrchestrationValidationError(errors);
  return {
    campaignId: request.campaignId,
    runId: request.runId,
    brief: JSON.parse(JSON.stringify(dto.brief)),
    executionMode: dto.executionMode ?? 'parallel',
    selectedPlatforms: dto.selectedPlatforms,
  };
}
