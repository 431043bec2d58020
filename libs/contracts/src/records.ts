import type { ArtifactContentMap, ArtifactType } from './agents';
import type { AuditReport, AuditVerdict } from './audit';
import type { CampaignBrief, ExecutionMode, Platform } from './brief';
import type { OrchestrationError } from './errors';
import type { Activation, OrchestrationMetrics, OrchestrationResultStatus } from './orchestration';

/** Where a campaign stands: after its latest run, or `approved` by an editor (until its active versions or brief change). */
export type CampaignStatus = 'draft' | 'generating' | 'completed' | 'partiallyCompleted' | 'failed' | 'cancelled' | 'approved';

/** An editor's approval of a campaign's active versions. */
export interface CampaignApproval {
  at: string;
  /** The caller who approved (`Principal.subject`). */
  by: string;
  /** The active versions approved, by artifact type. */
  versionIds: Partial<Record<ArtifactType, string>>;
  /** Present when some active version had not passed its audit: why it was approved anyway. */
  override?: { reason: string };
}

/** A campaign: a named brief and the artifact versions currently in use. */
export interface Campaign {
  id: string;
  name: string;
  brief: CampaignBrief;
  status: CampaignStatus;
  /** Artifact type → id of the version in use. */
  activeVersionIds: Partial<Record<ArtifactType, string>>;
  isDeleted: boolean;
  createdAt: string;
  updatedAt: string;
  /** 1 for the first brief, one more with each change of it; every run and version records the one it was made from. */
  briefRevision: number;
  /** The approval in force (status `approved`); absent once an active version or the brief changed. */
  approval?: CampaignApproval;
  /** Opaque; changes with every change of the campaign (its `ETag`; send it back as `If-Match`). */
  etag: string;
}

/** Status of a run, from queued to its end. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'partiallyCompleted' | 'failed' | 'cancelled';

/** The run statuses that are not final. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running'];

/** One orchestration run as stored and served. */
export interface OrchestrationRun {
  id: string;
  campaignId: string;
  executionMode: ExecutionMode;
  selectedPlatforms: Platform[];
  status: RunStatus;
  /** Set when the run has ended. */
  resultStatus?: OrchestrationResultStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Generations per artifact. */
  attempts: Partial<Record<ArtifactType, number>>;
  errors: OrchestrationError[];
  metrics?: OrchestrationMetrics;
  /** Ids of the artifact versions the run produced, in generation order. */
  versionIds: string[];
  /** Highest event `seq` stored for the run. */
  lastSeq: number;
  /** The brief revision the run worked from. */
  briefRevision?: number;
  /** Who started the run (`Principal.subject`). */
  requestedBy?: string;
  /** A regeneration of one artifact: what the editor asked for. */
  regeneration?: RunRegeneration;
}

/** What a regeneration run was asked to do (its base version by id; the content is in the version). */
export interface RunRegeneration {
  artifactType: ArtifactType;
  instructions: string;
  platforms?: Platform[];
  activate: Activation;
  baseVersionId?: string;
}

/** One version in an artifact's history: the version without its content, with what made it. */
export interface VersionSummary {
  id: string;
  versionNumber: number;
  runId: string;
  attempt: number;
  auditVerdict: ArtifactVersion['auditVerdict'];
  failedAudit: boolean;
  /** The weighted score and the per-category scores of its latest audit, when it was audited. */
  weightedScore?: number;
  scores?: AuditReport['scores'];
  /** The editor's instructions that produced it (a regeneration), absent for a generation from the brief. */
  feedback?: string;
  /** Who asked for the run that made it. */
  requestedBy?: string;
  briefRevision?: number;
  /** True for the campaign's active version of the artifact. */
  active: boolean;
  createdAt: string;
}

/** One version in full: content and every audit report on it. */
export interface VersionDetail extends VersionSummary {
  content: ArtifactVersion['content'];
  auditReports: StoredAuditReport[];
}

/** A recorded change of a campaign by an editor. */
export interface CampaignChange {
  id: string;
  at: string;
  by: string;
  action: 'activate' | 'approve' | 'edit' | 'delete';
  /** What changed: `{ artifactType, from, to }` (activate), `{ override? }` (approve), `{ fields }` (edit). */
  details: Record<string, unknown>;
}

/** One stored version of an artifact; versions are append-only and numbered from 1 per campaign artifact. */
export interface ArtifactVersion<T extends ArtifactType = ArtifactType> {
  id: string;
  campaignId: string;
  runId: string;
  type: T;
  /** 1, 2, 3… per artifact of the campaign, across runs. */
  versionNumber: number;
  /** Generation attempt within its run. */
  attempt: number;
  content: ArtifactContentMap[T];
  auditVerdict: AuditVerdict | 'unaudited';
  failedAudit: boolean;
  createdAt: string;
}

/** An audit report as stored: linked to the version it judged. */
export interface StoredAuditReport extends AuditReport {
  id: string;
  campaignId: string;
  runId: string;
  versionId: string;
}

/** A campaign with the versions in use and their latest audits. */
export interface CampaignDetail {
  campaign: Campaign;
  activeArtifacts: Partial<Record<ArtifactType, ArtifactVersion>>;
  latestAudit: Partial<Record<ArtifactType, StoredAuditReport>>;
}

/** A run with what it produced: its latest version per artifact, every version and audit report. */
export interface RunDetail extends OrchestrationRun {
  artifacts: Partial<Record<ArtifactType, ArtifactVersion>>;
  versions: ArtifactVersion[];
  auditReports: StoredAuditReport[];
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
  /** Present when more items follow: pass it back to read the next page directly. */
  continuationToken?: string;
}
