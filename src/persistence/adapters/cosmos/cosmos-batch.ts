import { randomUUID } from 'node:crypto';
import type { Container, OperationInput } from '@azure/cosmos';
import type { Activation, ArtifactType, OrchestrationEvent, OrchestrationResult } from '@app/contracts';
import { StoreError } from '../../store-errors';
import { activatedTypes, campaignAfterRun, FINAL_STATUS, versionKey } from '../../run-outcome';
import { ArtifactDoc, assertItemSize, CampaignDoc, MAX_BATCH_OPERATIONS, MAX_ITEM_BYTES, ReportDoc, RunDoc, VersionDoc } from './cosmos-documents';

type WithEtag<T> = T & { _etag?: string };

/** What ends a run, with the documents it changes as read (with their etags). */
export interface EndOfRun {
  tenantId: string;
  result: OrchestrationResult;
  terminalEvent: OrchestrationEvent;
  run: WithEtag<RunDoc>;
  campaign: WithEtag<CampaignDoc>;
  artifacts: WithEtag<ArtifactDoc>[];
  activate?: Activation;
}

/** The document without Cosmos DB's system properties (`_etag`, `_rid`, `_ts`…). */
export const strip = <T extends object>(doc: T): T => Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;

/**
 * The operations of one transactional batch that ends a run: new artifact versions (numbered on
 * from each artifact's latest), audit reports linked to the versions they judged, the artifacts'
 * counters, the campaign's active versions and status, and the run's final state with its terminal
 * event. Replaces carry the etag they were read with, so a concurrent writer fails the batch (412).
 */
export function endOfRunOperations({ tenantId, result, terminalEvent, run, campaign, artifacts, activate }: EndOfRun): OperationInput[] {
  const pk = result.campaignId;
  const at = new Date().toISOString();
  const counters = new Map<ArtifactType, WithEtag<ArtifactDoc>>(artifacts.map((a) => [a.artifactType, { ...a }]));
  const touched = new Set<ArtifactType>();
  const ids = new Map<string, string>();
  const operations: OperationInput[] = [];
  const create = (doc: object, what: string) => {
    assertItemSize(doc, what);
    operations.push({ operationType: 'Create', partitionKey: pk, resourceBody: doc as never });
  };

  result.versions.forEach((version, position) => {
    const counter = counters.get(version.type) ?? { id: `artifact:${version.type}`, campaignId: pk, type: 'artifact', artifactType: version.type, latestVersion: 0, createdAt: at, updatedAt: at };
    counter.latestVersion += 1;
    counter.updatedAt = at;
    counters.set(version.type, counter);
    touched.add(version.type);
    const id = randomUUID();
    ids.set(versionKey(version.type, version.attempt), id);
    const doc: VersionDoc = {
      id, campaignId: pk, runId: result.runId, type: 'artifactVersion', artifactType: version.type, tenantId, position,
      versionNumber: counter.latestVersion, attempt: version.attempt, content: version.content, auditVerdict: version.auditVerdict,
      failedAudit: version.failedAudit, createdAt: version.createdAt,
    };
    create(doc, `${version.type} version`);
  });
  result.auditReports.forEach((report, position) => {
    const versionId = ids.get(versionKey(report.artifactType, report.attempt));
    if (!versionId) throw new StoreError(`Audit report of ${report.artifactType}@${report.attempt} judges no version of the run`);
    const doc: ReportDoc = { id: randomUUID(), campaignId: pk, type: 'auditReport', tenantId, runId: result.runId, versionId, position, report };
    create(doc, 'audit report');
  });
  for (const type of touched) {
    const counter = counters.get(type)!;
    if (counter._etag) operations.push({ operationType: 'Replace', partitionKey: pk, id: counter.id, ifMatch: counter._etag, resourceBody: strip(counter) as never });
    else operations.push({ operationType: 'Create', partitionKey: pk, resourceBody: counter as never });
  }

  const activeVersionIds = { ...campaign.activeVersionIds };
  const activated = activatedTypes(result, activate);
  for (const type of activated) activeVersionIds[type] = ids.get(versionKey(type, result.artifacts[type]!.attempt))!;
  const { approval: _approval, ...unapproved } = strip(campaign);
  const after = campaignAfterRun(campaign.approval, result, activated);
  const campaignDoc: CampaignDoc = { ...unapproved, ...after, activeVersionIds, activeRunId: campaign.activeRunId === result.runId ? null : campaign.activeRunId, updatedAt: at };
  const status = FINAL_STATUS[result.status];
  operations.push({ operationType: 'Replace', partitionKey: pk, id: campaign.id, ifMatch: campaign._etag, resourceBody: campaignDoc as never });

  const runDoc: RunDoc = {
    ...strip(run), status, resultStatus: result.status, finishedAt: result.finishedAt, updatedAt: at, attempts: result.metrics.attempts,
    errors: result.errors, metrics: result.metrics, versionIds: [...ids.values()], lastSeq: terminalEvent.seq, terminalEvent,
  };
  assertItemSize(runDoc, 'run');
  operations.push({ operationType: 'Replace', partitionKey: pk, id: run.id, ifMatch: run._etag, resourceBody: runDoc as never });
  // Etag-guarded replaces first: a stale one fails the batch before anything else is attempted.
  return [...operations.filter((o) => o.operationType === 'Replace'), ...operations.filter((o) => o.operationType !== 'Replace')];
}

/**
 * Executes `operations` as one transactional batch in partition `partitionKey`.
 * @returns `ok`, `stale` (an etag no longer matched: read again and retry), or the failing status.
 * @throws StoreError when the batch is over Cosmos DB's limits (100 operations, 2 MB) or the request fails.
 */
export async function executeBatch(container: Container, partitionKey: string, operations: OperationInput[]): Promise<'ok' | 'stale' | string> {
  if (operations.length > MAX_BATCH_OPERATIONS) throw new StoreError(`The batch has ${operations.length} operations; Cosmos DB allows ${MAX_BATCH_OPERATIONS}`);
  const bytes = Buffer.byteLength(JSON.stringify(operations));
  if (bytes > MAX_ITEM_BYTES) throw new StoreError(`The batch is ${bytes} bytes; Cosmos DB allows 2 MB`);
  let response;
  try {
    response = await container.items.batch(operations, partitionKey);
  } catch (error) {
    throw new StoreError(`Cosmos DB batch failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const statuses = (response.result ?? []).map((r) => r.statusCode);
  if (statuses.length === operations.length && statuses.every((s) => s >= 200 && s < 300)) return 'ok';
  if (statuses.includes(412)) return 'stale';
  return `status ${statuses.find((s) => s >= 300 && s !== 424) ?? response.code ?? 'unknown'}`;
}
