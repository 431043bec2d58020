import type { ArtifactType } from '@app/contracts';
import type { AuditInput, GenerationInput } from '../../agents/agent';
import { LlmClient, LlmRequest, LlmResponse } from '../llm-client';
import { LlmAbortedError, LlmError } from '../llm-errors';
import { offlineCopy, offlineShortCopy, offlineVisualConcept } from './offline-content';

const GENERATORS: { [T in ArtifactType]: (input: GenerationInput<T>) => unknown } = {
  copy: offlineCopy,
  shortCopy: offlineShortCopy,
  visualConcept: offlineVisualConcept,
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new LlmAbortedError(signal.reason));
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmAbortedError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The model used when no endpoint is configured: deterministic, brief-aware output that is valid
 * for every agent's schema, after a simulated latency. On a first attempt it sometimes errs (seeded
 * by the brief: an over-limit post, a missing required keyword) and corrects itself when given the
 * audit's feedback, so the compliance loop can be seen without an account. It offers no audit
 * judgement (`judges` is false): offline audits are the deterministic rules alone.
 */
export class OfflineLlmClient extends LlmClient {
  readonly name = 'offline';
  readonly judges = false;

  constructor(private readonly latencyMs: { min: number; max: number }) {
    super();
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const { min, max } = this.latencyMs;
    const latency = min + Math.random() * (max - min);
    if (latency > request.timeoutMs) {
      await sleep(request.timeoutMs, request.signal);
      throw new LlmError('LLM_TIMEOUT', `LLM call exceeded ${request.timeoutMs} ms`);
    }
    await sleep(latency, request.signal);
    const content = JSON.stringify(this.answer(request));
    const promptTokens = estimateTokens(request.messages.map((m) => m.content).join('\n'));
    const completionTokens = estimateTokens(content);
    return { content, model: 'offline', usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } };
  }

  /** The offline model is this process: it always serves. */
  async probe(): Promise<void> {}

  private answer(request: LlmRequest): unknown {
    const context = request.context as Partial<GenerationInput & AuditInput> | undefined;
    if (!context?.brief) throw new LlmError('LLM_REQUEST_FAILED', 'The offline model needs the brief in the request context');
    if (request.task === 'audit') {
      const subjects = (context as AuditInput).subjects ?? [];
      return { reports: subjects.map((s) => ({ artifactType: s.type, scores: NEUTRAL_SCORES, flags: [], recommendations: [] })) };
    }
    return (GENERATORS[request.task] as (input: GenerationInput) => unknown)(context as GenerationInput);
  }
}

const NEUTRAL_SCORES = { toneConsistency: 90, clarity: 90, compliance: 90, accessibility: 90, risk: 90 };
