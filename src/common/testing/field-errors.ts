import type { FieldError } from '@app/contracts';
import { DomainError } from '../domain-error';
import { validateDto } from '../validate-dto';

/** A DTO class. */
export type Dto = new () => object;

/** The field errors `validateDto` reports for `payload`; fails the test when it accepts the payload. */
export async function errorsOf(type: Dto, payload: unknown): Promise<FieldError[]> {
  const error: unknown = await validateDto(type, payload).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
  return (error as DomainError).errors ?? [];
}

/** The messages of a text field that is not a string at all, and of one that is too long. */
export const text = (field: string, max: number) => `${field} must be a string; ${field} should not be empty; ${field} must be shorter than or equal to ${max} characters`;
export const tooLong = (field: string, max: number) => `${field} must be shorter than or equal to ${max} characters`;
