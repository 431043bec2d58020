import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ARTIFACT_TYPES, AUDIT_CATEGORIES, SEVERITIES } from '@app/contracts';
import type * as C from '@app/contracts';
import { valuesOf, type Mirror, type Proofs } from './mirror';

/** The OpenAPI schemas of audit reports (`libs/contracts/src/audit.ts`, `records.ts`). */

const score = () => ApiProperty({ type: 'number', minimum: 0, maximum: 100 });

export class AuditScores implements C.AuditScores {
  @score() toneConsistency!: number;
  @score() clarity!: number;
  @score() compliance!: number;
  @score() accessibility!: number;
  @score() risk!: number;
}

export class AuditFlag implements C.AuditFlag {
  @ApiProperty({ description: 'Stable within a report; rule flags start with rule:, model flags with llm:' }) id!: string;
  @ApiProperty({ enum: AUDIT_CATEGORIES, type: 'string' }) category!: C.AuditCategory;
  @ApiProperty({ enum: SEVERITIES, type: 'string' }) severity!: C.Severity;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ description: 'Where in the artifact, e.g. platforms[0].variants[1].text' }) location?: string;
}

export class AuditRecommendation implements C.AuditRecommendation {
  @ApiPropertyOptional({ description: 'The flag it addresses' }) flagId?: string;
  @ApiProperty() text!: string;
  @ApiProperty({ enum: valuesOf<C.AuditRecommendation['priority']>()(['low', 'medium', 'high']), type: 'string' }) priority!: C.AuditRecommendation['priority'];
}

export const AUDIT_VERDICTS = valuesOf<C.AuditVerdict>()(['pass', 'conditional', 'fail']);

/** The audit of one artifact version. */
export class AuditReport implements C.AuditReport {
  @ApiProperty({ enum: ARTIFACT_TYPES, type: 'string' }) artifactType!: C.ArtifactType;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The attempt (version within the run) it judged' }) attempt!: number;
  @ApiProperty({ type: AuditScores }) scores!: AuditScores;
  @ApiProperty({ type: 'number', minimum: 0, maximum: 100 }) weightedScore!: number;
  @ApiProperty({ type: [AuditFlag] }) flags!: AuditFlag[];
  @ApiProperty({ type: [AuditRecommendation] }) recommendations!: AuditRecommendation[];
  @ApiProperty({ enum: AUDIT_VERDICTS, type: 'string' }) verdict!: C.AuditVerdict;
  @ApiProperty({ enum: valuesOf<C.AuditReport['basis']>()(['rules', 'rules+model']), type: 'string' }) basis!: C.AuditReport['basis'];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** An audit report as stored: linked to the version it judged. */
export class StoredAuditReport extends AuditReport implements C.StoredAuditReport {
  @ApiProperty() id!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty() runId!: string;
  @ApiProperty() versionId!: string;
}

/** The latest audit report per artifact type. */
export class AuditReportsByType implements Partial<Record<C.ArtifactType, C.StoredAuditReport>> {
  @ApiPropertyOptional({ type: StoredAuditReport }) copy?: StoredAuditReport;
  @ApiPropertyOptional({ type: StoredAuditReport }) shortCopy?: StoredAuditReport;
  @ApiPropertyOptional({ type: StoredAuditReport }) visualConcept?: StoredAuditReport;
}

export type AuditProofs = Proofs<
  [
    Mirror<AuditScores, C.AuditScores>,
    Mirror<AuditFlag, C.AuditFlag>,
    Mirror<AuditRecommendation, C.AuditRecommendation>,
    Mirror<AuditReport, C.AuditReport>,
    Mirror<StoredAuditReport, C.StoredAuditReport>,
    Mirror<AuditReportsByType, Partial<Record<C.ArtifactType, C.StoredAuditReport>>>,
  ]
>;
