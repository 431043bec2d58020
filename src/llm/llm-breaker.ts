import { Logger } from '@nestjs/common';
import { BrokenCircuitError, circuitBreaker, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { LlmClient, LlmRequest, LlmResponse } from './llm-client';
import { LlmError } from './llm-errors';

/** Whether the model endpoint takes calls, for readiness and for refusing new runs at once. */
export abstract class LlmAvailability {
  /** False while the circuit breaker is open. */
  abstract readonly available: boolean;
  /** Seconds until the next probe may close the breaker (a client's `Retry-After`); 0 while available. */
  abstract readonly retryAfterSeconds: number;
}

/** The offline model, or an endpoint without a breaker: always taking calls. */
export const ALWAYS_AVAILABLE: LlmAvailability = { available: true, retryAfterSeconds: 0 };

/**
 * True for failures that say the endpoint itself is down or refuses us: connection errors and 5xx
 * (`LLM_UNAVAILABLE`), no answer in time (`LLM_TIMEOUT`), 401 and 403 (a bad key or missing
 * role). An endpoint that answers anything else (429, a content filter, a 400) is serving.
 */
export function isEndpointFailure(error: unknown): boolean {
  if (!(error instanceof LlmError)) return false;
  return error.code === 'LLM_UNAVAILABLE' || error.code === 'LLM_TIMEOUT' || error.status === 401 || error.status === 403;
}

/** Settings of {@link BreakerLlmClient}. */
export interface BreakerSettings {
  /** Consecutive endpoint failures that open the breaker. */
  failures: number;
  /** While open, the endpoint is probed this often (ms). */
  probeMs: number;
}

/**
 * An HTTP model client behind a circuit breaker (cockatiel): after `failures` endpoint failures in
 * a row it opens, and calls fail at once with `LLM_UNAVAILABLE` instead of waiting through every
 * retry. While open it probes the endpoint every `probeMs` (`LlmClient.probe`: no generation);
 * the first success closes it.
 */
export class BreakerLlmClient extends LlmClient implements LlmAvailability {
  private readonly logger = new Logger('LlmClient');
  private readonly policy: CircuitBreakerPolicy;
  private probeTimer?: NodeJS.Timeout;
  private openedAt = 0;

  constructor(
    private readonly inner: LlmClient,
    private readonly settings: BreakerSettings,
  ) {
    super();
    this.policy = circuitBreaker(handleWhen(isEndpointFailure), { halfOpenAfter: settings.probeMs, breaker: new ConsecutiveBreaker(settings.failures) });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
      this.logger.warn(`The model endpoint failed ${settings.failures} times in a row: circuit open, new runs refused (LLM_UNAVAILABLE); probing every ${settings.probeMs} ms`);
      this.scheduleProbe();
    });
    this.policy.onReset(() => {
      this.logger.log('The model endpoint answers again: circuit closed');
      clearTimeout(this.probeTimer);
    });
  }

  get name(): string {
    return this.inner.name;
  }

  get judges(): boolean {
    return this.inner.judges;
  }

  get available(): boolean {
    return this.policy.state === CircuitState.Closed;
  }

  get retryAfterSeconds(): number {
    if (this.available) return 0;
    return Math.max(1, Math.ceil((this.openedAt + this.settings.probeMs - Date.now()) / 1000));
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    try {
      return await this.policy.execute(() => this.inner.complete(request));
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new LlmError('LLM_UNAVAILABLE', 'The model endpoint is unavailable (it failed repeatedly; calls resume once it answers a probe)');
      throw error;
    }
  }

  probe(signal: AbortSignal): Promise<void> {
    return this.inner.probe(signal);
  }

  /** Stops probing (shutdown). */
  close(): void {
    clearTimeout(this.probeTimer);
  }

  /** Probes once the breaker lets a trial call through; a failed probe opens it again, which schedules the next. */
  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.settings.probeMs).unref();
      this.policy
        .execute(() => this.inner.probe(controller.signal))
        .catch((error: unknown) => {
          // Still open (a call of a run is the trial at this moment): try again later.
          if (error instanceof BrokenCircuitError) this.scheduleProbe();
        })
        .finally(() => clearTimeout(timer));
    }, this.settings.probeMs + 10).unref();
  }
}
