import type { AgentContext } from '../agent';
import { LlmClient, LlmRequest, LlmResponse, LlmUsage } from '../../llm/llm-client';

/** One scripted answer: raw text, a value sent as JSON, or an error to reject with. */
export type ScriptedAnswer = string | Error | { json: unknown };

/**
 * A fake LLM for agent specs: answers each call with the next scripted answer (the last one
 * repeats) and records a copy of every request as it was sent.
 */
export class ScriptedLlmClient extends LlmClient {
  readonly name = 'scripted';
  readonly requests: LlmRequest[] = [];
  /** What `probe` rejects with; undefined: the probe succeeds. */
  probeFailure?: Error;
  probes = 0;

  constructor(
    private readonly script: ScriptedAnswer[],
    readonly judges = true,
    private readonly usage: LlmUsage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
  ) {
    super();
  }

  get calls(): number {
    return this.requests.length;
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
    const answer = this.script[Math.min(this.requests.length, this.script.length) - 1];
    if (answer instanceof Error) throw answer;
    const content = typeof answer === 'string' ? answer : JSON.stringify(answer.json);
    return { content, usage: { ...this.usage }, model: 'scripted' };
  }

  async probe(): Promise<void> {
    this.probes++;
    if (this.probeFailure) throw this.probeFailure;
  }
}

/** An agent context with a live signal and a generous time budget. */
export function anAgentContext(overrides: Partial<AgentContext> = {}): AgentContext {
  return { runId: 'run-1', campaignId: 'campaign-1', signal: new AbortController().signal, timeoutMs: 30_000, ...overrides };
}
