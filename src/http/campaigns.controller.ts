import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
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

/** Campaigns: create, list, read, run history, and start a run of an existing campaign. */
@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly runs: RunsService,
  ) {}

  @Post()
  create(@Tenant() tenant: TenantId, @Body() body: CampaignInputDto): Promise<Campaign> {
    return this.campaigns.create(tenant, body);
  }

  @Get()
  list(@Tenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<Campaign>> {
    return this.campaigns.list(tenant, query.page, query.pageSize, query.continuationToken);
  }

  /** The campaign with its active versions and their latest audits; `ETag` is the campaign's (send it as If-Match to change it). */
  @Get(':campaignId')
  async detail(@Tenant() tenant: TenantId, @Param('campaignId') campaignId: string, @Res({ passthrough: true }) response: Response): Promise<CampaignDetail> {
    const detail = await this.campaigns.detail(tenant, campaignId);
    withEtag(response, detail.campaign);
    return detail;
  }

  @Get(':campaignId/runs')
  history(@Tenant() tenant: TenantId, @Param('campaignId') campaignId: string): Promise<OrchestrationRun[]> {
    return this.campaigns.runs(tenant, campaignId);
  }

  /** 202 with the run id at once; 409 while a run of the campaign is active. */
  @Post(':campaignId/runs')
  @HttpCode(202)
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
