import { DEFAULT_PLATFORM_LIMITS, type ArtifactType, type CampaignBrief } from '@app/contracts';
import type { AuditInput, GenerationInput } from '../../src/agents/agent';
import type { AuditJudgement } from '../../src/agents/output-schemas';
import { EQUAL_AUDIT_WEIGHTS } from '../../src/config/app-config';
import { offlineCopy, offlineShortCopy, offlineVisualConcept } from '../../src/llm/adapters/offline-content';

/** The brief every LLM-client test works from. */
export const SAMPLE_BRIEF: CampaignBrief = {
  objective: 'Get busy parents to pre-order the new lunchbox before the school year starts',
  targetAudience: 'Parents of primary-school children who pack lunches every morning',
  productDetails:
    'The Brightbox lunchbox keeps food cold for six hours. It has three leak-proof compartments and goes in the dishwasher.',
  toneGuidelines: ['friendly', 'practical'],
  brandPalette: ['#0B7A75', '#F2C14E', '#FFFFFF'],
  constraints: { requiredKeywords: ['leak-proof'], restrictedKeywords: ['cheap'], contentRating: 'general' },
};

/** The schema name each agent asks the model for (see the agents' constructors). */
export const SCHEMA_NAMES = {
  copy: 'campaign_copy',
  shortCopy: 'social_posts',
  visualConcept: 'poster_concepts',
  audit: 'audit_reports',
} as const;

/** A first-attempt generation input for the sample brief. */
export function sampleGenerationInput<T extends ArtifactType>(): GenerationInput<T> {
  return {
    brief: SAMPLE_BRIEF,
    selectedPlatforms: ['x', 'instagram', 'linkedin'],
    platformLimits: { ...DEFAULT_PLATFORM_LIMITS },
    attempt: 1,
  };
}

/** An audit input over the offline generators' first versions of all three artifacts. */
export function sampleAuditInput(): AuditInput {
  const input = sampleGenerationInput();
  return {
    brief: input.brief,
    selectedPlatforms: input.selectedPlatforms,
    platformLimits: input.platformLimits,
    weights: { ...EQUAL_AUDIT_WEIGHTS },
    subjects: [
      { type: 'copy', attempt: 1, content: offlineCopy(sampleGenerationInput<'copy'>()) },
      { type: 'shortCopy', attempt: 1, content: offlineShortCopy(sampleGenerationInput<'shortCopy'>()) },
      { type: 'visualConcept', attempt: 1, content: offlineVisualConcept(sampleGenerationInput<'visualConcept'>()) },
    ],
  };
}

/** A valid audit judgement (per `auditJudgementSchema`) of the sample audit subjects. */
export function sampleAuditJudgement(): AuditJudgement {
  return {
    reports: (['copy', 'shortCopy', 'visualConcept'] as const).map((artifactType) => ({
      artifactType,
      scores: { toneConsistency: 88, clarity: 91, compliance: 95, accessibility: 84, risk: 97 },
      flags: [{ category: 'accessibility', severity: 'low', description: 'One sentence is longer than it needs to be.', location: null }],
      recommendations: [{ text: 'Shorten the longest sentence.', priority: 'low', flagIndex: 0 }],
    })),
  };
}

/**
 * A valid answer for the output schema named `schemaName`, built with the offline generators for
 * the sample brief; `undefined` for an unknown name.
 */
export function sampleAnswer(schemaName: string | undefined): unknown {
  switch (schemaName) {
    case SCHEMA_NAMES.copy:
      return offlineCopy(sampleGenerationInput<'copy'>());
    case SCHEMA_NAMES.shortCopy:
      return offlineShortCopy(sampleGenerationInput<'shortCopy'>());
    case SCHEMA_NAMES.visualConcept:
      return offlineVisualConcept(sampleGenerationInput<'visualConcept'>());
    case SCHEMA_NAMES.audit:
      return sampleAuditJudgement();
    default:
      return undefined;
  }
}
