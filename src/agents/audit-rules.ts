import type {
  AuditCategory,
  AuditFlag,
  AuditRecommendation,
  CampaignBrief,
  CopyOutput,
  Platform,
  Severity,
  ShortCopyOutput,
  VisualConceptOutput,
} from '@app/contracts';
import type { AuditSubject } from './agent';
import { characterCount, containsPhrase, HEX_COLOUR, wordCount } from './text';

/** Word ranges of the three body-copy lengths. */
export const BODY_WORD_RANGES = { short: [50, 100], medium: [100, 200], long: [200, 400] } as const;

/** Headline length that reads well, in characters (the brief asks for about 50–60). */
export const HEADLINE_CHAR_RANGE = [30, 90] as const;

/** What the deterministic rules found in one artifact. */
export interface RuleFindings {
  flags: AuditFlag[];
  recommendations: AuditRecommendation[];
}

/** The brief's rules that apply to an artifact. */
export interface RuleContext {
  brief: CampaignBrief;
  selectedPlatforms: Platform[];
  platformLimits: Record<Platform, number>;
}

class Findings implements RuleFindings {
  readonly flags: AuditFlag[] = [];
  readonly recommendations: AuditRecommendation[] = [];

  add(id: string, category: AuditCategory, severity: Severity, description: string, fix: string, location?: string) {
    const flagId = `rule:${id}`;
    this.flags.push({ id: flagId, category, severity, description, ...(location ? { location } : {}) });
    const priority = severity === 'critical' || severity === 'high' ? 'high' : severity;
    this.recommendations.push({ flagId, text: fix, priority });
  }
}

/** Every piece of text of an artifact with its location, for keyword scanning. */
function textsOf(subject: AuditSubject): Array<[location: string, text: string]> {
  switch (subject.type) {
    case 'copy': {
      const c = subject.content as CopyOutput;
      return [
        ...c.headlines.map((h, i): [string, string] => [`headlines[${i}]`, h]),
        ...Object.entries(c.bodyCopy).map(([k, v]): [string, string] => [`bodyCopy.${k}`, v]),
        ...c.ctas.map((h, i): [string, string] => [`ctas[${i}]`, h]),
        ['toneNotes', c.toneNotes],
      ];
    }
    case 'shortCopy':
      return (subject.content as ShortCopyOutput).platforms.flatMap((p, i) =>
        p.variants.map((v, j): [string, string] => [`platforms[${i}].variants[${j}].text`, `${v.text} ${v.hashtags.join(' ')}`]),
      );
    case 'visualConcept':
      return (subject.content as VisualConceptOutput).concepts.flatMap((c, i): Array<[string, string]> => [
        [`concepts[${i}].name`, c.name],
        [`concepts[${i}].description`, c.description],
        [`concepts[${i}].altText`, c.altText],
        [`concepts[${i}].mood`, c.mood.join(', ')],
      ]);
  }
}

function checkRestricted(subject: AuditSubject, brief: CampaignBrief, out: Findings) {
  for (const keyword of brief.constraints?.restrictedKeywords ?? []) {
    for (const [location, text] of textsOf(subject)) {
      if (containsPhrase(text, keyword)) {
        out.add(`restricted:${keyword}:${location}`, 'compliance', 'critical', `Restricted keyword "${keyword}" is used`, `Remove "${keyword}" and rephrase without it`, location);
      }
    }
  }
}

function checkRequired(texts: Array<[string, string]>, brief: CampaignBrief, out: Findings) {
  for (const keyword of brief.constraints?.requiredKeywords ?? []) {
    for (const [location, text] of texts) {
      if (!containsPhrase(text, keyword)) {
        out.add(`required:${keyword}:${location}`, 'compliance', 'critical', `Required keyword "${keyword}" is missing`, `Include "${keyword}" verbatim`, location);
      }
    }
  }
}

function checkCopy(copy: CopyOutput, ctx: RuleContext, out: Findings) {
  copy.headlines.forEach((headline, i) => {
    const length = characterCount(headline);
    if (length < HEADLINE_CHAR_RANGE[0] || length > HEADLINE_CHAR_RANGE[1]) {
      out.add(`headline-length:${i}`, 'clarity', 'low', `Headline is ${length} characters long`, 'Write the headline in about 50-60 characters', `headlines[${i}]`);
    }
  });
  for (const [tier, [min, max]] of Object.entries(BODY_WORD_RANGES)) {
    const words = wordCount(copy.bodyCopy[tier as keyof CopyOutput['bodyCopy']]);
    if (words < min || words > max) {
      out.add(`body-length:${tier}`, 'clarity', 'medium', `The ${tier} body copy has ${words} words (expected ${min}-${max})`, `Rewrite the ${tier} body copy in ${min}-${max} words`, `bodyCopy.${tier}`);
    }
  }
  const { minWordCount, maxWordCount } = ctx.brief.constraints ?? {};
  const longWords = wordCount(copy.bodyCopy.long);
  if ((minWordCount !== undefined && longWords < minWordCount) || (maxWordCount !== undefined && longWords > maxWordCount)) {
    const bounds = maxWordCount === undefined ? `at least ${minWordCount}` : minWordCount === undefined ? `at most ${maxWordCount}` : `${minWordCount}-${maxWordCount}`;
    out.add('word-count', 'compliance', 'high', `The long body copy has ${longWords} words; the brief asks for ${bounds}`, `Rewrite the long body copy in ${bounds} words`, 'bodyCopy.long');
  }
  checkRequired([['copy', [...copy.headlines, ...Object.values(copy.bodyCopy), ...copy.ctas].join('\n')]], ctx.brief, out);
}

function checkShortCopy(posts: ShortCopyOutput, ctx: RuleContext, out: Findings) {
  for (const platform of ctx.selectedPlatforms) {
    if (!posts.platforms.some((p) => p.platform === platform)) {
      out.add(`platform-missing:${platform}`, 'compliance', 'high', `No posts for ${platform}`, `Write at least 3 posts for ${platform}`);
    }
  }
  posts.platforms.forEach((entry, i) => {
    const limit = ctx.platformLimits[entry.platform];
    entry.variants.forEach((variant, j) => {
      const location = `platforms[${i}].variants[${j}]`;
      const length = characterCount(variant.text);
      if (length > limit) {
        out.add(`over-limit:${entry.platform}:${j}`, 'compliance', 'critical', `Post is ${length} characters, over the ${entry.platform} limit of ${limit}`, `Shorten the post to ${limit} characters or fewer`, `${location}.text`);
      }
      const badTags = variant.hashtags.filter((tag) => !/^#[\p{L}\p{N}_]+$/u.test(tag));
      if (badTags.length > 0) {
        out.add(`hashtag:${entry.platform}:${j}`, 'clarity', 'low', `Malformed hashtags: ${badTags.join(', ')}`, 'Write hashtags as # followed by letters, digits or _', `${location}.hashtags`);
      }
    });
  });
  checkRequired(
    posts.platforms.flatMap((p, i) => p.variants.map((v, j): [string, string] => [`platforms[${i}].variants[${j}].text`, `${v.text} ${v.hashtags.join(' ')}`])),
    ctx.brief,
    out,
  );
}

function checkVisual(visual: VisualConceptOutput, ctx: RuleContext, out: Findings) {
  const brand = (ctx.brief.brandPalette ?? []).map((c) => c.toLowerCase());
  visual.concepts.forEach((concept, i) => {
    const invalid = concept.palette.filter((c) => !HEX_COLOUR.test(c));
    if (invalid.length > 0 || concept.palette.length === 0) {
      out.add(`palette:${i}`, 'compliance', 'high', invalid.length ? `Invalid palette colours: ${invalid.join(', ')}` : 'The palette is empty', 'Give the palette as #RRGGBB colours', `concepts[${i}].palette`);
    }
    if (brand.length > 0 && !concept.palette.some((c) => brand.includes(c.toLowerCase()))) {
      out.add(`brand-palette:${i}`, 'toneConsistency', 'medium', 'The palette uses none of the brand colours', `Reuse the brand palette (${brand.join(', ')})`, `concepts[${i}].palette`);
    }
    const altWords = wordCount(concept.altText);
    if (altWords === 0) {
      out.add(`alt-text:${i}`, 'accessibility', 'high', 'Alt text is missing', 'Write alt text that states the subject, the purpose and the mood', `concepts[${i}].altText`);
    } else if (altWords < 8) {
      out.add(`alt-text-short:${i}`, 'accessibility', 'medium', `Alt text is only ${altWords} words`, 'Describe the subject, the purpose and the mood in the alt text', `concepts[${i}].altText`);
    }
  });
}

/**
 * The deterministic audit rules: restricted keywords present and required keywords missing
 * (critical: they are compliance obligations), word-count bounds, platform character limits,
 * palette validity and alt text.
 */
export function applyRules(subject: AuditSubject, ctx: RuleContext): RuleFindings {
  const out = new Findings();
  checkRestricted(subject, ctx.brief, out);
  if (subject.type === 'copy') checkCopy(subject.content as CopyOutput, ctx, out);
  if (subject.type === 'shortCopy') checkShortCopy(subject.content as ShortCopyOutput, ctx, out);
  if (subject.type === 'visualConcept') checkVisual(subject.content as VisualConceptOutput, ctx, out);
  return out;
}
