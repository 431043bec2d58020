/**
 * The OpenAI-compatible test server (test/support) hosted in a client process, so that the times
 * it observes (request arrival, connection close) share a clock with the client's own. Every
 * request's brief carries a tag (see `runPayload`); per tag, the server records when each request
 * arrived, when it started streaming and when its connection closed.
 */
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import { DEFAULT_PLATFORM_LIMITS } from '@app/contracts';
import { offlineCopy, offlineShortCopy, offlineVisualConcept } from '../../src/llm/adapters/offline-content';
import { SAMPLE_BRIEF, SCHEMA_NAMES, sampleAuditJudgement } from '../../test/support/llm-fixtures';
import { reply } from '../../test/support/openai-test-behaviours';
import { OpenAiTestServer, type ChatRequestBody } from '../../test/support/openai-test-server';
import { sleep } from './stats';

export interface LlmCall {
  tag: string;
  schema: string;
  receivedAt: number;
  /** When the whole answer was handed to the operating system (`finish`): answeredAt - receivedAt is the model's time as served. */
  answeredAt: number;
  streamingAt: number;
  closedAt: number;
  finished: boolean;
}

/** The platforms the clean answers are written for: runs must select these. */
export const PLATFORMS = ['x', 'instagram', 'linkedin'];

/**
 * Answers of a model that makes no mistake (as test/integration/orchestration.int-spec.ts builds
 * them: the offline generators on a regeneration, for SAMPLE_BRIEF), so every run passes its first
 * audit and the critical path is known.
 */
function cleanAnswers(): Record<string, string> {
  const input = {
    brief: SAMPLE_BRIEF,
    selectedPlatforms: PLATFORMS as never,
    platformLimits: { ...DEFAULT_PLATFORM_LIMITS },
    attempt: 2,
    previous: { content: {} as never, feedback: { verdict: 'fail' as const, weightedScore: 0, flags: [], recommendations: [] } },
  };
  return {
    [SCHEMA_NAMES.copy]: JSON.stringify(offlineCopy(input)),
    [SCHEMA_NAMES.shortCopy]: JSON.stringify(offlineShortCopy(input)),
    [SCHEMA_NAMES.visualConcept]: JSON.stringify(offlineVisualConcept(input)),
    [SCHEMA_NAMES.audit]: JSON.stringify(sampleAuditJudgement()),
  };
}

const TAG = /\(tag ([^)]+)\)/;

function tagOf(body: ChatRequestBody | undefined): string {
  for (const message of body?.messages ?? []) {
    const match = TAG.exec(message.content);
    if (match) return match[1];
  }
  return '';
}

/** How a streamed answer is paced: `deltas` chunks, `chunkDelayMs` apart. */
export interface StreamSpec {
  chunkDelayMs: number;
  deltas: number;
}

export class BenchLlm {
  readonly server = new OpenAiTestServer();
  readonly calls = new Map<string, LlmCall[]>();
  private readonly answers = cleanAnswers();

  /**
   * @param delayMs delay before answering, per schema name (campaign_copy, social_posts, poster_concepts, audit_reports)
   *   and request tag
   * @param stream streamed answers: a chunk every `chunkDelayMs`, `deltas` chunks (or per request tag; none: the
   *   test server's default of 4 chunks at once)
   */
  async start(delayMs: (schema: string, tag: string) => number, stream?: StreamSpec | ((tag: string) => StreamSpec | undefined)): Promise<string> {
    this.server.respondWith(async (exchange) => {
      const schema = exchange.request.body?.response_format?.json_schema?.name ?? '';
      const call: LlmCall = { tag: tagOf(exchange.request.body), schema, receivedAt: exchange.request.receivedAt, answeredAt: 0, streamingAt: 0, closedAt: 0, finished: false };
      let list = this.calls.get(call.tag);
      if (!list) this.calls.set(call.tag, (list = []));
      list.push(call);
      const res: ServerResponse = exchange.res;
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        if (!call.streamingAt) call.streamingAt = performance.now();
        return write(...args);
      }) as typeof res.write;
      res.once('finish', () => (call.answeredAt = performance.now()));
      res.once('close', () => {
        call.closedAt = performance.now();
        call.finished = res.writableFinished;
      });
      const streamed = typeof stream === 'function' ? stream(call.tag) : stream;
      await reply.completion({ delayMs: delayMs(schema, call.tag), content: this.answers[schema], ...(streamed ?? {}) })(exchange);
    });
    await this.server.start();
    return this.server.openAiBaseUrl;
  }

  callsOf(tag: string): LlmCall[] {
    return this.calls.get(tag) ?? [];
  }

  /** Resolves once `count` calls of `tag` have arrived and each is `ready`; rejects after `timeoutMs`. */
  async untilCalls(tag: string, count: number, ready: (call: LlmCall) => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const calls = this.callsOf(tag);
      if (calls.length >= count && calls.every(ready)) return;
      await sleep(5);
    }
    throw new Error(`tag ${tag}: ${count} LLM calls not ready within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
