import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
} from 'class-validator';
import { CONTENT_RATINGS, EXECUTION_MODES, PLATFORMS } from '@app/contracts';
import type { BriefConstraints, CampaignBrief, ContentRating, ExecutionMode, Platform } from '@app/contracts';

/** class-transformer: trims a string value (shared by the request DTOs). */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value;

@ValidatorConstraint({ name: 'knownPlatforms' })
class KnownPlatforms implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Array.isArray(value) && value.every((p) => (PLATFORMS as readonly unknown[]).includes(p));
  }
  defaultMessage(args: ValidationArguments): string {
    const unknown = (Array.isArray(args.value) ? args.value : []).filter((p) => !(PLATFORMS as readonly unknown[]).includes(p));
    return `unknown platform ${unknown.map((p) => JSON.stringify(p)).join(', ')} (allowed: ${PLATFORMS.join(', ')})`;
  }
}

@ValidatorConstraint({ name: 'minNotAboveMax' })
class MinNotAboveMax implements ValidatorConstraintInterface {
  validate(max: unknown, args: ValidationArguments): boolean {
    const min = (args.object as ConstraintsDto).minWordCount;
    return typeof max !== 'number' || typeof min !== 'number' || min <= max;
  }
  defaultMessage(): string {
    return 'maxWordCount must be greater than or equal to minWordCount';
  }
}

/** Validates `BriefConstraints`. */
export class ConstraintsDto implements BriefConstraints {
  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  minWordCount?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000) @Validate(MinNotAboveMax)
  maxWordCount?: number;

  @IsOptional() @IsArray() @ArrayMaxSize(50) @Transform(trimEach) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(100, { each: true })
  requiredKeywords?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(200) @Transform(trimEach) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(100, { each: true })
  restrictedKeywords?: string[];

  @IsOptional() @IsIn(CONTENT_RATINGS)
  contentRating?: ContentRating;
}

/** Validates a `CampaignBrief` (DOMAIN.md rules: required fields trimmed and non-empty, length limits, hex palette). */
export class CampaignBriefDto implements CampaignBrief {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(500)
  objective!: string;

  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(500)
  targetAudience!: string;

  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(4000)
  productDetails!: string;

  @IsOptional() @IsArray() @ArrayMaxSize(20) @Transform(trimEach) @IsString({ each: true }) @IsNotEmpty({ each: true }) @MaxLength(50, { each: true })
  toneGuidelines?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(/^#[0-9A-Fa-f]{6}$/, { each: true, message: 'each colour must be a #RRGGBB hex colour' })
  brandPalette?: string[];

  @IsOptional() @ValidateNested() @Type(() => ConstraintsDto)
  constraints?: ConstraintsDto;
}

/** The run options of a request: mode and platforms. */
export class RunOptionsDto {
  @IsOptional() @IsIn(EXECUTION_MODES)
  executionMode?: ExecutionMode;

  @IsArray() @ArrayMinSize(1, { message: 'select at least one platform' }) @ArrayUnique() @Validate(KnownPlatforms)
  selectedPlatforms!: Platform[];
}

/** A brief plus run options, as the orchestrator takes them. */
export class RunRequestDto extends RunOptionsDto {
  @ValidateNested() @Type(() => CampaignBriefDto) @IsNotEmpty({ message: 'brief is required' })
  brief!: CampaignBriefDto;
}
