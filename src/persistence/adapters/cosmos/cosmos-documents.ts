import type {
  ArtifactType,
  AuditReport,
  Campaign,
  CampaignChange,
  OrchestrationEvent,
  OrchestrationRun,
  ArtifactVersion,
  StoredAuditReport,
} from '@app/contracts';
import { createHash, randomUUID } from 'node:crypto';
import type { IdempotencyRecord, NewCampaign, NewRun, TenantId } from '../../run.repository';
import { StoreError } from '../../store-errors';

/**
 * Documents of the two containers. The campaigns container (partition key `/campaignId`) holds
 * every record of a campaign, told apart by `type`, so the end of a run is one transactional batch
 * in one partition. The events container (partition key `/runId`) holds a run's events (with the
 * container's TTL) and one `runRef` document that maps the run to its campaign and tenant, and the
 * idempotency records of run starts, each in a partition of its own.
 */
export interface CampaignDoc extends Omit<Campaign, 'id' | 'etag' | 'briefRevision'> {
  id: string;
  /** Absent on campaigns stored before brief revisions existed: 1. */
  briefRevision?: number;
  campaignId: string;
  type: 'campaign';
  tenantId: string;
  /** The run holding the campaign (queued or running), cleared when it ends. */
  activeRunId: string | null;
  /** Orders campaigns newest first (ms × 1000 + a per-process counter). */
  createdSeq: number;
}

export interface RunDoc extends OrchestrationRun {
  type: 'run';
  tenantId: string;
  /** The terminal event, written in the same batch as the run's end; the events container gets a copy. */
  terminalEvent?: OrchestrationEvent;
}

export interface ArtifactDoc {
  id: string;
  campaignId: string;
  type: 'artifact';
  artifactType: ArtifactType;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface VersionDoc extends Omit<ArtifactVersion, 'type'> {
  type: 'artifactVersion';
  artifactType: ArtifactType;
  tenantId: string;
  /** Position in its run, for reading versions back in generation order. */
  position: number;
}

export interface ReportDoc {
  id: string;
  campaignId: string;
  type: 'auditReport';
  tenantId: string;
  runId: string;
  versionId: string;
  position: number;
  report: AuditReport;
}

export interface EventDoc {
  id: string;
  runId: string;
  type: 'event';
  tenantId: string;
  seq: number;
  event: OrchestrationEvent;
}

export interface RunRefDoc {
  id: 'run';
  runId: string;
  type: 'runRef';
  tenantId: string;
  campaignId: string;
  running: boolean;
  finished: boolean;
  /** The lease (see `RunRepository.claimRun`): the node that holds the run, its epoch, until when. */
  owner?: string;
  epoch?: number;
  leaseExpiresAt?: string;
  /** Never expires, unlike the events beside it. */
  ttl: -1;
}

/**
 * A start's idempotency key, in the events container (whose items may expire): its own partition,
 * named by a hash of tenant and key, so that creating it is the atomic claim of the key.
 */
export interface IdempotencyDoc {
  id: 'idempotency';
  /** The partition: `idempotency-<sha256 of tenant and key>`. */
  runId: string;
  type: 'idempotency';
  record: IdempotencyRecord;
  /** Seconds: Cosmos DB deletes the record once its window has passed. */
  ttl: number;
}

/** The partition of the idempotency record of a tenant's key. */
export const idempotencyPartition = (tenantId: TenantId, key: string) => `idempotency-${createHash('sha256').update(`${tenantId}\n${key}`).digest('hex')}`;

/** Cosmos DB's largest item. */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024;
/** Cosmos DB's largest transactional batch: 100 operations. */
export const MAX_BATCH_OPERATIONS = 100;

/** Ids Cosmos DB accepts: 1–255 characters, none of `/ \ ? #`. */
export function isValidId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id);
}

/** @throws StoreError when `doc` is over Cosmos DB's 2 MB item limit. */
export function assertItemSize(doc: object, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(doc));
  if (bytes > MAX_ITEM_BYTES) throw new StoreError(`The ${what} is ${bytes} bytes, over Cosmos DB's 2 MB item limit`);
}

/** Id of a run's event document: the seq, zero-padded so ids sort like seqs. */
export const eventId = (seq: number) => `seq:${String(seq).padStart(10, '0')}`;

/** The campaign of a document as Cosmos DB returned it: its `_etag` is the campaign's ETag. */
export const toCampaign = (doc: CampaignDoc): Campaign => {
  const { id, name, brief, status, activeVersionIds, isDeleted, createdAt, updatedAt, briefRevision = 1, approval } = doc;
  return { id, name, brief, status, activeVersionIds, isDeleted, createdAt, updatedAt, briefRevision, ...(approval ? { approval } : {}), etag: (doc as { _etag?: string })._etag ?? '' };
};

/** A recorded change of a campaign, in the campaign's partition. */
export interface ChangeDoc extends CampaignChange {
  campaignId: string;
  type: 'campaignChange';
  tenantId: string;
}

export function toRun(doc: RunDoc, lastSeq = doc.lastSeq): OrchestrationRun {
  const { type: _type, tenantId: _tenant, terminalEvent: _terminal, ...run } = doc as RunDoc & Record<string, unknown>;
  for (const key of Object.keys(run)) if (key.startsWith('_')) delete (run as Record<string, unknown>)[key];
  return { ...(run as unknown as OrchestrationRun), lastSeq: Math.max(doc.lastSeq, lastSeq) };
}

export const toVersion = (doc: VersionDoc): ArtifactVersion => ({
  id: doc.id, campaignId: doc.campaignId, runId: doc.runId, type: doc.artifactType, versionNumber: doc.versionNumber,
  attempt: doc.attempt, content: doc.content, auditVerdict: doc.auditVerdict, failedAudit: doc.failedAudit, createdAt: doc.createdAt,
});

export const toReport = (doc: ReportDoc): StoredAuditReport => ({ ...doc.report, id: doc.id, campaignId: doc.campaignId, runId: doc.runId, versionId: doc.versionId });

let createdCounter = 0;

/** The document of a new draft campaign, checked against the item size limit. */
export function campaignDocOf({ tenantId, name, brief, id = randomUUID() }: NewCampaign): CampaignDoc {
  const at = new Date().toISOString();
  const doc: CampaignDoc = {
    id, campaignId: id, type: 'campaign', tenantId, name, brief, status: 'draft', activeVersionIds: {}, activeRunId: null,
    isDeleted: false, createdAt: at, updatedAt: at, createdSeq: Date.now() * 1000 + (createdCounter++ % 1000), briefRevision: 1,
  };
  assertItemSize(doc, 'campaign');
  return doc;
}

/** The document of a new queued run. */
export function queuedRunDoc(tenantId: TenantId, run: NewRun['run'], at: string): RunDoc {
  return { ...run, type: 'run', tenantId, status: 'queued', createdAt: at, updatedAt: at, attempts: {}, errors: [], versionIds: [], lastSeq: 0 };
}
