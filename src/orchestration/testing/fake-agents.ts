import type {
  ArtifactContentMap,
  ArtifactType,
  AuditReport,
  AuditVerdict,
  OrchestrationEvent,
} from '@app/contracts';
import { isTerminalState } from '@app/contracts';
import { Agent, AgentContext, AgentOutcome, AgentSet, AuditInput, GenerationInput, GeneratorAgent } from '../../agents/agent';
import { AgentError } from '../../agents/agent-errors';
import { LlmAbortedError } from '../../llm/llm-errors';
import { aCopy, aShortCopy, aVisual } from '../../agents/testing/fixtures';

/**
 * What a fake agent does on one call: answer after a delay, fail, hang until aborted, or ignore
 * its signal (and never settle, or answer `lateOutput` after the delay all the same).
 */
export type FakeStep<O> = { delayMs?: number } & ({ output: O } | { error: Error } | { hang: true } | { ignoreAbort: true; lateOutput?: O });

const USAGE = { promptTokens: 10, completionTokens: 20, totalTokens: 30 };

/** The agents' clean sample artifacts (one set for every spec; the orchestrator never looks inside). */
export const SAMPLE_CONTENT: ArtifactContentMap = { copy: aCopy(), shortCopy: aShortCopy(), visualConcept: aVisual() };

function wait<O>(step: FakeStep<O>, signal: AbortSignal): Promise<O> {
  return new Promise<O>((resolve, reject) => {
    if (signal.aborted && !('ignoreAbort' in step)) return reject(new LlmAbortedError(signal.reason));
    const settle = () => {
      if ('output' in step) resolve(step.output);
      else if ('error' in step) reject(step.error);
      else if ('lateOutput' in step && step.lateOutput !== undefined) resolve(step.lateOutput);
    };
    if ('ignoreAbort' in step) {
      if ('lateOutput' in step) setTimeout(settle, step.delayMs ?? 0);
      return;
    }
    const timer = 'hang' in step ? undefined : setTimeout(settle, step.delayMs ?? 0);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new LlmAbortedError(signal.reason));
    }, { once: true });
  });
}

/** A scripted agent that honours its signal the way the LLM clients do, and records its calls. */
export class FakeAgent<I, O> extends Agent<I, O> {
  /** Every call with what the agent received: its input, its signal, its time budget and the run's ids. */
  readonly calls: Array<{ input: I; signal: AbortSignal; timeoutMs: number; context: AgentContext }> = [];
  /** One promise per call, settled when the agent has answered or failed (whether or not anyone still listens). */
  readonly settled: Array<Promise<unknown>> = [];

  constructor(
    readonly type: Agent<I, O>['type'],
    private readonly next: (input: I, call: number) => FakeStep<O>,
  ) {
    super();
  }

  async execute(input: I, context: AgentContext): Promise<AgentOutcome<O>> {
    this.calls.push({ input, signal: context.signal, timeoutMs: context.timeoutMs, context });
    const answer = wait(this.next(input, this.calls.length), context.signal);
    this.settled.push(answer.catch(() => undefined));
    return { output: await answer, usage: USAGE, calls: 1 };
  }
}

/** A report on `subject` with the given verdict. */
export function reportFor(type: ArtifactType, attempt: number, verdict: AuditVerdict): AuditReport {
  const score = verdict === 'pass' ? 95 : verdict === 'conditional' ? 70 : 40;
  return {
    artifactType: type,
    attempt,
    scores: { toneConsistency: score, clarity: score, compliance: score, accessibility: score, risk: score },
    weightedScore: score,
    flags: verdict === 'fail' ? [{ id: 'rule:x', category: 'compliance', severity: 'critical', description: `${type} broke a rule` }] : [],
    recommendations: verdict === 'fail' ? [{ flagId: 'rule:x', text: `Fix ${type}`, priority: 'high' }] : [],
    verdict,
    basis: 'rules',
    createdAt: new Date().toISOString(),
  };
}

/** Scripts for the four fake agents; unspecified ones answer at once and pass. */
export interface FakeScripts {
  copy?: (input: GenerationInput<'copy'>, call: number) => FakeStep<ArtifactContentMap['copy']>;
  shortCopy?: (input: GenerationInput<'shortCopy'>, call: number) => FakeStep<ArtifactContentMap['shortCopy']>;
  visualConcept?: (input: GenerationInput<'visualConcept'>, call: number) => FakeStep<ArtifactContentMap['visualConcept']>;
  /** Verdict per artifact and attempt, unless `audit` is given. */
  verdict?: (type: ArtifactType, attempt: number) => AuditVerdict;
  audit?: (input: AuditInput, call: number) => FakeStep<AuditReport[]>;
}

/** An `AgentSet` of scripted fakes. */
export class FakeAgentSet extends AgentSet {
  readonly copy: FakeAgent<GenerationInput<'copy'>, ArtifactContentMap['copy']>;
  readonly shortCopy: FakeAgent<GenerationInput<'shortCopy'>, ArtifactContentMap['shortCopy']>;
  readonly visualConcept: FakeAgent<GenerationInput<'visualConcept'>, ArtifactContentMap['visualConcept']>;
  readonly audit: FakeAgent<AuditInput, AuditReport[]>;

  constructor(scripts: FakeScripts = {}) {
    super();
    this.copy = new FakeAgent('copy', scripts.copy ?? (() => ({ output: SAMPLE_CONTENT.copy })));
    this.shortCopy = new FakeAgent('shortCopy', scripts.shortCopy ?? (() => ({ output: SAMPLE_CONTENT.shortCopy })));
    this.visualConcept = new FakeAgent('visualConcept', scripts.visualConcept ?? (() => ({ output: SAMPLE_CONTENT.visualConcept })));
    const verdict = scripts.verdict ?? (() => 'pass');
    this.audit = new FakeAgent(
      'audit',
      scripts.audit ?? ((input) => ({ output: input.subjects.map((s) => reportFor(s.type, s.attempt, verdict(s.type, s.attempt))) })),
    );
  }

  generator<T extends ArtifactType>(type: T): GeneratorAgent<T> {
    return this[type] as unknown as GeneratorAgent<T>;
  }
}

/** An agent failure with a code, as the LLM agents raise it. */
export const agentError = (code: AgentError['code'] = 'LLM_UNAVAILABLE') => new AgentError(code, `fake ${code}`);

/**
 * Checks what every run's stream must hold: Queued first at seq 1, seq without gaps, one run and
 * campaign id, exactly one terminal event and it is last.
 */
export function expectValidStream(events: OrchestrationEvent[]): void {
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events[0].state).toBe('Queued');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.runId)).size).toBe(1);
  expect(events.filter((e) => isTerminalState(e.state))).toHaveLength(1);
  expect(isTerminalState(events[events.length - 1].state)).toBe(true);
}

/** A compact trace of the stream for order assertions: `State/agent/phase/attempt`. */
export function trace(events: OrchestrationEvent[]): string[] {
  return events.map((e) => [e.state, e.agentType, e.phase, e.attempt].filter((x) => x !== undefined).join('/'));
}
