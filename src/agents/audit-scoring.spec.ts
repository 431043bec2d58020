import type { AuditScores } from '@app/contracts';
import { lowerScores, scoresFromFlags, SEVERITY_PENALTY, verdictOf, weightedScore } from './audit-scoring';
import { aFlag, EQUAL_WEIGHTS } from './testing/fixtures';

const scores = (overrides: Partial<AuditScores> = {}): AuditScores => ({
  toneConsistency: 100,
  clarity: 100,
  compliance: 100,
  accessibility: 100,
  risk: 100,
  ...overrides,
});

describe(scoresFromFlags.name, () => {
  it('scores every category 100 when there are no flags', () => {
    expect(scoresFromFlags([])).toEqual(scores());
  });

  it.each([
    ['low', 95],
    ['medium', 85],
    ['high', 70],
    ['critical', 40],
  ] as const)('takes a %s flag off its own category only (%i left)', (severity, left) => {
    expect(scoresFromFlags([aFlag(severity, 'risk')])).toEqual(scores({ risk: left }));
  });

  it('adds up the penalties of several flags in one category', () => {
    const flags = [aFlag('low', 'clarity'), aFlag('medium', 'clarity'), aFlag('high', 'accessibility'), aFlag('medium', 'accessibility')];

    expect(scoresFromFlags(flags)).toEqual(scores({ clarity: 80, accessibility: 55 }));
  });

  it('floors a category at 0', () => {
    expect(scoresFromFlags([aFlag('critical', 'compliance'), aFlag('critical', 'compliance')]).compliance).toBe(0);
    expect(scoresFromFlags([aFlag('critical', 'compliance'), aFlag('high', 'compliance'), aFlag('medium', 'compliance')]).compliance).toBe(0);
  });

  it('penalises severities in increasing order', () => {
    expect(SEVERITY_PENALTY.low).toBeLessThan(SEVERITY_PENALTY.medium);
    expect(SEVERITY_PENALTY.medium).toBeLessThan(SEVERITY_PENALTY.high);
    expect(SEVERITY_PENALTY.high).toBeLessThan(SEVERITY_PENALTY.critical);
  });
});

describe(weightedScore.name, () => {
  it('is the plain mean with equal weights', () => {
    expect(weightedScore(scores({ compliance: 40, risk: 70 }), EQUAL_WEIGHTS)).toBe(82);
  });

  it('counts heavier categories more', () => {
    const weights = { ...EQUAL_WEIGHTS, compliance: 3, risk: 2 };

    // (100 + 100 + 40*3 + 100 + 70*2) / 8 = 70, where equal weights give 82
    expect(weightedScore(scores({ compliance: 40, risk: 70 }), weights)).toBe(70);
  });

  it('ignores categories of weight 0', () => {
    const weights = { toneConsistency: 0, clarity: 0, compliance: 1, accessibility: 0, risk: 0 };

    expect(weightedScore(scores({ compliance: 35, clarity: 0 }), weights)).toBe(35);
  });

  it('rounds to one decimal', () => {
    // (100*4 + 33) / 5 = 86.6
    expect(weightedScore(scores({ risk: 33 }), EQUAL_WEIGHTS)).toBe(86.6);
    // (100*2 + 90 + 91 + 92) / 5 = 94.6
    expect(weightedScore(scores({ clarity: 90, compliance: 91, accessibility: 92 }), EQUAL_WEIGHTS)).toBe(94.6);
    // (0 + 0 + 1) / 3 = 0.333…
    expect(weightedScore(scores({ toneConsistency: 0, clarity: 0, compliance: 1 }), { ...EQUAL_WEIGHTS, accessibility: 0, risk: 0 })).toBe(0.3);
  });

  it('is 0 when every weight is 0', () => {
    const weights = { toneConsistency: 0, clarity: 0, compliance: 0, accessibility: 0, risk: 0 };

    expect(weightedScore(scores(), weights)).toBe(0);
  });
});

describe(verdictOf.name, () => {
  it.each([
    [100, 'pass'],
    [80.1, 'pass'],
    [80, 'conditional'],
    [70, 'conditional'],
    [60, 'conditional'],
    [59.9, 'fail'],
    [0, 'fail'],
  ] as const)('judges a score of %d without flags as %s', (score, verdict) => {
    expect(verdictOf([], score)).toBe(verdict);
  });

  it('fails any critical flag, however high the score', () => {
    expect(verdictOf([aFlag('critical')], 100)).toBe('fail');
  });

  it('makes any high flag conditional, however high the score', () => {
    expect(verdictOf([aFlag('high')], 100)).toBe('conditional');
  });

  it('passes low and medium flags with a score above 80', () => {
    expect(verdictOf([aFlag('low'), aFlag('medium')], 95)).toBe('pass');
  });

  it('lets fail win over conditional', () => {
    expect(verdictOf([aFlag('high'), aFlag('critical')], 90)).toBe('fail');
    expect(verdictOf([aFlag('high')], 59)).toBe('fail');
  });
});

describe(lowerScores.name, () => {
  it('takes the lower score in each category', () => {
    const a = scores({ toneConsistency: 40, clarity: 90, compliance: 70 });
    const b = scores({ toneConsistency: 60, clarity: 50, risk: 10 });

    expect(lowerScores(a, b)).toEqual({ toneConsistency: 40, clarity: 50, compliance: 70, accessibility: 100, risk: 10 });
  });

  it('is symmetric', () => {
    const a = scores({ clarity: 20, risk: 80 });
    const b = scores({ clarity: 30, risk: 75 });

    expect(lowerScores(a, b)).toEqual(lowerScores(b, a));
  });
});
