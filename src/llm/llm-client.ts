import type { AgentType } from '@app/contracts';

/** A chat message sent to the model. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Token usage of one call, as reported by the provider (estimated offline). */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** One structured-output chat call. */
export interface LlmRequest {
  /** The agent asking; the offline client generates for it, HTTP clients log it. */
  task: AgentType;
  messages: LlmMessage[];
  /** Name of the output schema (letters, digits, `_`). */
  schemaName: string;
  /** JSON Schema the answer must follow (strict structured-output form). */
  schema: Record<string, unknown>;
  /**
   * The structured input the prompt was built from (brief, feedback, previous version…).
   * HTTP clients ignore it; the offline client generates from it.
   */
  context: unknown;
  /** Aborts the call at once, closing its HTTP request; never retried. */
  signal: AbortSignal;
  /** Upper bound for this call including retries, in ms. */
  timeoutMs: number;
}

/** The model's answer: raw JSON text (the caller parses and validates it) and usage. */
export interface LlmResponse {
  content: string;
  usage: LlmUsage;
  model: string;
}

/**
 * Port to a chat model that answers in JSON for a given schema.
 * Adapters: Azure OpenAI, any OpenAI-compatible endpoint, and an offline generator.
 * Transient failures (429, 5xx, connection errors, timeouts) are retried by the adapter with
 * exponential backoff; an abort is never retried and rejects at once with `LlmAbortedError`.
 * Other failures reject with `LlmError`.
 */
export abstract class LlmClient {
  /** Short name for logs and metrics, e.g. `azure-openai`. */
  abstract readonly name: string;
  /**
   * Whether the model's judgement is worth asking for in the audit. The offline client says no:
   * its audit is the deterministic rules alone.
   */
  abstract readonly judges: boolean;

  /** Sends one structured-output chat call. */
  abstract complete(request: LlmRequest): Promise<LlmResponse>;

  /**
   * Checks, without generating anything, that the endpoint serves (the circuit breaker's probe).
   * @throws LlmError when it does not
   */
  abstract probe(signal: AbortSignal): Promise<void>;
}
