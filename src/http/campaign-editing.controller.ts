import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Campaign, CampaignChange, Page, VersionDetail, VersionSummary } from '@app/contracts';
import { Caller } from '../auth/http-auth.guard';
import type { Principal } from '../auth/principal';
import { RegenerationInputDto } from '../orchestration/dto/run-request.dto';
import { CampaignEditingService } from '../runs/campaign-editing.service';
import { ActivateDto, ApproveDto, ArtifactPathDto, CampaignEditDto, VersionPathDto, VersionsQueryDto } from '../runs/dto/campaign-edit.dto';
import { idempotencyKeyOf } from '../runs/idempotency';
import { RunsService, StartedRun } from '../runs/runs.service';
import { answerStart } from './runs.controller';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblems, ApiProtected, BODY_PROBLEMS, ETAG, IDEMPOTENT_REPLAYED, START_PROBLEMS } from './api-docs';
import { EXAMPLES } from './api-examples';
import { Campaign as CampaignSchema, CampaignChange as CampaignChangeSchema, VersionDetail as VersionDetailSchema, VersionPage } from './dto/campaign.response';
import { StartedRun as StartedRunSchema } from './dto/run.response';

/** The problems of a change guarded by If-Match. */
const CHANGE_PROBLEMS = { 404: ['CAMPAIGN_NOT_FOUND'], 412: ['PRECONDITION_FAILED'], 428: ['PRECONDITION_REQUIRED'] } as const;

/** The campaign with its ETag header (send it back as If-Match). */
export function withEtag(response: Response, campaign: Campaign): Campaign {
  response.setHeader('ETag', campaign.etag);
  return campaign;
}

/**
 * Editors in the loop: regenerate one artifact with instructions, browse its versions, choose the
 * active one, approve, edit the name and brief, delete. Changes need the campaign's ETag as If-Match.
 */
@ApiTags('editing')
@ApiProtected()
@Controller('api/campaigns')
export class CampaignEditingController {
  constructor(
    private readonly editing: CampaignEditingService,
    private readonly runs: RunsService,
  ) {}

  /** 202 with the run id at once: a run of the artifact's generator on the editor's instructions, then its audit. */
  @Post(':campaignId/artifacts/:artifactType/regenerate')
  @HttpCode(202)
  @ApiOperation({ operationId: 'regenerateArtifact', summary: 'Regenerate one artifact with an editor’s instructions: a run of its generator, then its audit; 202 at once' })
  @ApiIdempotencyKey()
  @ApiBody({ type: RegenerationInputDto, examples: EXAMPLES.regenerate })
  @ApiAcceptedResponse({ type: StartedRunSchema, headers: IDEMPOTENT_REPLAYED })
  @ApiProblems({ ...START_PROBLEMS, 404: ['CAMPAIGN_NOT_FOUND'] })
  regenerate(
    @Caller() caller: Principal,
    @Param() { campaignId, artifactType }: ArtifactPathDto,
    @Body() body: RegenerationInputDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StartedRun> {
    return answerStart(response, this.runs.regenerate(caller.tenantId, campaignId, artifactType, body, { idempotencyKey: idempotencyKeyOf(idempotencyKey), requestedBy: caller.subject }));
  }

  /** The artifact's versions, newest first. */
  @Get(':campaignId/artifacts/:artifactType/versions')
  @ApiOperation({ operationId: 'listVersions', summary: 'An artifact’s versions, newest first, a page at a time' })
  @ApiOkResponse({ type: VersionPage })
  @ApiProblems({ 400: ['VALIDATION_FAILED'], 404: ['CAMPAIGN_NOT_FOUND'] })
  versions(@Caller() caller: Principal, @Param() { campaignId, artifactType }: ArtifactPathDto, @Query() query: VersionsQueryDto): Promise<Page<VersionSummary>> {
    return this.editing.versions(caller.tenantId, campaignId, artifactType, query.pageSize, query.continuationToken);
  }

  @Get(':campaignId/artifacts/:artifactType/versions/:versionNumber')
  @ApiOperation({ operationId: 'getVersion', summary: 'One version in full: content and every audit of it' })
  @ApiOkResponse({ type: VersionDetailSchema })
  @ApiProblems({ 400: ['VALIDATION_FAILED'], 404: ['CAMPAIGN_NOT_FOUND', 'VERSION_NOT_FOUND'] })
  version(@Caller() caller: Principal, @Param() { campaignId, artifactType, versionNumber }: VersionPathDto): Promise<VersionDetail> {
    return this.editing.version(caller.tenantId, campaignId, artifactType, versionNumber);
  }

  /** Makes a version the active one; 412 when If-Match is stale. */
  @Put(':campaignId/artifacts/:artifactType/active')
  @ApiOperation({ operationId: 'activateVersion', summary: 'Make a version the active one (roll back or forward)' })
  @ApiIfMatch()
  @ApiBody({ type: ActivateDto, examples: EXAMPLES.activate })
  @ApiOkResponse({ type: CampaignSchema, headers: ETAG, description: 'The campaign with its new ETag' })
  @ApiProblems({ ...BODY_PROBLEMS, ...CHANGE_PROBLEMS, 404: ['CAMPAIGN_NOT_FOUND', 'VERSION_NOT_FOUND'], 409: ['RUN_ACTIVE'] })
  async activate(
    @Caller() caller: Principal,
    @Param() { campaignId, artifactType }: ArtifactPathDto,
    @Body() body: ActivateDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Campaign> {
    return withEtag(response, await this.editing.activate(caller.tenantId, campaignId, artifactType, body.versionNumber, { by: caller.subject, ifMatch }));
  }

  /** Approves the active versions; with a `conditional` or `fail` verdict among them only with `override.reason`. */
  @Post(':campaignId/approve')
  @HttpCode(200)
  @ApiOperation({ operationId: 'approveCampaign', summary: 'Approve the active versions (those that did not pass only with override.reason)' })
  @ApiIfMatch()
  @ApiBody({ type: ApproveDto, examples: EXAMPLES.approve })
  @ApiOkResponse({ type: CampaignSchema, headers: ETAG, description: 'The campaign, status approved' })
  @ApiProblems({ ...BODY_PROBLEMS, ...CHANGE_PROBLEMS, 409: ['APPROVAL_BLOCKED', 'RUN_ACTIVE'] })
  async approve(
    @Caller() caller: Principal,
    @Param('campaignId') campaignId: string,
    @Body() body: ApproveDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Campaign> {
    return withEtag(response, await this.editing.approve(caller.tenantId, campaignId, body.override, { by: caller.subject, ifMatch }));
  }

  @Patch(':campaignId')
  @ApiOperation({ operationId: 'editCampaign', summary: 'A new name and/or brief (a new brief raises briefRevision and withdraws an approval)' })
  @ApiIfMatch()
  @ApiBody({ type: CampaignEditDto, examples: EXAMPLES.edit })
  @ApiOkResponse({ type: CampaignSchema, headers: ETAG })
  @ApiProblems({ ...BODY_PROBLEMS, ...CHANGE_PROBLEMS })
  async edit(
    @Caller() caller: Principal,
    @Param('campaignId') campaignId: string,
    @Body() body: CampaignEditDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Campaign> {
    return withEtag(response, await this.editing.edit(caller.tenantId, campaignId, body, { by: caller.subject, ifMatch }));
  }

  /** 204; refused while a run is active. */
  @Delete(':campaignId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteCampaign', summary: 'Soft-delete the campaign (refused while a run is active)' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted: the campaign and everything under it answer 404 from now on' })
  @ApiProblems({ ...CHANGE_PROBLEMS, 409: ['RUN_ACTIVE'] })
  async delete(@Caller() caller: Principal, @Param('campaignId') campaignId: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.editing.delete(caller.tenantId, campaignId, { by: caller.subject, ifMatch });
  }

  /** The changes editors made, newest first. */
  @Get(':campaignId/changes')
  @ApiOperation({ operationId: 'listCampaignChanges', summary: 'The changes editors made, newest first' })
  @ApiOkResponse({ type: [CampaignChangeSchema] })
  @ApiProblems({ 404: ['CAMPAIGN_NOT_FOUND'] })
  changes(@Caller() caller: Principal, @Param('campaignId') campaignId: string): Promise<CampaignChange[]> {
    return this.editing.changes(caller.tenantId, campaignId);
  }
}
