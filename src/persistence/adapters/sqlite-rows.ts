import type {
  ArtifactVersion,
  Campaign,
  OrchestrationRun,
  StoredAuditReport,
} from '@app/contracts';
import type { IdempotencyRecord } from '../run.repository';
import { StoreConflictError } from '../store-errors';

/** Row shapes of the SQLite tables and their mapping to records. */
export interface CampaignRow {
  id: string;
  tenant_id: string;
  name: string;
  brief: string;
  status: string;
  active_version_ids: string;
  is_deleted: number;
  created_at: string;
  updated_at: string;
  revision: number;
  brief_revision: number;
  approval: string | null;
}

export interface RunRow {
  id: string;
  tenant_id: string;
  campaign_id: string;
  execution_mode: string;
  selected_platforms: string;
  status: string;
  result_status: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  attempts: string;
  errors: string;
  metrics: string | null;
  version_ids: string;
  last_seq: number;
  owner: string | null;
  epoch: number;
  lease_expires_at: string | null;
  brief_revision: number | null;
  requested_by: string | null;
  regeneration: string | null;
}

export interface VersionRow {
  id: string;
  campaign_id: string;
  run_id: string;
  type: string;
  version_number: number;
  attempt: number;
  content: string;
  audit_verdict: string;
  failed_audit: number;
  created_at: string;
}

export interface ReportRow {
  id: string;
  campaign_id: string;
  run_id: string;
  version_id: string;
  body: string;
}

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    brief: JSON.parse(row.brief),
    status: row.status as Campaign['status'],
    activeVersionIds: JSON.parse(row.active_version_ids),
    isDeleted: row.is_deleted === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    briefRevision: row.brief_revision,
    ...(row.approval ? { approval: JSON.parse(row.approval) } : {}),
    etag: `"${row.revision}"`,
  };
}

export function toRun(row: RunRow): OrchestrationRun {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    executionMode: row.execution_mode as OrchestrationRun['executionMode'],
    selectedPlatforms: JSON.parse(row.selected_platforms),
    status: row.status as OrchestrationRun['status'],
    ...(row.result_status ? { resultStatus: row.result_status as OrchestrationRun['resultStatus'] } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    attempts: JSON.parse(row.attempts),
    errors: JSON.parse(row.errors),
    ...(row.metrics ? { metrics: JSON.parse(row.metrics) } : {}),
    versionIds: JSON.parse(row.version_ids),
    lastSeq: row.last_seq,
    ...(row.brief_revision !== null ? { briefRevision: row.brief_revision } : {}),
    ...(row.requested_by !== null ? { requestedBy: row.requested_by } : {}),
    ...(row.regeneration !== null ? { regeneration: JSON.parse(row.regeneration) } : {}),
  };
}

export function toVersion(row: VersionRow): ArtifactVersion {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    runId: row.run_id,
    type: row.type as ArtifactVersion['type'],
    versionNumber: row.version_number,
    attempt: row.attempt,
    content: JSON.parse(row.content),
    auditVerdict: row.audit_verdict as ArtifactVersion['auditVerdict'],
    failedAudit: row.failed_audit === 1,
    createdAt: row.created_at,
  };
}

export function toReport(row: ReportRow): StoredAuditReport {
  return { ...JSON.parse(row.body), id: row.id, campaignId: row.campaign_id, runId: row.run_id, versionId: row.version_id };
}

/** A row of `idempotency_keys`. */
export interface IdempotencyRow {
  tenant_id: string;
  key: string;
  fingerprint: string;
  run_id: string;
  campaign_id: string;
  created_at: string;
}

export function toIdempotencyRecord(row: IdempotencyRow): IdempotencyRecord {
  return { tenantId: row.tenant_id, key: row.key, fingerprint: row.fingerprint, runId: row.run_id, campaignId: row.campaign_id, createdAt: row.created_at };
}

/** A continuation token of an offset list: the offset, opaque to clients. */
export const encodeOffset = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');
/** @throws StoreConflictError STORE_ERROR for a token this store did not make. */
export function decodeOffset(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { offset?: unknown };
    if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // fall through
  }
  throw new StoreConflictError('STORE_ERROR', 'The continuation token is not valid');
}
