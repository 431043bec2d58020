import type { ArtifactContentMap, ArtifactType, AgentType } from './agents';
import type { AuditFlag, AuditRecommendation } from './audit';
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
  /** Regenerate one artifact, as an editor asked, instead of generating all three. */
  regeneration?: RegenerationRequest;
}

/** When the version a regeneration makes becomes the campaign's active one. */
export const ACTIVATIONS = ['unlessFailed', 'always', 'never'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * A run of one generator on an editor's instructions: it gets the brief, the artifact's current
 * version (`base`) with its audit findings, and the instructions; then the audit and the
 * compliance loop as usual. It makes the artifact's next version.
 */
export interface RegenerationRequest {
  artifactType: ArtifactType;
  /** The editor's free-text instructions, 1–4,000 characters. */
  instructions: string;
  /** Short copy: the platforms to rewrite; the others keep their posts from `base`. Default: all of `selectedPlatforms`. */
  platforms?: Platform[];
  /** `unlessFailed` (default): the new version becomes active unless its verdict is `fail`. */
  activate?: Activation;
  /** The version regenerated (the campaign's active one when the run was asked for), when there is one. */
  base?: {
    versionId: string;
    versionNumber: number;
    content: ArtifactContentMap[ArtifactType];
    /** Its latest audit's findings. */
    feedback?: { verdict: AuditVerdict; weightedScore: number; flags: AuditFlag[]; recommendations: AuditRecommendation[] };
  };
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
