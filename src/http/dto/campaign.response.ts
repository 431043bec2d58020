import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type * as C from '@app/contracts';
import { CampaignBriefDto, ConstraintsDto } from '../../orchestration/dto/run-request.dto';
import { OverrideDto } from '../../runs/dto/campaign-edit.dto';
import { ArtifactVersionsByType, ARTIFACT_CONTENT, VersionIdsByType, VERSION_VERDICTS } from './artifact.response';
import { AuditReportsByType, AuditScores, StoredAuditReport } from './audit.response';
import { valuesOf, type Mirror, type Proofs } from './mirror';

/** The OpenAPI schemas of campaigns, their versions and changes (`libs/contracts/src/records.ts`). */

export class CampaignApproval implements C.CampaignApproval {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The caller who approved' }) by!: string;
  @ApiProperty({ type: VersionIdsByType, description: 'The active versions approved' }) versionIds!: VersionIdsByType;
  @ApiPropertyOptional({ type: OverrideDto, description: 'Why it was approved although an active version had not passed its audit' }) override?: OverrideDto;
}

export const CAMPAIGN_STATUSES = valuesOf<C.CampaignStatus>()(['draft', 'generating', 'completed', 'partiallyCompleted', 'failed', 'cancelled', 'approved']);

@ApiExtraModels(ConstraintsDto)
export class Campaign implements C.Campaign {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: CampaignBriefDto }) brief!: CampaignBriefDto;
  @ApiProperty({ enum: CAMPAIGN_STATUSES, type: 'string' }) status!: C.CampaignStatus;
  @ApiProperty({ type: VersionIdsByType, description: 'Artifact type → id of the version in use' }) activeVersionIds!: VersionIdsByType;
  @ApiProperty() isDeleted!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: '1 for the first brief, one more with each change of it' }) briefRevision!: number;
  @ApiPropertyOptional({ type: CampaignApproval, description: 'The approval in force (status approved)' }) approval?: CampaignApproval;
  @ApiProperty({ description: 'Opaque; the campaign’s ETag (send it back as If-Match)' }) etag!: string;
}

export class CampaignDetail implements C.CampaignDetail {
  @ApiProperty({ type: Campaign }) campaign!: Campaign;
  @ApiProperty({ type: ArtifactVersionsByType, description: 'The versions in use' }) activeArtifacts!: ArtifactVersionsByType;
  @ApiProperty({ type: AuditReportsByType, description: 'The latest audit of each version in use' }) latestAudit!: AuditReportsByType;
}

/** The fields of every page of a list. */
class PageFields {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Items in the whole list' }) totalCount!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The page these items are, from 1 (also when read with a continuationToken)' }) page!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 }) pageSize!: number;
  @ApiPropertyOptional({ description: 'Present when more items follow: pass it back to read the next page directly' }) continuationToken?: string;
}

@ApiSchema({ name: 'CampaignPage' })
export class CampaignPage extends PageFields implements C.Page<C.Campaign> {
  @ApiProperty({ type: [Campaign], description: 'Newest first' }) items!: Campaign[];
}

export class VersionSummary implements C.VersionSummary {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) versionNumber!: number;
  @ApiProperty() runId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) attempt!: number;
  @ApiProperty({ enum: VERSION_VERDICTS, type: 'string' }) auditVerdict!: C.VersionSummary['auditVerdict'];
  @ApiProperty() failedAudit!: boolean;
  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 100 }) weightedScore?: number;
  @ApiPropertyOptional({ type: AuditScores }) scores?: AuditScores;
  @ApiPropertyOptional({ description: 'The editor’s instructions that produced it (a regeneration)' }) feedback?: string;
  @ApiPropertyOptional({ description: 'Who asked for the run that made it' }) requestedBy?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 }) briefRevision?: number;
  @ApiProperty({ description: 'True for the campaign’s active version of the artifact' }) active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

@ApiSchema({ name: 'VersionPage' })
export class VersionPage extends PageFields implements C.Page<C.VersionSummary> {
  @ApiProperty({ type: [VersionSummary], description: 'Newest first' }) items!: VersionSummary[];
}

export class VersionDetail extends VersionSummary implements C.VersionDetail {
  @ApiProperty({ ...ARTIFACT_CONTENT, description: 'CopyOutput, ShortCopyOutput or VisualConceptOutput, by artifact type' }) content!: C.VersionDetail['content'];
  @ApiProperty({ type: [StoredAuditReport], description: 'Every audit of the version, oldest first' }) auditReports!: StoredAuditReport[];
}

export class CampaignChange implements C.CampaignChange {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() by!: string;
  @ApiProperty({ enum: valuesOf<C.CampaignChange['action']>()(['activate', 'approve', 'edit', 'delete']), type: 'string' }) action!: C.CampaignChange['action'];
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ artifactType, from, to, … } (activate), { override? } (approve), { fields } (edit)' }) details!: Record<string, unknown>;
}

export type CampaignProofs = Proofs<
  [
    Mirror<OverrideDto, NonNullable<C.CampaignApproval['override']>>,
    Mirror<CampaignApproval, C.CampaignApproval>,
    Mirror<Campaign, C.Campaign>,
    Mirror<CampaignDetail, C.CampaignDetail>,
    Mirror<CampaignPage, C.Page<C.Campaign>>,
    Mirror<VersionSummary, C.VersionSummary>,
    Mirror<VersionPage, C.Page<C.VersionSummary>>,
    Mirror<VersionDetail, C.VersionDetail>,
    Mirror<CampaignChange, C.CampaignChange>,
  ]
>;
