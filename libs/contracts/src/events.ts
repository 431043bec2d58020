import type { AgentType, ArtifactContentMap, ArtifactType } from './agents';
import type { AuditReport, AuditVerdict } from './audit';
import type { ExecutionMode, Platform } from './brief';
import type { ErrorCode } from './errors';
import type { Activation, OrchestrationResultStatus } from './orchestration';

/** Every state a run passes through, as carried by its events. */
export const ORCHESTRATION_STATES = [
  'Queued',
  'GeneratingCopy',
  'GeneratingShortCopy',
  'GeneratingVisual',
  'GenerationComplete',
  'Auditing',
  'Resumed',
  'Completed',
  'PartiallyCompleted',
  'Failed',
  'Cancelled',
] as const;

/** One state of a run. */
export type OrchestrationState = (typeof ORCHESTRATION_STATES)[number];

/** The states that end a run; every run emits exactly one of them, last. */
export const TERMINAL_STATES = ['Completed', 'PartiallyCompleted', 'Failed', 'Cancelled'] as const;

/** A state that ends a run. */
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** Where an agent step stands. */
export type EventPhase = 'started' | 'completed' | 'failed';

/**
 * One state transition of a run: the envelope every client, the store and the logs see.
 * `seq` is 1, 2, 3… per run with no gaps, for ordering, resuming and de-duplication.
 */
export interface OrchestrationEvent {
  /** Globally unique id of this event. */
  eventId: string;
  runId: string;
  campaignId: string;
  /** Position in the run's stream, from 1, without gaps. */
  seq: number;
  state: OrchestrationState;
  /** The agent the event is about, for agent steps. */
  agentType?: AgentType;
  /** Whether the agent step started, completed or failed. */
  phase?: EventPhase;
  /** Compliance-loop round: 1 for the first generation, 2+ for regenerations. */
  attempt: number;
  /** Human-readable summary. */
  message: string;
  /** ISO-8601 time the event was created. */
  timestamp: string;
  /** Details: verdicts, durations, error codes, result status. */
  metadata?: Record<string, unknown>;
}

/** `metadata` of `Queued`: how the run was asked for. */
export interface QueuedMetadata {
  executionMode: ExecutionMode;
  selectedPlatforms: Platform[];
  /** A regeneration of one artifact: what it regenerates and from which version. */
  regeneration?: { artifactType: ArtifactType; platforms?: Platform[]; activate: Activation; baseVersionId?: string };
}

/** `metadata` of a generator's `completed` event: the new artifact version, so a client can show it at once. */
export interface GeneratedMetadata {
  durationMs: number;
  content: ArtifactContentMap[ArtifactType];
}

/** `metadata` of an agent's `failed` event (an audit's names the artifacts it judged). */
export interface AgentFailedMetadata {
  code: ErrorCode;
  artifactTypes?: ArtifactType[];
}

/** `metadata` of `GenerationComplete`. */
export interface GenerationCompleteMetadata {
  produced: ArtifactType[];
  failed: ArtifactType[];
}

/** `metadata` of the audit's `started` event. */
export interface AuditStartedMetadata {
  artifactTypes: ArtifactType[];
}

/** `metadata` of the audit's `completed` event: the verdicts and the full reports. */
export interface AuditCompletedMetadata {
  artifactTypes: ArtifactType[];
  verdicts: Partial<Record<ArtifactType, { verdict: AuditVerdict; score: number }>>;
  reports: AuditReport[];
  durationMs: number;
}

/** `metadata` of `Resumed` (scale-out): the last stored seq and the new owner's lease epoch. */
export interface ResumedMetadata {
  afterSeq: number;
  epoch: number;
}

/** `metadata` of the terminal events. */
export interface RunEndMetadata {
  resultStatus: OrchestrationResultStatus;
  /** The artifact types the run produced. */
  artifacts: ArtifactType[];
  errorCodes: ErrorCode[];
  totalMs: number;
}

/** True for the four states that end a run. */
export function isTerminalState(state: OrchestrationState): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}
