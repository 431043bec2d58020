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
  IsObject,
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
import { ACTIVATIONS, ARTIFACT_TYPES, CONTENT_RATINGS, EXECUTION_MODES, PLATFORMS } from '@app/contracts';
import type { Activation, ArtifactType, BriefConstraints, CampaignBrief, ContentRating, ExecutionMode, Platform, RegenerationRequest } from '@app/contracts';

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

/** What an editor asks of a regeneration of one artifact (REST body, socket payload): instructions, platforms, activation. */
export class RegenerationInputDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(4000)
  instructions!: string;

  /** Short copy only: the platforms to rewrite. */
  @IsOptional() @IsArray() @ArrayMinSize(1, { message: 'name at least one platform, or leave platforms out' }) @ArrayUnique() @Validate(KnownPlatforms)
  platforms?: Platform[];

  @IsOptional() @IsIn(ACTIVATIONS)
  activate?: Activation;
}

/** A regeneration as the orchestrator takes it: the editor's input, the artifact, and the version it starts from. */
export class RegenerationDto extends RegenerationInputDto implements RegenerationRequest {
  @IsIn(ARTIFACT_TYPES)
  artifactType!: ArtifactType;

  /** The service reads it from the store; checked for shape only. */
  @IsOptional() @IsObject()
  base?: RegenerationRequest['base'];
}

/** A brief plus run options, as the orchestrator takes them. */
export class RunRequestDto extends RunOptionsDto {
  @ValidateNested() @Type(() => CampaignBriefDto) @IsNotEmpty({ message: 'brief is required' })
  brief!: CampaignBriefDto;

  @IsOptional() @ValidateNested() @Type(() => RegenerationDto)
  regeneration?: RegenerationDto;
}
