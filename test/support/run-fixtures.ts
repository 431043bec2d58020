import { randomUUID } from 'node:crypto';
import type {
  ArtifactContentMap,
  ArtifactType,
  AuditReport,
  AuditVerdict,
  CampaignBrief,
  GeneratedArtifact,
  GeneratedArtifactBundle,
  OrchestrationError,
  OrchestrationEvent,
  OrchestrationResult,
  OrchestrationResultStatus,
  OrchestrationRun,
  TerminalState,
} from '@app/contracts';
import type { NewCampaign, NewRun, RunOutcome, TenantId } from '../../src/persistence/run.repository';
import { aConcept, aCopy, aVariant, aVisual } from '../../src/agents/testing/fixtures';

/** Builders of the records a run stores: campaigns, runs, events and realistic run outcomes. */

export const STORE_BRIEF: CampaignBrief = {
  objective: 'Get commuters to try the new oat-milk cold brew in its launch month',
  targetAudience: 'Office workers aged 25–40 who buy coffee on the way to work',
  productDetails: 'Cold brew steeped for 18 hours, blended with oat milk, sold in 330 ml recyclable cans.',
  toneGuidelines: ['upbeat', 'concise'],
  brandPalette: ['#3E2723', '#FFF8E1'],
  constraints: { requiredKeywords: ['oat'], restrictedKeywords: ['cheap'], minWordCount: 200, maxWordCount: 400, contentRating: 'general' },
};

/** The terminal state that announces each result status. */
export const TERMINAL_STATE: Record<OrchestrationResultStatus, TerminalState> = {
  success: 'Completed',
  partialSuccess: 'PartiallyCompleted',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A version a run generated: which artifact, which attempt, what its audit said. */
export interface VersionSpec {
  type: ArtifactType;
  attempt: number;
  verdict: AuditVerdict | 'unaudited';
  /** The compliance loop gave up with this version still failing. */
  failedAudit?: boolean;
}

/** Copy, shortCopy (attempt 1 fails its audit, attempt 2 passes) and visualConcept: a success. */
export const REGENERATED: VersionSpec[] = [
  { type: 'copy', attempt: 1, verdict: 'pass' },
  { type: 'shortCopy', attempt: 1, verdict: 'fail' },
  { type: 'visualConcept', attempt: 1, verdict: 'conditional' },
  { type: 'shortCopy', attempt: 2, verdict: 'pass' },
];

/** Like REGENERATED, but shortCopy still fails at attempt 2: a partial success. */
export const STILL_FAILING: VersionSpec[] = [
  { type: 'copy', attempt: 1, verdict: 'pass' },
  { type: 'shortCopy', attempt: 1, verdict: 'fail' },
  { type: 'visualConcept', attempt: 1, verdict: 'pass' },
  { type: 'shortCopy', attempt: 2, verdict: 'fail', failedAudit: true },
];

export function newCampaign(tenantId: TenantId, name = 'Cold brew launch'): NewCampaign {
  return { tenantId, name, brief: STORE_BRIEF };
}

export function newRun(tenantId: TenantId, campaignId: string, id: string = randomUUID()): NewRun {
  return { tenantId, run: { id, campaignId, executionMode: 'sequential', selectedPlatforms: ['x', 'linkedin'] } };
}

type RunRef = Pick<OrchestrationRun, 'id' | 'campaignId'>;

export function runEvent(run: RunRef, seq: number, state: OrchestrationEvent['state'], extra: Partial<OrchestrationEvent> = {}): OrchestrationEvent {
  return {
    eventId: randomUUID(),
    runId: run.id,
    campaignId: run.campaignId,
    seq,
    state,
    attempt: 1,
    message: `${state} (${seq})`,
    timestamp: new Date().toISOString(),
    ...extra,
  };
}

/** The non-terminal events of a run up to its audit: seq 1 (Queued) to 6 (Auditing). */
export function progressEvents(run: RunRef): OrchestrationEvent[] {
  return [
    runEvent(run, 1, 'Queued'),
    runEvent(run, 2, 'GeneratingCopy', { agentType: 'copy', phase: 'started' }),
    runEvent(run, 3, 'GeneratingShortCopy', { agentType: 'shortCopy', phase: 'started' }),
    runEvent(run, 4, 'GeneratingVisual', { agentType: 'visualConcept', phase: 'completed', metadata: { durationMs: 812 } }),
    runEvent(run, 5, 'GenerationComplete'),
    runEvent(run, 6, 'Auditing', { agentType: 'audit', phase: 'started', metadata: { subjects: ['copy', 'shortCopy', 'visualConcept'] } }),
  ];
}

/** The agents' clean sample content of an artifact, marked with `label` so that every version's content differs. */
export function artifactContent<T extends ArtifactType>(type: T, label: string): ArtifactContentMap[T] {
  const copy = aCopy();
  const contents: ArtifactContentMap = {
    copy: aCopy({ headlines: [`${copy.headlines[0]} (${label})`, ...copy.headlines.slice(1)], toneNotes: `${copy.toneNotes} (${label})` }),
    shortCopy: { platforms: [{ platform: 'x', variants: [1, 2, 3].map((n) => aVariant({ text: `Fresh coffee #${n} ${label}` })) }] },
    visualConcept: aVisual([aConcept({ description: `${aConcept().description} (${label})` }), aConcept({ name: 'Everyday moment', description: `A kitchen table at dawn (${label})` })]),
  };
  return contents[type];
}

export function auditReport(type: ArtifactType, attempt: number, verdict: AuditVerdict): AuditReport {
  const score = verdict === 'pass' ? 88 : verdict === 'conditional' ? 72 : 41;
  const failing = verdict === 'fail';
  return {
    artifactType: type,
    attempt,
    scores: { toneConsistency: score, clarity: score, compliance: score, accessibility: score, risk: score },
    weightedScore: score,
    flags: failing ? [{ id: 'rule:restricted-keyword', category: 'compliance', severity: 'critical', description: 'Uses "cheap"', location: 'platforms[0].variants[0].text' }] : [],
    recommendations: failing ? [{ flagId: 'rule:restricted-keyword', text: 'Remove the word "cheap"', priority: 'high' }] : [],
    verdict,
    basis: 'rules+model',
    createdAt: new Date().toISOString(),
  };
}

/**
 * The result of a run that generated `specs` in that order: every version, an audit report per
 * audited version, the last version of each type as its artifact, metrics counting the attempts.
 */
export function buildResult(
  run: Pick<OrchestrationRun, 'id' | 'campaignId' | 'executionMode'>,
  status: OrchestrationResultStatus,
  specs: VersionSpec[],
  errors: OrchestrationError[] = [],
): OrchestrationResult {
  const startedAt = new Date(Date.now() - 5000).toISOString();
  const versions: GeneratedArtifact[] = specs.map((spec) => ({
    type: spec.type,
    attempt: spec.attempt,
    content: artifactContent(spec.type, `${run.id} ${spec.type}@${spec.attempt}`),
    auditVerdict: spec.verdict,
    failedAudit: spec.failedAudit ?? false,
    createdAt: new Date().toISOString(),
  }));
  const artifacts: GeneratedArtifactBundle = {};
  const attempts: Partial<Record<ArtifactType, number>> = {};
  for (const version of versions) {
    (artifacts as Record<string, GeneratedArtifact>)[version.type] = version;
    attempts[version.type] = Math.max(attempts[version.type] ?? 0, version.attempt);
  }
  return {
    runId: run.id,
    campaignId: run.campaignId,
    executionMode: run.executionMode,
    status,
    artifacts,
    versions,
    auditReports: specs.filter((s) => s.verdict !== 'unaudited').map((s) => auditReport(s.type, s.attempt, s.verdict as AuditVerdict)),
    errors,
    metrics: {
      totalMs: 4821,
      ...(versions.length > 0 ? { timeToFirstArtifactMs: 1200 } : {}),
      generationMs: 3100,
      auditMs: 1400,
      agentMs: { copy: 1100, shortCopy: 1500, visualConcept: 900, audit: 1400 },
      attempts,
      tokens: { prompt: 5400, completion: 2100, total: 7500 },
    },
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

/** The outcome that ends `result`'s run with its terminal event at `terminalSeq`. */
export function runOutcome(tenantId: TenantId, result: OrchestrationResult, terminalSeq: number): RunOutcome {
  const terminalEvent = runEvent({ id: result.runId, campaignId: result.campaignId }, terminalSeq, TERMINAL_STATE[result.status], {
    message: `Run ended: ${result.status}`,
    metadata: { resultStatus: result.status, errorCodes: result.errors.map((e) => e.code) },
  });
  return { tenantId, result, terminalEvent };
}

/** An agent error as a result carries it. */
export function agentError(agentType: NonNullable<OrchestrationError['agentType']>, code: OrchestrationError['code']): OrchestrationError {
  return { agentType, code, message: `${agentType} failed: ${code}`, timestamp: new Date().toISOString(), attempt: 1 };
}

/** A run-level error (no agent), such as a cancellation or the run's timeout. */
export function runError(code: OrchestrationError['code']): OrchestrationError {
  return { code, message: `Run ended: ${code}`, timestamp: new Date().toISOString() };
}
