import { performance } from 'node:perf_hooks';
import type { AgentType } from '@app/contracts';
import type { z } from 'zod';
import {
  auditJudgementSchema,
  copyOutputSchema,
  shortCopyOutputSchema,
  toStrictJsonSchema,
  visualConceptOutputSchema,
} from '../../src/agents/output-schemas';
import { auditMessages, generationMessages } from '../../src/agents/prompts';
import type { LlmClient, LlmRequest } from '../../src/llm/llm-client';
import { isLlmAborted, LlmAbortedError, LlmError } from '../../src/llm/llm-errors';
import { sampleAuditInput, sampleGenerationInput, SCHEMA_NAMES } from '../support/llm-fixtures';

/** One adapter under test, ready to be called. */
export interface LlmClientHarness {
  client: LlmClient;
  /** Releases everything the setup started (servers, sockets). */
  teardown(): Promise<void>;
  /** HTTP adapters: how many requests reached the server so far. */
  requestCount?(): number;
}

/** Options the contract asks a setup for. */
export interface LlmClientSetupOptions {
  /** How long the adapter takes before it answers, in ms (offline latency or server delay). */
  latencyMs: number;
}

/** Builds a fresh harness; called once per contract test. */
export type LlmClientSetup = (options: LlmClientSetupOptions) => Promise<LlmClientHarness>;

const SCHEMAS: Record<AgentType, z.ZodType> = {
  copy: copyOutputSchema,
  shortCopy: shortCopyOutputSchema,
  visualConcept: visualConceptOutputSchema,
  audit: auditJudgementSchema,
};

/** A request exactly as the agent for `task` builds it, for the sample brief. */
export function agentRequest(task: AgentType, overrides: Partial<LlmRequest> = {}): LlmRequest {
  const context = task === 'audit' ? sampleAuditInput() : sampleGenerationInput();
  return {
    task,
    messages: task === 'audit' ? auditMessages(sampleAuditInput()) : generationMessages(task, sampleGenerationInput()),
    schemaName: SCHEMA_NAMES[task],
    schema: toStrictJsonSchema(SCHEMAS[task]),
    context,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    ...overrides,
  };
}

/** Awaits `promise` without throwing; `error` is undefined when it resolved (so `expect(error)…` fails). */
async function settle(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number; settledAt: number }> {
  const start = performance.now();
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  const settledAt = performance.now();
  return { error, elapsedMs: settledAt - start, settledAt };
}

/**
 * The behaviour every `LlmClient` adapter must show: schema-valid JSON for each agent's task,
 * reported usage, immediate rejection on an aborted signal, a prompt `LlmAbortedError` on an abort
 * during the call, and `LLM_TIMEOUT` when the call outlives `timeoutMs`.
 */
export function llmClientContract(name: string, setup: LlmClientSetup): void {
  describe(`LlmClient contract: ${name}`, () => {
    let harness: LlmClientHarness | undefined;
    const use = async (options: LlmClientSetupOptions = { latencyMs: 0 }) => (harness = await setup(options));

    afterEach(async () => {
      await harness?.teardown();
      harness = undefined;
    });

    it.each(['copy', 'shortCopy', 'visualConcept', 'audit'] as const)('answers the %s task with JSON valid for its schema', async (task) => {
      const { client } = await use();
      const response = await client.complete(agentRequest(task));
      const result = SCHEMAS[task].safeParse(JSON.parse(response.content));
      expect(result.error).toBeUndefined();
      expect(result.success).toBe(true);
      expect(typeof response.model).toBe('string');
      expect(response.model.length).toBeGreaterThan(0);
    });

    it('reports token usage', async () => {
      const { client } = await use();
      const { usage } = await client.complete(agentRequest('copy'));
      for (const value of [usage.promptTokens, usage.completionTokens, usage.totalTokens]) {
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }
      expect(usage.totalTokens).toBeGreaterThan(0);
      expect(usage.totalTokens).toBeGreaterThanOrEqual(usage.promptTokens);
      expect(usage.totalTokens).toBeGreaterThanOrEqual(usage.completionTokens);
    });

    it('rejects at once with LlmAbortedError when the signal is already aborted', async () => {
      const h = await use({ latencyMs: 1000 });
      const controller = new AbortController();
      const reason = new Error('cancelled before the call');
      controller.abort(reason);
      const { error, elapsedMs } = await settle(h.client.complete(agentRequest('copy', { signal: controller.signal })));
      expect(isLlmAborted(error)).toBe(true);
      expect((error as LlmAbortedError).reason).toBe(reason);
      expect(elapsedMs).toBeLessThan(100);
      if (h.requestCount) expect(h.requestCount()).toBe(0);
    });

    it('rejects promptly with LlmAbortedError carrying the reason when aborted during the call', async () => {
      const { client } = await use({ latencyMs: 3000 });
      const controller = new AbortController();
      const reason = new Error('cancelled during the call');
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort(reason);
      }, 100);
      const { error, settledAt } = await settle(client.complete(agentRequest('shortCopy', { signal: controller.signal })));
      expect(error).toBeInstanceOf(LlmAbortedError);
      expect((error as LlmAbortedError).reason).toBe(reason);
      expect(abortedAt).toBeGreaterThan(0);
      expect(settledAt - abortedAt).toBeLessThan(150);
    });

    it('rejects with LLM_TIMEOUT when the call outlives timeoutMs', async () => {
      const { client } = await use({ latencyMs: 3000 });
      const { error, elapsedMs } = await settle(client.complete(agentRequest('visualConcept', { timeoutMs: 150 })));
      expect(error).toBeInstanceOf(LlmError);
      expect(isLlmAborted(error)).toBe(false);
      expect((error as LlmError).code).toBe('LLM_TIMEOUT');
      expect(elapsedMs).toBeGreaterThanOrEqual(140);
      expect(elapsedMs).toBeLessThan(150 + 300);
    });
  });
}
