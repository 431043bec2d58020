import type { ArtifactType, AuditScores } from '@app/contracts';
import { AuditAgent } from './audit.agent';
import type { AuditJudgement } from './output-schemas';
import {
  aCopy,
  anAuditInput,
  aShortCopy,
  aVariant,
  aVisual,
  copySubject,
  shortCopySubject,
  visualSubject,
  wordsOf,
} from './testing/fixtures';
import { anAgentContext, ScriptedLlmClient } from './testing/scripted-llm.client';

type ModelReport = AuditJudgement['reports'][number];

const PERFECT: AuditScores = { toneConsistency: 100, clarity: 100, compliance: 100, accessibility: 100, risk: 100 };

const modelReport = (artifactType: ArtifactType, overrides: Partial<ModelReport> = {}): ModelReport => ({
  artifactType,
  scores: PERFECT,
  flags: [],
  recommendations: [],
  ...overrides,
});

const judging = (...reports: ModelReport[]) => new ScriptedLlmClient([{ json: { reports } }], true);

/** Short copy whose first x post is over the 280-character limit: a critical rule flag. */
function overLimitPosts() {
  const posts = aShortCopy(['x', 'linkedin']);
  posts.platforms[0].variants[0] = aVariant({ text: 'a'.repeat(300) });
  return posts;
}

describe(AuditAgent.name, () => {
  describe('with a client that does not judge', () => {
    it('audits with the rules alone, without calling the model', async () => {
      const llm = new ScriptedLlmClient([new Error('must not be called')], false);
      const input = anAuditInput([copySubject(aCopy(), 2), shortCopySubject(overLimitPosts()), visualSubject(aVisual())]);

      const outcome = await new AuditAgent(llm).execute(input, anAgentContext());

      expect(llm.calls).toBe(0);
      expect(outcome.calls).toBe(0);
      expect(outcome.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
      expect(outcome.output.map((r) => [r.artifactType, r.attempt, r.basis, r.verdict])).toEqual([
        ['copy', 2, 'rules', 'pass'],
        ['shortCopy', 1, 'rules', 'fail'],
        ['visualConcept', 1, 'rules', 'pass'],
      ]);
    });

    it('scores each category from the rule flags and weighs them with the configured weights', async () => {
      const input = { ...anAuditInput([shortCopySubject(overLimitPosts())]), weights: { toneConsistency: 1, clarity: 1, compliance: 3, accessibility: 1, risk: 1 } };

      const [report] = (await new AuditAgent(new ScriptedLlmClient([], false)).execute(input, anAgentContext())).output;

      expect(report.scores).toEqual({ ...PERFECT, compliance: 40 });
      // (4 × 100 + 3 × 40) / 7, where equal weights would give 88
      expect(report.weightedScore).toBe(74.3);
      expect(report.flags).toEqual([expect.objectContaining({ id: 'rule:over-limit:x:0', severity: 'critical' })]);
      expect(report.recommendations).toEqual([expect.objectContaining({ flagId: 'rule:over-limit:x:0' })]);
      expect(Number.isNaN(Date.parse(report.createdAt))).toBe(false);
    });
  });

  describe('with a client that judges', () => {
    it('asks the model once and combines its judgement with the rules', async () => {
      const llm = judging(modelReport('copy'));

      const outcome = await new AuditAgent(llm).execute(anAuditInput([copySubject(aCopy())]), anAgentContext());

      expect(llm.calls).toBe(1);
      expect(llm.requests[0]).toEqual(expect.objectContaining({ task: 'audit', schemaName: 'audit_reports' }));
      expect(outcome.calls).toBe(1);
      expect(outcome.usage).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15 });
      expect(outcome.output[0]).toEqual(expect.objectContaining({ basis: 'rules+model', verdict: 'pass', weightedScore: 100 }));
    });

    it('keeps the lower of the rules’ and the model’s score in each category', async () => {
      // The rules take 15 off clarity for a short body copy of 10 words.
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, short: wordsOf(10) } });
      const llm = judging(modelReport('copy', { scores: { ...PERFECT, toneConsistency: 70, clarity: 90 } }));

      const [report] = (await new AuditAgent(llm).execute(anAuditInput([copySubject(copy)]), anAgentContext())).output;

      expect(report.scores).toEqual({ ...PERFECT, toneConsistency: 70, clarity: 85 });
      expect(report.weightedScore).toBe(91);
    });

    it('adds the model’s flags after the rules’ flags, with ids llm:N', async () => {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, short: wordsOf(10) } });
      const flags = [
        { category: 'risk' as const, severity: 'low' as const, description: 'Vague claim', location: 'headlines[0]' },
        { category: 'clarity' as const, severity: 'medium' as const, description: 'Jargon', location: null },
      ];

      const [report] = (await new AuditAgent(judging(modelReport('copy', { flags }))).execute(anAuditInput([copySubject(copy)]), anAgentContext())).output;

      expect(report.flags).toEqual([
        expect.objectContaining({ id: 'rule:body-length:short' }),
        { id: 'llm:0', category: 'risk', severity: 'low', description: 'Vague claim', location: 'headlines[0]' },
        { id: 'llm:1', category: 'clarity', severity: 'medium', description: 'Jargon' },
      ]);
    });

    it('points a model recommendation at its flag by flagIndex, and at none when the index is null or past the last flag', async () => {
      const flags = [
        { category: 'risk' as const, severity: 'low' as const, description: 'Vague claim', location: null },
        { category: 'clarity' as const, severity: 'low' as const, description: 'Jargon', location: null },
      ];
      const recommendations = [
        { text: 'Replace the jargon', priority: 'low' as const, flagIndex: 1 },
        { text: 'Add a testimonial', priority: 'medium' as const, flagIndex: null },
        { text: 'Cite a source', priority: 'high' as const, flagIndex: 5 },
        { text: 'Shorten the headline', priority: 'low' as const, flagIndex: 2 },
      ];

      const [report] = (await new AuditAgent(judging(modelReport('copy', { flags, recommendations }))).execute(anAuditInput([copySubject(aCopy())]), anAgentContext())).output;

      expect(report.recommendations).toEqual([
        { flagId: 'llm:1', text: 'Replace the jargon', priority: 'low' },
        { text: 'Add a testimonial', priority: 'medium' },
        { text: 'Cite a source', priority: 'high' },
        { text: 'Shorten the headline', priority: 'low' },
      ]);
    });

    it('fails an artifact the model flags as critical, even with perfect scores', async () => {
      const flags = [{ category: 'risk' as const, severity: 'critical' as const, description: 'Defamatory claim', location: null }];

      const [report] = (await new AuditAgent(judging(modelReport('copy', { flags }))).execute(anAuditInput([copySubject(aCopy())]), anAgentContext())).output;

      expect(report.weightedScore).toBe(100);
      expect(report.verdict).toBe('fail');
    });

    it('makes an artifact the model flags as high conditional', async () => {
      const flags = [{ category: 'risk' as const, severity: 'high' as const, description: 'Unsupported claim', location: null }];

      const [report] = (await new AuditAgent(judging(modelReport('copy', { flags }))).execute(anAuditInput([copySubject(aCopy())]), anAgentContext())).output;

      expect(report.verdict).toBe('conditional');
    });

    it('fails on a low model score alone, without any flag', async () => {
      const scores = { toneConsistency: 50, clarity: 50, compliance: 50, accessibility: 50, risk: 50 };

      const [report] = (await new AuditAgent(judging(modelReport('copy', { scores }))).execute(anAuditInput([copySubject(aCopy())]), anAgentContext())).output;

      expect(report).toEqual(expect.objectContaining({ weightedScore: 50, verdict: 'fail', flags: [] }));
    });

    it('cannot lift a rule failure: perfect model scores keep the critical rule flag and its score', async () => {
      const [report] = (await new AuditAgent(judging(modelReport('shortCopy'))).execute(anAuditInput([shortCopySubject(overLimitPosts())]), anAgentContext())).output;

      expect(report.scores.compliance).toBe(40);
      expect(report.flags.map((f) => f.id)).toEqual(['rule:over-limit:x:0']);
      expect(report.verdict).toBe('fail');
    });

    it('gives a subject the model did not report on a rules-only report', async () => {
      const llm = judging(modelReport('copy', { scores: { ...PERFECT, risk: 10 } }));
      const input = anAuditInput([copySubject(aCopy()), visualSubject(aVisual())]);

      const [copyReport, visualReport] = (await new AuditAgent(llm).execute(input, anAgentContext())).output;

      expect(copyReport).toEqual(expect.objectContaining({ basis: 'rules+model', scores: { ...PERFECT, risk: 10 } }));
      expect(visualReport).toEqual(expect.objectContaining({ artifactType: 'visualConcept', basis: 'rules', scores: PERFECT, verdict: 'pass' }));
    });

    it('returns the reports in the order of the subjects, whatever the order of the model’s answer', async () => {
      const llm = judging(
        modelReport('visualConcept', { scores: { ...PERFECT, accessibility: 61 } }),
        modelReport('copy', { scores: { ...PERFECT, clarity: 62 } }),
        modelReport('shortCopy', { scores: { ...PERFECT, risk: 63 } }),
      );
      const input = anAuditInput([shortCopySubject(aShortCopy()), copySubject(aCopy()), visualSubject(aVisual())]);

      const reports = (await new AuditAgent(llm).execute(input, anAgentContext())).output;

      expect(reports.map((r) => r.artifactType)).toEqual(['shortCopy', 'copy', 'visualConcept']);
      expect([reports[0].scores.risk, reports[1].scores.clarity, reports[2].scores.accessibility]).toEqual([63, 62, 61]);
    });
  });
});
