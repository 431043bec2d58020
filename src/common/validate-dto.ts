import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { DomainError } from './domain-error';
import { fieldErrors } from '../orchestration/validate-request';

/**
 * The deepest nesting a payload may have. The deepest DTO (a brief's constraints inside a
 * campaign) nests 4 levels; JSON deeper than this is refused before anything recurses over it
 * (class-transformer and class-validator overflow the stack at a few thousand levels).
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** True when `value` nests deeper than `limit` objects or arrays (walked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The one validation of every input, REST (the global pipe) and socket (`validateDto`) alike:
 * Nest's `ValidationPipe` (prototype keys such as `constructor` stripped, unknown properties
 * removed, DTO classes built), after a depth check, with errors as `VALIDATION_FAILED` naming
 * each invalid field.
 */
export class InputValidationPipe extends ValidationPipe {
  /** @param root how errors name the whole input: `(body)` for REST, `(payload)` for socket messages. */
  constructor(private readonly root = '(body)') {
    super({
      whitelist: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => {
        const fields = fieldErrors(errors);
        return new DomainError('VALIDATION_FAILED', `Invalid input: ${fields.map((e) => `${e.field}: ${e.message}`).join('; ')}`, fields);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (nestsDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
      const field = metadata.type === 'body' ? this.root : `(${metadata.type})`;
      throw new DomainError('VALIDATION_FAILED', `Invalid input: ${field}: nests deeper than ${MAX_PAYLOAD_DEPTH} levels`, [{ field, message: `nests deeper than ${MAX_PAYLOAD_DEPTH} levels` }]);
    }
    return super.transform(value, metadata);
  }
}

const pipe = new InputValidationPipe('(payload)');

/**
 * Validates a socket payload against a DTO class exactly as REST validates a body.
 * @throws DomainError VALIDATION_FAILED naming each invalid field.
 */
export async function validateDto<T extends object>(type: ClassConstructor<T>, payload: unknown): Promise<T> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new DomainError('VALIDATION_FAILED', 'The payload must be a JSON object', [{ field: '(payload)', message: 'must be an object' }]);
  }
  return (await pipe.transform(payload, { type: 'body', metatype: type })) as T;
}
