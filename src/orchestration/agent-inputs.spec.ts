import { Logger } from '@nestjs/common';
import type { ArtifactType, AuditReport } from '@app/contracts';
import { CampaignOrchestrator } from './campaign-orchestrator.service';
import { agentError, expectValidStream, reportFor, SAMPLE_CONTENT } from './testing/fake-agents';
import { collect, createHarness, sampleRequest, when } from './testing/orchestrator-harness';

/** A report whose artifact type cannot be read: the engine's own code throws on it. */
function unreadableReport(): AuditReport {
  return Object.defineProperty(reportFor('copy', 1, 'pass'), 'artifactType', {
    get(): never {
      throw new Error('report unreadable');
    },
  });
}

describe(`${CampaignOrchestrator.name} agent calls`, () => {
  it('hands each generator the brief, the platforms, the configured limits, the attempt and the run ids', async () => {
    const { orchestrator, agents, config } = createHarness({}, { agentTimeoutMs: 4_000 });
    const request = sampleRequest({ runId: 'run-7' });
    await collect(orchestrator.run(request));

    for (const generator of [agents.copy, agents.shortCopy, agents.visualConcept]) {
      expect(generator.calls).toHaveLength(1);
      const [{ input, context }] = generator.calls;
      expect(input).toStrictEqual({ brief: request.brief, selectedPlatforms: ['x', 'linkedin'], platformLimits: config.orchestration.platformLimits, attempt: 1 });
      expect(context).toMatchObject({ runId: 'run-7', campaignId: 'campaign-1', timeoutMs: 4_000 });
    }
  });

  it('hands the audit the brief, the platforms, the limits, the configured weights and each artifact version', async () => {
    const { orchestrator, agents, config } = createHarness({}, { auditWeights: { toneConsistency: 2, clarity: 1, compliance: 3, accessibility: 1, risk: 1 } });
    const request = sampleRequest({ runId: 'run-8' });
    await collect(orchestrator.run(request));

    const [{ input, context }] = agents.audit.calls;
    expect(input).toStrictEqual({
      brief: request.brief,
      selectedPlatforms: ['x', 'linkedin'],
      platformLimits: config.orchestration.platformLimits,
      weights: { toneConsistency: 2, clarity: 1, compliance: 3, accessibility: 1, risk: 1 },
      subjects: [
        { type: 'copy', attempt: 1, content: SAMPLE_CONTENT.copy },
        { type: 'shortCopy', attempt: 1, content: SAMPLE_CONTENT.shortCopy },
        { type: 'visualConcept', attempt: 1, content: SAMPLE_CONTENT.visualConcept },
      ],
    });
    expect(context).toMatchObject({ runId: 'run-8', campaignId: 'campaign-1' });
  });

  it('hands a regeneration its previous version with the whole audit feedback', async () => {
    const { orchestrator, agents } = createHarness({ verdict: (type, attempt) => (type === 'copy' && attempt === 1 ? 'fail' : 'pass') });
    await collect(orchestrator.run(sampleRequest()));

    const failed = reportFor('copy', 1, 'fail');
    expect(agents.copy.calls[1].input.previous).toStrictEqual({
      content: SAMPLE_CONTENT.copy,
      feedback: { verdict: 'fail', weightedScore: 40, flags: failed.flags, recommendations: failed.recommendations },
    });
  });

  it('in sequential mode, gives the approved copy as reference to the short copy only, also when it is regenerated', async () => {
    const { orchestrator, agents } = createHarness({
      verdict: (type, attempt) => (type !== 'copy' && attempt === 1 ? 'fail' : 'pass'),
      copy: (_input, call) => ({ output: { ...SAMPLE_CONTENT.copy, toneNotes: `version ${call}` } }),
    });
    await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));

    expect(agents.shortCopy.calls.map((c) => c.input.reference)).toEqual([
      { copy: { ...SAMPLE_CONTENT.copy, toneNotes: 'version 1' } },
      { copy: { ...SAMPLE_CONTENT.copy, toneNotes: 'version 1' } },
    ]);
    expect(agents.shortCopy.calls[1].input.previous?.content).toEqual(SAMPLE_CONTENT.shortCopy);
    expect(agents.copy.calls.map((c) => 'reference' in c.input)).toEqual([false]);
    expect(agents.visualConcept.calls.map((c) => 'reference' in c.input)).toEqual([false, false]);
  });

  it('calls the agents in sequential mode one at a time: copy, its audit, short copy, its audit, visual, its audit', async () => {
    const order: string[] = [];
    const step = <T extends ArtifactType>(type: T) => () => {
      order.push(type);
      return { output: SAMPLE_CONTENT[type], delayMs: 2 };
    };
    const { orchestrator } = createHarness({
      copy: step('copy'),
      shortCopy: step('shortCopy'),
      visualConcept: step('visualConcept'),
      audit: (input) => {
        order.push(`audit of ${input.subjects.map((s) => `${s.type}@${s.attempt}`).join(', ')}`);
        return { output: input.subjects.map((s) => reportFor(s.type, s.attempt, 'pass')), delayMs: 2 };
      },
    });
    await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));

    expect(order).toEqual(['copy', 'audit of copy@1', 'shortCopy', 'audit of shortCopy@1', 'visualConcept', 'audit of visualConcept@1']);
  });

  describe('abort causes reach the agents', () => {
    it('an agent over its time budget sees AGENT_TIMEOUT, and the error names the budget', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ hang: true }) }, { agentTimeoutMs: 30 });
      const { events, result } = await collect(orchestrator.run(sampleRequest()));

      expect(agents.copy.calls[0].signal.reason).toMatchObject({ name: 'RunAbort', code: 'AGENT_TIMEOUT' });
      expect(result.errors).toEqual([{ agentType: 'copy', code: 'AGENT_TIMEOUT', message: 'copy agent exceeded 30 ms', attempt: 1, timestamp: expect.any(String) }]);
      expect(events.find((e) => e.phase === 'failed')).toMatchObject({ message: 'copy failed: copy agent exceeded 30 ms', metadata: { code: 'AGENT_TIMEOUT' } });
    });

    it('an agent whose failure comes after its time budget, before its timer fired, failed by AGENT_TIMEOUT', async () => {
      const { orchestrator, agents } = createHarness({}, { agentTimeoutMs: 20 });
      // The event loop is held past the budget, so the agent's own error comes first.
      jest.spyOn(agents.copy, 'execute').mockImplementation(async () => {
        const start = performance.now();
        while (performance.now() - start < 30);
        throw agentError('LLM_UNAVAILABLE');
      });
      const { result } = await collect(orchestrator.run(sampleRequest()));

      expect(result.errors).toEqual([{ agentType: 'copy', code: 'AGENT_TIMEOUT', message: 'copy agent exceeded 20 ms', attempt: 1, timestamp: expect.any(String) }]);
    });

    it('an agent in flight at the run timeout sees RUN_TIMEOUT, and the error names the run budget', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ hang: true }) }, { runTimeoutMs: 40 });
      const { result } = await collect(orchestrator.run(sampleRequest()));

      expect(agents.copy.calls[0].signal.reason).toMatchObject({ name: 'RunAbort', code: 'RUN_TIMEOUT' });
      expect(result.errors).toEqual([{ code: 'RUN_TIMEOUT', message: 'Run exceeded 40 ms', timestamp: expect.any(String) }]);
    });

    it('an agent in flight when the caller aborts sees CANCELLED', async () => {
      const { orchestrator, agents } = createHarness({ copy: () => ({ hang: true }) });
      const controller = new AbortController();
      const execution = orchestrator.run(sampleRequest(), controller.signal);
      await when(execution, (e) => e.state === 'GeneratingCopy');
      controller.abort('the user left');
      const { result } = await collect(execution);

      expect(agents.copy.calls[0].signal.reason).toMatchObject({ name: 'RunAbort', code: 'CANCELLED' });
      expect(result.status).toBe('cancelled');
      expect(result.errors).toEqual([]);
    });
  });

  it('turns an exception of its own into INTERNAL_ERROR with its message, logs it with the stack, and still ends the run', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { orchestrator } = createHarness({ audit: () => ({ output: [unreadableReport()] }) });
      const { events, result } = await collect(orchestrator.run(sampleRequest({ runId: 'run-bug' })));

      expectValidStream(events);
      expect(result.errors).toEqual([{ code: 'INTERNAL_ERROR', message: 'report unreadable', timestamp: expect.any(String) }]);
      expect(result.status).toBe('partialSuccess');
      expect(events.at(-1)?.metadata).toMatchObject({ errorCodes: ['INTERNAL_ERROR'] });
      expect(logged).toHaveBeenCalledWith('Run run-bug failed unexpectedly', expect.stringContaining('Error: report unreadable'));
    } finally {
      logged.mockRestore();
    }
  });
});
