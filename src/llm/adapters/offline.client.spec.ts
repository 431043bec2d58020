import type { ArtifactType } from '@app/contracts';
import { auditJudgementSchema, copyOutputSchema, shortCopyOutputSchema, visualConceptOutputSchema } from '../../agents/output-schemas';
import { aCopy, aGenerationInput, anAuditInput, aVisual, copySubject, visualSubject } from '../../agents/testing/fixtures';
import type { LlmRequest, LlmResponse } from '../llm-client';
import { LlmAbortedError, LlmError } from '../llm-errors';
import { OfflineLlmClient } from './offline.client';

const SCHEMAS = { copy: copyOutputSchema, shortCopy: shortCopyOutputSchema, visualConcept: visualConceptOutputSchema };

function aRequest(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    task: 'copy',
    messages: [
      { role: 'system', content: 's'.repeat(40) },
      { role: 'user', content: 'u'.repeat(79) },
    ],
    schemaName: 'campaign_copy',
    schema: { type: 'object' },
    context: aGenerationInput(),
    signal: new AbortController().signal,
    timeoutMs: 30_000,
    ...overrides,
  };
}

/** Tracks how a promise settled, so fake-timer specs can look at it between ticks. */
function track(promise: Promise<LlmResponse>) {
  const state: { settled: boolean; value?: LlmResponse; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

const instant = () => new OfflineLlmClient({ min: 0, max: 0 });

describe(OfflineLlmClient.name, () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('offers no audit judgement', () => {
    expect(instant().judges).toBe(false);
    expect(instant().name).toBe('offline');
  });

  it.each(['copy', 'shortCopy', 'visualConcept'] as ArtifactType[])('answers the %s agent with JSON valid for its schema', async (task) => {
    const response = await instant().complete(aRequest({ task }));

    expect(response.model).toBe('offline');
    expect(SCHEMAS[task].safeParse(JSON.parse(response.content)).error).toBeUndefined();
  });

  it('answers an audit with one neutral report per subject, valid for the judgement schema', async () => {
    const context = anAuditInput([copySubject(aCopy()), visualSubject(aVisual())]);

    const response = await instant().complete(aRequest({ task: 'audit', context }));

    const judgement = auditJudgementSchema.parse(JSON.parse(response.content));
    expect(judgement.reports.map((r) => [r.artifactType, r.flags.length])).toEqual([
      ['copy', 0],
      ['visualConcept', 0],
    ]);
  });

  it('answers the same request with the same content', async () => {
    const [a, b] = await Promise.all([instant().complete(aRequest({ task: 'shortCopy' })), instant().complete(aRequest({ task: 'shortCopy' }))]);

    expect(a.content).toBe(b.content);
  });

  it('estimates usage at one token per 4 characters', async () => {
    const response = await instant().complete(aRequest());

    // 40 + 1 (newline) + 79 characters of prompt = 120 → 30 tokens
    expect(response.usage.promptTokens).toBe(30);
    expect(response.usage.completionTokens).toBe(Math.ceil(response.content.length / 4));
    expect(response.usage.totalTokens).toBe(response.usage.promptTokens + response.usage.completionTokens);
  });

  it('rejects without the brief in the request context', async () => {
    await expect(instant().complete(aRequest({ context: undefined }))).rejects.toEqual(
      expect.objectContaining({ name: 'LlmError', code: 'LLM_REQUEST_FAILED' }),
    );
  });

  describe('latency', () => {
    beforeEach(() => jest.useFakeTimers());

    it('answers only once its latency has passed', async () => {
      const state = track(new OfflineLlmClient({ min: 1_000, max: 1_000 }).complete(aRequest()));

      await jest.advanceTimersByTimeAsync(999);
      expect(state.settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(state.value?.model).toBe('offline');
    });

    it('draws the latency within its range', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const state = track(new OfflineLlmClient({ min: 100, max: 300 }).complete(aRequest()));

      await jest.advanceTimersByTimeAsync(199);
      expect(state.settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(state.settled).toBe(true);
      expect(state.error).toBeUndefined();
    });

    it('rejects with LlmAbortedError, carrying the reason, when aborted while waiting', async () => {
      const controller = new AbortController();
      const state = track(new OfflineLlmClient({ min: 1_000, max: 1_000 }).complete(aRequest({ signal: controller.signal })));

      await jest.advanceTimersByTimeAsync(100);
      controller.abort('cancelled by user');
      await jest.advanceTimersByTimeAsync(0);

      expect(state.error).toBeInstanceOf(LlmAbortedError);
      expect((state.error as LlmAbortedError).reason).toBe('cancelled by user');
    });

    it('rejects at once with LlmAbortedError when the signal is already aborted, even without latency', async () => {
      const controller = new AbortController();
      controller.abort('gone');

      await expect(instant().complete(aRequest({ signal: controller.signal }))).rejects.toBeInstanceOf(LlmAbortedError);
    });

    it('reports LLM_TIMEOUT once timeoutMs has passed when the latency exceeds it', async () => {
      const state = track(new OfflineLlmClient({ min: 5_000, max: 5_000 }).complete(aRequest({ timeoutMs: 100 })));

      await jest.advanceTimersByTimeAsync(99);
      expect(state.settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);

      expect(state.error).toBeInstanceOf(LlmError);
      expect(state.error).toEqual(expect.objectContaining({ code: 'LLM_TIMEOUT' }));
    });
  });
});
