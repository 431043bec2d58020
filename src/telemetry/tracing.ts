import { Attributes, context, Context, createContextKey, Span, SpanStatusCode, trace } from '@opentelemetry/api';

/** The tracer of the server's own spans (a proxy: spans are real once the SDK is started). */
export const tracer = trace.getTracer('campaign-orchestrator');

/** The run a piece of async work belongs to; read by the log mixin. */
export interface RunLogContext {
  runId: string;
  campaignId: string;
}

const RUN_KEY = createContextKey('campaign-orchestrator.run');

/** The run of the active context, if any. */
export function activeRun(): RunLogContext | undefined {
  return context.active().getValue(RUN_KEY) as RunLogContext | undefined;
}

/** Span attributes of a run. */
export const runAttributes = (run: RunLogContext & { executionMode?: string }): Attributes => ({
  'run.id': run.runId,
  'campaign.id': run.campaignId,
  ...(run.executionMode ? { 'execution.mode': run.executionMode } : {}),
});

/**
 * Starts the span of a run, a child of the active context (the REST or socket call that started
 * it), and returns the context every piece of the run's work must run in.
 */
export function startRunSpan(run: RunLogContext & { executionMode: string }): { span: Span; context: Context } {
  const span = tracer.startSpan('orchestration.run', { attributes: runAttributes(run) });
  return { span, context: trace.setSpan(context.active(), span).setValue(RUN_KEY, { runId: run.runId, campaignId: run.campaignId }) };
}

/** Ends a span with its outcome; a failure (an error, a cancel, a timeout) says so in the span's status. */
export function endSpan(span: Span, outcome: string, failure?: { code: string; message?: string }): void {
  span.setAttribute('outcome', outcome);
  if (failure) {
    span.setAttribute('error.code', failure.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message ?? failure.code });
  }
  span.end();
}

/** Runs `work` in a child span of the active context, ended with `work`'s outcome. */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, outcomeOf: (value: T) => string = () => 'ok'): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const value = await work();
      endSpan(span, outcomeOf(value));
      return value;
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      span.recordException(error as Error);
      const failure = typeof code === 'string' ? code : 'INTERNAL_ERROR';
      endSpan(span, failure === 'CANCELLED' ? 'cancelled' : 'error', { code: failure, message: (error as Error)?.message });
      throw error;
    }
  });
}
