import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIVATIONS, ARTIFACT_TYPES, ERROR_CODES, EXECUTION_MODES, ORCHESTRATION_STATES, PLATFORMS } from '@app/contracts';
import type * as C from '@app/contracts';
import type { RunsService, StartedRun as StartedRunContract } from '../../runs/runs.service';
import { ArtifactVersion, ArtifactVersionsByType, CountsByType } from './artifact.response';
import { StoredAuditReport } from './audit.response';
import { AGENT_TYPES, RESULT_STATUSES, RUN_STATUSES } from './enums';
import { ApiEventMetadata, EVENT_METADATA } from './event.response';
import { valuesOf, type Mirror, type Proofs } from './mirror';

/** The OpenAPI schemas of runs and their events (`libs/contracts/src/orchestration.ts`, `records.ts`, `events.ts`). */


export class OrchestrationError implements C.OrchestrationError {
  @ApiPropertyOptional({ enum: AGENT_TYPES, type: 'string', description: 'Absent for run-level errors such as RUN_TIMEOUT' }) agentType?: C.AgentType;
  @ApiProperty({ enum: ERROR_CODES, type: 'string' }) code!: C.ErrorCode;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 }) attempt?: number;
}

export class TokenCounts implements Readonly<C.OrchestrationMetrics['tokens']> {
  @ApiProperty({ type: 'integer', minimum: 0 }) prompt!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) completion!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) total!: number;
}

/** Milliseconds per agent type. */
export class MsByAgent implements Partial<Record<C.AgentType, number>> {
  @ApiPropertyOptional({ type: 'number', minimum: 0 }) copy?: number;
  @ApiPropertyOptional({ type: 'number', minimum: 0 }) shortCopy?: number;
  @ApiPropertyOptional({ type: 'number', minimum: 0 }) visualConcept?: number;
  @ApiPropertyOptional({ type: 'number', minimum: 0 }) audit?: number;
}

/** Timings of a run, in milliseconds. */
export class OrchestrationMetrics implements C.OrchestrationMetrics {
  @ApiProperty({ type: 'number', minimum: 0 }) totalMs!: number;
  @ApiPropertyOptional({ type: 'number', minimum: 0 }) timeToFirstArtifactMs?: number;
  @ApiProperty({ type: 'number', minimum: 0 }) generationMs!: number;
  @ApiProperty({ type: 'number', minimum: 0 }) auditMs!: number;
  @ApiProperty({ type: MsByAgent, description: 'Summed execution time per agent across attempts' }) agentMs!: MsByAgent;
  @ApiProperty({ type: CountsByType, description: 'Generations per artifact' }) attempts!: CountsByType;
  @ApiProperty({ type: TokenCounts }) tokens!: TokenCounts;
}

export class RunRegeneration implements C.RunRegeneration {
  @ApiProperty({ enum: ARTIFACT_TYPES, type: 'string' }) artifactType!: C.ArtifactType;
  @ApiProperty() instructions!: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...PLATFORMS] } }) platforms?: C.Platform[];
  @ApiProperty({ enum: ACTIVATIONS, type: 'string' }) activate!: C.Activation;
  @ApiPropertyOptional() baseVersionId?: string;
}

export class OrchestrationRun implements C.OrchestrationRun {
  @ApiProperty() id!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty({ enum: EXECUTION_MODES, type: 'string' }) executionMode!: C.ExecutionMode;
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...PLATFORMS] } }) selectedPlatforms!: C.Platform[];
  @ApiProperty({ enum: RUN_STATUSES, type: 'string' }) status!: C.RunStatus;
  @ApiPropertyOptional({ enum: RESULT_STATUSES, type: 'string', description: 'Set when the run has ended' }) resultStatus?: C.OrchestrationResultStatus;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiProperty({ type: CountsByType, description: 'Generations per artifact' }) attempts!: CountsByType;
  @ApiProperty({ type: [OrchestrationError] }) errors!: OrchestrationError[];
  @ApiPropertyOptional({ type: OrchestrationMetrics }) metrics?: OrchestrationMetrics;
  @ApiProperty({ type: [String], description: 'Ids of the versions the run produced, in generation order' }) versionIds!: string[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Highest event seq stored' }) lastSeq!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 }) briefRevision?: number;
  @ApiPropertyOptional({ description: 'Who started the run' }) requestedBy?: string;
  @ApiPropertyOptional({ type: RunRegeneration, description: 'A regeneration of one artifact: what the editor asked for' }) regeneration?: RunRegeneration;
}

export class RunDetail extends OrchestrationRun implements C.RunDetail {
  @ApiProperty({ type: ArtifactVersionsByType, description: 'The latest version per artifact' }) artifacts!: ArtifactVersionsByType;
  @ApiProperty({ type: [ArtifactVersion], description: 'Every version, in generation order' }) versions!: ArtifactVersion[];
  @ApiProperty({ type: [StoredAuditReport], description: 'Every audit report, in the order they were made' }) auditReports!: StoredAuditReport[];
}

/** The answer of a start: the run, queued (a replay of an earlier start says so in `Idempotent-Replayed`). */
export class StartedRun implements Omit<StartedRunContract, 'replayed'> {
  @ApiProperty() runId!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty({ enum: RUN_STATUSES, type: 'string', description: 'queued, unless a replay finds the run further on' }) status!: C.RunStatus;
}

/** The answer of a cancel. */
export class CancelledRun {
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: RUN_STATUSES, type: 'string', description: 'The run’s status once its end is stored, normally cancelled' }) status!: C.RunStatus;
}

@ApiEventMetadata()
export class OrchestrationEvent implements C.OrchestrationEvent {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3… per run, no gaps' }) seq!: number;
  @ApiProperty({ enum: ORCHESTRATION_STATES, type: 'string' }) state!: C.OrchestrationState;
  @ApiPropertyOptional({ enum: AGENT_TYPES, type: 'string' }) agentType?: C.AgentType;
  @ApiPropertyOptional({ enum: valuesOf<C.EventPhase>()(['started', 'completed', 'failed']), type: 'string' }) phase?: C.EventPhase;
  @ApiProperty({ type: 'integer', minimum: 1 }) attempt!: number;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiPropertyOptional({ ...EVENT_METADATA, description: 'Details, one shape per state (docs/events.md; which goes with which state: docs/asyncapi.yaml, RunEvent)' }) metadata?: Record<string, unknown>;
}

export type RunProofs = Proofs<
  [
    Mirror<OrchestrationError, C.OrchestrationError>,
    Mirror<TokenCounts, C.OrchestrationMetrics['tokens']>,
    Mirror<MsByAgent, Partial<Record<C.AgentType, number>>>,
    Mirror<OrchestrationMetrics, C.OrchestrationMetrics>,
    Mirror<RunRegeneration, C.RunRegeneration>,
    Mirror<OrchestrationRun, C.OrchestrationRun>,
    Mirror<RunDetail, C.RunDetail>,
    Mirror<StartedRun, Omit<StartedRunContract, 'replayed'>>,
    Mirror<CancelledRun, Awaited<ReturnType<RunsService['cancel']>>>,
    Mirror<OrchestrationEvent, C.OrchestrationEvent>,
  ]
>;
