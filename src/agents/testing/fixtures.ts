import {
  ArtifactType,
  AuditCategory,
  AuditFlag,
  CampaignBrief,
  CopyOutput,
  DEFAULT_PLATFORM_LIMITS,
  Platform,
  Severity,
  ShortCopyOutput,
  ShortCopyVariant,
  VisualConcept,
  VisualConceptOutput,
} from '@app/contracts';
import type { AuditInput, AuditSubject, GenerationInput } from '../agent';
import type { RuleContext } from '../audit-rules';

/** Shared builders for the agents' unit specs: a clean brief and clean artifacts that pass every rule. */

const VOCABULARY = ['bright', 'morning', 'coffee', 'brewed', 'slowly', 'for', 'people', 'who', 'care'];

/** `count` plain words (no keyword of the fixtures' briefs among them). */
export function wordsOf(count: number): string {
  return Array.from({ length: count }, (_, i) => VOCABULARY[i % VOCABULARY.length]).join(' ');
}

/** A brief without constraints or palette. */
export function aBrief(overrides: Partial<CampaignBrief> = {}): CampaignBrief {
  return {
    objective: 'Grow trial subscriptions by 20% this spring',
    targetAudience: 'Busy professionals who love good coffee',
    productDetails: 'Brewly is a coffee subscription with freshly roasted beans delivered every week.',
    ...overrides,
  };
}

/** Copy that passes every rule for a brief without constraints. */
export function aCopy(overrides: Partial<CopyOutput> = {}): CopyOutput {
  return {
    headlines: [
      'Freshly roasted coffee at your door every week',
      'Your mornings deserve better coffee than this one',
      'Brewly brings the roastery to your kitchen table',
    ],
    bodyCopy: { short: wordsOf(75), medium: wordsOf(150), long: wordsOf(300) },
    ctas: ['Start your trial', 'See the beans', 'Join Brewly'],
    toneNotes: 'Warm and confident.',
    ...overrides,
  };
}

/** A variant that fits every platform's limit. */
export function aVariant(overrides: Partial<ShortCopyVariant> = {}): ShortCopyVariant {
  const text = overrides.text ?? 'Fresh coffee every morning for busy people.';
  return { text, characterCount: [...text].length, overLimit: false, hashtags: ['#Coffee', '#Morning_Ritual'], ...overrides };
}

/** Three clean variants for each platform, in the order given. */
export function aShortCopy(platforms: Platform[] = ['x', 'linkedin']): ShortCopyOutput {
  return { platforms: platforms.map((platform) => ({ platform, variants: [aVariant(), aVariant(), aVariant()] })) };
}

/** A concept that passes every rule for a brief without a brand palette. */
export function aConcept(overrides: Partial<VisualConcept> = {}): VisualConcept {
  return {
    name: 'Hero close-up',
    description: 'A cup of coffee in morning light with the headline above it.',
    mood: ['warm', 'calm'],
    palette: ['#1B4965', '#62B6CB'],
    layout: { headlineZone: 'top third', focalArea: 'centre', ctaPlacement: 'bottom right' },
    altText: 'Poster showing a steaming cup of coffee inviting busy professionals to subscribe, in a calm mood.',
    ...overrides,
  };
}

/** Two clean concepts. */
export function aVisual(concepts: VisualConcept[] = [aConcept(), aConcept({ name: 'Everyday moment' })]): VisualConceptOutput {
  return { concepts };
}

/** The rules' context for `brief`, with x and linkedin selected and the default limits. */
export function ruleContext(brief: CampaignBrief = aBrief(), selectedPlatforms: Platform[] = ['x', 'linkedin']): RuleContext {
  return { brief, selectedPlatforms, platformLimits: { ...DEFAULT_PLATFORM_LIMITS } };
}

export const copySubject = (content: CopyOutput, attempt = 1): AuditSubject<'copy'> => ({ type: 'copy', attempt, content });
export const shortCopySubject = (content: ShortCopyOutput, attempt = 1): AuditSubject<'shortCopy'> => ({ type: 'shortCopy', attempt, content });
export const visualSubject = (content: VisualConceptOutput, attempt = 1): AuditSubject<'visualConcept'> => ({ type: 'visualConcept', attempt, content });

/** A first-attempt generation input for `brief`, with x and linkedin selected and the default limits. */
export function aGenerationInput<T extends ArtifactType>(overrides: Partial<GenerationInput<T>> = {}): GenerationInput<T> {
  return { ...ruleContext(), attempt: 1, ...overrides };
}

/** Equal audit weights. */
export const EQUAL_WEIGHTS: Record<AuditCategory, number> = { toneConsistency: 1, clarity: 1, compliance: 1, accessibility: 1, risk: 1 };

/** An audit input for `subjects` with equal weights. */
export function anAuditInput(subjects: AuditSubject[], brief: CampaignBrief = aBrief()): AuditInput {
  return { ...ruleContext(brief), weights: { ...EQUAL_WEIGHTS }, subjects };
}

/** A flag of the given severity and category. */
export function aFlag(severity: Severity, category: AuditCategory = 'clarity', id = `rule:test:${severity}`): AuditFlag {
  return { id, category, severity, description: `A ${severity} problem` };
}
