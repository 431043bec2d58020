import type { ArtifactType } from '@app/contracts';
import { runComplianceLoop } from './compliance-loop';
import { agentError, expectValidStream, reportFor, SAMPLE_CONTENT, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest } from './testing/orchestrator-harness';

describe(runComplianceLoop.name, () => {
  it('regenerates only the failing artifact with its findings, and re-audits only it', async () => {
    const { orchestrator, agents } = createHarness({ verdict: (type, attempt) => (type === 'shortCopy' && attempt === 1 ? 'fail' : 'pass') });
    const { events, result } = await collect(orchestrator.run(sampleRequest()));

    expectValidStream(events);
    expect(trace(events).slice(8)).toEqual([
      'Auditing/audit/started/1',
      'Auditing/audit/completed/1',
      'GeneratingShortCopy/shortCopy/started/2',
      'GeneratingShortCopy/shortCopy/completed/2',
      'Auditing/audit/started/2',
      'Auditing/audit/completed/2',
      'Completed/1',
    ]);
    expect(agents.copy.calls).toHaveLength(1);
    expect(agents.visualConcept.calls).toHaveLength(1);
    const regeneration = agents.shortCopy.calls[1].input;
    expect(regeneration.attempt).toBe(2);
    expect(regeneration.previous?.content).toEqual(SAMPLE_CONTENT.shortCopy);
    expect(regeneration.previous?.feedback.flags[0].description).toBe('shortCopy broke a rule');
    expect(regeneration.previous?.feedback.recommendations[0].text).toBe('Fix shortCopy');
    expect(agents.audit.calls[1].input.subjects.map((s) => [s.type, s.attempt])).toEqual([['shortCopy', 2]]);
    expect(result.status).toBe('success');
    expect(result.metrics.attempts).toEqual({ copy: 1, shortCopy: 2, visualConcept: 1 });
    expect(result.auditReports.map((r) => `${r.artifactType}@${r.attempt}:${r.verdict}`)).toEqual([
      'copy@1:pass',
      'shortCopy@1:fail',
      'visualConcept@1:pass',
      'shortCopy@2:pass',
    ]);
    expect(events.find((e) => e.state === 'Auditing' && e.phase === 'completed')?.metadata?.verdicts).toMatchObject({
      shortCopy: { verdict: 'fail', score: 40 },
    });
  });

  it('stops at maxAttempts and ends PartiallyCompleted with the last version marked failed-audit', async () => {
    const { orchestrator, agents } = createHarness({ verdict: (type) => (type === 'copy' ? 'fail' : 'pass') }, { maxAttempts: 3 });
    const { events, result } = await collect(orchestrator.run(sampleRequest()));

    expectValidStream(events);
    expect(agents.copy.calls.map((c) => c.input.attempt)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.state === 'GeneratingCopy' && e.phase === 'started').map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(result.artifacts.copy).toMatchObject({ attempt: 3, auditVerdict: 'fail', failedAudit: true });
    expect(result.status).toBe('partialSuccess');
    expect(events.at(-1)!.state).toBe('PartiallyCompleted');
  });

  it('regenerates several failing artifacts together in one round', async () => {
    const failing: ArtifactType[] = ['copy', 'visualConcept'];
    const { orchestrator, agents } = createHarness({ verdict: (type, attempt) => (failing.includes(type) && attempt === 1 ? 'fail' : 'pass') });
    const { events, result } = await collect(orchestrator.run(sampleRequest()));
    expectValidStream(events);
    expect(agents.audit.calls).toHaveLength(2);
    expect(agents.audit.calls[1].input.subjects.map((s) => s.type)).toEqual(['copy', 'visualConcept']);
    expect(result.status).toBe('success');
  });

  it('keeps the failing version when its regeneration fails, and records the error', async () => {
    const { orchestrator } = createHarness({
      verdict: (type) => (type === 'copy' ? 'fail' : 'pass'),
      copy: (_input, call) => (call === 1 ? { output: SAMPLE_CONTENT.copy } : { error: agentError('INVALID_OUTPUT') }),
    });
    const { events, result } = await collect(orchestrator.run(sampleRequest()));
    expectValidStream(events);
    expect(result.artifacts.copy).toMatchObject({ attempt: 1, failedAudit: true });
    expect(result.errors).toEqual([expect.objectContaining({ agentType: 'copy', code: 'INVALID_OUTPUT', attempt: 2 })]);
    expect(result.status).toBe('partialSuccess');
  });

  it('regenerates a failing artifact in sequential mode before the next one starts', async () => {
    const { orchestrator, agents } = createHarness({ verdict: (type, attempt) => (type === 'copy' && attempt < 3 ? 'fail' : 'pass') });
    const { events, result } = await collect(orchestrator.run(sampleRequest({ executionMode: 'sequential' })));
    expectValidStream(events);
    expect(trace(events).slice(1, 13)).toEqual([
      'GeneratingCopy/copy/started/1',
      'GeneratingCopy/copy/completed/1',
      'Auditing/audit/started/1',
      'Auditing/audit/completed/1',
      'GeneratingCopy/copy/started/2',
      'GeneratingCopy/copy/completed/2',
      'Auditing/audit/started/2',
      'Auditing/audit/completed/2',
      'GeneratingCopy/copy/started/3',
      'GeneratingCopy/copy/completed/3',
      'Auditing/audit/started/3',
      'Auditing/audit/completed/3',
    ]);
    expect(agents.shortCopy.calls[0].input.reference?.copy).toEqual(SAMPLE_CONTENT.copy);
    expect(result.artifacts.copy?.attempt).toBe(3);
    expect(result.status).toBe('success');
  });

  it('treats a conditional verdict as usable: no regeneration', async () => {
    const { orchestrator, agents } = createHarness({ verdict: () => 'conditional' });
    const { result } = await collect(orchestrator.run(sampleRequest()));
    expect(agents.copy.calls).toHaveLength(1);
    expect(result.status).toBe('success');
  });

  it('stops the loop when a re-audit fails', async () => {
    const { orchestrator, agents } = createHarness({
      verdict: () => 'fail',
      audit: (input, call) =>
        call === 1
          ? { output: input.subjects.map((s) => reportFor(s.type, s.attempt, 'fail')) }
          : { error: agentError('LLM_UNAVAILABLE') },
    });
    const { result } = await collect(orchestrator.run(sampleRequest()));
    expect(agents.audit.calls).toHaveLength(2);
    expect(agents.copy.calls).toHaveLength(2);
    expect(result.artifacts.copy).toMatchObject({ attempt: 2, auditVerdict: 'unaudited' });
    expect(result.status).toBe('partialSuccess');
  });
});
