import { metrics } from '@opentelemetry/api';
import type { OrchestrationResult } from '@app/contracts';

/** Buckets for durations in milliseconds, from sub-millisecond engine steps to two-minute runs. */
const MS_BUCKETS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000];

function create() {
  const meter = metrics.getMeter('campaign-orchestrator');
  const ms = (name: string, description: string) => meter.createHistogram(name, { description, unit: 'ms', advice: { explicitBucketBoundaries: MS_BUCKETS } });
  return {
    provider: metrics.getMeterProvider(),
    runDuration: ms('orchestration.run.duration', 'Run duration, from start to its terminal event'),
    timeToFirstArtifact: ms('orchestration.run.time_to_first_artifact', 'Time from the start of a run to its first artifact'),
    generationDuration: ms('orchestration.run.generation.duration', 'Wall time a run spent generating'),
    auditDuration: ms('orchestration.run.audit.duration', 'Wall time a run spent auditing'),
    agentDuration: ms('orchestration.agent.duration', 'Duration of one agent execution, by agent type and outcome'),
    storeDuration: ms('store.operation.duration', 'Duration of one store operation, by operation and outcome'),
    deliveryLag: ms('realtime.event.delivery_lag', 'Time from the creation of an event to its emission to a subscriber'),
    runs: meter.createCounter('orchestration.runs', { description: 'Runs ended, by final status' }),
    events: meter.createCounter('orchestration.events', { description: 'Run events emitted, by state' }),
    tokens: meter.createCounter('llm.tokens', { description: 'LLM tokens used, by agent type and kind (prompt, completion)' }),
    activeRuns: meter.createUpDownCounter('orchestration.runs.active', { description: 'Runs executing in this process' }),
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
  m.runDuration.record(result.metrics.totalMs, attributes);
  if (result.metrics.timeToFirstArtifactMs !== undefined) m.timeToFirstArtifact.record(result.metrics.timeToFirstArtifactMs, attributes);
  m.generationDuration.record(result.metrics.generationMs, attributes);
  m.auditDuration.record(result.metrics.auditMs, attributes);
  m.runs.add(1, attributes);
}

