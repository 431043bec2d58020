import type { ArtifactContentMap, ArtifactType } from './agents';
import type { AuditReport, AuditVerdict } from './audit';
import type { CampaignBrief, ExecutionMode, Platform } from './brief';
import type { OrchestrationError } from './errors';
import type { OrchestrationMetrics, OrchestrationResultStatus } from './orchestration';

/** Where a campaign stands, after its latest run. */
export type CampaignStatus = 'draft' | 'generating' | 'completed' | 'partiallyCompleted' | 'failed' | 'cancelled';

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
