import { Container, CosmosClient, OperationInput, SqlQuerySpec } from '@azure/cosmos';
import type { ArtifactType, Campaign, CampaignChange, CampaignDetail, OrchestrationEvent, OrchestrationRun, Page, RunDetail, VersionDetail, VersionSummary } from '@app/contracts';
import { ACTIVE_RUN_STATUSES } from '@app/contracts';
import type { CosmosSettings } from '../../../config/app-config';
import { CampaignUpdate, IdempotencyRecord, InterruptScope, InterruptedRun, LeaseClaim, NewCampaign, NewCampaignRun, NewRun, RunLease, RunOutcome, RunRepository, TenantId } from '../../run.repository';
import { LeaseLostError, StoreConflictError, StoreError } from '../../store-errors';
import { interruptedEvents, runOfBatch } from '../../run-outcome';
import { createCosmosClient, ensureContainers } from './cosmos-setup';
import { ArtifactDoc, assertItemSize, CampaignDoc, campaignDocOf, queuedRunDoc, eventId, EventDoc, isValidId, MAX_BATCH_OPERATIONS, ReportDoc, RunDoc, RunRefDoc, toCampaign, toReport, toRun, toVersion, VersionDoc } from './cosmos-documents';
import { endOfRunOperations, executeBatch, strip } from './cosmos-batch';
import { CosmosCampaignHistory } from './cosmos-history';
import { claimIdempotencyKey, releaseIdempotencyKey } from './cosmos-idempotency';
import { readPage } from './cosmos-page-token';
import { etagOf, guard, queryIn, statusOf } from './cosmos-requests';

/** Times a write that lost an optimistic-concurrency race (412) is tried again with fresh state. */
const ETAG_RETRIES = 3;
/** Attempts of a lease renewal that keeps meeting the owner's own writes of the run's reference. */
const RENEW_RETRIES = 10;
const now = () => new Date().toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
/** A batch operation that rewrites the run's reference as it was read, refused (412) when it changed since. */
const fenceOf = (ref: RunRefDoc): OperationInput => ({ operationType: 'Replace', partitionKey: ref.runId, id: 'run', ifMatch: etagOf(ref), resourceBody: strip(ref) as never });

/**
 * The Cosmos DB (NoSQL) store. Queries are parameterised; campaign lists page with continuation
 * tokens; the campaign document's and the run document's etags guard the writes two writers could
 * race on (a stale write is retried on fresh state, or reported), and the end of a run is one
 * transactional batch in the campaign's partition.
 */
export class CosmosRunRepository extends RunRepository {
  private readonly history: CosmosCampaignHistory;

  private constructor(
    private readonly client: CosmosClient,
    private readonly campaigns: Container,
    private readonly events: Container,
  ) {
    super();
    this.history = new CosmosCampaignHistory(campaigns, (campaignId, runId) => this.runDoc(campaignId, runId));
  }

  /** Connects, creating the database and containers when missing. */
  static async connect(settings: CosmosSettings, client = createCosmosClient(settings)): Promise<CosmosRunRepository> {
    const { campaigns, events } = await ensureContainers(client, settings);
    return new CosmosRunRepository(client, campaigns, events);
  }

  async createCampaign(input: NewCampaign): Promise<Campaign> {
    const doc = campaignDocOf(input);
    const { resource } = await guard(() => this.campaigns.items.create(doc));
    return toCampaign(resource ?? doc);
  }

  /** Campaign and run are in the campaign's partition: one transactional batch creates both. */
  override async createCampaignRun({ run, lease, ...campaign }: NewCampaignRun): Promise<OrchestrationRun> {
    if (!isValidId(run.id)) throw new StoreError(`Run id ${JSON.stringify(run.id)} is not a valid Cosmos DB id`);
    const campaignDoc = campaignDocOf(campaign);
    const { campaignId, tenantId, createdAt } = campaignDoc;
    const doc = queuedRunDoc(tenantId, { ...run, campaignId }, createdAt);
    await this.claimRunId(tenantId, doc, lease);
    // When the batch fails, neither document was written: the run id is made free again.
    const outcome = await executeBatch(this.campaigns, campaignId, [
      { operationType: 'Create', partitionKey: campaignId, resourceBody: { ...campaignDoc, status: 'generating', activeRunId: run.id } as never },
      { operationType: 'Create', partitionKey: campaignId, resourceBody: doc as never },
    ]).catch(async (error: unknown) => {
      await this.releaseRunId(run.id);
      throw error;
    });
    if (outcome === 'ok') return toRun(doc);
    await this.releaseRunId(run.id);
    throw new StoreError(`Could not create campaign and run ${run.id}: ${outcome}`);
  }

  async getCampaign(tenantId: TenantId, campaignId: string): Promise<Campaign | undefined> {
    const doc = await this.campaignDoc(tenantId, campaignId);
    return doc && toCampaign(doc);
  }

  async getCampaignDetail(tenantId: TenantId, campaignId: string): Promise<CampaignDetail | undefined> {
    const doc = await this.campaignDoc(tenantId, campaignId);
    if (!doc) return undefined;
    const ids = Object.values(doc.activeVersionIds);
    const versions = ids.length === 0 ? [] : await this.query<VersionDoc>(this.campaigns, campaignId, 'SELECT * FROM c WHERE c.type = "artifactVersion" AND ARRAY_CONTAINS(@ids, c.id)', { '@ids': ids });
    const reports = ids.length === 0 ? [] : await this.query<ReportDoc>(this.campaigns, campaignId, 'SELECT * FROM c WHERE c.type = "auditReport" AND ARRAY_CONTAINS(@ids, c.versionId) ORDER BY c.report.createdAt', { '@ids': ids });
    return {
      campaign: toCampaign(doc),
      activeArtifacts: Object.fromEntries(versions.map((v) => [v.artifactType, toVersion(v)])),
      latestAudit: Object.fromEntries(reports.map((r) => [r.report.artifactType, toReport(r)])),
    };
  }

  async listCampaigns(tenantId: TenantId, page: number, pageSize: number, continuationToken?: string): Promise<Page<Campaign>> {
    const filter = 'c.type = "campaign" AND c.tenantId = @tenant AND c.isDeleted = false';
    const spec: SqlQuerySpec = { query: `SELECT * FROM c WHERE ${filter} ORDER BY c.createdSeq DESC`, parameters: [{ name: '@tenant', value: tenantId }] };
    const count: SqlQuerySpec = { query: `SELECT VALUE COUNT(1) FROM c WHERE ${filter}`, parameters: spec.parameters };
    const found = await readPage<CampaignDoc>(this.campaigns, spec, count, page, pageSize, continuationToken);
    return { ...found, items: found.items.map(toCampaign) };
  }

  async createRun({ tenantId, run, lease }: NewRun): Promise<OrchestrationRun> {
    if (!isValidId(run.id)) throw new StoreError(`Run id ${JSON.stringify(run.id)} is not a valid Cosmos DB id`);
    for (let attempt = 1; ; attempt++) {
      const campaign = await this.campaignDoc(tenantId, run.campaignId);
      if (!campaign) throw new StoreConflictError('CAMPAIGN_NOT_FOUND', `Campaign ${run.campaignId} not found`);
      if (campaign.activeRunId) {
        const active = await this.runDoc(run.campaignId, campaign.activeRunId);
        if (active && ACTIVE_RUN_STATUSES.includes(active.status)) throw new StoreConflictError('RUN_ACTIVE', `Campaign ${run.campaignId} already has an active run (${active.id})`);
      }
      const at = now();
      const doc = queuedRunDoc(tenantId, run, at);
      if (attempt === 1) await this.claimRunId(tenantId, run, lease);
      const etag = (campaign as CampaignDoc & { _etag: string })._etag;
      const fresh = strip(campaign);
      const batch: OperationInput[] = [
        { operationType: 'Replace', partitionKey: run.campaignId, id: campaign.id, ifMatch: etag, resourceBody: { ...fresh, status: 'generating', activeRunId: run.id, updatedAt: at } as never },
        { operationType: 'Create', partitionKey: run.campaignId, resourceBody: doc as never },
      ];
      const outcome = await executeBatch(this.campaigns, run.campaignId, batch);
      if (outcome === 'ok') return toRun(doc);
      if (outcome !== 'stale' || attempt >= ETAG_RETRIES) {
        await this.releaseRunId(run.id);
        throw new StoreError(`Could not create run ${run.id}: the campaign kept changing`);
      }
    }
  }

  async getRun(tenantId: TenantId, runId: string): Promise<OrchestrationRun | undefined> {
    const ref = await this.runRef(tenantId, runId);
    const doc = ref && (await this.runDoc(ref.campaignId, runId));
    if (!doc) return undefined;
    return toRun(doc, doc.finishedAt ? doc.lastSeq : await this.maxSeq(runId));
  }

  async updateCampaign(tenantId: TenantId, campaignId: string, update: CampaignUpdate, ifMatch: string, change: Pick<CampaignChange, 'by' | 'action' | 'details'>): Promise<Campaign> {
    const campaign = await this.campaignDoc(tenantId, campaignId);
    if (!campaign) throw new StoreConflictError('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found`);
    return this.history.update(tenantId, campaign, update, ifMatch, change);
  }

  async listChanges(tenantId: TenantId, campaignId: string): Promise<CampaignChange[] | undefined> {
    return (await this.campaignDoc(tenantId, campaignId)) ? this.history.changes(campaignId) : undefined;
  }

  async listVersions(tenantId: TenantId, campaignId: string, type: ArtifactType, pageSize: number, continuationToken?: string): Promise<Page<VersionSummary> | undefined> {
    const campaign = await this.campaignDoc(tenantId, campaignId);
    return campaign && this.history.versions(campaign, type, pageSize, continuationToken);
  }

  async getVersion(tenantId: TenantId, campaignId: string, type: ArtifactType, versionNumber: number): Promise<VersionDetail | undefined> {
    const campaign = await this.campaignDoc(tenantId, campaignId);
    return campaign && this.history.version(campaign, type, versionNumber);
  }

  async countActiveRuns(tenantId: TenantId): Promise<number> {
    const spec: SqlQuerySpec = { query: 'SELECT VALUE COUNT(1) FROM c WHERE c.type = "run" AND c.tenantId = @tenant AND (c.status = "queued" OR c.status = "running")', parameters: [{ name: '@tenant', value: tenantId }] };
    const [count] = await guard(async () => (await this.campaigns.items.query<number>(spec).fetchAll()).resources);
    return count ?? 0;
  }

  claimIdempotencyKey(record: IdempotencyRecord, windowMs: number): Promise<IdempotencyRecord> {
    return claimIdempotencyKey(this.events, record, windowMs);
  }

  releaseIdempotencyKey(tenantId: TenantId, key: string, runId: string): Promise<void> {
    return releaseIdempotencyKey(this.events, tenantId, key, runId);
  }

  async getRunDetail(tenantId: TenantId, runId: string): Promise<RunDetail | undefined> {
    const run = await this.getRun(tenantId, runId);
    if (!run) return undefined;
    const versions = (await this.query<VersionDoc>(this.campaigns, run.campaignId, 'SELECT * FROM c WHERE c.type = "artifactVersion" AND c.runId = @run ORDER BY c.position', { '@run': runId })).map(toVersion);
    const reports = (await this.query<ReportDoc>(this.campaigns, run.campaignId, 'SELECT * FROM c WHERE c.type = "auditReport" AND c.runId = @run ORDER BY c.position', { '@run': runId })).map(toReport);
    return { ...run, artifacts: Object.fromEntries(versions.map((v) => [v.type, v])), versions, auditReports: reports };
  }

  async listRuns(tenantId: TenantId, campaignId: string): Promise<OrchestrationRun[]> {
    if (!isValidId(campaignId)) return [];
    const docs = await this.query<RunDoc>(this.campaigns, campaignId, 'SELECT * FROM c WHERE c.type = "run" AND c.tenantId = @tenant ORDER BY c.createdAt DESC', { '@tenant': tenantId });
    return docs.map((doc) => toRun(doc));
  }

  async claimRun(tenantId: TenantId, runId: string, { owner, leaseMs }: LeaseClaim): Promise<RunLease> {
    for (let attempt = 1; ; attempt++) {
      const ref = await this.runRef(tenantId, runId);
      if (!ref) throw new StoreConflictError('RUN_NOT_FOUND', `Run ${runId} not found`);
      if (ref.finished || (await this.runDoc(ref.campaignId, runId))?.finishedAt) throw new StoreConflictError('RUN_ALREADY_FINISHED', `Run ${runId} has already ended`);
      if (ref.owner && ref.owner !== owner && ref.leaseExpiresAt && ref.leaseExpiresAt >= now()) {
        throw new LeaseLostError(runId, `Run ${runId} is held by ${ref.owner} until ${ref.leaseExpiresAt}`);
      }
      const epoch = (ref.epoch ?? 0) + 1;
      if (await this.replaceRef(ref, { owner, epoch, leaseExpiresAt: later(leaseMs) })) return { runId, epoch };
      if (attempt >= ETAG_RETRIES) throw new LeaseLostError(runId, `Run ${runId} kept changing while it was claimed`);
    }
  }

  /**
   * A renewal races the owner's own event writes, which rewrite the run's reference too (a 412):
   * it reads the reference again and retries. A run still at the owner and epoch after every retry
   * is reported as held, not lost: it is (a node that did claim it would have raised the epoch),
   * and the next renewal extends it; were the lease to run out meanwhile, the epoch fences the
   * owner's writes anyway.
   */
  async renewLeases(owner: string, leases: readonly RunLease[], leaseMs: number): Promise<string[]> {
    const renewed: string[] = [];
    for (const { runId, epoch } of leases) {
      for (let attempt = 1; ; attempt++) {
        const ref = await this.refOf(runId);
        if (!ref || ref.finished || ref.owner !== owner || ref.epoch !== epoch) break;
        if ((await this.replaceRef(ref, { leaseExpiresAt: later(leaseMs) })) || attempt >= RENEW_RETRIES) {
          renewed.push(runId);
          break;
        }
      }
    }
    return renewed;
  }

  /**
   * With `epoch`, each write is a transactional batch that also rewrites the run's reference on
   * the etag it was checked at: when another node has claimed the run meanwhile, nothing of it is
   * written (a 412), and the check is made again on the fresh reference.
   */
  async appendEvents(tenantId: TenantId, events: readonly OrchestrationEvent[], epoch?: number): Promise<void> {
    const runId = runOfBatch(events);
    if (runId === undefined) return;
    const docs = events.map((event): EventDoc => ({ id: eventId(event.seq), runId, type: 'event', tenantId, seq: event.seq, event }));
    docs.forEach((doc) => assertItemSize(doc, 'event'));
    const duplicate = () => new StoreConflictError('STORE_ERROR', `Run ${runId} already has an event with one of the seqs ${events.map((e) => e.seq).join(', ')}`);
    let ref: RunRefDoc | undefined;
    for (let attempt = 1; ; attempt++) {
      ref = await this.runRef(tenantId, runId);
      if (!ref) throw new StoreConflictError('RUN_NOT_FOUND', `Run ${runId} not found`);
      if (ref.finished) throw new StoreConflictError('RUN_ALREADY_FINISHED', `Run ${runId} has already ended`);
      if (epoch !== undefined && ref.epoch !== epoch) throw new LeaseLostError(runId, `Run ${runId} is at epoch ${ref.epoch} (held by ${ref.owner}); a write of epoch ${epoch} is refused`);
      // Without a fence and with one event: a plain create. Else a transactional batch in the run's partition per 100 operations.
      if (epoch === undefined && docs.length === 1) {
        await guard(() => this.events.items.create(docs[0]), { 409: duplicate });
        break;
      }
      const creates = docs.map((doc): OperationInput => ({ operationType: 'Create', partitionKey: runId, resourceBody: doc as never }));
      const size = MAX_BATCH_OPERATIONS - (epoch === undefined ? 0 : 1);
      let outcome = 'ok';
      let checked: RunRefDoc = ref;
      for (let start = 0; outcome === 'ok' && start < creates.length; start += size) {
        const fence = epoch === undefined ? [] : [fenceOf(checked)];
        outcome = await executeBatch(this.events, runId, [...fence, ...creates.slice(start, start + size)]);
        // The fence rewrote the reference: the next batch of the same write checks its new etag.
        if (outcome === 'ok' && fence.length > 0 && start + size < creates.length) checked = (await this.refOf(runId)) ?? checked;
      }
      if (outcome === 'ok') break;
      if (outcome === 'status 409') throw duplicate();
      if (outcome !== 'stale' || attempt >= ETAG_RETRIES) throw new StoreError(`The events of run ${runId} could not be written (${outcome})`);
    }
    if (events.some((event) => event.state !== 'Queued') && !ref.running) {
      const campaignId = ref.campaignId;
      await guard(() => this.campaigns.item(runId, campaignId).patch([{ op: 'set', path: '/status', value: 'running' }, { op: 'set', path: '/updatedAt', value: now() }]));
      await guard(() => this.events.item('run', runId).patch([{ op: 'set', path: '/running', value: true }]));
    }
  }

  async listEvents(tenantId: TenantId, runId: string, afterSeq: number): Promise<OrchestrationEvent[]> {
    const ref = await this.runRef(tenantId, runId);
    if (!ref) return [];
    const docs = await this.query<EventDoc>(this.events, runId, 'SELECT * FROM c WHERE c.type = "event" AND c.seq > @after ORDER BY c.seq', { '@after': afterSeq });
    const events = docs.map((d) => d.event);
    // The run's end is stored in its batch first; its terminal event may not have reached this container.
    const terminal = (await this.runDoc(ref.campaignId, runId))?.terminalEvent;
    if (terminal && terminal.seq > Math.max(afterSeq, events.at(-1)?.seq ?? 0)) events.push(terminal);
    return events;
  }

  /** The epoch is checked on the run's reference before the end's batch (which lives in the campaign's partition, not the reference's). */
  async finishRun({ tenantId, result, terminalEvent, epoch, activate }: RunOutcome): Promise<void> {
    const ref = await this.runRef(tenantId, result.runId);
    if (!ref) throw new StoreConflictError('RUN_NOT_FOUND', `Run ${result.runId} not found`);
    if (epoch !== undefined && ref.epoch !== epoch) throw new LeaseLostError(result.runId, `Run ${result.runId} is at epoch ${ref.epoch}; the end written at epoch ${epoch} is refused`);
    if (ref.campaignId !== result.campaignId) throw new StoreError(`Run ${result.runId} belongs to campaign ${ref.campaignId}, not ${result.campaignId}`);
    for (let attempt = 1; ; attempt++) {
      const run = await this.runDoc(ref.campaignId, result.runId);
      if (!run) throw new StoreConflictError('RUN_NOT_FOUND', `Run ${result.runId} not found`);
      if (run.finishedAt) throw new StoreConflictError('RUN_ALREADY_FINISHED', `Run ${result.runId} has already ended`);
      const campaign = (await this.campaignDoc(tenantId, ref.campaignId))!;
      const artifacts = await this.query<ArtifactDoc>(this.campaigns, ref.campaignId, 'SELECT * FROM c WHERE c.type = "artifact"', {});
      const operations = endOfRunOperations({ tenantId, result, terminalEvent, run, campaign, artifacts, activate });
      const outcome = await executeBatch(this.campaigns, ref.campaignId, operations);
      if (outcome === 'ok') break;
      if (outcome !== 'stale' || attempt >= ETAG_RETRIES) throw new StoreError(`The end of run ${result.runId} could not be written (${outcome})`);
    }
    await this.afterEnd(ref, [terminalEvent]);
  }

  async failInterruptedRuns(message: string, { runId }: InterruptScope = {}): Promise<InterruptedRun[]> {
    const filter = `c.type = "run" AND (c.status = "queued" OR c.status = "running")${runId ? ' AND c.id = @run' : ''}`;
    const runs = await guard(async () => (await this.campaigns.items.query<RunDoc>({ query: `SELECT * FROM c WHERE ${filter}`, parameters: runId ? [{ name: '@run', value: runId }] : [] }).fetchAll()).resources);
    const ended: InterruptedRun[] = [];
    const at = now();
    for (const stale of runs) {
      const ref = await this.refOf(stale.id);
      // A run that a live node holds is not interrupted.
      if (!runId && ref?.owner && ref.leaseExpiresAt && ref.leaseExpiresAt >= at) continue;
      const run = { ...stale, lastSeq: await this.maxSeq(stale.id) };
      const events = interruptedEvents(run, message);
      const doc: RunDoc = {
        ...strip(run), status: 'failed', resultStatus: 'failed', finishedAt: at, updatedAt: at, lastSeq: events[events.length - 1].seq,
        errors: [...run.errors, { code: 'RUN_INTERRUPTED', message, timestamp: at }], terminalEvent: events[events.length - 1],
      };
      const campaign = await this.campaignDoc(run.tenantId, run.campaignId);
      const operations: OperationInput[] = [{ operationType: 'Replace', partitionKey: run.campaignId, id: run.id, ifMatch: (stale as { _etag?: string })._etag, resourceBody: doc as never }];
      if (campaign) operations.push({ operationType: 'Replace', partitionKey: run.campaignId, id: campaign.id, ifMatch: (campaign as { _etag?: string })._etag, resourceBody: { ...strip(campaign), status: 'failed', activeRunId: null, updatedAt: at } as never });
      if ((await executeBatch(this.campaigns, run.campaignId, operations)) !== 'ok') continue;
      await this.afterEnd({ id: 'run', runId: run.id, type: 'runRef', tenantId: run.tenantId, campaignId: run.campaignId, running: true, finished: false, ttl: -1 }, events);
      ended.push({ run: toRun(doc), terminalEvent: events[events.length - 1] });
    }
    return ended;
  }

  async ping(): Promise<void> {
    await guard(() => this.campaigns.read());
  }

  async close(): Promise<void> {
    this.client.dispose();
  }

  /** Copies a run's final events to the events container and marks its reference finished. The batch already made the end durable. */
  private async afterEnd(ref: RunRefDoc, events: OrchestrationEvent[]): Promise<void> {
    for (const event of events) {
      const doc: EventDoc = { id: eventId(event.seq), runId: ref.runId, type: 'event', tenantId: ref.tenantId, seq: event.seq, event };
      await this.events.items.create(doc).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      }).catch(() => undefined);
    }
    await this.events.item('run', ref.runId).patch([{ op: 'set', path: '/finished', value: true }]).catch(() => undefined);
  }

  /** Replaces the run's reference with `changes` on the etag it was read at; false when it changed meanwhile (412). */
  private async replaceRef(ref: RunRefDoc, changes: Partial<RunRefDoc>): Promise<boolean> {
    try {
      await this.events.item('run', ref.runId).replace({ ...strip(ref), ...changes }, { accessCondition: { type: 'IfMatch', condition: etagOf(ref) } });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      return guard(() => Promise.reject(error));
    }
  }

  /** The run's reference whatever its tenant (leases are the nodes' business, not a tenant's). */
  private async refOf(runId: string): Promise<RunRefDoc | undefined> {
    if (!isValidId(runId)) return undefined;
    const { resource } = await guard(() => this.events.item('run', runId).read<RunRefDoc>());
    return resource;
  }

  private async campaignDoc(tenantId: TenantId, campaignId: string): Promise<CampaignDoc | undefined> {
    if (!isValidId(campaignId)) return undefined;
    const { resource } = await guard(() => this.campaigns.item(campaignId, campaignId).read<CampaignDoc>());
    return resource && resource.type === 'campaign' && resource.tenantId === tenantId && !resource.isDeleted ? resource : undefined;
  }

  private async runDoc(campaignId: string, runId: string): Promise<RunDoc | undefined> {
    const { resource } = await guard(() => this.campaigns.item(runId, campaignId).read<RunDoc>());
    return resource?.type === 'run' ? resource : undefined;
  }

  /** Creates the run's reference, which reserves its id. @throws StoreConflictError STORE_ERROR when the id is taken. */
  private async claimRunId(tenantId: TenantId, run: NewRun['run'], lease?: LeaseClaim): Promise<void> {
    const ref: RunRefDoc = { id: 'run', runId: run.id, type: 'runRef', tenantId, campaignId: run.campaignId, running: false, finished: false, ttl: -1 };
    if (lease) Object.assign(ref, { owner: lease.owner, epoch: 1, leaseExpiresAt: later(lease.leaseMs) });
    await guard(() => this.events.items.create(ref), { 409: () => new StoreConflictError('STORE_ERROR', `Run id ${run.id} is already in use`) });
  }

  /** Deletes the reference of a run that was not created, freeing its id. */
  private async releaseRunId(runId: string): Promise<void> {
    await this.events.item('run', runId).delete().catch(() => undefined);
  }

  private async runRef(tenantId: TenantId, runId: string): Promise<RunRefDoc | undefined> {
    if (!isValidId(runId)) return undefined;
    const { resource } = await guard(() => this.events.item('run', runId).read<RunRefDoc>());
    return resource && resource.tenantId === tenantId ? resource : undefined;
  }

  private async maxSeq(runId: string): Promise<number> {
    const [max] = await this.query<number | null>(this.events, runId, 'SELECT VALUE MAX(c.seq) FROM c WHERE c.type = "event"', {});
    return max ?? 0;
  }

  private query<T>(container: Container, partitionKey: string, query: string, parameters: Record<string, unknown>): Promise<T[]> {
    return queryIn<T>(container, container === this.events ? 'runId' : 'campaignId', partitionKey, query, parameters);
  }
}
