import type { ArtifactType } from './agents';

/** Audit scoring categories, each scored 0–100. */
export const AUDIT_CATEGORIES = ['toneConsistency', 'clarity', 'compliance', 'accessibility', 'risk'] as const;

/** One audit scoring category. */
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

/** Per-category scores, 0–100 each. */
export type AuditScores = Record<AuditCategory, number>;

/** Flag severities, from least to most serious. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** How serious a flag is. */
export type Severity = (typeof SEVERITIES)[number];

/** Audit outcome: `fail` triggers a regeneration, `conditional` is usable with care, `pass` is clean. */
export type AuditVerdict = 'pass' | 'conditional' | 'fail';

/** A problem the audit found. */
export interface AuditFlag {
  /** Stable within a report; rule flags start with `rule:`, model flags with `llm:`. */
  id: string;
  category: AuditCategory;
  severity: Severity;
  description: string;
  /** Where in the artifact, e.g. `platforms[0].variants[1].text`. */
  location?: string;
}

/** An instruction to fix a flag or improve the artifact. */
export interface AuditRecommendation {
  /** The flag it addresses, when there is one. */
  flagId?: string;
  /** An imperative instruction, e.g. "Shorten the post to 280 characters or fewer". */
  text: string;
  priority: 'low' | 'medium' | 'high';
}

/** The audit of one artifact version. */
export interface AuditReport {
  artifactType: ArtifactType;
  /** The generation attempt (artifact version number within the run) this report judged. */
  attempt: number;
  scores: AuditScores;
  /** Weighted mean of `scores` with the configured weights. */
  weightedScore: number;
  flags: AuditFlag[];
  recommendations: AuditRecommendation[];
  verdict: AuditVerdict;
  /** `rules+model` when the model's judgement was combined with the rules; `rules` otherwise. */
  basis: 'rules' | 'rules+model';
  /** ISO-8601 time the report was made. */
  createdAt: string;
}
