import 'reflect-metadata';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  Matches,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
} from 'class-validator';
import { ACTIVATIONS, ARTIFACT_TYPES, CONTENT_RATINGS, EXECUTION_MODES, PLATFORMS } from '@app/contracts';
import type { Activation, ArtifactType, BriefConstraints, CampaignBrief, ContentRating, ExecutionMode, Platform, RegenerationRequest } from '@app/contracts';
import { ChoiceListField, EnumField, IntField, NestedField, TextField, TextListField } from '../../common/input-fields';

export { trim } from '../../common/input-fields';

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
@ApiSchema({ name: 'BriefConstraints', description: 'Keyword, length and rating rules every artifact must follow.' })
export class ConstraintsDto implements BriefConstraints {
  @IntField({ optional: true, minimum: 1, maximum: 10_000, description: 'Lower bound on the long body copy’s word count.' })
  minWordCount?: number;

  @IntField({ optional: true, minimum: 1, maximum: 10_000, description: 'Upper bound on the long body copy’s word count (at least minWordCount).' }) @Validate(MinNotAboveMax)
  maxWordCount?: number;

  @TextListField({ optional: true, maxItems: 50, maxLength: 100, description: 'Words or phrases the long copy and every post must contain (case-insensitive).' })
  requiredKeywords?: string[];

  @TextListField({ optional: true, maxItems: 200, maxLength: 100, description: 'Words or phrases no artifact may contain (case-insensitive).' })
  restrictedKeywords?: string[];

  @EnumField(CONTENT_RATINGS, { optional: true })
  contentRating?: ContentRating;
}

/** Validates a `CampaignBrief` (DOMAIN.md rules: required fields trimmed and non-empty, length limits, hex palette). */
@ApiSchema({ name: 'CampaignBrief', description: 'What the marketer asks for: the input every agent works from.' })
export class CampaignBriefDto implements CampaignBrief {
  @TextField({ maxLength: 500, description: 'What the campaign must achieve.' })
  objective!: string;

  @TextField({ maxLength: 500, description: 'Who it speaks to.' })
  targetAudience!: string;

  @TextField({ maxLength: 4000, description: 'What is being promoted.' })
  productDetails!: string;

  @TextListField({ optional: true, maxItems: 20, maxLength: 50, description: 'Tone words the copy should follow.', example: ['confident', 'warm'] })
  toneGuidelines?: string[];

  @ApiProperty({ required: false, type: 'array', maxItems: 20, items: { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$' }, description: 'Brand colours as #RRGGBB.', example: ['#1A73E8'] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(/^#[0-9A-Fa-f]{6}$/, { each: true, message: 'each colour must be a #RRGGBB hex colour' })
  brandPalette?: string[];

  @NestedField(() => ConstraintsDto, { optional: true })
  constraints?: ConstraintsDto;
}

/** The run options of a request: mode and platforms. */
export class RunOptionsDto {
  @EnumField(EXECUTION_MODES, { optional: true, default: 'parallel', description: 'parallel: the three generators at once; sequential: each generator, then its audit.' })
  executionMode?: ExecutionMode;

  @ChoiceListField(PLATFORMS, Validate(KnownPlatforms), { minMessage: 'select at least one platform', description: 'The platforms of the short copy, in the order its posts come.' })
  selectedPlatforms!: Platform[];
}

/** What an editor asks of a regeneration of one artifact (REST body, socket payload): instructions, platforms, activation. */
@ApiSchema({ name: 'RegenerationInput' })
export class RegenerationInputDto {
  @TextField({ maxLength: 4000, description: 'The editor’s instructions; the generator gets them on every attempt.' })
  instructions!: string;

  /** Short copy only: the platforms to rewrite. */
  @ChoiceListField(PLATFORMS, Validate(KnownPlatforms), { optional: true, minMessage: 'name at least one platform, or leave platforms out', description: 'shortCopy only: the platforms to rewrite (among the run’s); the others keep their posts.' })
  platforms?: Platform[];

  @EnumField(ACTIVATIONS, { optional: true, default: 'unlessFailed', description: 'Whether the new version becomes the active one: unless its verdict is fail (default), always, or never.' })
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
  @NestedField(() => CampaignBriefDto, { requiredMessage: 'brief is required' })
  brief!: CampaignBriefDto;

  @IsOptional() @ValidateNested() @Type(() => RegenerationDto)
  regeneration?: RegenerationDto;
}
