import { randomUUID } from 'node:crypto';
import type { Subject } from 'rxjs';
import type {
  AgentType,
  ArtifactType,
  AuditReport,
  EventPhase,
  GeneratedArtifact,
  OrchestrationError,
  OrchestrationEvent,
  OrchestrationState,
  ShortCopyOutput,
} from '@app/contracts';
import type { OrchestrationSettings } from '../config/app-config';
import { AgentContext, AgentOutcome, AgentSet, GenerationInput } from '../agents/agent';
import { AgentError } from '../agents/agent-errors';
import { isoTimestamp } from '../common/iso-timestamp';
import { countEvent } from '../telemetry/instruments';
import type { TransitionLog } from '../telemetry/run-log';
import { RunAbort } from './orchestration-errors';
import type { ValidRunRequest } from './validate-request';
import type { RunJournal } from './run-journal';
import { RunState } from './run-state';

/** Event state announcing each generator. */
export const GENERATING_STATE: Record<ArtifactType, OrchestrationState> = {
  copy: 'GeneratingCopy',
  shortCopy: 'GeneratingShortCopy',
  visualConcept: 'GeneratingVisual',
};

/** The subject that tells apart events of one step kind: the artifacts of an audit, the epoch of a takeover. */
function subjectOf(state: OrchestrationState, fields: EventFields): string | undefined {
  if (state === 'Resumed') return String(fields.metadata?.epoch);
  const types = fields.metadata?.artifactTypes;
  return Array.isArray(types) ? types.join(',') : undefined;
}

/**
 * Short copy rewritten for some platforms: the posts of the other platforms come from the version
 * it was made from, in that version's order, so the new version is complete.
 */
function keepOtherPlatforms<C>(output: C, base: unknown): C {
  const fresh = (output as ShortCopyOutput).platforms;
  const kept = (base as ShortCopyOutput | undefined)?.platforms ?? [];
  if (!Array.isArray(fresh)) return output;
  const byPlatform = new Map(fresh.map((posts) => [posts.platform, posts]));
  const merged = kept.map((posts) => byPlatform.get(posts.platform) ?? posts);
  for (const posts of fresh) if (!kept.some((k) => k.platform === posts.platform)) merged.push(posts);
  return { ...output, platforms: merged };
}

/** Optional extras of an event. */
interface EventFields {
  agentType?: AgentType;
  phase?: EventPhase;
  attempt?: number;
  metadata?: Record<string, unknown>;
}

/**
 * One run in progress: numbers and publishes its events, and runs agents with the run's signal,
 * per-agent timeouts and error isolation. Strategies drive it; once `close()` is called (terminal
 * event), nothing more is emitted or recorded, so late answers of aborted calls are dropped.
 */
export class RunContext {
  readonly state: RunState;
  private seq = 0;
  private closed = false;
  /** Releases the timers and listeners of agents still in flight when the run closes. */
  private readonly releases = new Set<() => void>();

  constructor(
    readonly request: ValidRunRequest & { runId: string },
    readonly settings: OrchestrationSettings,
    private readonly agents: AgentSet,
    private readonly events: Subject<OrchestrationEvent>,
    /** Aborted on cancel or run timeout. */
    readonly signal: AbortSignal,
    /** Logs each state transition, with the run's ids. */
    private readonly log: TransitionLog,
    /** A run taken over: the events stored so far, replayed instead of done again. */
    private readonly journal?: RunJournal,
  ) {
    this.state = new RunState(request.runId, request.campaignId, request.executionMode, journal?.startedAt, request.regeneration ? [request.regeneration.artifactType] : undefined);
    this.seq = journal?.lastSeq ?? 0;
  }

  /** True once the run was aborted or closed: no agent may start any more. */
  get stopped(): boolean {
    return this.closed || this.signal.aborted;
  }

  /** Publishes the next event of the run, unless the run is closed or (taken over) the event is stored already. */
  emit(state: OrchestrationState, message: string, fields: EventFields = {}): OrchestrationEvent | undefined {
    if (this.closed) return undefined;
    const stored = this.journal?.find({ state, agentType: fields.agentType, phase: fields.phase, attempt: fields.attempt, subject: subjectOf(state, fields) });
    if (stored) return stored;
    // Built key by key (no conditional spreads), in the order the wire shows: this runs for every event.
    const event = { eventId: randomUUID(), runId: this.request.runId, campaignId: this.request.campaignId, seq: ++this.seq, state } as OrchestrationEvent;
    if (fields.agentType) event.agentType = fields.agentType;
    if (fields.phase) event.phase = fields.phase;
    event.attempt = fields.attempt ?? 1;
    event.message = message;
    event.timestamp = isoTimestamp();
    if (fields.metadata) event.metadata = fields.metadata;
    this.events.next(event);
    countEvent(state);
    // Every state transition, once.
    this.log({ seq: event.seq, state, agentType: event.agentType, phase: event.phase, attempt: event.attempt, msg: message });
    return event;
  }

  /** Emits the terminal event and stops all further emission. */
  close(state: OrchestrationState, message: string, metadata: Record<string, unknown>): void {
    this.emit(state, message, { metadata });
    this.closed = true;
    for (const release of this.releases) release();
    this.releases.clear();
    this.events.complete();
  }

  /** Wall time of `work`, added to the generation or audit phase. */
  async timed<T>(phase: 'generation' | 'audit', work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.state.addPhaseTime(phase, performance.now() - start);
    }
  }

  /**
   * Generates a version of `type`, announcing it by events. Returns undefined when the agent
   * failed (error recorded, run goes on) or the run was stopped.
   */
  async generate<T extends ArtifactType>(
    type: T,
    extra: Pick<GenerationInput<T>, 'previous' | 'reference'> = {},
  ): Promise<GeneratedArtifact<T> | undefined> {
    if (this.stopped) return undefined;
    const attempt = (this.state.attempts[type] ?? 0) + 1;
    this.state.attempts[type] = attempt;
    const state = GENERATING_STATE[type];
    const verb = attempt === 1 ? 'Generating' : `Regenerating (attempt ${attempt})`;
    this.emit(state, `${verb} ${type}`, { agentType: type, phase: 'started', attempt });
    const done = this.journal?.find({ state, agentType: type, phase: 'completed', attempt });
    if (done) {
      this.state.addAgentTime(type, Number(done.metadata?.durationMs ?? 0));
      return this.state.addArtifact(type, attempt, done.metadata!.content as GeneratedArtifact<T>['content']);
    }
    if (this.replayFailure(state, type, attempt)) return undefined;
    const { request, settings } = this;
    // An editor's regeneration of this artifact: its instructions on every attempt, and for short copy the platforms to rewrite.
    const regeneration = request.regeneration?.artifactType === type ? request.regeneration : undefined;
    const input: GenerationInput<T> = {
      brief: request.brief,
      selectedPlatforms: regeneration?.platforms ?? request.selectedPlatforms,
      platformLimits: settings.platformLimits,
      attempt,
      ...(regeneration ? { instructions: regeneration.instructions } : {}),
      ...extra,
    };
    const outcome = await this.runAgent(type, attempt, (context) => this.agents.generator(type).execute(input, context));
    if (!outcome) return undefined;
    const content = regeneration?.platforms ? keepOtherPlatforms(outcome.output, regeneration.base?.content) : outcome.output;
    const artifact = this.state.addArtifact(type, attempt, content);
    // The content travels with the event, so a dashboard can show each artifact as it completes.
    this.emit(state, `${type} generated`, { agentType: type, phase: 'completed', attempt, metadata: { durationMs: outcome.durationMs, content } });
    return artifact;
  }

  /** Audits the current versions of `types`; returns their reports, or undefined when the audit failed. */
  async audit(types: ArtifactType[], attempt: number): Promise<AuditReport[] | undefined> {
    const subjects = types.map((t) => this.state.artifact(t)).filter((a) => a !== undefined).map((a) => ({ type: a.type, attempt: a.attempt, content: a.content }));
    if (this.stopped || subjects.length === 0) return undefined;
    const artifactTypes = subjects.map((s) => s.type);
    this.emit('Auditing', `Auditing ${artifactTypes.join(', ')}`, { agentType: 'audit', phase: 'started', attempt, metadata: { artifactTypes } });
    const done = this.journal?.find({ state: 'Auditing', agentType: 'audit', phase: 'completed', attempt, subject: artifactTypes.join(',') });
    if (done) {
      const reports = done.metadata!.reports as AuditReport[];
      this.state.addReports(reports);
      return reports;
    }
    if (this.replayFailure('Auditing', 'audit', attempt, artifactTypes)) return undefined;
    const { request, settings } = this;
    const outcome = await this.timed('audit', () =>
      this.runAgent(
        'audit',
        attempt,
        (context) =>
          this.agents.audit.execute(
            { brief: request.brief, selectedPlatforms: request.selectedPlatforms, platformLimits: settings.platformLimits, weights: settings.auditWeights, subjects },
            context,
          ),
        artifactTypes,
      ),
    );
    if (!outcome) return undefined;
    this.state.addReports(outcome.output);
    const verdicts = Object.fromEntries(outcome.output.map((r) => [r.artifactType, { verdict: r.verdict, score: r.weightedScore }]));
    // The reports travel with the event: a node that takes the run over replays the audit from them.
    this.emit('Auditing', `Audit done: ${outcome.output.map((r) => `${r.artifactType} ${r.verdict}`).join(', ')}`, {
      agentType: 'audit',
      phase: 'completed',
      attempt,
      metadata: { verdicts, durationMs: outcome.durationMs, artifactTypes, reports: outcome.output },
    });
    return outcome.output;
  }

  /** Taken over: an agent step that failed before is recorded again from its stored `failed` event, and not run again. */
  private replayFailure(state: OrchestrationState, agent: AgentType, attempt: number, artifactTypes?: ArtifactType[]): boolean {
    const failed = this.journal?.find({ state, agentType: agent, phase: 'failed', attempt, subject: artifactTypes?.join(',') });
    if (!failed) return false;
    this.state.addError({ agentType: agent, code: failed.metadata?.code as OrchestrationError['code'], message: failed.message.replace(`${agent} failed: `, ''), attempt });
    return true;
  }

  /**
   * Runs one agent under the run's signal and its own timeout. Agent errors are recorded and
   * announced (phase `failed`) and yield undefined; a stopped run yields undefined silently.
   */
  private async runAgent<O>(
    agent: AgentType,
    attempt: number,
    execute: (context: AgentContext) => Promise<AgentOutcome<O>>,
    /** The artifacts an audit judges, named in its `failed` event. */
    artifactTypes?: ArtifactType[],
  ): Promise<{ output: O; durationMs: number } | undefined> {
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(this.signal.reason);
    this.signal.addEventListener('abort', onRunAbort, { once: true });
    const timeoutMs = this.settings.agentTimeoutMs;
    const timer = setTimeout(() => controller.abort(new RunAbort('AGENT_TIMEOUT')), timeoutMs);
    const release = () => {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onRunAbort);
    };
    this.releases.add(release);
    const start = performance.now();
    try {
      const { output, usage } = await execute({ runId: this.request.runId, campaignId: this.request.campaignId, signal: controller.signal, timeoutMs });
      const durationMs = Math.round(performance.now() - start);
      this.state.addAgentTime(agent, performance.now() - start, usage);
      return this.stopped ? undefined : { output, durationMs };
    } catch (error) {
      this.state.addAgentTime(agent, performance.now() - start);
      if (this.stopped) return undefined;
      const timedOut = controller.signal.aborted || performance.now() - start >= timeoutMs;
      const code = timedOut ? 'AGENT_TIMEOUT' : error instanceof AgentError ? error.code : 'AGENT_FAILED';
      const message = timedOut ? `${agent} agent exceeded ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
      const recorded = this.state.addError({ agentType: agent, code, message, attempt });
      const state = agent === 'audit' ? 'Auditing' : GENERATING_STATE[agent];
      this.emit(state, `${agent} failed: ${message}`, { agentType: agent, phase: 'failed', attempt, metadata: artifactTypes ? { code: recorded.code, artifactTypes } : { code: recorded.code } });
      return undefined;
    } finally {
      release();
      this.releases.delete(release);
    }
  }
}
