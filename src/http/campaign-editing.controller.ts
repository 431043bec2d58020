import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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

/** The campaign with its ETag header (send it back as If-Match). */
export function withEtag(response: Response, campaign: Campaign): Campaign {
  response.setHeader('ETag', campaign.etag);
  return campaign;
}

/**
 * Editors in the loop: regenerate one artifact with instructions, browse its versions, choose the
 * active one, approve, edit the name and brief, delete. Changes need the campaign's ETag as If-Match.
 */
@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignEditingController {
  constructor(
    private readonly editing: CampaignEditingService,
    private readonly runs: RunsService,
  ) {}

  /** 202 with the run id at once: a run of the artifact's generator on the editor's instructions, then its audit. */
  @Post(':campaignId/artifacts/:artifactType/regenerate')
  @HttpCode(202)
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
  versions(@Caller() caller: Principal, @Param() { campaignId, artifactType }: ArtifactPathDto, @Query() query: VersionsQueryDto): Promise<Page<VersionSummary>> {
    return this.editing.versions(caller.tenantId, campaignId, artifactType, query.pageSize, query.continuationToken);
  }

  @Get(':campaignId/artifacts/:artifactType/versions/:versionNumber')
  version(@Caller() caller: Principal, @Param() { campaignId, artifactType, versionNumber }: VersionPathDto): Promise<VersionDetail> {
    return this.editing.version(caller.tenantId, campaignId, artifactType, versionNumber);
  }

  /** Makes a version the active one; 412 when If-Match is stale. */
  @Put(':campaignId/artifacts/:artifactType/active')
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
  async delete(@Caller() caller: Principal, @Param('campaignId') campaignId: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.editing.delete(caller.tenantId, campaignId, { by: caller.subject, ifMatch });
  }

  /** The changes editors made, newest first. */
  @Get(':campaignId/changes')
  changes(@Caller() caller: Principal, @Param('campaignId') campaignId: string): Promise<CampaignChange[]> {
    return this.editing.changes(caller.tenantId, campaignId);
  }
}
