import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { agentError } from './testing/fake-agents';
import { collect, createHarness, sampleRequest } from './testing/orchestrator-harness';

describe(`${CampaignOrchestrator.name} traces`, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  const runSpan = (runId: string): ReadableSpan | undefined =>
    exporter.getFinishedSpans().find((s) => s.name === 'orchestration.run' && s.attributes['run.id'] === runId);

  it('ends the span of a successful run with its ids, mode and outcome, and no error', async () => {
    const { orchestrator } = createHarness();
    await collect(orchestrator.run(sampleRequest({ runId: 'run-ok', executionMode: 'sequential' })));

    const span = runSpan('run-ok')!;
    expect(span.attributes).toStrictEqual({ 'run.id': 'run-ok', 'campaign.id': 'campaign-1', 'execution.mode': 'sequential', outcome: 'success' });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('names the error codes of a partially completed run without marking it failed', async () => {
    const { orchestrator } = createHarness({ copy: () => ({ error: agentError('INVALID_OUTPUT') }) });
    await collect(orchestrator.run(sampleRequest({ runId: 'run-partial' })));

    const span = runSpan('run-partial')!;
    expect(span.attributes).toMatchObject({ outcome: 'partialSuccess', 'error.codes': ['INVALID_OUTPUT'] });
    expect(span.attributes['error.code']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a failed run with the code of its first error', async () => {
    const { orchestrator } = createHarness({
      copy: () => ({ error: agentError('LLM_RATE_LIMITED') }),
      shortCopy: () => ({ error: agentError('INVALID_OUTPUT'), delayMs: 5 }),
      visualConcept: () => ({ error: agentError('INVALID_OUTPUT'), delayMs: 5 }),
    });
    await collect(orchestrator.run(sampleRequest({ runId: 'run-failed' })));

    const span = runSpan('run-failed')!;
    expect(span.attributes).toMatchObject({ outcome: 'failed', 'error.code': 'LLM_RATE_LIMITED', 'error.codes': ['LLM_RATE_LIMITED', 'INVALID_OUTPUT', 'INVALID_OUTPUT'] });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Run failed' });
  });

  it('marks a cancelled run as cancelled', async () => {
    const { orchestrator } = createHarness();
    const controller = new AbortController();
    controller.abort();
    await collect(orchestrator.run(sampleRequest({ runId: 'run-cancelled' }), controller.signal));

    const span = runSpan('run-cancelled')!;
    expect(span.attributes).toMatchObject({ outcome: 'cancelled', 'error.code': 'CANCELLED' });
    expect(span.attributes['error.codes']).toBeUndefined();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Run cancelled' });
  });

  it('traces each compliance round as a child of the run span, with its attempt and artifacts', async () => {
    const { orchestrator } = createHarness({ verdict: (type, attempt) => (type !== 'shortCopy' && attempt < 3 ? 'fail' : 'pass') });
    await collect(orchestrator.run(sampleRequest({ runId: 'run-rounds' })));

    const run = runSpan('run-rounds')!;
    const rounds = exporter.getFinishedSpans().filter((s) => s.name === 'orchestration.compliance_attempt');
    expect(rounds.map((s) => s.attributes)).toEqual([
      { attempt: 2, 'artifact.types': 'copy,visualConcept', 'run.id': 'run-rounds', 'campaign.id': 'campaign-1', outcome: 'ok' },
      { attempt: 3, 'artifact.types': 'copy,visualConcept', 'run.id': 'run-rounds', 'campaign.id': 'campaign-1', outcome: 'ok' },
    ]);
    for (const round of rounds) expect(round.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
  });

  it('starts no compliance round once the run is stopped', async () => {
    const { orchestrator, registry, agents } = createHarness({ verdict: () => 'fail' });
    const execution = orchestrator.run(sampleRequest({ runId: 'run-stopped' }));
    execution.events$.subscribe((e) => {
      if (e.state === 'Auditing' && e.phase === 'completed') registry.cancel(execution.runId);
    });
    const { result } = await collect(execution);

    expect(result.status).toBe('cancelled');
    expect(agents.copy.calls).toHaveLength(1);
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'orchestration.compliance_attempt')).toEqual([]);
  });
});
