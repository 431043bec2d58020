import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Campaign, CampaignDetail, OrchestrationRun, Page } from '@app/contracts';
import { Caller, Tenant } from '../auth/http-auth.guard';
import type { Principal } from '../auth/principal';
import type { TenantId } from '../persistence/run.repository';
import { CampaignsService } from '../runs/campaigns.service';
import { CampaignInputDto, PageQueryDto, StartCampaignRunDto } from '../runs/dto/start-run.dto';
import { idempotencyKeyOf } from '../runs/idempotency';
import { RunsService, StartedRun } from '../runs/runs.service';
import { withEtag } from './campaign-editing.controller';
import { answerStart } from './runs.controller';
import { ApiIdempotencyKey, ApiProblems, ApiProtected, BODY_PROBLEMS, ETAG, IDEMPOTENT_REPLAYED, START_PROBLEMS } from './api-docs';
import { EXAMPLES } from './api-examples';
import { Campaign as CampaignSchema, CampaignDetail as CampaignDetailSchema, CampaignPage } from './dto/campaign.response';
import { OrchestrationRun as RunSchema, StartedRun as StartedRunSchema } from './dto/run.response';

/** Campaigns: create, list, read, run history, and start a run of an existing campaign. */
@ApiTags('campaigns')
@ApiProtected()
@Controller('api/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly runs: RunsService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createCampaign', summary: 'Create a campaign (status draft)' })
  @ApiBody({ type: CampaignInputDto, examples: EXAMPLES.campaign })
  @ApiCreatedResponse({ type: CampaignSchema, description: 'The new campaign' })
  @ApiProblems(BODY_PROBLEMS)
  create(@Tenant() tenant: TenantId, @Body() body: CampaignInputDto): Promise<Campaign> {
    return this.campaigns.create(tenant, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listCampaigns', summary: 'List the tenant’s campaigns, newest first, a page at a time' })
  @ApiOkResponse({ type: CampaignPage })
  @ApiProblems({ 400: ['VALIDATION_FAILED'] })
  list(@Tenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<Campaign>> {
    return this.campaigns.list(tenant, query.page, query.pageSize, query.continuationToken);
  }

  /** The campaign with its active versions and their latest audits; `ETag` is the campaign's (send it as If-Match to change it). */
  @Get(':campaignId')
  @ApiOperation({ operationId: 'getCampaign', summary: 'A campaign with its active versions and their latest audits' })
  @ApiOkResponse({ type: CampaignDetailSchema, headers: ETAG })
  @ApiProblems({ 404: ['CAMPAIGN_NOT_FOUND'] })
  async detail(@Tenant() tenant: TenantId, @Param('campaignId') campaignId: string, @Res({ passthrough: true }) response: Response): Promise<CampaignDetail> {
    const detail = await this.campaigns.detail(tenant, campaignId);
    withEtag(response, detail.campaign);
    return detail;
  }

  @Get(':campaignId/runs')
  @ApiOperation({ operationId: 'listCampaignRuns', summary: 'The campaign’s runs, newest first' })
  @ApiOkResponse({ type: [RunSchema] })
  @ApiProblems({ 404: ['CAMPAIGN_NOT_FOUND'] })
  history(@Tenant() tenant: TenantId, @Param('campaignId') campaignId: string): Promise<OrchestrationRun[]> {
    return this.campaigns.runs(tenant, campaignId);
  }

  /** 202 with the run id at once; 409 while a run of the campaign is active. */
  @Post(':campaignId/runs')
  @HttpCode(202)
  @ApiOperation({ operationId: 'startCampaignRun', summary: 'Start a run of the campaign: 202 at once; follow it with GET /api/runs/:id/events or the socket' })
  @ApiIdempotencyKey()
  @ApiBody({ type: StartCampaignRunDto, examples: EXAMPLES.runOptions })
  @ApiAcceptedResponse({ type: StartedRunSchema, headers: IDEMPOTENT_REPLAYED })
  @ApiProblems({ ...START_PROBLEMS, 404: ['CAMPAIGN_NOT_FOUND'] })
  start(
    @Caller() caller: Principal,
    @Param('campaignId') campaignId: string,
    @Body() body: StartCampaignRunDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StartedRun> {
    return answerStart(response, this.runs.start(caller.tenantId, { ...body, campaignId }, { idempotencyKey: idempotencyKeyOf(idempotencyKey), requestedBy: caller.subject }));
  }
}
