import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { LlmClient, LlmRequest, LlmResponse, LlmUsage } from '../llm-client';
import { Logger } from '@nestjs/common';
import { LlmAbortedError, LlmError } from '../llm-errors';
import { redactSecrets } from '../redact';

/** Options shared by the HTTP adapters. */
export interface OpenAiChatOptions {
  /** `model` for OpenAI-compatible endpoints; the deployment name for Azure. */
  model: string;
  responseFormat: 'json_schema' | 'json_object';
  stream: boolean;
  /** Per-attempt timeout; the request's own `timeoutMs` bounds all attempts together. */
  requestTimeoutMs: number;
}

const NO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/**
 * Structured-output chat over the official `openai` SDK. Retries (429, 5xx, connection errors,
 * timeouts, with exponential backoff and `retry-after`) are the SDK's own, set by `maxRetries`
 * on the client. The run's signal and an overall deadline are passed to every HTTP request, so an
 * abort closes the connection at once.
 */
export abstract class OpenAiChatClient extends LlmClient {
  readonly judges = true;
  private readonly logger = new Logger('LlmClient');

  protected constructor(
    protected readonly client: OpenAI,
    protected readonly options: OpenAiChatOptions,
  ) {
    super();
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    if (request.signal.aborted) throw new LlmAbortedError(request.signal.reason);
    // One signal for the HTTP calls: aborted by the caller's signal or at the deadline (cheaper than AbortSignal.any + timeout).
    const controller = new AbortController();
    const signal = controller.signal;
    const timeoutMessage = `LLM call exceeded ${request.timeoutMs} ms`;
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort(new LlmError('LLM_TIMEOUT', timeoutMessage));
    }, request.timeoutMs).unref();
    const onCallerAbort = () => controller.abort(request.signal.reason);
    request.signal.addEventListener('abort', onCallerAbort, { once: true });
    const body: ChatCompletionCreateParamsBase = {
      model: this.options.model,
      messages: request.messages,
      response_format:
        this.options.responseFormat === 'json_schema'
          ? { type: 'json_schema', json_schema: { name: request.schemaName, schema: request.schema, strict: true } }
          : { type: 'json_object' },
    };
    const requestOptions = { signal, timeout: Math.max(1, Math.round(Math.min(this.options.requestTimeoutMs, request.timeoutMs))) };
    // The SDK sleeps between retries without watching the signal (and honours any retry-after),
    // so the call is raced against the signal: a cancel or the deadline settles it at once.
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    aborted.catch(() => undefined);
    const work = this.options.stream ? this.completeStreamed(body, requestOptions) : this.completeOnce(body, requestOptions);
    work.catch(() => undefined);
    try {
      return await Promise.race([work, aborted]);
    } catch (error) {
      if (request.signal.aborted) throw new LlmAbortedError(request.signal.reason);
      if (timedOut) throw new LlmError('LLM_TIMEOUT', timeoutMessage);
      const failure = toLlmError(error, [this.client.apiKey ?? undefined]);
      this.logger.warn(`LLM call failed (${failure.code}): ${failure.detail ?? failure.message}`);
      throw failure;
    } finally {
      clearTimeout(deadline);
      request.signal.removeEventListener('abort', onCallerAbort);
    }
  }

  /**
   * Lists the models: a call that generates nothing and costs no tokens. Any answer the endpoint
   * gives but 401, 403 and 5xx (a gateway without the route answers 404) shows it serving.
   */
  async probe(signal: AbortSignal): Promise<void> {
    try {
      await this.client.models.list({ signal, timeout: this.options.requestTimeoutMs, maxRetries: 0 });
    } catch (error) {
      if (signal.aborted) throw new LlmError('LLM_TIMEOUT', 'The model endpoint did not answer the probe in time');
      const failure = toLlmError(error, [this.client.apiKey ?? undefined]);
      if (failure.status !== undefined && failure.status !== 401 && failure.status !== 403 && failure.status < 500) return;
      throw failure;
    }
  }

  private async completeOnce(
    body: ChatCompletionCreateParamsBase,
    options: { signal: AbortSignal; timeout: number },
  ): Promise<LlmResponse> {
    const completion = await this.client.chat.completions.create({ ...body, stream: false }, options);
    const choice = completion.choices[0];
    assertAnswered({ finishReason: choice?.finish_reason, refusal: choice?.message?.refusal, filterResults: filterResultsOf(choice) });
    const content = choice?.message?.content;
    if (typeof content !== 'string') throw new LlmError('LLM_REQUEST_FAILED', 'The model returned no content');
    return { content, usage: toUsage(completion.usage), model: completion.model };
  }

  private async completeStreamed(
    body: ChatCompletionCreateParamsBase,
    options: { signal: AbortSignal; timeout: number },
  ): Promise<LlmResponse> {
    const stream = await this.client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      options,
    );
    let content = '';
    let refusal: string | undefined;
    let finishReason: string | null | undefined;
    let filterResults: unknown;
    let usage = NO_USAGE;
    let model = this.options.model;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      content += choice?.delta?.content ?? '';
      if (choice?.delta?.refusal) refusal = (refusal ?? '') + choice.delta.refusal;
      finishReason = choice?.finish_reason ?? finishReason;
      filterResults = filterResultsOf(choice) ?? filterResults;
      if (chunk.usage) usage = toUsage(chunk.usage);
      model = chunk.model || model;
    }
    // The SDK ends the iteration quietly when its request is aborted: a cut-off stream is no answer.
    if (options.signal.aborted) throw options.signal.reason;
    assertAnswered({ finishReason, refusal, filterResults });
    return { content, usage, model };
  }
}

/** Azure's per-category filter results on a choice (not in the SDK's types). */
function filterResultsOf(choice: unknown): unknown {
  return (choice as { content_filter_results?: unknown } | undefined)?.content_filter_results;
}

/** The categories Azure's filter stopped, from its `{ category: { filtered } }` results. */
function filteredCategories(results: unknown): string[] {
  if (!results || typeof results !== 'object') return [];
  return Object.entries(results as Record<string, { filtered?: unknown }>)
    .filter(([, result]) => result && typeof result === 'object' && result.filtered === true)
    .map(([category]) => category);
}

/** `CONTENT_FILTERED` naming the categories, when there are any. */
function contentFiltered(categories: string[], what: string): LlmError {
  const named = categories.length > 0 ? ` (${categories.join(', ')})` : '';
  return new LlmError('CONTENT_FILTERED', `The model's content filter stopped ${what}${named}`, categories.join(','));
}

/**
 * An answer that is no answer, with its own code, so that no repair is asked for: a refusal, the
 * content filter, or output cut off at the token limit.
 * @throws LlmError MODEL_REFUSED, CONTENT_FILTERED, OUTPUT_TRUNCATED
 */
function assertAnswered({ finishReason, refusal, filterResults }: { finishReason?: string | null; refusal?: string | null; filterResults?: unknown }): void {
  if (refusal) throw new LlmError('MODEL_REFUSED', 'The model refused to answer', refusal);
  if (finishReason === 'content_filter') throw contentFiltered(filteredCategories(filterResults), 'the answer');
  if (finishReason === 'length') throw new LlmError('OUTPUT_TRUNCATED', 'The answer was cut off at the token limit');
}

function toUsage(usage: OpenAI.CompletionUsage | undefined | null): LlmUsage {
  if (!usage) return NO_USAGE;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens };
}

/** What each failure says to clients: ours, never the provider's text. */
const MESSAGES: Record<'LLM_TIMEOUT' | 'LLM_RATE_LIMITED' | 'LLM_UNAVAILABLE' | 'LLM_REQUEST_FAILED', string> = {
  LLM_TIMEOUT: 'The model endpoint did not answer in time',
  LLM_RATE_LIMITED: 'The model endpoint is rate-limiting the calls',
  LLM_UNAVAILABLE: 'The model endpoint is unavailable',
  LLM_REQUEST_FAILED: 'The model endpoint refused the call',
};

/**
 * Maps an SDK error (after its retries) to an `LlmError` with a stable code and our message (with
 * the HTTP status, when there was one); the provider's text goes to `detail` with `secrets` and
 * anything that looks like a credential redacted.
 */
export function toLlmError(error: unknown, secrets: readonly (string | undefined)[] = []): LlmError {
  if (error instanceof LlmError) return error;
  // Azure's filter refusing the prompt: HTTP 400 with code content_filter.
  if (error instanceof OpenAI.APIError && error.code === 'content_filter') {
    const inner = (error.error as { innererror?: { content_filter_result?: unknown } } | undefined)?.innererror;
    return contentFiltered(filteredCategories(inner?.content_filter_result), 'the prompt');
  }
  const detail = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  const httpStatus = error instanceof OpenAI.APIError && typeof error.status === 'number' ? error.status : undefined;
  const code: keyof typeof MESSAGES =
    error instanceof OpenAI.APIConnectionTimeoutError
      ? 'LLM_TIMEOUT'
      : error instanceof OpenAI.RateLimitError
        ? 'LLM_RATE_LIMITED'
        : error instanceof OpenAI.InternalServerError || error instanceof OpenAI.APIConnectionError
          ? 'LLM_UNAVAILABLE'
          : 'LLM_REQUEST_FAILED';
  return new LlmError(code, `${MESSAGES[code]}${httpStatus ? ` (HTTP ${httpStatus})` : ''}`, detail, httpStatus);
}
