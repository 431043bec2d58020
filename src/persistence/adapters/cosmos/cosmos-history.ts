import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { ArtifactType, Campaign, CampaignChange, Page, StoredAuditReport, VersionDetail, VersionSummary } from '@app/contracts';
import type { CampaignUpdate, TenantId } from '../../run.repository';
import { StoreConflictError, StoreError } from '../../store-errors';
import { summaryOf } from '../../version-summary';
import { executeBatch, strip } from './cosmos-batch';
import { assertItemSize, CampaignDoc, ChangeDoc, ReportDoc, RunDoc, toCampaign, toReport, toRun, toVersion, VersionDoc } from './cosmos-documents';
import { etagOf, guard, queryIn } from './cosmos-requests';
import { readPage } from './cosmos-page-token';

/**
 * What editors read and change of a campaign in Cosmos DB, all in the campaign's partition: its
 * guarded updates with their records, its changes, its artifacts' versions. Callers pass the
 * campaign document they read for the tenant (absent campaigns are theirs to report).
 */
export class CosmosCampaignHistory {
  constructor(
    private readonly campaigns: Container,
    /** Reads a run document of the campaign's partition. */
    private readonly runDoc: (campaignId: string, runId: string) => Promise<RunDoc | undefined>,
  ) {}

  /** The campaign's replace (guarded by `ifMatch`) and the change's record: one transactional batch. */
  async update(tenantId: TenantId, campaign: CampaignDoc, update: CampaignUpdate, ifMatch: string, change: Pick<CampaignChange, 'by' | 'action' | 'details'>): Promise<Campaign> {
    const campaignId = campaign.id;
    if (etagOf(campaign) !== ifMatch) throw new StoreConflictError('PRECONDITION_FAILED', `Campaign ${campaignId} changed since (its ETag is now ${etagOf(campaign)})`);
    const at = new Date().toISOString();
    const { approval, brief, ...rest } = update;
    const next: CampaignDoc = { ...strip(campaign), ...rest, updatedAt: at };
    if (brief) Object.assign(next, { brief, briefRevision: (campaign.briefRevision ?? 1) + 1 });
    if (approval === null) delete next.approval;
    else if (approval) next.approval = approval;
    assertItemSize(next, 'campaign');
    const record: ChangeDoc = { id: randomUUID(), campaignId, type: 'campaignChange', tenantId, at, ...change };
    const outcome = await executeBatch(this.campaigns, campaignId, [
      { operationType: 'Replace', partitionKey: campaignId, id: campaignId, ifMatch, resourceBody: next as never },
      { operationType: 'Create', partitionKey: campaignId, resourceBody: record as never },
    ]);
    if (outcome === 'stale') throw new StoreConflictError('PRECONDITION_FAILED', `Campaign ${campaignId} changed since`);
    if (outcome !== 'ok') throw new StoreError(`Could not update campaign ${campaignId}: ${outcome}`);
    const { resource } = await guard(() => this.campaigns.item(campaignId, campaignId).read<CampaignDoc>());
    return toCampaign(resource ?? next);
  }

  async changes(campaignId: string): Promise<CampaignChange[]> {
    const docs = await queryIn<ChangeDoc>(this.campaigns, 'campaignId', campaignId, 'SELECT * FROM c WHERE c.type = "campaignChange" ORDER BY c.at DESC', {});
    return docs.map(({ id, at, by, action, details }) => ({ id, at, by, action, details }));
  }

  async versions(campaign: CampaignDoc, type: ArtifactType, pageSize: number, continuationToken?: string): Promise<Page<VersionSummary>> {
    const filter = 'c.campaignId = @pk AND c.type = "artifactVersion" AND c.artifactType = @type';
    const parameters = [{ name: '@pk', value: campaign.id }, { name: '@type', value: type }];
    const query = { query: `SELECT * FROM c WHERE ${filter} ORDER BY c.versionNumber DESC`, parameters };
    const found = await readPage<VersionDoc>(this.campaigns, query, { query: `SELECT VALUE COUNT(1) FROM c WHERE ${filter}`, parameters }, 1, pageSize, continuationToken, { partitionKey: campaign.id });
    const items = await this.summaries(campaign, found.items);
    return { ...found, items: items.map(({ summary }) => summary) };
  }

  async version(campaign: CampaignDoc, type: ArtifactType, versionNumber: number): Promise<VersionDetail | undefined> {
    const [doc] = await queryIn<VersionDoc>(this.campaigns, 'campaignId', campaign.id, 'SELECT * FROM c WHERE c.type = "artifactVersion" AND c.artifactType = @type AND c.versionNumber = @number', { '@type': type, '@number': versionNumber });
    if (!doc) return undefined;
    const [{ summary, reports }] = await this.summaries(campaign, [doc]);
    return { ...summary, content: doc.content, auditReports: reports };
  }

  /** Each version's history entry, with its audit reports (oldest first) and the run that made it. */
  private async summaries(campaign: CampaignDoc, docs: VersionDoc[]): Promise<{ summary: VersionSummary; reports: StoredAuditReport[] }[]> {
    if (docs.length === 0) return [];
    const reports = (await queryIn<ReportDoc>(this.campaigns, 'campaignId', campaign.id, 'SELECT * FROM c WHERE c.type = "auditReport" AND ARRAY_CONTAINS(@ids, c.versionId) ORDER BY c.report.createdAt', { '@ids': docs.map((d) => d.id) })).map(toReport);
    const runs = new Map<string, RunDoc | undefined>();
    for (const runId of new Set(docs.map((d) => d.runId))) runs.set(runId, await this.runDoc(campaign.id, runId));
    return docs.map((doc) => {
      const own = reports.filter((r) => r.versionId === doc.id);
      const run = runs.get(doc.runId);
      return { summary: summaryOf(toVersion(doc), own.at(-1), run && toRun(run), campaign.activeVersionIds[doc.artifactType]), reports: own };
    });
  }
}
