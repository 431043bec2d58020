import type {
  Activation,
  ArtifactType,
  Campaign,
  CampaignApproval,
  CampaignBrief,
  CampaignChange,
  CampaignStatus,
  CampaignDetail,
  OrchestrationEvent,
  OrchestrationResult,
  OrchestrationRun,
  Page,
  RunDetail,
  VersionDetail,
  VersionSummary,
} from '@app/contracts';

/** Who owns a record. Every read and write is scoped to one tenant. */
export type TenantId = string;

/** A campaign to create. */
export interface NewCampaign {
  tenantId: TenantId;
  name: string;
  brief: CampaignBrief;
  /** Its id when the caller chose it (an idempotent start names its campaign before it exists); default a new UUID. */
  id?: string;
}

/**
 * A start's idempotency key: the request it was first used with (its fingerprint) and the run and
 * campaign that start created. A repeat of the request within the window returns that run.
 */
export interface IdempotencyRecord {
  tenantId: TenantId;
  key: string;
  /** A hash of the first request's content. */
  fingerprint: string;
  runId: string;
  campaignId: string;
  /** ISO-8601; the record holds its key until `createdAt` + the window. */
  createdAt: string;
}

/** A node's claim on a run for `leaseMs` from now. */
export interface LeaseClaim {
  /** The node, unique per process start. */
  owner: string;
  leaseMs: number;
}

/**
 * A run's lease as its owner holds it. Every claim raises the run's epoch by one; a write that
 * carries an older epoch is refused (`LeaseLostError`), so a node that lost a run writes nothing
 * more for it.
 */
export interface RunLease {
  runId: string;
  epoch: number;
}

/** A run to create, queued; with `lease`, claimed by that node at once (epoch 1). */
export interface NewRun {
  tenantId: TenantId;
  run: Pick<OrchestrationRun, 'id' | 'campaignId' | 'executionMode' | 'selectedPlatforms'> & Partial<Pick<OrchestrationRun, 'briefRevision' | 'requestedBy' | 'regeneration'>>;
  lease?: LeaseClaim;
}

/** What an editor changes on a campaign (`updateCampaign`); absent fields stay as they are. */
export interface CampaignUpdate {
  name?: string;
  /** A new brief: the campaign's `briefRevision` goes up by one. */
  brief?: CampaignBrief;
  activeVersionIds?: Campaign['activeVersionIds'];
  status?: CampaignStatus;
  /** `null` withdraws the approval. */
  approval?: CampaignApproval | null;
  isDeleted?: true;
}

/** A campaign to create with its first run, queued. */
export interface NewCampaignRun extends NewCampaign {
  run: Omit<NewRun['run'], 'campaignId'>;
  lease?: LeaseClaim;
}

/** Which runs `failInterruptedRuns` may end. */
export interface InterruptScope {
  /** Only this run, whatever its lease. */
  runId?: string;
}

/** A run that `failInterruptedRuns` ended, and its terminal event. */
export interface InterruptedRun {
  run: OrchestrationRun;
  terminalEvent: OrchestrationEvent;
}

/** Everything that ends a run, written in one transaction. */
export interface RunOutcome {
  tenantId: TenantId;
  result: OrchestrationResult;
  /** The run's terminal event, stored with the outcome. */
  terminalEvent: OrchestrationEvent;
  /** The writer's epoch: refused when the run's lease has moved on. */
  epoch?: number;
  /** Which of the run's artifacts become active (`unlessFailed` by default: those not failing their audit). */
  activate?: Activation;
}

/**
 * Port of the store of campaigns, runs, artifacts, artifact versions, audit reports and run
 * events. Adapters: SQLite (embedded, default) and Cosmos DB. Every method is scoped to a tenant
 * where it reads or writes tenant data; a record of another tenant reads as absent.
 * Errors: `StoreConflictError` (RUN_ACTIVE, duplicate event), `StoreError` for anything else.
 */
export abstract class RunRepository {
  /** Creates a campaign in status `draft`. */
  abstract createCampaign(input: NewCampaign): Promise<Campaign>;

  abstract getCampaign(tenantId: TenantId, campaignId: string): Promise<Campaign | undefined>;

  /** The campaign with its active artifact versions and their latest audit reports. */
  abstract getCampaignDetail(tenantId: TenantId, campaignId: string): Promise<CampaignDetail | undefined>;

  /**
   * Campaigns newest first; `page` from 1. With the `continuationToken` of the previous page the
   * next page is read directly; the returned page carries a token when more follow.
   */
  abstract listCampaigns(tenantId: TenantId, page: number, pageSize: number, continuationToken?: string): Promise<Page<Campaign>>;

  /**
   * Creates a queued run and sets its campaign to `generating`, atomically.
   * @throws StoreConflictError with code RUN_ACTIVE when the campaign already has a queued or running run.
   */
  abstract createRun(input: NewRun): Promise<OrchestrationRun>;

  /**
   * Creates a campaign and its first run (queued; the campaign `generating`), as `createCampaign`
   * then `createRun` would, and returns the run (its `campaignId` is the new campaign's). Adapters
   * that can write both at once override it (SQLite: one write; Cosmos DB: one batch), so that
   * starting a run on a new brief costs one commit.
   */
  async createCampaignRun({ run, lease, ...campaign }: NewCampaignRun): Promise<OrchestrationRun> {
    const created = await this.createCampaign(campaign);
    return this.createRun({ tenantId: campaign.tenantId, run: { ...run, campaignId: created.id }, lease });
  }

  abstract getRun(tenantId: TenantId, runId: string): Promise<OrchestrationRun | undefined>;

  /** How many of the tenant's runs are queued or running, on every node (per-tenant limits). */
  abstract countActiveRuns(tenantId: TenantId): Promise<number>;

  /**
   * Stores `record` unless a record of its tenant and key created within the last `windowMs`
   * exists (an older one is replaced), atomically: of two concurrent claims of one key exactly
   * one stores its record. Returns the record that holds the key: `record` itself when it was stored.
   */
  abstract claimIdempotencyKey(record: IdempotencyRecord, windowMs: number): Promise<IdempotencyRecord>;

  /** Removes the record of the tenant's key when it still names `runId` (its start failed); else nothing. */
  abstract releaseIdempotencyKey(tenantId: TenantId, key: string, runId: string): Promise<void>;

  /** The run with the versions it produced and their audit reports. */
  abstract getRunDetail(tenantId: TenantId, runId: string): Promise<RunDetail | undefined>;

  /**
   * Applies `update` to the campaign when its etag is still `ifMatch` and records `change`, in one
   * write; returns the campaign after it (with its new etag).
   * @throws StoreConflictError CAMPAIGN_NOT_FOUND (also deleted, or another tenant's), PRECONDITION_FAILED (the etag moved on)
   */
  abstract updateCampaign(tenantId: TenantId, campaignId: string, update: CampaignUpdate, ifMatch: string, change: Pick<CampaignChange, 'by' | 'action' | 'details'>): Promise<Campaign>;

  /** The changes editors made to the campaign, newest first; undefined for an unknown campaign. */
  abstract listChanges(tenantId: TenantId, campaignId: string): Promise<CampaignChange[] | undefined>;

  /**
   * The versions of one artifact of the campaign, newest first, `pageSize` at a time (the
   * `continuationToken` of a page reads the next); undefined for an unknown campaign.
   */
  abstract listVersions(tenantId: TenantId, campaignId: string, type: ArtifactType, pageSize: number, continuationToken?: string): Promise<Page<VersionSummary> | undefined>;

  /** One version by its number, with its content and audit reports; undefined when the campaign or the version is unknown. */
  abstract getVersion(tenantId: TenantId, campaignId: string, type: ArtifactType, versionNumber: number): Promise<VersionDetail | undefined>;

  /** The campaign's runs, newest first. */
  abstract listRuns(tenantId: TenantId, campaignId: string): Promise<OrchestrationRun[]>;

  /**
   * Claims an active run for `claim.owner`: when nobody holds it, its lease has expired, or the
   * owner holds it already. Raises its epoch by one and sets the lease to `leaseMs` from now.
   * @throws LeaseLostError while another node's lease is live; StoreConflictError RUN_NOT_FOUND,
   * RUN_ALREADY_FINISHED.
   */
  abstract claimRun(tenantId: TenantId, runId: string, claim: LeaseClaim): Promise<RunLease>;

  /**
   * Extends `owner`'s leases of the given runs to `leaseMs` from now, in one write, where the
   * epoch still matches. Returns the ids of the runs it extended: the others are lost (taken over
   * or finished).
   */
  abstract renewLeases(owner: string, leases: readonly RunLease[], leaseMs: number): Promise<string[]>;

  /**
   * Gives `owner`'s leases of the given runs up (a node that hands its runs back on shutdown):
   * another node may claim them at once. Returns the ids of the runs it released.
   */
  releaseLeases(owner: string, leases: readonly RunLease[]): Promise<string[]> {
    // A lease that ended a moment ago: claimable now, on every adapter's clock comparison.
    return this.renewLeases(owner, leases, -1);
  }

  /**
   * Appends non-terminal events of one run in one write, all of them or none (Cosmos DB: per 100,
   * its batch limit); the run becomes `running` with its first agent event. An empty list is a no-op.
   * With `epoch`, refused when the run's epoch is another.
   * @throws StoreConflictError STORE_ERROR when the run already has an event with one of the `seq`s,
   * RUN_NOT_FOUND (also for another tenant's run), RUN_ALREADY_FINISHED; LeaseLostError.
   */
  abstract appendEvents(tenantId: TenantId, events: readonly OrchestrationEvent[], epoch?: number): Promise<void>;

  /** Events of a run with `seq > afterSeq`, in order. */
  abstract listEvents(tenantId: TenantId, runId: string, afterSeq: number): Promise<OrchestrationEvent[]>;

  /**
   * Ends a run in one transaction: its artifact versions (appended, numbered), its audit reports
   * linked to the versions they judged, the campaign's active versions and status, the run's
   * final status, errors and metrics, and its terminal event. All of it or nothing.
   * @throws LeaseLostError when `outcome.epoch` is given and the run's epoch is another.
   */
  abstract finishRun(outcome: RunOutcome): Promise<void>;

  /**
   * Marks the runs a crash left queued or running as failed with `RUN_INTERRUPTED` and appends
   * their terminal `Failed` event: every such run whose lease has expired or that has none, never
   * one a live node holds. With `runId`, only that run, whatever its lease. Returns the runs it
   * ended with their terminal events.
   */
  abstract failInterruptedRuns(message: string, scope?: InterruptScope): Promise<InterruptedRun[]>;

  /** Throws when the store cannot serve (readiness). */
  abstract ping(): Promise<void>;

  /** Flushes and releases the store. */
  abstract close(): Promise<void>;
}
