import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested, type ValidationOptions } from 'class-validator';

/**
 * Field decorators of the input DTOs: each applies the server's validation (class-validator,
 * class-transformer) and describes the same rule in the OpenAPI document, so the two cannot drift.
 */

/** class-transformer: trims a string value. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value);
/** A query or path parameter is a string on the wire: digits become the integer they spell. */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** A trimmed string must keep a character that is not white space. */
const NOT_BLANK = '\\S';

interface Common {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

const optionality = (optional: boolean | undefined) => (optional ? [IsOptional()] : []);

/** The OpenAPI options without the ones left undefined (which would otherwise show in the document). */
function described(options: Record<string, unknown>): Parameters<typeof ApiProperty>[0] {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * A string of 1 to `maxLength` characters. `trim` (default true): trimmed first, so it must have a
 * character that is not white space (`pattern: \S`).
 */
export function TextField(options: Common & { maxLength: number; trim?: boolean }): PropertyDecorator {
  const trimmed = options.trim ?? true;
  return applyDecorators(
    ApiProperty(described({ type: 'string', minLength: 1, maxLength: options.maxLength, pattern: trimmed ? NOT_BLANK : undefined, required: !options.optional, description: options.description, example: options.example })),
    ...optionality(options.optional),
    ...(trimmed ? [Transform(trim)] : []),
    IsString(),
    IsNotEmpty(),
    MaxLength(options.maxLength),
  );
}

/** An integer from `minimum` (to `maximum`). `fromString`: a query or path parameter, whose digits are taken as the integer. */
export function IntField(options: Common & { minimum: number; maximum?: number; fromString?: boolean; default?: number }): PropertyDecorator {
  return applyDecorators(
    ApiProperty(described({ type: 'integer', minimum: options.minimum, maximum: options.maximum, required: !options.optional, description: options.description, example: options.example, default: options.default })),
    ...optionality(options.optional),
    ...(options.fromString ? [Transform(toInt)] : []),
    IsInt(),
    Min(options.minimum),
    ...(options.maximum === undefined ? [] : [Max(options.maximum)]),
  );
}

/** One of `values`. */
export function EnumField(values: readonly string[], options: Common & { default?: string } = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty(described({ type: 'string', enum: [...values], required: !options.optional, description: options.description, example: options.example, default: options.default })),
    ...optionality(options.optional),
    IsIn(values),
  );
}

/** A list of at most `maxItems` strings, each trimmed and 1 to `maxLength` characters. */
export function TextListField(options: Common & { maxItems: number; maxLength: number }): PropertyDecorator {
  return applyDecorators(
    ApiProperty(described({ type: 'array', maxItems: options.maxItems, items: { type: 'string', minLength: 1, maxLength: options.maxLength, pattern: NOT_BLANK }, required: !options.optional, description: options.description, example: options.example })),
    ...optionality(options.optional),
    IsArray(),
    ArrayMaxSize(options.maxItems),
    Transform(trimEach),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(options.maxLength, { each: true }),
  );
}

/**
 * A list of 1 or more distinct values among `values`, checked by `known` (which names the unknown
 * ones). `minMessage`: what an empty list is told.
 */
export function ChoiceListField(values: readonly string[], known: PropertyDecorator, options: Common & { minMessage: string }): PropertyDecorator {
  return applyDecorators(
    ApiProperty(described({ type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...values] }, required: !options.optional, description: options.description, example: options.example })),
    ...optionality(options.optional),
    IsArray(),
    ArrayMinSize(1, { message: options.minMessage }),
    ArrayUnique(),
    known,
  );
}

/** A nested object validated as `type`; a required one missing is told `requiredMessage`. */
export function NestedField(type: () => new () => object, options: Common & { requiredMessage?: string } = {}): PropertyDecorator {
  const presence: ValidationOptions = options.requiredMessage ? { message: options.requiredMessage } : {};
  return applyDecorators(
    // Written out so that the lazy type function is named `type`, which is how @nestjs/swagger tells it from a class.
    ApiProperty(described({ type: () => type(), required: !options.optional, description: options.description })),
    ...(options.optional ? [IsOptional()] : [IsNotEmpty(presence)]),
    ValidateNested(),
    Type(type),
  );
}
