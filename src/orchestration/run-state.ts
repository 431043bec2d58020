import type {
  AgentType,
  ArtifactContentMap,
  ArtifactType,
  AuditReport,
  ExecutionMode,
  GeneratedArtifact,
  GeneratedArtifactBundle,
  OrchestrationError,
  OrchestrationResult,
  OrchestrationResultStatus,
  TerminalState,
} from '@app/contracts';
import { ARTIFACT_TYPES } from '@app/contracts';
import type { LlmUsage } from '../llm/llm-client';

/** Terminal event state of each result status. */
export const TERMINAL_STATE_OF: Record<OrchestrationResultStatus, TerminalState> = {
  success: 'Completed',
  partialSuccess: 'PartiallyCompleted',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * What a run has produced and measured so far: the latest version of each artifact, every audit
 * report, every error, timings and token usage. Turned into the `OrchestrationResult` at the end.
 */
export class RunState {
  /** Wall time counts from here: now, or when the run started on the node it was taken over from. */
  private readonly startMs: number;
  readonly artifacts: GeneratedArtifactBundle = {};
  readonly versions: GeneratedArtifact[] = [];
  readonly auditReports: AuditReport[] = [];
  readonly errors: OrchestrationError[] = [];
  readonly attempts: Partial<Record<ArtifactType, number>> = {};
  private readonly agentMs: Partial<Record<AgentType, number>> = {};
  private readonly tokens = { prompt: 0, completion: 0, total: 0 };
  private timeToFirstArtifactMs?: number;
  private generationMs = 0;
  private auditMs = 0;

  constructor(
    readonly runId: string,
    readonly campaignId: string,
    readonly executionMode: ExecutionMode,
    readonly startedAt = new Date(),
    /** The artifacts the run is to produce: all three, or the one a regeneration makes. */
    readonly expected: readonly ArtifactType[] = ARTIFACT_TYPES,
  ) {
    this.startMs = performance.now() - Math.max(0, Date.now() - startedAt.getTime());
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return performance.now() - this.startMs;
  }

  addArtifact<T extends ArtifactType>(type: T, attempt: number, content: ArtifactContentMap[T]): GeneratedArtifact<T> {
    const artifact: GeneratedArtifact<T> = { type, attempt, content, auditVerdict: 'unaudited', failedAudit: false, createdAt: new Date().toISOString() };
    (this.artifacts as Record<ArtifactType, GeneratedArtifact>)[type] = artifact;
    this.versions.push(artifact);
    this.timeToFirstArtifactMs ??= this.elapsed();
    return artifact;
  }

  artifact<T extends ArtifactType>(type: T): GeneratedArtifact<T> | undefined {
    return this.artifacts[type] as GeneratedArtifact<T> | undefined;
  }

  /** Stores audit reports and sets each artifact's verdict (when the report judged its latest version). */
  addReports(reports: AuditReport[]): void {
    for (const report of reports) {
      this.auditReports.push(report);
      const artifact = this.artifact(report.artifactType);
      if (artifact && artifact.attempt === report.attempt) artifact.auditVerdict = report.verdict;
    }
  }

  /** The latest report on the artifact's current version. */
  latestReport(type: ArtifactType): AuditReport | undefined {
    const attempt = this.artifact(type)?.attempt;
    return this.auditReports.findLast((r) => r.artifactType === type && r.attempt === attempt);
  }

  addError(error: Omit<OrchestrationError, 'timestamp'>): OrchestrationError {
    const recorded = { ...error, timestamp: new Date().toISOString() };
    this.errors.push(recorded);
    return recorded;
  }

  addAgentTime(agent: AgentType, ms: number, usage?: LlmUsage): void {
    this.agentMs[agent] = (this.agentMs[agent] ?? 0) + ms;
    if (usage) {
      this.tokens.prompt += usage.promptTokens;
      this.tokens.completion += usage.completionTokens;
      this.tokens.total += usage.totalTokens;
    }
  }

  addPhaseTime(phase: 'generation' | 'audit', ms: number): void {
    if (phase === 'generation') this.generationMs += ms;
    else this.auditMs += ms;
  }

  /** Result status: cancelled, failed (nothing produced), success (every expected artifact, usable, no error), or partialSuccess. */
  status(cancelled: boolean): OrchestrationResultStatus {
    if (cancelled) return 'cancelled';
    const produced = this.expected.map((t) => this.artifacts[t]).filter((a) => a !== undefined);
    if (produced.length === 0) return 'failed';
    const clean = produced.length === this.expected.length && this.errors.length === 0 && produced.every((a) => a.auditVerdict !== 'fail' && a.auditVerdict !== 'unaudited');
    return clean ? 'success' : 'partialSuccess';
  }

  /** Marks artifacts whose last version still fails its audit. */
  markFailedAudits(): void {
    for (const type of ARTIFACT_TYPES) {
      const artifact = this.artifacts[type];
      if (artifact) artifact.failedAudit = artifact.auditVerdict === 'fail';
    }
  }

  toResult(status: OrchestrationResultStatus): OrchestrationResult {
    return {
      runId: this.runId,
      campaignId: this.campaignId,
      executionMode: this.executionMode,
      status,
      artifacts: this.artifacts,
      versions: this.versions,
      auditReports: this.auditReports,
      errors: this.errors,
      metrics: {
        totalMs: round(this.elapsed()),
        ...(this.timeToFirstArtifactMs !== undefined ? { timeToFirstArtifactMs: round(this.timeToFirstArtifactMs) } : {}),
        generationMs: round(this.generationMs),
        auditMs: round(this.auditMs),
        agentMs: Object.fromEntries(Object.entries(this.agentMs).map(([k, v]) => [k, round(v)])),
        attempts: { ...this.attempts },
        tokens: { ...this.tokens },
      },
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
