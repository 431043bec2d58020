import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ACTIVATIONS, ARTIFACT_TYPES, ERROR_CODES, EXECUTION_MODES, PLATFORMS } from '@app/contracts';
import type * as C from '@app/contracts';
import { ARTIFACT_CONTENT } from './artifact.response';
import { AUDIT_VERDICTS, AuditReport } from './audit.response';
import type { Mirror, Proofs } from './mirror';
import { RESULT_STATUSES } from './enums';

/** The OpenAPI schemas of the `metadata` of each state's events (`libs/contracts/src/events.ts`, docs/events.md). */

const artifactTypes = (description?: string) => ApiProperty({ type: 'array', items: { type: 'string', enum: [...ARTIFACT_TYPES] }, ...(description ? { description } : {}) });
const platforms = { type: 'array' as const, items: { type: 'string', enum: [...PLATFORMS] } };

export class QueuedRegeneration implements NonNullable<C.QueuedMetadata['regeneration']> {
  @ApiProperty({ enum: ARTIFACT_TYPES, type: 'string' }) artifactType!: C.ArtifactType;
  @ApiPropertyOptional(platforms) platforms?: C.Platform[];
  @ApiProperty({ enum: ACTIVATIONS, type: 'string' }) activate!: C.Activation;
  @ApiPropertyOptional({ description: 'The version regenerated (the active one when the run was asked for)' }) baseVersionId?: string;
}

/** `Queued`. */
export class QueuedMetadata implements C.QueuedMetadata {
  @ApiProperty({ enum: EXECUTION_MODES, type: 'string' }) executionMode!: C.ExecutionMode;
  @ApiProperty(platforms) selectedPlatforms!: C.Platform[];
  @ApiPropertyOptional({ type: QueuedRegeneration }) regeneration?: QueuedRegeneration;
}

/** A generator's `completed`. */
export class GeneratedMetadata implements C.GeneratedMetadata {
  @ApiProperty({ type: 'integer', minimum: 0 }) durationMs!: number;
  @ApiProperty({ ...ARTIFACT_CONTENT, description: 'The new version: CopyOutput, ShortCopyOutput or VisualConceptOutput' }) content!: C.GeneratedMetadata['content'];
}

/** An agent's `failed`. */
export class AgentFailedMetadata implements C.AgentFailedMetadata {
  @ApiProperty({ enum: ERROR_CODES, type: 'string' }) code!: C.ErrorCode;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...ARTIFACT_TYPES] }, description: 'The audit’s: the artifacts it judged' }) artifactTypes?: C.ArtifactType[];
}

/** `GenerationComplete`. */
export class GenerationCompleteMetadata implements C.GenerationCompleteMetadata {
  @artifactTypes() produced!: C.ArtifactType[];
  @artifactTypes() failed!: C.ArtifactType[];
}

/** The audit's `started`. */
export class AuditStartedMetadata implements C.AuditStartedMetadata {
  @artifactTypes('The artifacts it judges') artifactTypes!: C.ArtifactType[];
}

export class Verdict {
  @ApiProperty({ enum: AUDIT_VERDICTS, type: 'string' }) verdict!: C.AuditVerdict;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 100, description: 'The weighted score' }) score!: number;
}

type Verdicts = C.AuditCompletedMetadata['verdicts'];

export class VerdictsByType implements Verdicts {
  @ApiPropertyOptional({ type: Verdict }) copy?: Verdict;
  @ApiPropertyOptional({ type: Verdict }) shortCopy?: Verdict;
  @ApiPropertyOptional({ type: Verdict }) visualConcept?: Verdict;
}

/** The audit's `completed`. */
export class AuditCompletedMetadata implements C.AuditCompletedMetadata {
  @artifactTypes() artifactTypes!: C.ArtifactType[];
  @ApiProperty({ type: VerdictsByType }) verdicts!: VerdictsByType;
  @ApiProperty({ type: [AuditReport] }) reports!: AuditReport[];
  @ApiProperty({ type: 'integer', minimum: 0 }) durationMs!: number;
}

/** `Resumed`. */
export class ResumedMetadata implements C.ResumedMetadata {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The last stored seq' }) afterSeq!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The new owner’s lease epoch (2 for a first takeover)' }) epoch!: number;
}

/** The terminal events. */
export class RunEndMetadata implements C.RunEndMetadata {
  @ApiProperty({ enum: RESULT_STATUSES, type: 'string' }) resultStatus!: C.OrchestrationResultStatus;
  @artifactTypes('The artifact types the run produced') artifacts!: C.ArtifactType[];
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...ERROR_CODES] } }) errorCodes!: C.ErrorCode[];
  @ApiProperty({ type: 'number', minimum: 0 }) totalMs!: number;
}

const METADATA = [QueuedMetadata, GeneratedMetadata, AgentFailedMetadata, GenerationCompleteMetadata, AuditStartedMetadata, AuditCompletedMetadata, ResumedMetadata, RunEndMetadata];

/** An event's `metadata`: one of the shapes of its state (which goes with which: docs/asyncapi.yaml, RunEvent). */
export const EVENT_METADATA = { anyOf: METADATA.map((type) => ({ $ref: getSchemaPath(type) })) };

/** Registers the metadata schemas with the document. */
export const ApiEventMetadata = () => ApiExtraModels(...METADATA);

export type EventProofs = Proofs<
  [
    Mirror<QueuedRegeneration, NonNullable<C.QueuedMetadata['regeneration']>>,
    Mirror<QueuedMetadata, C.QueuedMetadata>,
    Mirror<GeneratedMetadata, C.GeneratedMetadata>,
    Mirror<AgentFailedMetadata, C.AgentFailedMetadata>,
    Mirror<GenerationCompleteMetadata, C.GenerationCompleteMetadata>,
    Mirror<AuditStartedMetadata, C.AuditStartedMetadata>,
    Mirror<Verdict, NonNullable<C.AuditCompletedMetadata['verdicts']['copy']>>,
    Mirror<VerdictsByType, C.AuditCompletedMetadata['verdicts']>,
    Mirror<AuditCompletedMetadata, C.AuditCompletedMetadata>,
    Mirror<ResumedMetadata, C.ResumedMetadata>,
    Mirror<RunEndMetadata, C.RunEndMetadata>,
  ]
>;
