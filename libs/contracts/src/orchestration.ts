import type { ArtifactContentMap, ArtifactType, AgentType } from './agents';
import type { AuditReport, AuditVerdict } from './audit';
import type { CampaignBrief, ExecutionMode, Platform } from './brief';
import type { OrchestrationError } from './errors';

/** What a run is asked to do. */
export interface OrchestrationRequest {
  /** The campaign the run belongs to. */
  campaignId: string;
  /** The run's id; generated when absent. */
  runId?: string;
  brief: CampaignBrief;
  /** Defaults to `parallel`. */
  executionMode?: ExecutionMode;
  /** At least one platform for the short copy. */
  selectedPlatforms: Platform[];
}

/** How a run ended: success (all artifacts, all usable), partialSuccess, failed (none) or cancelled. */
export type OrchestrationResultStatus = 'success' | 'partialSuccess' | 'failed' | 'cancelled';

/** The last version of one artifact produced by a run. */
export interface GeneratedArtifact<T extends ArtifactType = ArtifactType> {
  type: T;
  /** Version number within the run: 1 for the first generation, 2+ for regenerations. */
  attempt: number;
  content: ArtifactContentMap[T];
  /** Verdict of the audit of this version, or `unaudited` when the run ended before it. */
  auditVerdict: AuditVerdict | 'unaudited';
  /** True when the compliance loop gave up with this version still failing its audit. */
  failedAudit: boolean;
  /** ISO-8601 time the version was generated. */
  createdAt: string;
}

/** The artifacts a run produced; an artifact whose agent failed is absent. */
export interface GeneratedArtifactBundle {
  copy?: GeneratedArtifact<'copy'>;
  shortCopy?: GeneratedArtifact<'shortCopy'>;
  visualConcept?: GeneratedArtifact<'visualConcept'>;
}

/** Timings of a run, in milliseconds. */
export interface OrchestrationMetrics {
  /** From start to the terminal event. */
  totalMs: number;
  /** From start to the first artifact generated; absent when none was. */
  timeToFirstArtifactMs?: number;
  /** Wall time spent generating (all rounds). */
  generationMs: number;
  /** Wall time spent auditing (all rounds). */
  auditMs: number;
  /** Summed execution time per agent across attempts. */
  agentMs: Partial<Record<AgentType, number>>;
  /** Generations per artifact (1 = no regeneration). */
  attempts: Partial<Record<ArtifactType, number>>;
  /** LLM tokens used by the run. */
  tokens: { prompt: number; completion: number; total: number };
}

/** The outcome of a run: what it produced, what the audit said, what went wrong, how long it took. */
export interface OrchestrationResult {
  runId: string;
  campaignId: string;
  executionMode: ExecutionMode;
  status: OrchestrationResultStatus;
  artifacts: GeneratedArtifactBundle;
  /** Every version the run generated, in generation order (all attempts). */
  versions: GeneratedArtifact[];
  /** Every audit report of the run, in the order they were made (all attempts). */
  auditReports: AuditReport[];
  errors: OrchestrationError[];
  metrics: OrchestrationMetrics;
  /** ISO-8601 start and end times. */
  startedAt: string;
  finishedAt: string;
}
