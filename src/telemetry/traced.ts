import type { Attributes } from '@opentelemetry/api';
import type { ArtifactType } from '@app/contracts';
import { Agent, AgentContext, AgentOutcome, AgentSet, AuditAgentPort, GeneratorAgent } from '../agents/agent';
import { isLlmAborted } from '../llm/llm-errors';
import { RunAbort } from '../orchestration/orchestration-errors';
import type { RunRepository } from '../persistence/run.repository';
import { countTokens, instruments } from './instruments';
import { inSpan } from './tracing';

/** The outcome label of a failure: the abort cause (CANCELLED, AGENT_TIMEOUT…) or the error code. */
function failureCode(error: unknown): string {
  if (isLlmAborted(error)) return error.reason instanceof RunAbort ? error.reason.code : 'CANCELLED';
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'INTERNAL_ERROR';
}

/** Re-labels abort errors with their cause so the span status says cancelled or timed out. */
async function labelled<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isLlmAborted(error)) throw Object.assign(error, { code: failureCode(error) });
    throw error;
  }
}

/** Wraps an agent: a span per execution (`agent.<type>`), its duration by outcome, and its tokens. */
function traceAgent<I, O>(agent: Agent<I, O>, attemptOf: (input: I) => number): Agent<I, O> {
  const type = agent.type;
  return {
    type,
    async execute(input: I, context: AgentContext): Promise<AgentOutcome<O>> {
      const attributes: Attributes = { 'agent.type': type, attempt: attemptOf(input), 'run.id': context.runId, 'campaign.id': context.campaignId };
      const start = performance.now();
      const m = instruments();
      try {
        const outcome = await inSpan(`agent.${type}`, attributes, () => labelled(() => agent.execute(input, context)));
        m.agentDuration.recordMs(performance.now() - start, { 'agent.type': type, outcome: 'ok' });
        countTokens(type, outcome.usage);
        return outcome;
      } catch (error) {
        m.agentDuration.recordMs(performance.now() - start, { 'agent.type': type, outcome: failureCode(error) });
        throw error;
      }
    },
  } as Agent<I, O>;
}

/** The agents of a run with their executions traced and measured. */
export function traceAgentSet(agents: AgentSet): AgentSet {
  const generators = new Map<ArtifactType, GeneratorAgent<ArtifactType>>();
  const audit = traceAgent(agents.audit, (input) => Math.max(1, ...input.subjects.map((s) => s.attempt))) as AuditAgentPort;
  return {
    audit,
    generator<T extends ArtifactType>(type: T): GeneratorAgent<T> {
      if (!generators.has(type)) generators.set(type, traceAgent(agents.generator(type) as GeneratorAgent<ArtifactType>, (input) => input.attempt));
      return generators.get(type) as unknown as GeneratorAgent<T>;
    },
  } as AgentSet;
}

/** Run and campaign ids found in a repository call's arguments. */
function idsOf(args: unknown[]): Attributes {
  const attributes: Attributes = {};
  for (const arg of args) {
    if (!arg || typeof arg !== 'object') continue;
    const record = (Array.isArray(arg) ? (arg[0] ?? {}) : arg) as { runId?: unknown; campaignId?: unknown; result?: { runId?: unknown; campaignId?: unknown }; run?: { id?: unknown; campaignId?: unknown } };
    const runId = record.runId ?? record.result?.runId ?? record.run?.id;
    const campaignId = record.campaignId ?? record.result?.campaignId ?? record.run?.campaignId;
    if (typeof runId === 'string') attributes['run.id'] = runId;
    if (typeof campaignId === 'string') attributes['campaign.id'] = campaignId;
  }
  return attributes;
}

/** Wraps the store: a span per operation (`store.<method>`) and its duration by outcome. */
export function traceRepository(repository: RunRepository): RunRepository {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      if (!wrapped.has(property)) {
        wrapped.set(property, async (...args: unknown[]) => {
          const start = performance.now();
          let outcome = 'ok';
          try {
            return await inSpan(`store.${property}`, { 'db.operation': property, ...idsOf(args) }, () => value.apply(target, args));
          } catch (error) {
            outcome = failureCode(error);
            throw error;
          } finally {
            instruments().storeDuration.recordMs(performance.now() - start, { operation: property, outcome });
          }
        });
      }
      return wrapped.get(property);
    },
  });
}
