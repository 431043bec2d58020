import { Injectable } from '@nestjs/common';
import type { Campaign, CampaignDetail, OrchestrationRun, Page } from '@app/contracts';
import { DomainError } from '../common/domain-error';
import { RunRepository, TenantId } from '../persistence/run.repository';
import type { CampaignInputDto } from './dto/start-run.dto';
import { readWithToken } from './page-token';

/** Campaigns of a tenant: create, list, read with active artifacts, run history. */
@Injectable()
export class CampaignsService {
  constructor(private readonly repository: RunRepository) {}

  create(tenantId: TenantId, input: CampaignInputDto): Promise<Campaign> {
    return this.repository.createCampaign({ tenantId, name: input.name, brief: JSON.parse(JSON.stringify(input.brief)) });
  }

  /** @throws DomainError VALIDATION_FAILED for a continuation token the store does not know. */
  list(tenantId: TenantId, page = 1, pageSize = 20, continuationToken?: string): Promise<Page<Campaign>> {
    return readWithToken(continuationToken, () => this.repository.listCampaigns(tenantId, page, pageSize, continuationToken));
  }

  /** @throws DomainError CAMPAIGN_NOT_FOUND */
  async detail(tenantId: TenantId, campaignId: string): Promise<CampaignDetail> {
    const detail = await this.repository.getCampaignDetail(tenantId, campaignId);
    if (!detail) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found`);
    return detail;
  }

  /** @throws DomainError CAMPAIGN_NOT_FOUND */
  async runs(tenantId: TenantId, campaignId: string): Promise<OrchestrationRun[]> {
    if (!(await this.repository.getCampaign(tenantId, campaignId))) throw new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found`);
    return this.repository.listRuns(tenantId, campaignId);
  }
}
