import { randomUUID } from 'node:crypto';
import type {
  ArtifactType,
  CampaignStatus,
  OrchestrationEvent,
  OrchestrationResult,
  OrchestrationResultStatus,
  OrchestrationRun,
  RunStatus,
} from '@app/contracts';

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
 * the run produced, unless it still fails its audit.
 */
export function activatedTypes(result: OrchestrationResult): ArtifactType[] {
  return Object.values(result.artifacts)
    .filter((artifact) => artifact !== undefined && !artifact.failedAudit)
    .map((artifact) => artifact!.type);
}

/** The terminal `Failed` event appended to a run that a crash left unfinished. */
export function interruptedEvent(run: OrchestrationRun, message: string): OrchestrationEvent {
  return {
    eventId: randomUUID(),
    runId: run.id,
    campaignId: run.campaignId,
    seq: run.lastSeq + 1,
    state: 'Failed',
    attempt: 1,
    message,
    timestamp: new Date().toISOString(),
    metadata: { resultStatus: 'failed', errorCodes: ['RUN_INTERRUPTED'] },
  };
}
