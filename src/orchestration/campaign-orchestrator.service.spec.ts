import { isTerminalState } from '@app/contracts';
import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { OrchestrationValidationError, RunAbort } from './orchestration-errors';
import { agentError, expectValidStream, reportFor, SAMPLE_CONTENT, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest, when } from './testing/orchestrator-harness';

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe(CampaignOrchestrator.name, () => {
  describe('parallel mode', () => {
    it('starts the three generators together, then audits all artifacts, then completes', async () => {
      const { orchestrator, agents } = createHarness({
        copy: () => ({ output: SAMPLE_CONTENT.copy, delayMs: 30 }),
        shortCopy: () => ({ output: SAMPLE_CONTENT.shortCopy, delayMs: 10 }),
        visualConcept: () => ({ output: SAMPLE_CONTENT.visualConcept, delayMs: 20 }),
      });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));

      expectValidStream(events);
      expect(trace(events)).toEqual([
        'Queued/1',
        'GeneratingCopy/copy/started/1',
        'GeneratingShortCopy/shortCopy/started/1',
        'GeneratingVisual/visualConcept/started/1',
        'GeneratingShortCopy/shortCopy/completed/1',
        'GeneratingVisual/visualConcept/completed/1',
        'GeneratingCopy/copy/completed/1',
        'GenerationComplete/1',
        'Auditing/audit/started/1',
        'Auditing/audit/completed/1',
        'Completed/1',
      ]);
      expect(agents.audit.calls[0].input.subjects.map((s) => s.type).sort()).toEqual(['copy', 'shortCopy', 'visualConcept']);
      expect(events.find((e) => e.state === 'GeneratingCopy' && e.phase === 'completed')?.metadata).toEqual({ durationMs: expect.any(Number), content: SAMPLE_CONTENT.copy });
      expect(result.status).toBe('success');
      expect(result.executionMode).toBe('parallel');
      expect(Object.keys(result.artifacts).sort()).toEqual(['copy', 'shortCopy', 'visualConcept']);
      expect(result.artifacts.copy).toMatchObject({ attempt: 1, auditVerdict: 'pass', failedAudit: false, content: SAMPLE_CONTENT.copy });
      expect(result.auditReports).toHaveLength(3);
      expect(result.errors).toEqual([]);
    });

    it('reports timings (rounded to 0.1 ms) and usage in the metrics', async () => {
      const { orchestrator } = createHarness({
        copy: () => ({ output: SAMPLE_CONTENT.copy, delayMs: 40 }),
        shortCopy: () => ({ output: SAMPLE_CONTENT.shortCopy, delayMs: 5 }),
        audit: (input) => ({ output: input.subjects.map((s) => reportFor(s.type, s.attempt, 'pass')), delayMs: 25 }),
      });
      const { result } = await collect(orchestrator.run(sampleRequest()));
      const { metrics } = result;
      expect(metrics.totalMs).toBeGreaterThanOrEqual(60);
      expect(metrics.timeToFirstArtifactMs).toBeLessThan(metrics.agentMs.copy!);
      expect(metrics.generationMs).toBeGreaterThanOrEqual(35);
      expect(metrics.generationMs).toBeLessThan(metrics.totalMs - 20);
      expect(metrics.auditMs).toBeGreaterThanOrEqual(20);
      expect(metrics.auditMs).toBeLessThan(metrics.totalMs - 35);
      expect(metrics.agentMs.audit).toBeGreaterThanOrEqual(20);
      for (const ms of [metrics.totalMs, metrics.generationMs, metrics.auditMs, ...Object.values(metrics.agentMs)]) {
        expect(Math.round(ms * 10)).toBeCloseTo(ms * 10, 6);
      }
      expect(Object.keys(metrics.agentMs).sort()).toEqual(['audit', 'copy', 'shortCopy', 'visualConcept']);
      expect(metrics.attempts).toEqual({ copy: 1, shortCopy: 1, visualConcept: 1 });
      expect(metrics.tokens).toEqual({ prompt: 40, completion: 80, total: 120 });
      expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    });

    it('gives the short copy no reference: it works from the brief alone', async () => {
      const { orchestrator, agents } = createHarness();
      await collect(orchestrator.run(sampleRequest()));
      expect(agents.shortCopy.calls[0].input.reference).toBeUndefined();
      expect(agents.shortCopy.calls[0].input.selectedPlatforms).toEqual(['x', 'linkedin']);
    });
  });

  describe('sequential mode', () => {
    it('generates and audits each artifact in turn, the short copy with the copy as reference', async () => {
      const { orchestrator, agents } = createHarness();
      const { events, result } = await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));

      expectValidStream(events);
      expect(trace(events)).toEqual([
        'Queued/1',
        'GeneratingCopy/copy/started/1',
        'GeneratingCopy/copy/completed/1',
        'Auditing/audit/started/1',
        'Auditing/audit/completed/1',
        'GeneratingShortCopy/shortCopy/started/1',
        'GeneratingShortCopy/shortCopy/completed/1',
        'Auditing/audit/started/1',
        'Auditing/audit/completed/1',
        'GeneratingVisual/visualConcept/started/1',
        'GeneratingVisual/visualConcept/completed/1',
        'GenerationComplete/1',
        'Auditing/audit/started/1',
        'Auditing/audit/completed/1',
        'Completed/1',
      ]);
      expect(agents.audit.calls.map((c) => c.input.subjects.map((s) => s.type))).toEqual([['copy'], ['shortCopy'], ['visualConcept']]);
      expect(agents.shortCopy.calls[0].input.reference?.copy).toEqual(SAMPLE_CONTENT.copy);
      expect(result.status).toBe('success');
      expect(result.executionMode).toBe('sequential');
    });

    it('goes on to the next artifact when one generator fails, without a reference copy', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ error: agentError('INVALID_OUTPUT') }) });
      const { events, result } = await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));
      expectValidStream(events);
      expect(agents.shortCopy.calls[0].input.reference).toBeUndefined();
      expect(result.status).toBe('partialSuccess');
      expect(Object.keys(result.artifacts).sort()).toEqual(['shortCopy', 'visualConcept']);
      expect(events.at(-1)!.state).toBe('PartiallyCompleted');
    });
  });

  describe('errors', () => {
    it('isolates one failing agent: the run ends PartiallyCompleted with what succeeded', async () => {
      const { orchestrator, agents } = createHarness({ visualConcept: () => ({ error: agentError('LLM_UNAVAILABLE') }) });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));

      expectValidStream(events);
      const failed = events.find((e) => e.phase === 'failed')!;
      expect(failed).toMatchObject({ state: 'GeneratingVisual', agentType: 'visualConcept', metadata: { code: 'LLM_UNAVAILABLE' } });
      expect(events.find((e) => e.state === 'GenerationComplete')?.metadata).toEqual({ produced: ['copy', 'shortCopy'], failed: ['visualConcept'] });
      expect(agents.audit.calls[0].input.subjects.map((s) => s.type)).toEqual(['copy', 'shortCopy']);
      expect(result.status).toBe('partialSuccess');
      expect(events.at(-1)!.state).toBe('PartiallyCompleted');
      expect(result.artifacts.visualConcept).toBeUndefined();
      expect(result.errors).toEqual([
        { agentType: 'visualConcept', code: 'LLM_UNAVAILABLE', message: 'fake LLM_UNAVAILABLE', attempt: 1, timestamp: expect.any(String) },
      ]);
    });

    it('fails the run when every generator fails, without auditing', async () => {
      const { orchestrator, agents } = createHarness({
        copy: () => ({ error: agentError() }),
        shortCopy: () => ({ error: agentError('INVALID_OUTPUT') }),
        visualConcept: () => ({ error: new Error('socket hang up') }),
      });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));
      expectValidStream(events);
      expect(events.at(-1)!.state).toBe('Failed');
      expect(result.status).toBe('failed');
      expect(agents.audit.calls).toHaveLength(0);
      expect(result.errors.map((e) => e.code).sort()).toEqual(['AGENT_FAILED', 'INVALID_OUTPUT', 'LLM_UNAVAILABLE']);
    });

    it('ends a slow agent with AGENT_TIMEOUT and aborts its signal', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ hang: true }) }, { agentTimeoutMs: 50 });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));
      expectValidStream(events);
      expect(agents.copy.calls[0].signal.aborted).toBe(true);
      expect(agents.copy.calls[0].timeoutMs).toBe(50);
      expect(result.errors).toEqual([expect.objectContaining({ agentType: 'copy', code: 'AGENT_TIMEOUT' })]);
      expect(result.status).toBe('partialSuccess');
    });

    it('ends the run with RUN_TIMEOUT, keeping what was produced', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ hang: true }) }, { runTimeoutMs: 60 });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));
      expectValidStream(events);
      expect(agents.copy.calls[0].signal.aborted).toBe(true);
      expect(result.errors).toEqual([expect.objectContaining({ code: 'RUN_TIMEOUT' })]);
      expect(result.errors[0].agentType).toBeUndefined();
      expect(result.status).toBe('partialSuccess');
      expect(events.at(-1)!.state).toBe('PartiallyCompleted');
      expect(result.artifacts.shortCopy?.auditVerdict).toBe('unaudited');
    });

    it('fails the run with RUN_TIMEOUT when nothing was produced in time', async () => {
      const hang = () => ({ hang: true as const });
      const { orchestrator } = createHarness({ copy: hang, shortCopy: hang, visualConcept: hang }, { runTimeoutMs: 40 });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));
      expectValidStream(events);
      expect(events.at(-1)!.state).toBe('Failed');
      expect(result.errors.map((e) => e.code)).toEqual(['RUN_TIMEOUT']);
    });

    it('keeps unaudited artifacts when the audit agent fails', async () => {
      const { orchestrator } = createHarness({ audit: () => ({ error: agentError('LLM_RATE_LIMITED') }) });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));
      expectValidStream(events);
      expect(events.find((e) => e.phase === 'failed')).toMatchObject({ state: 'Auditing', agentType: 'audit', metadata: { code: 'LLM_RATE_LIMITED' } });
      expect(result.status).toBe('partialSuccess');
      expect(result.artifacts.copy?.auditVerdict).toBe('unaudited');
    });
  });

  describe('validation', () => {
    it('rejects an invalid brief before anything starts, naming the fields', () => {
      const { orchestrator, registry, agents } = createHarness();
      const request = sampleRequest({ brief: { objective: ' ', targetAudience: 'x', productDetails: 'y' }, selectedPlatforms: ['myspace' as never] });
      const error = captureError(() => orchestrator.run(request));
      expect(error).toBeInstanceOf(OrchestrationValidationError);
      const errors = (error as OrchestrationValidationError).errors;
      expect(errors.map((e) => e.field).sort()).toEqual(['brief.objective', 'selectedPlatforms']);
      expect(errors.find((e) => e.field === 'selectedPlatforms')?.message).toContain('"myspace"');
      expect(registry.size).toBe(0);
      expect(agents.copy.calls).toHaveLength(0);
    });

    it('rejects no platform and an unknown mode', () => {
      const { orchestrator } = createHarness();
      expect(() => orchestrator.run(sampleRequest({ selectedPlatforms: [] }))).toThrow(/selectedPlatforms/);
      expect(() => orchestrator.run(sampleRequest({ executionMode: 'random' as never }))).toThrow(/executionMode/);
    });

    it('refuses to start the same run id twice while it executes', async () => {
      const { orchestrator } = createHarness({ copy: () => ({ output: SAMPLE_CONTENT.copy, delayMs: 20 }) });
      const first = orchestrator.run(sampleRequest({ runId: 'run-1' }));
      expect(() => orchestrator.run(sampleRequest({ runId: 'run-1' }))).toThrow(/already executing/);
      await collect(first);
    });
  });

  it('replays the events already emitted to a late subscriber', async () => {
    const { orchestrator } = createHarness();
    const execution = orchestrator.run(sampleRequest());
    const early = await collect(execution);
    const late = await collect(execution);
    expect(late.events).toEqual(early.events);
    expect(early.events.filter((e) => isTerminalState(e.state))).toHaveLength(1);
  });

  it('releases the run from the registry when it ends', async () => {
    const { orchestrator, registry } = createHarness();
    const execution = orchestrator.run(sampleRequest());
    expect(registry.isActive(execution.runId)).toBe(true);
    await collect(execution);
    expect(registry.isActive(execution.runId)).toBe(false);
    expect(registry.cancel(execution.runId)).toBe(false);
  });

  it('uses the abort reason given by the caller, whatever it is, as a cancel', async () => {
    const { orchestrator } = createHarness({ copy: () => ({ hang: true }) });
    const controller = new AbortController();
    const execution = orchestrator.run(sampleRequest(), controller.signal);
    await when(execution, (e) => e.state === 'GeneratingCopy');
    controller.abort(new RunAbort('CANCELLED'));
    const { result } = await collect(execution);
    expect(result.status).toBe('cancelled');
  });
});
