import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError } from './domain-error';
import { fieldErrors } from '../orchestration/validate-request';

/**
 * Validates a plain payload against a DTO class, as REST (through the ValidationPipe) and the
 * socket gateway both do; unknown properties are stripped.
 * @throws DomainError VALIDATION_FAILED naming each invalid field.
 */
export function validateDto<T extends object>(type: ClassConstructor<T>, payload: unknown): T {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new DomainError('VALIDATION_FAILED', 'The payload must be a JSON object', [{ field: '(payload)', message: 'must be an object' }]);
  }
  const instance = plainToInstance(type, payload);
  const errors = fieldErrors(validateSync(instance, { whitelist: true, forbidUnknownValues: true }));
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', `Invalid input: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  return instance;
}
