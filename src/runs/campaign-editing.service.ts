import { Injectable } from '@nestjs/common';
import { ARTIFACT_TYPES, type ArtifactType, type Campaign, type CampaignChange, type Page, type VersionDetail, type VersionSummary } from '@app/contracts';
import { DomainError } from '../common/domain-error';
import { CampaignUpdate, RunRepository, TenantId } from '../persistence/run.repository';
import type { CampaignEditDto, OverrideDto } from './dto/campaign-edit.dto';
import { readWithToken } from './page-token';

/** Who changes a campaign, and the ETag of the campaign they saw. */
export interface EditGuard {
  by: string;
  /** The `If-Match` of the request: required. */
  ifMatch: string | undefined;
}

/**
 * What editors do with a campaign: browse an artifact's versions, choose the active one, approve,
 * edit the brief and the name, delete. Every change is guarded by the campaign's ETag (the store
 * refuses a stale one: 412) and recorded.
 */
@Injectable()
export class CampaignEditingService {
  constructor(private readonly repository: RunRepository) {}

  /** @throws DomainError CAMPAIGN_NOT_FOUND */
  async versions(tenantId: TenantId, campaignId: string, type: ArtifactType, pageSize = 20, continuationToken?: string): Promise<Page<VersionSummary>> {
    const page = await readWithToken(continuationToken, () => this.repository.listVersions(tenantId, campaignId, type, pageSize, continuationToken));
    if (!page) throw notFound(campaignId);
    return page;
  }

  /** @throws DomainError CAMPAIGN_NOT_FOUND, VERSION_NOT_FOUND */
  async version(tenantId: TenantId, campaignId: string, type: ArtifactType, versionNumber: number): Promise<VersionDetail> {
    const version = await this.repository.getVersion(tenantId, campaignId, type, versionNumber);
    if (version) return version;
    await this.campaign(tenantId, campaignId);
    throw new DomainError('VERSION_NOT_FOUND', `Version ${versionNumber} of ${type} not found`);
  }

  /** @throws DomainError CAMPAIGN_NOT_FOUND */
  async changes(tenantId: TenantId, campaignId: string): Promise<CampaignChange[]> {
    const changes = await this.repository.listChanges(tenantId, campaignId);
    if (!changes) throw notFound(campaignId);
    return changes;
  }

  /**
   * Makes version `versionNumber` of `type` the active one (roll back or forward); an approved
   * campaign returns to draft.
   * @throws DomainError CAMPAIGN_NOT_FOUND, VERSION_NOT_FOUND, RUN_ACTIVE, PRECONDITION_REQUIRED; StoreConflictError PRECONDITION_FAILED
   */
  async activate(tenantId: TenantId, campaignId: string, type: ArtifactType, versionNumber: number, guard: EditGuard): Promise<Campaign> {
    const ifMatch = required(guard);
    const campaign = await this.idle(tenantId, campaignId);
    const version = await this.version(tenantId, campaignId, type, versionNumber);
    const update: CampaignUpdate = { activeVersionIds: { ...campaign.activeVersionIds, [type]: version.id }, ...withdrawn(campaign) };
    const details = { artifactType: type, fromVersionId: campaign.activeVersionIds[type] ?? null, toVersionId: version.id, toVersionNumber: versionNumber };
    return this.repository.updateCampaign(tenantId, campaignId, update, ifMatch, { by: guard.by, action: 'activate', details });
  }

  /**
   * Approves the campaign's active versions. Each artifact must have an active version that passed
   * its audit; otherwise only with an override, whose reason is recorded.
   * @throws DomainError APPROVAL_BLOCKED (naming the artifacts), CAMPAIGN_NOT_FOUND, RUN_ACTIVE, PRECONDITION_REQUIRED; StoreConflictError PRECONDITION_FAILED
   */
  async approve(tenantId: TenantId, campaignId: string, override: OverrideDto | undefined, guard: EditGuard): Promise<Campaign> {
    const ifMatch = required(guard);
    const campaign = await this.idle(tenantId, campaignId);
    const detail = (await this.repository.getCampaignDetail(tenantId, campaignId))!;
    const blocking = ARTIFACT_TYPES.flatMap((type) => {
      const verdict = detail.activeArtifacts[type]?.auditVerdict;
      return verdict === 'pass' ? [] : [{ field: type, message: verdict ? `its active version's verdict is ${verdict}` : 'it has no active version' }];
    });
    if (blocking.length > 0 && !override) {
      throw new DomainError('APPROVAL_BLOCKED', 'Some active versions have not passed their audit; approve with an override and its reason', blocking);
    }
    const approval = { at: new Date().toISOString(), by: guard.by, versionIds: campaign.activeVersionIds, ...(override ? { override: { reason: override.reason } } : {}) };
    const details = { versionIds: campaign.activeVersionIds, ...(override ? { override: { reason: override.reason, notPassed: blocking.map((b) => b.field) } } : {}) };
    return this.repository.updateCampaign(tenantId, campaignId, { status: 'approved', approval }, ifMatch, { by: guard.by, action: 'approve', details });
  }

  /**
   * A new name and/or brief (the next run uses the new brief; its revision goes up); a new brief
   * returns an approved campaign to draft.
   * @throws DomainError VALIDATION_FAILED (nothing to change), CAMPAIGN_NOT_FOUND, PRECONDITION_REQUIRED; StoreConflictError PRECONDITION_FAILED
   */
  async edit(tenantId: TenantId, campaignId: string, input: CampaignEditDto, guard: EditGuard): Promise<Campaign> {
    const ifMatch = required(guard);
    // JSON null is no value (validation lets an optional field be null): a campaign always has a name and a brief.
    const name = input.name ?? undefined;
    if (name === undefined && !input.brief) throw new DomainError('VALIDATION_FAILED', 'Nothing to change: give a name or a brief', [{ field: '(body)', message: 'name or brief is required' }]);
    const campaign = await this.campaign(tenantId, campaignId);
    const brief = input.brief && JSON.parse(JSON.stringify(input.brief));
    const update: CampaignUpdate = { ...(name !== undefined ? { name } : {}), ...(brief ? { brief, ...withdrawn(campaign) } : {}) };
    const fields = [...(name !== undefined ? ['name'] : []), ...(brief ? ['brief'] : [])];
    return this.repository.updateCampaign(tenantId, campaignId, update, ifMatch, { by: guard.by, action: 'edit', details: { fields } });
  }

  /**
   * Soft-deletes the campaign: gone from lists and reads.
   * @throws DomainError CAMPAIGN_NOT_FOUND, RUN_ACTIVE, PRECONDITION_REQUIRED; StoreConflictError PRECONDITION_FAILED
   */
  async delete(tenantId: TenantId, campaignId: string, guard: EditGuard): Promise<void> {
    const ifMatch = required(guard);
    await this.idle(tenantId, campaignId);
    await this.repository.updateCampaign(tenantId, campaignId, { isDeleted: true }, ifMatch, { by: guard.by, action: 'delete', details: {} });
  }

  private async campaign(tenantId: TenantId, campaignId: string): Promise<Campaign> {
    const campaign = await this.repository.getCampaign(tenantId, campaignId);
    if (!campaign) throw notFound(campaignId);
    return campaign;
  }

  /** The campaign, when no run of it is active (its ETag guards the rest: a run that starts after changes it). */
  private async idle(tenantId: TenantId, campaignId: string): Promise<Campaign> {
    const campaign = await this.campaign(tenantId, campaignId);
    if (campaign.status === 'generating') throw new DomainError('RUN_ACTIVE', `Campaign ${campaignId} has a run in progress; try again once it has ended`);
    return campaign;
  }
}

const notFound = (campaignId: string) => new DomainError('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found`);

/** An approval in force is withdrawn, and the campaign returns to draft. */
function withdrawn(campaign: Campaign): CampaignUpdate {
  return campaign.approval ? { approval: null, status: 'draft' } : {};
}

function required({ ifMatch }: EditGuard): string {
  if (!ifMatch) throw new DomainError('PRECONDITION_REQUIRED', 'Send the campaign\'s ETag as If-Match (read it from GET /api/campaigns/:id)', [{ field: 'If-Match', message: 'is required' }]);
  return ifMatch;
}
