import type { ArtifactType, ExecutionMode, OrchestrationEvent } from '@app/contracts';
import { agentError, expectValidStream, FakeScripts, trace } from './testing/fake-agents';
import { collect, createHarness, sampleRequest } from './testing/orchestrator-harness';

/** Short copy fails its first audit (a compliance round), visual concept's first generation fails. */
const SCRIPTS: FakeScripts = {
  verdict: (type, attempt) => (type === 'shortCopy' && attempt === 1 ? 'fail' : 'pass'),
  visualConcept: (_input, call) => (call === 1 ? { error: agentError('LLM_UNAVAILABLE') } : { output: { concepts: [] } }),
};

/** A whole run on fresh fakes: its events, result and the calls each agent got. */
async function wholeRun(executionMode: ExecutionMode, runId: string) {
  const harness = createHarness(SCRIPTS);
  const { events, result } = await collect(harness.orchestrator.run(sampleRequest({ runId, executionMode })));
  return { events, result, agents: harness.agents };
}

/** The run taken over on fresh fakes after its first `cut` events were stored. */
async function takenOver(executionMode: ExecutionMode, runId: string, stored: OrchestrationEvent[]) {
  const harness = createHarness(SCRIPTS);
  const { events, result } = await collect(harness.orchestrator.run(sampleRequest({ runId, executionMode }), undefined, { events: stored, epoch: 2 }));
  return { events, result, agents: harness.agents };
}

const callsOf = (agents: Awaited<ReturnType<typeof wholeRun>>['agents']) => ({
  copy: agents.copy.calls.length,
  shortCopy: agents.shortCopy.calls.length,
  visualConcept: agents.visualConcept.calls.length,
  audit: agents.audit.calls.length,
});

/** The completed (or failed) steps among `events`: what a takeover must not do again. */
const finishedSteps = (events: OrchestrationEvent[]) => events.filter((e) => e.phase === 'completed' || e.phase === 'failed').length;

describe('A run taken over from its stored events', () => {
  describe.each<ExecutionMode>(['parallel', 'sequential'])('in %s mode', (executionMode) => {
    // Each test makes its own whole run (a few milliseconds on fakes): code run in a beforeAll is
    // outside every test, and mutation testing would have to run every test for each of its mutants.
    it('is a whole run with a compliance round and a failed agent to cut into', async () => {
      const whole = await wholeRun(executionMode, `run-${executionMode}`);
      expectValidStream(whole.events);
      expect(whole.result.status).toBe('partialSuccess');
      expect(callsOf(whole.agents)).toMatchObject({ shortCopy: 2, visualConcept: 1 });
    });

    it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('goes on after event %i: the next seq is a Resumed event, and no finished step is done again', async (cut) => {
      const whole = await wholeRun(executionMode, `run-${executionMode}`);
      const stored = whole.events.slice(0, Math.min(cut, whole.events.length - 1));
      const { events, result, agents } = await takenOver(executionMode, `run-${executionMode}`, stored);

      // One stream: the stored events, a Resumed event, then the rest; no step announced twice.
      const stream = [...stored, ...events];
      expect(events[0]).toMatchObject({ seq: stored.length + 1, state: 'Resumed', metadata: { afterSeq: stored.length, epoch: 2 } });
      expect(stream.map((e) => e.seq)).toEqual(stream.map((_, i) => i + 1));
      const steps = trace(stream.filter((e) => e.state !== 'Resumed'));
      expect(steps).toEqual(trace(whole.events));
      // The same outcome as the run that was not interrupted.
      expect(result.status).toBe(whole.result.status);
      expect(Object.keys(result.artifacts).sort()).toEqual(Object.keys(whole.result.artifacts).sort());
      expect(result.auditReports.map((r) => `${r.artifactType}@${r.attempt}:${r.verdict}`)).toEqual(whole.result.auditReports.map((r) => `${r.artifactType}@${r.attempt}:${r.verdict}`));
      expect(result.errors.map((e) => `${e.agentType}:${e.code}:${e.message}`)).toEqual(whole.result.errors.map((e) => `${e.agentType}:${e.code}:${e.message}`));
      // Only what the stored events had not finished was asked of the agents again.
      const total = Object.values(callsOf(agents)).reduce((a, b) => a + b, 0);
      const wholeTotal = Object.values(callsOf(whole.agents)).reduce((a, b) => a + b, 0);
      expect(total).toBe(wholeTotal - finishedSteps(stored));
    });
  });

  it('gives a regenerated artifact the previous version and the audit feedback from the stored events', async () => {
    const whole = await wholeRun('parallel', 'run-feedback');
    // Cut right after the audit that failed the short copy.
    const cut = whole.events.findIndex((e) => e.state === 'Auditing' && e.phase === 'completed') + 1;
    const { agents } = await takenOver('parallel', 'run-feedback', whole.events.slice(0, cut));

    expect(agents.shortCopy.calls).toHaveLength(1);
    const regeneration = agents.shortCopy.calls[0].input;
    expect(regeneration.attempt).toBe(2);
    expect(regeneration.previous?.content).toEqual(whole.result.versions.find((v) => v.type === 'shortCopy' && v.attempt === 1)?.content);
    expect(regeneration.previous?.feedback.verdict).toBe('fail');
    expect(agents.copy.calls).toHaveLength(0);
  });

  it('counts the run time from the start on the first node', async () => {
    const whole = await wholeRun('parallel', 'run-time');
    const stored = whole.events.slice(0, 3).map((e) => ({ ...e, timestamp: new Date(Date.now() - 60_000).toISOString() }));
    const { result } = await takenOver('parallel', 'run-time', stored);

    expect(result.metrics.totalMs).toBeGreaterThanOrEqual(60_000);
    expect(result.startedAt).toBe(stored[0].timestamp);
  });

  it('has what is left of the run budget, and at least a second, when the run is past its budget already', async () => {
    const whole = await wholeRun('parallel', 'run-budget');
    const stored = whole.events.slice(0, 3).map((e) => ({ ...e, timestamp: new Date(Date.now() - 60_000).toISOString() }));
    const harness = createHarness({ copy: () => ({ hang: true }) }, { runTimeoutMs: 1500 });
    const started = performance.now();
    const { result } = await collect(harness.orchestrator.run(sampleRequest({ runId: 'run-budget' }), undefined, { events: stored, epoch: 2 }));

    // 60 s used of a 1.5 s budget: the run still gets its last second, then times out (not at once).
    expect(result.errors.map((e) => e.code)).toContain('RUN_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('keeps the agent time of the steps it takes from the stored events', async () => {
    const whole = await wholeRun('parallel', 'run-agent-time');
    const copyDone = (e: OrchestrationEvent) => e.agentType === 'copy' && e.phase === 'completed';
    const cut = whole.events.findIndex(copyDone) + 1;
    const stored = whole.events.slice(0, cut).map((e) => (copyDone(e) ? { ...e, metadata: { ...e.metadata, durationMs: 4321 } } : e));
    const { result, agents } = await takenOver('parallel', 'run-agent-time', stored);

    expect(agents.copy.calls).toHaveLength(0);
    expect(result.metrics.agentMs.copy).toBe(4321);
  });

  it('says where it took over, and a second takeover adds its own Resumed event after the first', async () => {
    const whole = await wholeRun('parallel', 'run-twice');
    const once = await takenOver('parallel', 'run-twice', whole.events.slice(0, 3));
    expect(once.events[0].message).toBe('Run taken over after event 3; finished steps are kept');

    const stored = [...whole.events.slice(0, 3), ...once.events.slice(0, 3)];
    const harness = createHarness(SCRIPTS);
    const twice = await collect(harness.orchestrator.run(sampleRequest({ runId: 'run-twice', executionMode: 'parallel' }), undefined, { events: stored, epoch: 3 }));
    expect(twice.events[0]).toMatchObject({ seq: stored.length + 1, state: 'Resumed', metadata: { afterSeq: stored.length, epoch: 3 } });
    expect(twice.result.status).toBe(whole.result.status);
  });

  it('starts from the beginning, without a Resumed event, when the node before stored nothing', async () => {
    const { events } = await takenOver('parallel', 'run-empty', []);
    expect(events[0]).toMatchObject({ seq: 1, state: 'Queued' });
    expect(events.map((e) => e.state)).not.toContain('Resumed');
  });

  it('records the artifacts taken from stored events with the attempt they were made at', async () => {
    const whole = await wholeRun('sequential', 'run-attempts');
    const { result } = await takenOver('sequential', 'run-attempts', whole.events.slice(0, -1));
    const attempts = (type: ArtifactType) => result.versions.filter((v) => v.type === type).map((v) => v.attempt);

    expect(attempts('shortCopy')).toEqual([1, 2]);
    expect(result.metrics.attempts).toEqual(whole.result.metrics.attempts);
  });
});
