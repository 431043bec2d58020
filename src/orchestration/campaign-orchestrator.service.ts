import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { Context, context, type Span } from '@opentelemetry/api';
import { Observable, ReplaySubject } from 'rxjs';
import type { ExecutionMode, OrchestrationEvent, OrchestrationRequest, OrchestrationResult } from '@app/contracts';
import { AppConfig } from '../config/app-config';
import { AgentSet } from '../agents/agent';
import { countActiveRun, recordRunResult } from '../telemetry/instruments';
import { RunLog } from '../telemetry/run-log';
import { endSpan, startRunSpan } from '../telemetry/tracing';
import type { ExecutionStrategy } from './execution-strategy';
import { abortCauseOf, RunAbort } from './orchestration-errors';
import { ParallelStrategy } from './parallel.strategy';
import { RunContext } from './run-context';
import { RegenerationStrategy } from './regeneration.strategy';
import { RunJournal } from './run-journal';
import { RunRegistry } from './run-registry';
import { TERMINAL_STATE_OF } from './run-state';
import { SequentialStrategy } from './sequential.strategy';
import { validateRunRequest, ValidRunRequest, withIds } from './validate-request';

/** A run another node started, to go on with here. */
export interface Takeover {
  /** Its stored events, in `seq` order. */
  events: readonly OrchestrationEvent[];
  /** The epoch of this node's claim on it. */
  epoch: number;
}

/** A run that has started: its event stream and, when it is over, its result. */
export interface RunExecution {
  readonly runId: string;
  readonly campaignId: string;
  /**
   * Every event of the run from `Queued` (seq 1) to exactly one terminal event, then complete.
   * Replays the events already emitted to each new subscriber.
   */
  readonly events$: Observable<OrchestrationEvent>;
  /** Resolves with the result once the terminal event is emitted; never rejects. */
  readonly result: Promise<OrchestrationResult>;
  /** The run's trace context: work done for the run (storing its events) runs in it. */
  readonly context: Context;
}

const STRATEGIES: Record<ExecutionMode, ExecutionStrategy> = {
  parallel: new ParallelStrategy(),
  sequential: new SequentialStrategy(),
};
const REGENERATION = new RegenerationStrategy();

/**
 * Runs the four agents on a brief as an event stream. Agent failures are isolated (the run ends
 * PartiallyCompleted with what succeeded); cancel (the caller's signal or `RunRegistry.cancel`)
 * and the run timeout end the run at once, closing in-flight LLM calls, with the partial results.
 */
@Injectable()
export class CampaignOrchestrator {
  private readonly logger = new Logger(CampaignOrchestrator.name);

  constructor(
    private readonly agents: AgentSet,
    private readonly config: AppConfig,
    private readonly registry: RunRegistry,
    /** Where state transitions are logged: the server's pino output, or Nest's logger by default. */
    @Optional() private readonly runLog: RunLog = new RunLog(),
  ) {}

  /**
   * Starts the run of a request, validating it first unless `validateRunRequest` returned it.
   * @param signal cancels the run when aborted (as does `RunRegistry.cancel(runId)`).
   * @param takeover a run another node started: its stored events, replayed instead of done again
   * (see `RunJournal`), and the epoch of this node's claim. The stream goes on after the last
   * stored `seq` with a `Resumed` event; the result covers the whole run.
   * @throws OrchestrationValidationError when the request is invalid; no run is started then.
   */
  run(request: OrchestrationRequest, signal?: AbortSignal, takeover?: Takeover): RunExecution {
    const valid = validateRunRequest(request);
    const runId = valid.runId ?? randomUUID();
    const controller = new AbortController();
    this.registry.register(runId, controller);
    const events = new ReplaySubject<OrchestrationEvent>();
    const { executionMode } = valid;
    // One span per run, child of the call that started it; all of the run's work runs in its context.
    const { span, context: runContext } = startRunSpan({ runId, campaignId: valid.campaignId, executionMode });
    const journal = takeover && takeover.events.length > 0 ? new RunJournal(takeover.events) : undefined;
    const run = new RunContext(
      valid.runId === runId ? (valid as ValidRunRequest & { runId: string }) : withIds(valid, valid.campaignId, runId),
      this.config.orchestration,
      this.agents,
      events,
      controller.signal,
      this.runLog.forRun({ runId, campaignId: valid.campaignId }, span.spanContext()),
      journal,
    );
    countActiveRun(1);
    const result = context.with(runContext, () => {
      const { regeneration } = run.request;
      run.emit('Queued', regeneration ? `Regeneration of ${regeneration.artifactType} queued` : `Run queued (${run.request.executionMode})`, {
        metadata: {
          executionMode: run.request.executionMode,
          selectedPlatforms: run.request.selectedPlatforms,
          ...(regeneration ? { regeneration: { artifactType: regeneration.artifactType, platforms: regeneration.platforms, activate: regeneration.activate, baseVersionId: regeneration.base?.versionId } } : {}),
        },
      });
      if (journal) run.emit('Resumed', `Run taken over after event ${journal.lastSeq}; finished steps are kept`, { metadata: { afterSeq: journal.lastSeq, epoch: takeover!.epoch } });
      const onCallerAbort = () => controller.abort(new RunAbort('CANCELLED'));
      if (signal?.aborted) onCallerAbort();
      else signal?.addEventListener('abort', onCallerAbort, { once: true });
      return this.execute(run, controller, span).finally(() => {
        signal?.removeEventListener('abort', onCallerAbort);
        this.registry.release(runId);
        countActiveRun(-1);
      });
    });
    return { runId, campaignId: valid.campaignId, events$: events.asObservable(), result, context: runContext };
  }

  private async execute(run: RunContext, controller: AbortController, span: Span): Promise<OrchestrationResult> {
    // A run taken over has used part of its time already (at least a second is left to it).
    const timer = setTimeout(() => controller.abort(new RunAbort('RUN_TIMEOUT')), Math.max(1000, this.config.orchestration.runTimeoutMs - run.state.elapsed()));
    const aborted = new Promise<void>((resolve) => {
      if (controller.signal.aborted) resolve();
      else controller.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([this.executeStrategy(run), aborted]);
    } finally {
      clearTimeout(timer);
    }
    return this.finish(run, controller.signal, span);
  }

  private async executeStrategy(run: RunContext): Promise<void> {
    if (run.stopped) return;
    try {
      await (run.request.regeneration ? REGENERATION : STRATEGIES[run.request.executionMode]).execute(run);
    } catch (error) {
      // A bug in a strategy must not leave the run without a terminal event.
      this.logger.error(`Run ${run.request.runId} failed unexpectedly`, error instanceof Error ? error.stack : String(error));
      run.state.addError({ code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private finish(run: RunContext, signal: AbortSignal, span: Span): OrchestrationResult {
    const cause = signal.aborted ? abortCauseOf(signal) : undefined;
    if (cause === 'RUN_TIMEOUT') {
      run.state.addError({ code: 'RUN_TIMEOUT', message: `Run exceeded ${this.config.orchestration.runTimeoutMs} ms` });
    }
    run.state.markFailedAudits();
    const status = run.state.status(cause === 'CANCELLED');
    const result = run.state.toResult(status);
    const state = TERMINAL_STATE_OF[status];
    run.close(state, `Run ${status}`, {
      resultStatus: status,
      artifacts: Object.keys(result.artifacts),
      errorCodes: result.errors.map((e) => e.code),
      totalMs: result.metrics.totalMs,
    });
    recordRunResult(result);
    const failure = status === 'cancelled' ? { code: 'CANCELLED', message: 'Run cancelled' } : status === 'failed' ? { code: result.errors[0]?.code ?? 'AGENT_FAILED', message: 'Run failed' } : undefined;
    if (result.errors.length > 0) span.setAttribute('error.codes', result.errors.map((e) => e.code));
    endSpan(span, status, failure);
    return result;
  }
}
