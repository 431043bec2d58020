import { metrics, type Attributes, type Histogram } from '@opentelemetry/api';
import type { OrchestrationResult } from '@app/contracts';

/** Buckets for durations in seconds, from sub-millisecond engine steps to two-minute runs. */
const SECOND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * A duration histogram in seconds, the base unit (`unit: 's'`), fed the milliseconds the code
 * measures. The Prometheus exporter in use does not append the unit to the name (the OpenTelemetry
 * Prometheus compatibility rules do, unless the name already ends with it), so the name carries
 * it: `…_seconds`, in Prometheus as over OTLP.
 */
export class SecondsHistogram {
  constructor(private readonly histogram: Histogram) {}

  /** Records `ms` milliseconds (as `ms / 1000` seconds). */
  recordMs(ms: number, attributes?: Attributes): void {
    this.histogram.record(ms / 1000, attributes);
  }
}

/**
 * The counts behind the observable instruments: an event, a run or an agent's tokens only add to
 * these (no attribute hashing on the hot path); the SDK reads them at each collection.
 */
const tallies = {
  /** Events emitted, by state. */
  events: new Map<string, number>(),
  /** Tokens used, by agent type, then kind. */
  tokens: new Map<string, { prompt: number; completion: number }>(),
  activeRuns: 0,
};

/** Counts one run event of `state`. */
export function countEvent(state: string): void {
  tallies.events.set(state, (tallies.events.get(state) ?? 0) + 1);
}

/** Counts the tokens of one agent execution. */
export function countTokens(agentType: string, usage: { promptTokens: number; completionTokens: number }): void {
  let tokens = tallies.tokens.get(agentType);
  if (!tokens) tallies.tokens.set(agentType, (tokens = { prompt: 0, completion: 0 }));
  tokens.prompt += usage.promptTokens;
  tokens.completion += usage.completionTokens;
}

/** Counts a run starting (+1) or ending (-1) in this process. */
export function countActiveRun(delta: 1 | -1): void {
  tallies.activeRuns += delta;
}

function create() {
  const meter = metrics.getMeter('campaign-orchestrator');
  meter.createObservableCounter('orchestration.events', { description: 'Run events emitted, by state' }).addCallback((result) => {
    for (const [state, count] of tallies.events) result.observe(count, { state });
  });
  meter.createObservableCounter('llm.tokens', { description: 'LLM tokens used, by agent type and kind (prompt, completion)' }).addCallback((result) => {
    for (const [type, tokens] of tallies.tokens) {
      result.observe(tokens.prompt, { 'agent.type': type, kind: 'prompt' });
      result.observe(tokens.completion, { 'agent.type': type, kind: 'completion' });
    }
  });
  meter.createObservableUpDownCounter('orchestration.runs.active', { description: 'Runs executing in this process' }).addCallback((result) => result.observe(tallies.activeRuns));
  const seconds = (name: string, description: string) =>
    new SecondsHistogram(meter.createHistogram(`${name}_seconds`, { description, unit: 's', advice: { explicitBucketBoundaries: SECOND_BUCKETS } }));
  return {
    provider: metrics.getMeterProvider(),
    runDuration: seconds('orchestration.run.duration', 'Run duration, from start to its terminal event'),
    timeToFirstArtifact: seconds('orchestration.run.time_to_first_artifact', 'Time from the start of a run to its first artifact'),
    generationDuration: seconds('orchestration.run.generation.duration', 'Wall time a run spent generating'),
    auditDuration: seconds('orchestration.run.audit.duration', 'Wall time a run spent auditing'),
    agentDuration: seconds('orchestration.agent.duration', 'Duration of one agent execution, by agent type and outcome'),
    storeDuration: seconds('store.operation.duration', 'Duration of one store operation, by operation and outcome'),
    deliveryLag: seconds('realtime.event.delivery_lag', 'Time from the creation of an event to its emission to a subscriber'),
    runs: meter.createCounter('orchestration.runs', { description: 'Runs ended, by final status' }),
    sockets: meter.createUpDownCounter('realtime.sockets.connected', { description: 'Connected Socket.IO clients' }),
  };
}

type Instruments = ReturnType<typeof create>;
let current: Instruments | undefined;

/**
 * The server's metric instruments, created on the global meter provider. Created lazily and again
 * when the provider changes: instruments made before the SDK starts would stay no-ops.
 */
export function instruments(): Instruments {
  if (!current || current.provider !== metrics.getMeterProvider()) current = create();
  return current;
}

/** Records the figures of a finished run. */
export function recordRunResult(result: OrchestrationResult): void {
  const m = instruments();
  const attributes = { 'execution.mode': result.executionMode, status: result.status };
  m.runDuration.recordMs(result.metrics.totalMs, attributes);
  if (result.metrics.timeToFirstArtifactMs !== undefined) m.timeToFirstArtifact.recordMs(result.metrics.timeToFirstArtifactMs, attributes);
  m.generationDuration.recordMs(result.metrics.generationMs, attributes);
  m.auditDuration.recordMs(result.metrics.auditMs, attributes);
  m.runs.add(1, attributes);
}

