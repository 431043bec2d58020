import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ArtifactType, Campaign, CampaignChange, Page, StoredAuditReport, VersionDetail, VersionSummary } from '@app/contracts';
import type { CampaignUpdate, IdempotencyRecord, TenantId } from '../run.repository';
import { StoreConflictError } from '../store-errors';
import { summaryOf } from '../version-summary';
import { CampaignRow, encodeOffset, IdempotencyRow, ReportRow, RunRow, toCampaign, toIdempotencyRecord, toReport, toRun, toVersion, VersionRow } from './sqlite-rows';

/**
 * What editors read and change of a campaign in SQLite (its guarded updates with their records,
 * its changes, its artifacts' versions) and the idempotency keys of run starts. The writes run
 * inside the repository's group-committed writes; callers pass the campaign row they read for the tenant.
 */
export class SqliteCampaignHistory {
  constructor(private readonly stmt: (sql: string) => Database.Statement) {}

  /** Applies `update` when `ifMatch` is the row's ETag, and records the change. @throws StoreConflictError PRECONDITION_FAILED */
  update(row: CampaignRow, update: CampaignUpdate, ifMatch: string, change: Pick<CampaignChange, 'by' | 'action' | 'details'>): Campaign {
    if (`"${row.revision}"` !== ifMatch) throw new StoreConflictError('PRECONDITION_FAILED', `Campaign ${row.id} changed since (its ETag is now "${row.revision}")`);
    const at = new Date().toISOString();
    const next: CampaignRow = {
      ...row,
      name: update.name ?? row.name,
      brief: update.brief ? JSON.stringify(update.brief) : row.brief,
      brief_revision: row.brief_revision + (update.brief ? 1 : 0),
      active_version_ids: update.activeVersionIds ? JSON.stringify(update.activeVersionIds) : row.active_version_ids,
      status: update.status ?? row.status,
      approval: update.approval === undefined ? row.approval : update.approval && JSON.stringify(update.approval),
      is_deleted: update.isDeleted ? 1 : row.is_deleted,
      updated_at: at,
      revision: row.revision + 1,
    };
    this.stmt(
      `UPDATE campaigns SET name = @name, brief = @brief, brief_revision = @brief_revision, active_version_ids = @active_version_ids, status = @status, approval = @approval, is_deleted = @is_deleted, updated_at = @updated_at, revision = @revision WHERE id = @id`,
    ).run(next);
    this.stmt(`INSERT INTO campaign_changes VALUES (?, ?, ?, ?, ?, ?)`).run(randomUUID(), row.id, at, change.by, change.action, JSON.stringify(change.details));
    return toCampaign(next);
  }

  changes(campaignId: string): CampaignChange[] {
    const rows = this.stmt(`SELECT * FROM campaign_changes WHERE campaign_id = ? ORDER BY at DESC, rowid DESC`).all(campaignId) as { id: string; at: string; by: string; action: CampaignChange['action']; details: string }[];
    return rows.map(({ id, at, by, action, details }) => ({ id, at, by, action, details: JSON.parse(details) }));
  }

  versions(campaign: CampaignRow, type: ArtifactType, pageSize: number, offset: number): Page<VersionSummary> {
    const rows = this.stmt(`SELECT * FROM artifact_versions WHERE campaign_id = ? AND type = ? ORDER BY version_number DESC LIMIT ? OFFSET ?`).all(campaign.id, type, pageSize, offset) as VersionRow[];
    const { count } = this.stmt(`SELECT count(*) AS count FROM artifact_versions WHERE campaign_id = ? AND type = ?`).get(campaign.id, type) as { count: number };
    const items = rows.map((row) => this.summary(campaign, row, this.latestReport(row.id)));
    const next = offset + rows.length;
    return { items, totalCount: count, page: Math.floor(offset / pageSize) + 1, pageSize, ...(next < count ? { continuationToken: encodeOffset(next) } : {}) };
  }

  version(campaign: CampaignRow, type: ArtifactType, versionNumber: number): VersionDetail | undefined {
    const row = this.stmt(`SELECT * FROM artifact_versions WHERE campaign_id = ? AND type = ? AND version_number = ?`).get(campaign.id, type, versionNumber) as VersionRow | undefined;
    if (!row) return undefined;
    const reports = (this.stmt(`SELECT * FROM audit_reports WHERE version_id = ? ORDER BY created_at, rowid`).all(row.id) as ReportRow[]).map(toReport);
    return { ...this.summary(campaign, row, reports.at(-1)), content: JSON.parse(row.content), auditReports: reports };
  }

  /** Expired records go (all of them, so the table stays small), then the key is taken unless held. */
  claimKey(record: IdempotencyRecord, windowMs: number): IdempotencyRecord {
    this.stmt(`DELETE FROM idempotency_keys WHERE created_at < ?`).run(new Date(Date.now() - windowMs).toISOString());
    const held = this.stmt(`SELECT * FROM idempotency_keys WHERE tenant_id = ? AND key = ?`).get(record.tenantId, record.key) as IdempotencyRow | undefined;
    if (held) return toIdempotencyRecord(held);
    this.stmt(`INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?, ?)`).run(record.tenantId, record.key, record.fingerprint, record.runId, record.campaignId, record.createdAt);
    return record;
  }

  releaseKey(tenantId: TenantId, key: string, runId: string): void {
    this.stmt(`DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND run_id = ?`).run(tenantId, key, runId);
  }

  private summary(campaign: CampaignRow, row: VersionRow, report: StoredAuditReport | undefined): VersionSummary {
    const run = this.stmt(`SELECT * FROM runs WHERE id = ?`).get(row.run_id) as RunRow | undefined;
    const activeId = (JSON.parse(campaign.active_version_ids) as Record<string, string>)[row.type];
    return summaryOf(toVersion(row), report, run && toRun(run), activeId);
  }

  private latestReport(versionId: string): StoredAuditReport | undefined {
    const row = this.stmt(`SELECT * FROM audit_reports WHERE version_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(versionId) as ReportRow | undefined;
    return row && toReport(row);
  }
}
