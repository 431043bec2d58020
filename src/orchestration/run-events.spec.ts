import type { OrchestrationEvent } from '@app/contracts';
import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { agentError, expectValidStream, SAMPLE_CONTENT, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest } from './testing/orchestrator-harness';

/** What a dashboard reads of an event: everything but its id and timestamp, which are checked apart. */
function wire(events: OrchestrationEvent[]) {
  return events.map(({ eventId, timestamp, ...rest }) => {
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
    return rest;
  });
}

const ids = { runId: 'run-events', campaignId: 'campaign-1' };
const durationMs = expect.any(Number);

describe(`${CampaignOrchestrator.name} events (docs/events.md)`, () => {
  it('puts on the wire, for a parallel run, each step with its agent, phase, attempt, message and metadata', async () => {
    const { orchestrator } = createHarness({
      shortCopy: () => ({ output: SAMPLE_CONTENT.shortCopy, delayMs: 5 }),
      visualConcept: () => ({ error: agentError('LLM_UNAVAILABLE'), delayMs: 15 }),
      verdict: (type, attempt) => (type === 'shortCopy' && attempt === 1 ? 'fail' : 'pass'),
    });
    const { events, result } = await collect(orchestrator.run(sampleRequest({ runId: ids.runId })));

    expectValidStream(events);
    expect(wire(events)).toStrictEqual([
      { ...ids, seq: 1, state: 'Queued', attempt: 1, message: 'Run queued (parallel)', metadata: { executionMode: 'parallel', selectedPlatforms: ['x', 'linkedin'] } },
      { ...ids, seq: 2, state: 'GeneratingCopy', agentType: 'copy', phase: 'started', attempt: 1, message: 'Generating copy' },
      { ...ids, seq: 3, state: 'GeneratingShortCopy', agentType: 'shortCopy', phase: 'started', attempt: 1, message: 'Generating shortCopy' },
      { ...ids, seq: 4, state: 'GeneratingVisual', agentType: 'visualConcept', phase: 'started', attempt: 1, message: 'Generating visualConcept' },
      { ...ids, seq: 5, state: 'GeneratingCopy', agentType: 'copy', phase: 'completed', attempt: 1, message: 'copy generated', metadata: { durationMs, content: SAMPLE_CONTENT.copy } },
      { ...ids, seq: 6, state: 'GeneratingShortCopy', agentType: 'shortCopy', phase: 'completed', attempt: 1, message: 'shortCopy generated', metadata: { durationMs, content: SAMPLE_CONTENT.shortCopy } },
      { ...ids, seq: 7, state: 'GeneratingVisual', agentType: 'visualConcept', phase: 'failed', attempt: 1, message: 'visualConcept failed: fake LLM_UNAVAILABLE', metadata: { code: 'LLM_UNAVAILABLE' } },
      { ...ids, seq: 8, state: 'GenerationComplete', attempt: 1, message: 'Generated 2 of 3 artifacts', metadata: { produced: ['copy', 'shortCopy'], failed: ['visualConcept'] } },
      { ...ids, seq: 9, state: 'Auditing', agentType: 'audit', phase: 'started', attempt: 1, message: 'Auditing copy, shortCopy', metadata: { artifactTypes: ['copy', 'shortCopy'] } },
      {
        ...ids, seq: 10, state: 'Auditing', agentType: 'audit', phase: 'completed', attempt: 1, message: 'Audit done: copy pass, shortCopy fail',
        metadata: {
          verdicts: { copy: { verdict: 'pass', score: 95 }, shortCopy: { verdict: 'fail', score: 40 } },
          durationMs,
          artifactTypes: ['copy', 'shortCopy'],
          reports: result.auditReports.filter((r) => r.attempt === 1),
        },
      },
      { ...ids, seq: 11, state: 'GeneratingShortCopy', agentType: 'shortCopy', phase: 'started', attempt: 2, message: 'Regenerating (attempt 2) shortCopy' },
      { ...ids, seq: 12, state: 'GeneratingShortCopy', agentType: 'shortCopy', phase: 'completed', attempt: 2, message: 'shortCopy generated', metadata: { durationMs, content: SAMPLE_CONTENT.shortCopy } },
      { ...ids, seq: 13, state: 'Auditing', agentType: 'audit', phase: 'started', attempt: 2, message: 'Auditing shortCopy', metadata: { artifactTypes: ['shortCopy'] } },
      {
        ...ids, seq: 14, state: 'Auditing', agentType: 'audit', phase: 'completed', attempt: 2, message: 'Audit done: shortCopy pass',
        metadata: { verdicts: { shortCopy: { verdict: 'pass', score: 95 } }, durationMs, artifactTypes: ['shortCopy'], reports: result.auditReports.filter((r) => r.attempt === 2) },
      },
      {
        ...ids, seq: 15, state: 'PartiallyCompleted', attempt: 1, message: 'Run partialSuccess',
        metadata: { resultStatus: 'partialSuccess', artifacts: ['copy', 'shortCopy'], errorCodes: ['LLM_UNAVAILABLE'], totalMs: result.metrics.totalMs },
      },
    ]);
  });

  it('announces the end of generation in sequential mode once the visual concept is done, naming what failed', async () => {
    const { orchestrator } = createHarness({ copy: () => ({ error: agentError('INVALID_OUTPUT') }) });
    const { events } = await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));

    expect(events[0]).toMatchObject({ message: 'Run queued (sequential)', metadata: { executionMode: 'sequential', selectedPlatforms: ['x', 'linkedin'] } });
    const complete = events.filter((e) => e.state === 'GenerationComplete');
    expect(complete).toEqual([expect.objectContaining({ message: 'Generated 2 of 3 artifacts', metadata: { produced: ['shortCopy', 'visualConcept'], failed: ['copy'] } })]);
    expect(events[events.indexOf(complete[0]) - 1]).toMatchObject({ state: 'GeneratingVisual', phase: 'completed' });
  });

  it('reports all three artifacts produced in sequential mode when every generator succeeds', async () => {
    const { orchestrator } = createHarness();
    const { events } = await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));
    expect(events.find((e) => e.state === 'GenerationComplete')).toMatchObject({
      message: 'Generated 3 of 3 artifacts',
      metadata: { produced: ['copy', 'shortCopy', 'visualConcept'], failed: [] },
    });
    expect(events.at(-1)).toMatchObject({ state: 'Completed', message: 'Run success', metadata: { resultStatus: 'success', artifacts: ['copy', 'shortCopy', 'visualConcept'], errorCodes: [] } });
  });

  it('logs every event once as a state transition of its run, in order', async () => {
    const { orchestrator, log } = createHarness({ visualConcept: () => ({ error: agentError('LLM_UNAVAILABLE') }) });
    const { events } = await collect(orchestrator.run(sampleRequest({ runId: 'run-logged' })));

    expect(log.lines).toEqual(
      events.map((e) => ({
        runId: 'run-logged',
        line: { seq: e.seq, state: e.state, agentType: e.agentType, phase: e.phase, attempt: e.attempt, msg: e.message },
      })),
    );
  });

  describe.each(['parallel', 'sequential'] as const)('a cancel from a subscriber as the last generator completes (%s)', (executionMode) => {
    it('ends the run there: no GenerationComplete, no audit', async () => {
      const { orchestrator, registry, agents } = createHarness({ visualConcept: () => ({ output: SAMPLE_CONTENT.visualConcept, delayMs: 10 }) });
      const execution = orchestrator.run(sampleRequest({ executionMode }));
      execution.events$.subscribe((e) => {
        if (e.state === 'GeneratingVisual' && e.phase === 'completed') registry.cancel(execution.runId);
      });
      const { events, result } = await collect(execution);

      expectValidStream(events);
      expect(trace(events).slice(-2)).toEqual(['GeneratingVisual/visualConcept/completed/1', 'Cancelled/1']);
      expect(result.status).toBe('cancelled');
      expect(agents.audit.calls.map((c) => c.input.subjects.map((s) => s.type))).toEqual(executionMode === 'parallel' ? [] : [['copy'], ['shortCopy']]);
    });
  });

  it('starts no later agent in sequential mode after a subscriber cancels on an audit result', async () => {
    const { orchestrator, registry, agents } = createHarness();
    const execution = orchestrator.run(sampleRequest({ executionMode: 'sequential' }));
    execution.events$.subscribe((e) => {
      if (e.state === 'Auditing' && e.phase === 'completed') registry.cancel(execution.runId);
    });
    const { events } = await collect(execution);

    expect(trace(events).slice(-2)).toEqual(['Auditing/audit/completed/1', 'Cancelled/1']);
    expect(agents.shortCopy.calls).toHaveLength(0);
    expect(agents.visualConcept.calls).toHaveLength(0);
  });
});
