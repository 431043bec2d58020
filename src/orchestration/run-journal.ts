import type { AgentType, ArtifactType, EventPhase, OrchestrationEvent, OrchestrationState } from '@app/contracts';

/** What identifies an event of a run, whatever its `seq` and time: the step it announces. */
export interface StepKey {
  state: OrchestrationState;
  agentType?: AgentType;
  phase?: EventPhase;
  attempt?: number;
  /** The artifacts an audit judges; the epoch of a takeover. */
  subject?: string;
}

const keyOf = ({ state, agentType, phase, attempt = 1, subject = '' }: StepKey) => `${state}|${agentType ?? ''}|${phase ?? ''}|${attempt}|${subject}`;

/** The subject of a stored event: the artifacts of an audit, the epoch of a takeover. */
function subjectOf(event: OrchestrationEvent): string | undefined {
  const metadata = event.metadata ?? {};
  if (event.state === 'Resumed') return String(metadata.epoch);
  return Array.isArray(metadata.artifactTypes) ? (metadata.artifactTypes as ArtifactType[]).join(',') : undefined;
}

/**
 * The stored events of a run that another node started, for the node that takes it over. The
 * engine runs the run's strategy again from the start; every step whose events are here is
 * replayed from them (an artifact from its `completed` event, an audit from its reports, an
 * agent error from its `failed` event) instead of calling the agent again, and its events are not
 * emitted again. The first step not here runs for real, and its events follow the last stored
 * `seq`. The strategies are deterministic given these outcomes, so the replay takes the same path.
 */
export class RunJournal {
  private readonly steps = new Map<string, OrchestrationEvent>();
  readonly lastSeq: number;
  /** When the run started (its `Queued` event). */
  readonly startedAt: Date;

  constructor(events: readonly OrchestrationEvent[]) {
    for (const event of events) {
      this.steps.set(keyOf({ state: event.state, agentType: event.agentType, phase: event.phase, attempt: event.attempt, subject: subjectOf(event) }), event);
    }
    this.lastSeq = events.reduce((max, event) => Math.max(max, event.seq), 0);
    this.startedAt = new Date(events[0]?.timestamp ?? Date.now());
  }

  /** The stored event of a step, if the run got that far. */
  find(step: StepKey): OrchestrationEvent | undefined {
    return this.steps.get(keyOf(step));
  }
}
