import { randomUUID } from 'node:crypto';
import type {
  Activation,
  ArtifactType,
  CampaignApproval,
  CampaignStatus,
  OrchestrationEvent,
  OrchestrationResult,
  OrchestrationResultStatus,
  OrchestrationRun,
  QueuedMetadata,
  RunEndMetadata,
  RunStatus,
} from '@app/contracts';
import { ARTIFACT_TYPES } from '@app/contracts';
import { StoreError } from './store-errors';

/** Final run status of each result status (the campaign takes the same). */
export const FINAL_STATUS: Record<OrchestrationResultStatus, RunStatus & CampaignStatus> = {
  success: 'completed',
  partialSuccess: 'partiallyCompleted',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Key of a version within a run's result: its type and attempt. */
export const versionKey = (type: ArtifactType, attempt: number) => `${type}@${attempt}`;

/**
 * The artifact types whose latest version becomes the campaign's active version: every artifact
 * the run produced, unless it still fails its audit (`unlessFailed`); all of them (`always`); none (`never`).
 */
export function activatedTypes(result: OrchestrationResult, activate: Activation = 'unlessFailed'): ArtifactType[] {
  if (activate === 'never') return [];
  return Object.values(result.artifacts)
    .filter((artifact) => artifact !== undefined && (activate === 'always' || !artifact.failedAudit))
    .map((artifact) => artifact!.type);
}

/**
 * The campaign's status and approval once a run has ended: the run's status, and an approval
 * withdrawn when the run changed an active version; an approved campaign whose run activated
 * nothing stays approved.
 */
export function campaignAfterRun(approval: CampaignApproval | undefined, result: OrchestrationResult, activated: readonly ArtifactType[]): { status: CampaignStatus; approval?: CampaignApproval } {
  if (approval && activated.length === 0) return { status: 'approved', approval };
  return { status: FINAL_STATUS[result.status] };
}

/**
 * The events that end a run a crash left unfinished: its terminal `Failed` event, preceded by the
 * `Queued` event when not even that one was stored, so every stream starts with Queued at seq 1.
 * Their metadata is what every Queued and terminal event carries (docs/events.md): the run's mode
 * and platforms; the artifacts it had generated, the codes and the time from its creation.
 */
export function interruptedEvents(run: OrchestrationRun, message: string): OrchestrationEvent[] {
  const timestamp = new Date().toISOString();
  const base = { runId: run.id, campaignId: run.campaignId, attempt: 1, timestamp };
  const queuedMetadata: QueuedMetadata = { executionMode: run.executionMode, selectedPlatforms: [...run.selectedPlatforms] };
  const queued: OrchestrationEvent[] = run.lastSeq === 0 ? [{ ...base, eventId: randomUUID(), seq: 1, state: 'Queued', message: 'Run queued', metadata: { ...queuedMetadata } }] : [];
  const ended: RunEndMetadata = {
    resultStatus: 'failed',
    artifacts: ARTIFACT_TYPES.filter((type) => (run.attempts[type] ?? 0) > 0),
    errorCodes: ['RUN_INTERRUPTED'],
    totalMs: Math.max(0, Date.parse(timestamp) - Date.parse(run.createdAt)),
  };
  const failed: OrchestrationEvent = {
    ...base,
    eventId: randomUUID(),
    seq: run.lastSeq + queued.length + 1,
    state: 'Failed',
    message,
    metadata: { ...ended },
  };
  return [...queued, failed];
}

/**
 * The run of a batch given to `appendEvents`; undefined for an empty batch.
 * @throws StoreError when the batch mixes runs.
 */
export function runOfBatch(events: readonly OrchestrationEvent[]): string | undefined {
  const runId = events[0]?.runId;
  if (events.some((event) => event.runId !== runId)) throw new StoreError('appendEvents takes the events of one run');
  return runId;
}
