import type {
  AgentType,
  ArtifactContentMap,
  ArtifactType,
  AuditCategory,
  AuditFlag,
  AuditRecommendation,
  AuditReport,
  CampaignBrief,
  Platform,
} from '@app/contracts';
import type { LlmUsage } from '../llm/llm-client';

/** What the audit said about a previous version, handed to its regeneration. */
export interface AuditFeedback {
  verdict: AuditReport['verdict'];
  weightedScore: number;
  flags: AuditFlag[];
  recommendations: AuditRecommendation[];
}

/** Everything a generator needs for one attempt. */
export interface GenerationInput<T extends ArtifactType = ArtifactType> {
  brief: CampaignBrief;
  selectedPlatforms: Platform[];
  platformLimits: Record<Platform, number>;
  /** 1 for the first generation, 2+ for regenerations. */
  attempt: number;
  /** The version being regenerated, with the audit's findings on it. */
  previous?: { content: ArtifactContentMap[T]; feedback: AuditFeedback };
  /** Sequential mode: the approved long-form copy, for the short-copy agent to build on. */
  reference?: { copy?: ArtifactContentMap['copy'] };
  /**
   * An editor's free-text instructions for this artifact (a regeneration an editor asked for):
   * they apply to every attempt of the run, beside the audit's findings in `previous`.
   */
  instructions?: string;
}

/** One artifact version handed to the audit. */
export interface AuditSubject<T extends ArtifactType = ArtifactType> {
  type: T;
  attempt: number;
  content: ArtifactContentMap[T];
}

/** What the audit agent is asked to score. */
export interface AuditInput {
  brief: CampaignBrief;
  selectedPlatforms: Platform[];
  platformLimits: Record<Platform, number>;
  weights: Record<AuditCategory, number>;
  subjects: AuditSubject[];
}

/** Per-execution context: the run's identity, its abort signal and the agent's time budget. */
export interface AgentContext {
  runId: string;
  campaignId: string;
  /** Aborted on cancel, run timeout or agent timeout; reaches every LLM HTTP call. */
  signal: AbortSignal;
  /** Time left for this execution, in ms. */
  timeoutMs: number;
}

/** An agent's answer with the tokens it cost. */
export interface AgentOutcome<O> {
  output: O;
  usage: LlmUsage;
  /** LLM calls made, including repairs of invalid output. */
  calls: number;
}

/**
 * Port of every agent: takes a typed input and returns a validated output.
 * Rejects with `AgentError` (e.g. `INVALID_OUTPUT`, `LLM_UNAVAILABLE`) or, when the context's
 * signal aborts, with `LlmAbortedError`.
 */
export abstract class Agent<I, O> {
  abstract readonly type: AgentType;
  /** Runs the agent once (with at most two repairs of invalid output). */
  abstract execute(input: I, context: AgentContext): Promise<AgentOutcome<O>>;
}

/** A generator agent for artifact type `T`. */
export type GeneratorAgent<T extends ArtifactType> = Agent<GenerationInput<T>, ArtifactContentMap[T]>;

/** The audit agent: one report per subject, in the subjects' order. */
export type AuditAgentPort = Agent<AuditInput, AuditReport[]>;

/** The four agents of a run, as the orchestrator sees them. */
export abstract class AgentSet {
  abstract generator<T extends ArtifactType>(type: T): GeneratorAgent<T>;
  abstract readonly audit: AuditAgentPort;
}
