import {
  AUDIT_CATEGORIES,
  AuditCategory,
  AuditFlag,
  AuditScores,
  AuditVerdict,
  Severity,
} from '@app/contracts';

/** Points a flag takes off its category's score. */
export const SEVERITY_PENALTY: Record<Severity, number> = { low: 5, medium: 15, high: 30, critical: 60 };

/** Category scores implied by the flags: 100 less the penalties, floored at 0. */
export function scoresFromFlags(flags: AuditFlag[]): AuditScores {
  const scores = Object.fromEntries(AUDIT_CATEGORIES.map((c) => [c, 100])) as AuditScores;
  for (const flag of flags) scores[flag.category] = Math.max(0, scores[flag.category] - SEVERITY_PENALTY[flag.severity]);
  return scores;
}

/** The lower of two scores in each category: the model cannot overrule what the rules proved. */
export function lowerScores(a: AuditScores, b: AuditScores): AuditScores {
  return Object.fromEntries(AUDIT_CATEGORIES.map((c) => [c, Math.min(a[c], b[c])])) as AuditScores;
}

/** Weighted mean of the scores, rounded to one decimal. */
export function weightedScore(scores: AuditScores, weights: Record<AuditCategory, number>): number {
  let sum = 0;
  let total = 0;
  for (const category of AUDIT_CATEGORIES) {
    sum += scores[category] * weights[category];
    total += weights[category];
  }
  return total === 0 ? 0 : Math.round((sum / total) * 10) / 10;
}

/**
 * DOMAIN.md's verdict: `fail` on any critical flag or a score under 60; `conditional` on any high
 * flag or a score of 60–80; `pass` otherwise. Fail wins over conditional, conditional over pass.
 */
export function verdictOf(flags: AuditFlag[], score: number): AuditVerdict {
  if (score < 60 || flags.some((f) => f.severity === 'critical')) return 'fail';
  if (score <= 80 || flags.some((f) => f.severity === 'high')) return 'conditional';
  return 'pass';
}
