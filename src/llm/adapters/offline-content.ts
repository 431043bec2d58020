import type {
  CampaignBrief,
  CopyOutput,
  Platform,
  ShortCopyOutput,
  VisualConceptOutput,
} from '@app/contracts';
import type { GenerationInput } from '../../agents/agent';
import { characterCount, wordCount } from '../../agents/text';

/** The mistakes the offline model makes on a first attempt for this brief. */
export interface OfflineMistakes {
  /** One post on the most constrained platform (x or threads) runs over its limit. */
  overLimitPost: boolean;
  /** The first required keyword is left out of the long-form copy. */
  missingKeyword: boolean;
}

/** FNV-1a hash of the brief: the seed of everything the offline model writes for it. */
export function seedOf(brief: CampaignBrief): number {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(brief);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Which mistakes the offline model makes on the first attempt: deterministic per brief, so a run
 * can be replayed, and absent on regenerations, so the compliance loop corrects them.
 */
export function offlineMistakes(brief: CampaignBrief, platforms: Platform[], limits: Record<Platform, number>): OfflineMistakes {
  const seed = seedOf(brief);
  return {
    overLimitPost: seed % 3 === 0 && platforms.some((p) => limits[p] <= 500),
    missingKeyword: (seed >>> 4) % 2 === 0 && (brief.constraints?.requiredKeywords?.length ?? 0) > 0,
  };
}

const FILLERS = [
  'It fits into the day without asking for attention.',
  'Small choices add up to a difference you can see.',
  'Every detail was tested with the people who use it most.',
  'Nothing is hidden, and nothing is harder than it needs to be.',
  'The result is simple to start with and easy to keep.',
  'People notice the change in the first week.',
  'It is built to last, and built to be enjoyed.',
  'Setting it up takes minutes, not an afternoon.',
];

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** The first words of `text`, at most `maxChars` long, cut at a word boundary. */
function phrase(text: string, maxChars: number): string {
  let out = '';
  for (const word of words(text.replace(/[.!?]+$/, ''))) {
    if ((out ? out.length + 1 : 0) + word.length > maxChars) break;
    out = out ? `${out} ${word}` : word;
  }
  return out || text.slice(0, maxChars);
}

/** `text` up to `maxChars`, cut at the last clause boundary (comma, "who", "that", "and") that fits. */
function clause(text: string, maxChars: number): string {
  const plain = text.trim().replace(/[.!?]+$/, '');
  if (plain.length <= maxChars) return plain;
  const head = plain.slice(0, maxChars);
  const cut = Math.max(...[',', ' who ', ' that ', ' and ', ' with '].map((m) => head.lastIndexOf(m)));
  return cut > maxChars / 3 ? head.slice(0, cut).trim() : phrase(plain, maxChars);
}

/** The product's name: the first sentence up to its verb or first comma. */
function productName(details: string): string {
  const first = details.split(/[.!?]/)[0] ?? details;
  const name = first.split(/\s+(?:is|are|was|helps|lets|makes)\s+|,|\s[-–—]\s/)[0]?.trim() || first;
  return phrase(name, 40);
}

const STOPWORDS = new Set(['the', 'a', 'an', 'our', 'your', 'and', 'for', 'with', 'new']);

function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean).map((s) => (/[.!?]$/.test(s) ? s : `${s}.`));
}

/** Removes restricted phrases: the offline model never uses one. */
function sanitize(text: string, brief: CampaignBrief): string {
  let out = text;
  for (const keyword of brief.constraints?.restrictedKeywords ?? []) {
    const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (escaped) out = out.replace(new RegExp(escaped, 'giu'), '');
  }
  return out.replace(/\s{2,}/g, ' ').replace(/\s+([.,!?])/g, '$1').trim();
}

class Writer {
  readonly product: string;
  readonly audience: string;
  readonly objective: string;
  readonly tone: string;
  private readonly pool: string[];

  constructor(
    readonly brief: CampaignBrief,
    private readonly keywords: string[],
  ) {
    this.product = productName(brief.productDetails);
    this.audience = lowerFirst(clause(brief.targetAudience, 60));
    this.objective = lowerFirst(clause(brief.objective, 80));
    this.tone = (brief.toneGuidelines ?? []).slice(0, 2).join(' and ') || 'warm';
    this.pool = [
      `${this.product} is made for ${this.audience}.`,
      `The aim is simple: ${this.objective}.`,
      `Everything here speaks in ${withArticle(this.tone)} voice.`,
      ...sentences(brief.productDetails),
      ...FILLERS,
    ].map((s) => sanitize(s, brief));
  }

  keywordSentences(): string[] {
    return this.keywords.map((k) => `${k.charAt(0).toUpperCase()}${k.slice(1)} is part of the promise.`);
  }

  /** Body copy of about `target` words, within [`min`, `max`] words. */
  body(target: number, min: number, max: number, offset: number): string {
    const out = [...this.keywordSentences()];
    let count = out.reduce((sum, sentence) => sum + wordCount(sentence), 0);
    for (let i = 0; count < target && i < this.pool.length * 4; i++) {
      const next = this.pool[(i + offset) % this.pool.length];
      const size = wordCount(next);
      if (count + size > max) continue;
      out.push(next);
      count += size;
    }
    for (let i = 0; count < min && i < 1000; i++) {
      const filler = words(FILLERS[(i + offset) % FILLERS.length]).slice(0, min - count);
      out.push(`${filler.join(' ').replace(/[.!?]$/, '')}.`);
      count += filler.length;
    }
    return out.join(' ');
  }

  hashtags(): string[] {
    const name = words(this.product)
      .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
      .filter((w) => w.length > 1 && !STOPWORDS.has(w.toLowerCase()))
      .map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
      .join('');
    const tags = name ? [`#${name.slice(0, 30)}`] : [];
    return [...tags, '#NewLaunch'];
  }
}

/** Word bounds of the long body: its 200-400 tier within the brief's bounds, or the brief's own when they do not overlap. */
function longBodyRange(brief: CampaignBrief): { target: number; min: number; max: number } {
  const { minWordCount, maxWordCount } = brief.constraints ?? {};
  let min = Math.max(200, minWordCount ?? 200);
  let max = Math.min(400, maxWordCount ?? 400);
  if (min > max) {
    min = minWordCount ?? 1;
    max = maxWordCount ?? min + 100;
  }
  return { target: Math.min(max, Math.max(min, 300)), min, max };
}

/** Long-form copy for the brief; on a first attempt it may leave out a required keyword. */
export function offlineCopy(input: GenerationInput<'copy'>): CopyOutput {
  const { brief } = input;
  const required = brief.constraints?.requiredKeywords ?? [];
  const mistakes = offlineMistakes(brief, input.selectedPlatforms, input.platformLimits);
  const keywords = !input.previous && mistakes.missingKeyword ? required.slice(1) : required;
  const w = new Writer(brief, keywords);
  const kw = keywords.length > 0 ? ` with ${keywords.join(', ')}` : '';
  const headline = (text: string) => {
    const cut = clause(text, 70);
    return cut.length >= 40 ? cut : `${cut}, starting today`;
  };
  const long = longBodyRange(brief);
  return {
    headlines: [
      headline(`${w.product} for ${clause(w.audience, 45)}`),
      headline(`Meet ${w.product}${kw}: made to ${w.objective}`),
      headline(`${w.tone.charAt(0).toUpperCase()}${w.tone.slice(1)} by design: ${w.product}`),
    ].map((h) => sanitize(h, brief)),
    bodyCopy: {
      short: w.body(75, 50, 100, 0),
      medium: w.body(150, 100, 200, 2),
      long: w.body(long.target, long.min, long.max, 4),
    },
    ctas: [`Try ${w.product} today${kw}`, 'See how it works', `Join ${clause(w.audience, 40)}`].map((c) => sanitize(phrase(c, 80), brief)),
    toneNotes: sanitize(`Written in ${withArticle(w.tone)} voice for ${w.audience}.`, brief),
  };
}

/** Posts for every selected platform; on a first attempt one may run over its platform's limit. */
export function offlineShortCopy(input: GenerationInput<'shortCopy'>): ShortCopyOutput {
  const { brief, selectedPlatforms, platformLimits } = input;
  const w = new Writer(brief, brief.constraints?.requiredKeywords ?? []);
  const mistakes = offlineMistakes(brief, selectedPlatforms, platformLimits);
  const tightest = [...selectedPlatforms].sort((a, b) => platformLimits[a] - platformLimits[b])[0];
  const hooks = [`New: ${w.product}.`, `Made for ${w.audience}.`, `Ready to ${w.objective}?`];
  const hashtags = w.hashtags();
  return {
    platforms: selectedPlatforms.map((platform) => ({
      platform,
      variants: hooks.map((hook, i) => {
        const limit = platformLimits[platform];
        // The longest version that fits the platform; the model never cuts a post mid-word.
        const tags = hashtags.join(' ');
        const versions = [[hook, ...w.keywordSentences(), tags], [hook, ...w.keywordSentences()], [w.keywordSentences().join(' ') || hook]];
        const fitting = versions.map((v) => sanitize(v.join(' '), brief)).find((v) => characterCount(v) <= limit);
        let text = fitting ?? sanitize(versions[2].join(' '), brief);
        if (!input.previous && mistakes.overLimitPost && platform === tightest && i === 0) {
          text = `${text} ${w.body(limit, limit, limit * 2, 1)}`;
        }
        const count = characterCount(text);
        return { text, characterCount: count, overLimit: count > limit, hashtags };
      }),
    })),
  };
}

const DEFAULT_PALETTES = [
  ['#1B4965', '#62B6CB', '#FFFFFF'],
  ['#2D6A4F', '#95D5B2', '#F8F9FA'],
  ['#6A040F', '#F48C06', '#FFF3E0'],
  ['#3C096C', '#C77DFF', '#F5F3FF'],
];

/** Two poster concepts, reusing the brand palette when there is one. */
export function offlineVisualConcept(input: GenerationInput<'visualConcept'>): VisualConceptOutput {
  const { brief } = input;
  const w = new Writer(brief, []);
  const brand = (brief.brandPalette ?? []).filter((c) => /^#[0-9A-Fa-f]{6}$/.test(c));
  const seeded = DEFAULT_PALETTES[seedOf(brief) % DEFAULT_PALETTES.length];
  const palette = brand.length > 0 ? brand : seeded;
  const mood = [w.tone, 'confident'];
  return {
    concepts: [
      {
        name: 'Hero close-up',
        description: sanitize(`A close-up of ${w.product} in natural light, with the headline above it.`, brief),
        mood,
        palette,
        layout: { headlineZone: 'top third', focalArea: 'centre, product close-up', ctaPlacement: 'bottom right button' },
        altText: sanitize(`Poster showing ${w.product} up close, inviting ${w.audience} to ${w.objective}, in ${withArticle(w.tone)} mood.`, brief),
      },
      {
        name: 'Everyday moment',
        description: sanitize(`${w.audience} using ${w.product} in an everyday scene, the product in focus.`, brief),
        mood: [...mood, 'relaxed'],
        palette: [...palette].reverse(),
        layout: { headlineZone: 'left column', focalArea: 'right two thirds, people in use', ctaPlacement: 'bottom banner' },
        altText: sanitize(`Poster of ${w.audience} enjoying ${w.product} at home, encouraging viewers to ${w.objective}, in a relaxed mood.`, brief),
      },
    ],
  };
}
