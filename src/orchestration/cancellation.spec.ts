import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { expectValidStream, SAMPLE_CONTENT, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest, when } from './testing/orchestrator-harness';

describe(`${CampaignOrchestrator.name} cancellation`, () => {
  it('cancelled before start: Queued then Cancelled, no agent runs', async () => {
    const { orchestrator, agents } = createHarness();
    const controller = new AbortController();
    controller.abort();
    const { events, result } = await collect(orchestrator.run(sampleRequest(), controller.signal));

    expect(trace(events)).toEqual(['Queued/1', 'Cancelled/1']);
    expectValidStream(events);
    expect(agents.copy.calls.length + agents.shortCopy.calls.length + agents.visualConcept.calls.length).toBe(0);
    expect(result.status).toBe('cancelled');
    expect(result.artifacts).toEqual({});
  });

  it('cancelled during generation: in-flight calls abort at once, finished artifacts are kept', async () => {
    const { orchestrator, agents, registry } = createHarness({
      copy: () => ({ hang: true }),
      visualConcept: () => ({ hang: true }),
    });
    const execution = orchestrator.run(sampleRequest());
    await when(execution, (e) => e.state === 'GeneratingShortCopy' && e.phase === 'completed');
    const cancelledAt = performance.now();
    expect(registry.cancel(execution.runId)).toBe(true);
    const { events, result } = await collect(execution);

    expect(performance.now() - cancelledAt).toBeLessThan(100);
    expectValidStream(events);
    expect(events.at(-1)!.state).toBe('Cancelled');
    expect(agents.copy.calls[0].signal.aborted).toBe(true);
    expect(agents.visualConcept.calls[0].signal.aborted).toBe(true);
    expect(agents.audit.calls).toHaveLength(0);
    expect(result.status).toBe('cancelled');
    expect(Object.keys(result.artifacts)).toEqual(['shortCopy']);
    expect(result.errors).toEqual([]);
    expect(events.some((e) => e.phase === 'failed')).toBe(false);
  });

  it('cancelled during the audit: the audit call aborts and the artifacts come back unaudited', async () => {
    const { orchestrator, agents, registry } = createHarness({ audit: () => ({ hang: true }) });
    const execution = orchestrator.run(sampleRequest());
    await when(execution, (e) => e.state === 'Auditing' && e.phase === 'started');
    registry.cancel(execution.runId);
    const { events, result } = await collect(execution);

    expectValidStream(events);
    expect(trace(events).slice(-2)).toEqual(['Auditing/audit/started/1', 'Cancelled/1']);
    expect(agents.audit.calls[0].signal.aborted).toBe(true);
    expect(result.status).toBe('cancelled');
    expect(Object.keys(result.artifacts).sort()).toEqual(['copy', 'shortCopy', 'visualConcept']);
    expect(result.artifacts.copy?.auditVerdict).toBe('unaudited');
  });

  it('cancelled during a regeneration: the regeneration aborts, the failing version is kept', async () => {
    const { orchestrator, agents, registry } = createHarness({
      verdict: (type) => (type === 'copy' ? 'fail' : 'pass'),
      copy: (_input, call) => (call === 1 ? { output: SAMPLE_CONTENT.copy } : { hang: true }),
    });
    const execution = orchestrator.run(sampleRequest());
    await when(execution, (e) => e.state === 'GeneratingCopy' && e.attempt === 2);
    registry.cancel(execution.runId);
    const { events, result } = await collect(execution);

    expectValidStream(events);
    expect(events.at(-1)!.state).toBe('Cancelled');
    expect(agents.copy.calls[1].signal.aborted).toBe(true);
    expect(agents.copy.calls[1].input.previous?.feedback.verdict).toBe('fail');
    expect(result.status).toBe('cancelled');
    expect(result.artifacts.copy).toMatchObject({ attempt: 1, auditVerdict: 'fail', failedAudit: true });
    expect(result.artifacts.shortCopy?.auditVerdict).toBe('pass');
  });

  it('cancelled by the caller signal in sequential mode: no later agent starts', async () => {
    const { orchestrator, agents } = createHarness({ shortCopy: () => ({ hang: true }) });
    const controller = new AbortController();
    const execution = orchestrator.run(sampleRequest({ executionMode: 'sequential' }), controller.signal);
    await when(execution, (e) => e.state === 'GeneratingShortCopy');
    controller.abort();
    const { events, result } = await collect(execution);

    expectValidStream(events);
    expect(agents.visualConcept.calls).toHaveLength(0);
    expect(Object.keys(result.artifacts)).toEqual(['copy']);
    expect(result.artifacts.copy?.auditVerdict).toBe('pass');
  });

  it('ends at once even when an agent ignores its signal, and drops its late answer', async () => {
    const { orchestrator, registry, agents } = createHarness({ copy: () => ({ ignoreAbort: true, lateOutput: SAMPLE_CONTENT.copy, delayMs: 30 }) });
    const execution = orchestrator.run(sampleRequest());
    await when(execution, (e) => e.state === 'GeneratingVisual' && e.phase === 'completed');
    registry.cancel(execution.runId);
    const { events, result } = await collect(execution);
    expectValidStream(events);
    expect(result.status).toBe('cancelled');
    expect(Object.keys(result.artifacts).sort()).toEqual(['shortCopy', 'visualConcept']);

    await Promise.all(agents.copy.settled);
    await new Promise((resolve) => setImmediate(resolve));
    expect(Object.keys(result.artifacts).sort()).toEqual(['shortCopy', 'visualConcept']);
    expect(result.versions.map((v) => v.type).sort()).toEqual(['shortCopy', 'visualConcept']);
    expect(result.metrics.attempts).toEqual({ copy: 1, shortCopy: 1, visualConcept: 1 });
  });

  it('refuses a cancel after the end, and the caller aborting then leaves the result as it was', async () => {
    const { orchestrator, registry } = createHarness();
    const controller = new AbortController();
    const execution = orchestrator.run(sampleRequest(), controller.signal);
    const { events, result } = await collect(execution);
    const before = structuredClone(result);

    expect(registry.cancel(execution.runId)).toBe(false);
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(result).toEqual(before);
    expect((await collect(execution)).events).toEqual(events);
    expect(events.at(-1)!.state).toBe('Completed');
  });

  it('cancelAll cancels every executing run', async () => {
    const { orchestrator, registry } = createHarness({ copy: () => ({ hang: true }) });
    const runs = [orchestrator.run(sampleRequest()), orchestrator.run(sampleRequest())];
    await Promise.all(runs.map((r) => when(r, (e) => e.state === 'GeneratingCopy')));
    expect(registry.cancelAll()).toBe(2);
    const results = await Promise.all(runs.map((r) => r.result));
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });
});
