import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ARTIFACT_TYPES, PLATFORMS } from '@app/contracts';
import type * as C from '@app/contracts';
import { valuesOf, type Mirror, type Proofs } from './mirror';

/** The OpenAPI schemas of generated artifacts (`libs/contracts/src/agents.ts`, `records.ts`). */

export class BodyCopy {
  @ApiProperty({ description: '50–100 words' }) short!: string;
  @ApiProperty({ description: '100–200 words' }) medium!: string;
  @ApiProperty({ description: '200–400 words' }) long!: string;
}

export class CopyOutput implements C.CopyOutput {
  @ApiProperty({ type: [String], description: 'At least 3, about 50–60 characters each' }) headlines!: string[];
  @ApiProperty({ type: BodyCopy }) bodyCopy!: BodyCopy;
  @ApiProperty({ type: [String], description: 'At least 3 calls to action' }) ctas!: string[];
  @ApiProperty({ description: 'How the tone guidelines were applied' }) toneNotes!: string;
}

export class ShortCopyVariant implements C.ShortCopyVariant {
  @ApiProperty({ description: 'The post, never truncated' }) text!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) characterCount!: number;
  @ApiProperty({ description: 'True when text is longer than the platform’s limit' }) overLimit!: boolean;
  @ApiProperty({ type: [String], description: 'Each starting with #' }) hashtags!: string[];
}

export class ShortCopyPlatformPosts implements C.ShortCopyPlatformPosts {
  @ApiProperty({ enum: PLATFORMS, type: 'string' }) platform!: C.Platform;
  @ApiProperty({ type: [ShortCopyVariant] }) variants!: ShortCopyVariant[];
}

export class ShortCopyOutput implements C.ShortCopyOutput {
  @ApiProperty({ type: [ShortCopyPlatformPosts], description: 'One entry per selected platform, in their order' }) platforms!: ShortCopyPlatformPosts[];
}

export class PosterLayout implements C.PosterLayout {
  @ApiProperty() headlineZone!: string;
  @ApiProperty() focalArea!: string;
  @ApiProperty() ctaPlacement!: string;
}

export class VisualConcept implements C.VisualConcept {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) mood!: string[];
  @ApiProperty({ type: 'array', items: { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$' } }) palette!: string[];
  @ApiProperty({ type: PosterLayout }) layout!: PosterLayout;
  @ApiProperty() altText!: string;
}

export class VisualConceptOutput implements C.VisualConceptOutput {
  @ApiProperty({ type: [VisualConcept], description: 'At least 2' }) concepts!: VisualConcept[];
}

/** An artifact's content: the output of the agent of its type. */
export const ARTIFACT_CONTENT = { oneOf: [CopyOutput, ShortCopyOutput, VisualConceptOutput].map((type) => ({ $ref: getSchemaPath(type) })) };

/** An audit verdict, or `unaudited` when the run ended before the audit. */
export const VERSION_VERDICTS = valuesOf<C.ArtifactVersion['auditVerdict']>()(['pass', 'conditional', 'fail', 'unaudited']);

@ApiExtraModels(CopyOutput, ShortCopyOutput, VisualConceptOutput)
export class ArtifactVersion implements C.ArtifactVersion {
  @ApiProperty() id!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: ARTIFACT_TYPES, type: 'string' }) type!: C.ArtifactType;
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3… per artifact of the campaign, across runs' }) versionNumber!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Generation attempt within its run' }) attempt!: number;
  @ApiProperty({ ...ARTIFACT_CONTENT, description: 'CopyOutput, ShortCopyOutput or VisualConceptOutput, by type' }) content!: C.ArtifactVersion['content'];
  @ApiProperty({ enum: VERSION_VERDICTS, type: 'string' }) auditVerdict!: C.ArtifactVersion['auditVerdict'];
  @ApiProperty() failedAudit!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** An artifact version per artifact type (the active ones of a campaign, a run's latest). */
export class ArtifactVersionsByType implements Partial<Record<C.ArtifactType, C.ArtifactVersion>> {
  @ApiPropertyOptional({ type: ArtifactVersion }) copy?: ArtifactVersion;
  @ApiPropertyOptional({ type: ArtifactVersion }) shortCopy?: ArtifactVersion;
  @ApiPropertyOptional({ type: ArtifactVersion }) visualConcept?: ArtifactVersion;
}

/** A version id per artifact type. */
export class VersionIdsByType implements Partial<Record<C.ArtifactType, string>> {
  @ApiPropertyOptional() copy?: string;
  @ApiPropertyOptional() shortCopy?: string;
  @ApiPropertyOptional() visualConcept?: string;
}

/** A count per artifact type (generations per artifact). */
export class CountsByType implements Partial<Record<C.ArtifactType, number>> {
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) copy?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) shortCopy?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) visualConcept?: number;
}

export type ArtifactProofs = Proofs<
  [
    Mirror<BodyCopy, C.CopyOutput['bodyCopy']>,
    Mirror<CopyOutput, C.CopyOutput>,
    Mirror<ShortCopyVariant, C.ShortCopyVariant>,
    Mirror<ShortCopyPlatformPosts, C.ShortCopyPlatformPosts>,
    Mirror<ShortCopyOutput, C.ShortCopyOutput>,
    Mirror<PosterLayout, C.PosterLayout>,
    Mirror<VisualConcept, C.VisualConcept>,
    Mirror<VisualConceptOutput, C.VisualConceptOutput>,
    Mirror<ArtifactVersion, C.ArtifactVersion>,
    Mirror<ArtifactVersionsByType, Partial<Record<C.ArtifactType, C.ArtifactVersion>>>,
    Mirror<VersionIdsByType, Partial<Record<C.ArtifactType, string>>>,
    Mirror<CountsByType, Partial<Record<C.ArtifactType, number>>>,
  ]
>;
