import type { ArtifactType, CampaignBrief } from '@app/contracts';
import type { AuditInput, GenerationInput } from './agent';
import type { LlmMessage } from '../llm/llm-client';

const RULES_OF_THE_HOUSE = [
  'Answer with one JSON object that follows the given schema, and nothing else.',
  'Write in the language of the brief. Never invent prices, statistics or legal claims that the brief does not state.',
  'Use every required keyword verbatim; never use a restricted keyword, not even inside another word.',
].join(' ');

/** Role and output rules of each generator. */
const GENERATOR_ROLES: Record<ArtifactType, string> = {
  copy: [
    'You are a senior copywriter writing long-form campaign copy.',
    'Give at least 3 headlines of about 50-60 characters, body copy in three lengths',
    '(short 50-100 words, medium 100-200 words, long 200-400 words, or within the brief\'s word-count bounds for long),',
    'at least 3 calls to action, and notes on how you applied the tone guidelines.',
  ].join(' '),
  shortCopy: [
    'You are a social media copywriter.',
    'For each selected platform give at least 3 post variants. Keep each post within the platform\'s character limit;',
    'report characterCount truthfully and set overLimit when a post is longer than the limit (never truncate).',
    'Hashtags start with #.',
  ].join(' '),
  visualConcept: [
    'You are an art director describing poster concepts in words (no image is produced).',
    'Give at least 2 concepts, each with a name, description, mood words, a palette of #RRGGBB colours',
    '(reuse the brand palette when one is given), a layout (headline zone, focal area, CTA placement)',
    'and alt text that states the subject, the purpose and the mood.',
  ].join(' '),
};

function briefBlock(brief: CampaignBrief): string {
  return `Campaign brief:\n${JSON.stringify(brief, null, 2)}`;
}

/**
 * An editor's instructions for this version, fenced so that they read as the editor's words, not
 * as part of the brief; the brief's keyword rules still win, as the house rules say.
 */
function editorBlock(instructions: string): string {
  return [
    "Editor's instructions for this version (apply them; the brief's required and restricted keywords still hold):",
    '"""',
    instructions,
    '"""',
  ].join('\n');
}

/**
 * Messages for one generation attempt: the audit feedback on a regeneration, then the editor's
 * instructions when an editor asked for this version.
 */
export function generationMessages<T extends ArtifactType>(type: T, input: GenerationInput<T>): LlmMessage[] {
  const parts = [briefBlock(input.brief)];
  if (type === 'shortCopy') {
    const limits = input.selectedPlatforms.map((p) => `${p}: ${input.platformLimits[p]} characters`).join(', ');
    parts.push(`Selected platforms, in this order, with their limits: ${limits}.`);
  }
  if (input.reference?.copy) {
    parts.push(`Approved long-form copy to stay consistent with:\n${JSON.stringify(input.reference.copy)}`);
  }
  if (input.previous) {
    const { verdict, weightedScore, flags, recommendations } = input.previous.feedback;
    // A failed audit (the compliance loop), or the version an editor wants rewritten, whatever its verdict.
    const standing = verdict === 'fail' ? `Your previous version failed its compliance audit (score ${weightedScore}).` : `The current version passed its audit as ${verdict} (score ${weightedScore}); an editor asked for a new one.`;
    parts.push(
      standing,
      `Previous version:\n${JSON.stringify(input.previous.content)}`,
      `Audit findings to fix:\n${JSON.stringify(flags)}`,
      recommendations.length > 0 ? `Recommendations:\n${recommendations.map((r) => `- ${r.text}`).join('\n')}` : 'Recommendations: none',
      verdict === 'fail' ? 'Write a corrected version that fixes every finding and keeps what was good.' : 'Write a new version that follows the instructions below, fixes any finding and keeps what was good.',
    );
  }
  const instructions = input.instructions?.trim();
  if (instructions) parts.push(editorBlock(instructions));
  return [
    { role: 'system', content: `${GENERATOR_ROLES[type]} ${RULES_OF_THE_HOUSE}` },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** Messages asking the model to judge the audit subjects. */
export function auditMessages(input: AuditInput): LlmMessage[] {
  const subjects = input.subjects.map((s) => ({ artifactType: s.type, content: s.content }));
  return [
    {
      role: 'system',
      content: [
        'You are a brand compliance auditor. Score each artifact 0-100 on toneConsistency, clarity, compliance,',
        'accessibility and risk (100 = no concern). Flag each concrete problem with a category, a severity',
        '(low, medium, high, critical: critical means it must not be published), a description and its location,',
        'and give imperative recommendations that fix the flags. Return one report per artifact, in the given order.',
        RULES_OF_THE_HOUSE,
      ].join(' '),
    },
    {
      role: 'user',
      content: `${briefBlock(input.brief)}\n\nArtifacts to audit:\n${JSON.stringify(subjects)}`,
    },
  ];
}
