import { RunState, TERMINAL_STATE_OF } from './run-state';
import { reportFor, SAMPLE_CONTENT } from './testing/fake-agents';

function aState(): RunState {
  return new RunState('run-1', 'campaign-1', 'parallel');
}

/** A state with all three artifacts at attempt 1, each audited with `verdict`. */
function audited(verdict: 'pass' | 'conditional' | 'fail'): RunState {
  const state = aState();
  state.addArtifact('copy', 1, SAMPLE_CONTENT.copy);
  state.addArtifact('shortCopy', 1, SAMPLE_CONTENT.shortCopy);
  state.addArtifact('visualConcept', 1, SAMPLE_CONTENT.visualConcept);
  state.addReports([reportFor('copy', 1, 'pass'), reportFor('shortCopy', 1, verdict), reportFor('visualConcept', 1, 'pass')]);
  return state;
}

describe(RunState.name, () => {
  it('maps each result status to its terminal event state', () => {
    expect(TERMINAL_STATE_OF).toEqual({ success: 'Completed', partialSuccess: 'PartiallyCompleted', failed: 'Failed', cancelled: 'Cancelled' });
  });

  describe('status', () => {
    it('is success when all three artifacts are audited usable (pass or conditional) and nothing failed', () => {
      expect(audited('pass').status(false)).toBe('success');
      expect(audited('conditional').status(false)).toBe('success');
    });

    it('is partialSuccess when an artifact still fails its audit, is unaudited or missing, or an error was recorded', () => {
      expect(audited('fail').status(false)).toBe('partialSuccess');

      const unaudited = audited('pass');
      unaudited.addArtifact('copy', 2, SAMPLE_CONTENT.copy);
      expect(unaudited.status(false)).toBe('partialSuccess');

      const missing = aState();
      missing.addArtifact('copy', 1, SAMPLE_CONTENT.copy);
      missing.addReports([reportFor('copy', 1, 'pass')]);
      expect(missing.status(false)).toBe('partialSuccess');

      const erred = audited('pass');
      erred.addError({ code: 'AGENT_TIMEOUT', message: 'slow', agentType: 'audit' });
      expect(erred.status(false)).toBe('partialSuccess');
    });

    it('is failed when nothing was produced, and cancelled when cancelled whatever was produced', () => {
      expect(aState().status(false)).toBe('failed');
      expect(aState().status(true)).toBe('cancelled');
      expect(audited('pass').status(true)).toBe('cancelled');
    });
  });

  it('sets a verdict only on the version the report judged, and finds the latest report of the current version', () => {
    const state = aState();
    state.addArtifact('copy', 1, SAMPLE_CONTENT.copy);
    state.addReports([reportFor('copy', 1, 'fail')]);
    state.addArtifact('copy', 2, SAMPLE_CONTENT.copy);
    state.addReports([reportFor('copy', 1, 'pass')]);

    expect(state.artifact('copy')).toMatchObject({ attempt: 2, auditVerdict: 'unaudited' });
    expect(state.latestReport('copy')).toBeUndefined();
    state.addReports([reportFor('copy', 2, 'fail'), reportFor('copy', 2, 'conditional')]);
    expect(state.latestReport('copy')?.verdict).toBe('conditional');
    expect(state.artifact('copy')?.auditVerdict).toBe('conditional');
    expect(state.auditReports).toHaveLength(4);
  });

  it('marks the artifacts whose last version fails its audit, and only those', () => {
    const state = audited('fail');
    state.markFailedAudits();
    expect([state.artifact('copy')?.failedAudit, state.artifact('shortCopy')?.failedAudit, state.artifact('visualConcept')?.failedAudit]).toEqual([false, true, false]);
  });

  it('keeps every version, and the latest of each type as the artifact', () => {
    const state = aState();
    state.addArtifact('copy', 1, SAMPLE_CONTENT.copy);
    state.addArtifact('copy', 2, { ...SAMPLE_CONTENT.copy, toneNotes: 'second' });
    expect(state.versions.map((v) => [v.type, v.attempt])).toEqual([['copy', 1], ['copy', 2]]);
    expect(state.artifact('copy')).toMatchObject({ attempt: 2, content: { toneNotes: 'second' }, auditVerdict: 'unaudited', failedAudit: false });
    expect(Number.isNaN(Date.parse(state.artifact('copy')!.createdAt))).toBe(false);
  });

  describe('toResult', () => {
    it('sums agent times and tokens, splits generation from audit time, and rounds to 0.1 ms', () => {
      const state = aState();
      state.addAgentTime('copy', 10.04, { promptTokens: 1, completionTokens: 2, totalTokens: 3 });
      state.addAgentTime('copy', 5.02, { promptTokens: 10, completionTokens: 20, totalTokens: 30 });
      state.addAgentTime('audit', 7.06);
      state.addPhaseTime('generation', 12.34);
      state.addPhaseTime('generation', 1.01);
      state.addPhaseTime('audit', 2.26);
      state.attempts.copy = 2;
      state.addError({ code: 'AGENT_FAILED', message: 'boom', agentType: 'copy', attempt: 1 });

      const result = state.toResult('failed');
      expect(result).toMatchObject({ runId: 'run-1', campaignId: 'campaign-1', executionMode: 'parallel', status: 'failed' });
      expect(result.metrics).toEqual({
        totalMs: expect.any(Number),
        generationMs: 13.4,
        auditMs: 2.3,
        agentMs: { copy: 15.1, audit: 7.1 },
        attempts: { copy: 2 },
        tokens: { prompt: 11, completion: 22, total: 33 },
      });
      expect(result.metrics).not.toHaveProperty('timeToFirstArtifactMs');
      expect(result.errors).toEqual([{ code: 'AGENT_FAILED', message: 'boom', agentType: 'copy', attempt: 1, timestamp: expect.any(String) }]);
      expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    });

    it('reports the time to the first artifact, not to a later one', async () => {
      const state = aState();
      state.addArtifact('copy', 1, SAMPLE_CONTENT.copy);
      const first = state.toResult('partialSuccess').metrics.timeToFirstArtifactMs!;
      await new Promise((resolve) => setTimeout(resolve, 15));
      state.addArtifact('shortCopy', 1, SAMPLE_CONTENT.shortCopy);

      const { metrics } = state.toResult('partialSuccess');
      expect(metrics.timeToFirstArtifactMs).toBe(first);
      expect(metrics.totalMs).toBeGreaterThanOrEqual(first + 10);
    });
  });
});
