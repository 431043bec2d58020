import type {
  CampaignBrief,
  CopyOutput,
  Platform,
  ShortCopyOutput,
  ShortCopyVariant,
  VisualConcept,
  VisualConceptOutput,
} from '@app/contracts';
import type { GenerationInput } from '../../agents/agent';
import { characterCount } from '../../agents/text';
import { offlineHeadlines } from './offline-headlines';
import { readInstructions } from './offline-instructions';
import { trimPhrase, upperFirst, withArticle } from './offline-phrases';
import { rotate, Writer } from './offline-writer';

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

/** Word bounds of the long body: its 200-400 tier within the brief's bounds, or the brief's own when they do not overlap. */
function longBodyRange(brief: CampaignBrief): { min: number; max: number } {
  const { minWordCount, maxWordCount } = brief.constraints ?? {};
  let min = Math.max(200, minWordCount ?? 200);
  let max = Math.min(400, maxWordCount ?? 400);
  if (min > max) {
    min = minWordCount ?? 1;
    max = maxWordCount ?? min + 100;
  }
  return { min, max };
}

/** Where in its word range a body lands: the middle, or near an end when the editor asked for shorter or longer. */
function targetIn(min: number, max: number, length: 'shorter' | 'longer' | undefined): number {
  if (length === 'shorter') return Math.min(max, min + Math.round((max - min) * 0.1));
  if (length === 'longer') return Math.max(min, max - Math.round((max - min) * 0.05));
  return Math.round((min + max) / 2);
}

/** Long-form copy for the brief and the editor's instructions; on a first attempt it may leave out a required keyword. */
export function offlineCopy(input: GenerationInput<'copy'>): CopyOutput {
  const { brief } = input;
  const request = readInstructions(input.instructions);
  const required = brief.constraints?.requiredKeywords ?? [];
  const mistakes = offlineMistakes(brief, input.selectedPlatforms, input.platformLimits);
  const w = new Writer(brief, !input.previous && mistakes.missingKeyword ? required.slice(1) : required, request);
  const body = (min: number, max: number) => w.body(targetIn(min, max, request.length), min, max);
  const long = longBodyRange(brief);
  return {
    headlines: offlineHeadlines(w),
    bodyCopy: { short: body(50, 100), medium: body(100, 200), long: body(long.min, long.max) },
    ctas: w.ctas(),
    toneNotes: w.toneNotes(),
  };
}

/** Post `i` of three: the requested lines and keywords always, then as much of the rest as the platform's limit allows. */
function post(w: Writer, i: number, limit: number, hashtags: string[]): string {
  const slots = w.slots(w.product.length <= 32 ? w.product : w.shortProduct, w.shortAudience);
  const hook = rotate([w.opening(), ...w.kit.hooks(slots).slice(1)], w.request.variation)[i];
  const fillers = w.fillers();
  const extras = {
    shorter: [],
    normal: [[w.details[0]], [fillers[0], fillers[1]], [w.details[1] ?? fillers[2]]][i],
    longer: [w.details[0], w.details[1], fillers[i], fillers[i + 3], fillers[i + 6]],
  }[w.request.length ?? 'normal'].filter((s): s is string => !!s && w.allowed(s));
  const said = w.allowed(hook) ? hook : '';
  const keywords = w.keywordLine(said);
  // The hook is kept whatever the limit when it says a required keyword the keyword line then leaves out.
  const hookSaysKeyword = said !== '' && keywords !== w.keywordLine();
  const tags = hashtags.join(' ');
  const order = [hook, ...w.requestedLines(), keywords, ...extras, w.ctaLine(), tags].filter((s): s is string => !!s);
  const kept = new Set([...(hookSaysKeyword ? [said] : []), ...w.requestedLines(), ...(keywords ? [keywords] : [])]);
  const render = () => order.filter((s) => kept.has(s)).join(' ');
  for (const piece of [said, w.ctaLine(), tags, ...extras].filter((s) => s && w.allowed(s) && !kept.has(s))) {
    kept.add(piece);
    if (characterCount(w.sanitize(render())) > limit) kept.delete(piece);
  }
  return w.sanitize(render());
}

/** Posts for every selected platform; on a first attempt one may run over its platform's limit. */
export function offlineShortCopy(input: GenerationInput<'shortCopy'>): ShortCopyOutput {
  const { brief, selectedPlatforms, platformLimits } = input;
  const w = new Writer(brief, brief.constraints?.requiredKeywords ?? [], readInstructions(input.instructions));
  const mistakes = offlineMistakes(brief, selectedPlatforms, platformLimits);
  const tightest = [...selectedPlatforms].sort((a, b) => platformLimits[a] - platformLimits[b])[0];
  const hashtags = w.hashtags();
  const variant = (platform: Platform, i: number): ShortCopyVariant => {
    const limit = platformLimits[platform];
    let text = post(w, i, limit, hashtags);
    if (!input.previous && mistakes.overLimitPost && platform === tightest && i === 0) {
      // The mistake: the post goes on past the limit (it is flagged, never cut).
      const more = w.pool();
      for (let j = 0; characterCount(text) <= limit && j < 500; j++) text = `${text} ${more[j % more.length]}`;
    }
    const count = characterCount(text);
    return { text, characterCount: count, overLimit: count > limit, hashtags };
  };
  return { platforms: selectedPlatforms.map((platform) => ({ platform, variants: [0, 1, 2].map((i) => variant(platform, i)) })) };
}

const DEFAULT_PALETTES = [
  ['#1B4965', '#62B6CB', '#FFFFFF'],
  ['#2D6A4F', '#95D5B2', '#F8F9FA'],
  ['#6A040F', '#F48C06', '#FFF3E0'],
  ['#3C096C', '#C77DFF', '#F5F3FF'],
];

const LONGER_SCENES = [
  'Soft shadows and a little empty space keep the eye on the product, and the palette carries the brand.',
  'The light is natural, the styling unforced, and the product stays readable at a glance.',
];

/** A concept's description with what the editor asked for: shorter or longer, a focus, a phrase, a theme. */
function describe(w: Writer, scene: string, i: 0 | 1): string {
  const { focus, include, theme, length } = w.request;
  const setting = theme && w.themeIsSetting();
  const base = i === 1 && setting ? `${upperFirst(w.shortAudience)} with ${w.product} ${theme}, the product in focus.` : scene;
  const lastClause = base.lastIndexOf(', ');
  const parts = [length === 'shorter' && lastClause > 0 ? `${base.slice(0, lastClause)}.` : base];
  if (i === 0 && focus) parts.push(`The composition puts ${focus} front and centre.`);
  if (i === 0 && include[0]) parts.push(`The line “${include[0]}” sits under the headline.`);
  if (i === 1 && theme && !setting) parts.push(`The scene is built around ${theme}.`);
  if (length === 'longer') parts.push(LONGER_SCENES[i]);
  return w.sanitize(parts.filter((p) => w.allowed(p) || p === parts[0]).join(' '));
}

/** Two poster concepts in the voice the brief or the editor asks for, reusing the brand palette when there is one. */
export function offlineVisualConcept(input: GenerationInput<'visualConcept'>): VisualConceptOutput {
  const { brief } = input;
  const w = new Writer(brief, [], readInstructions(input.instructions));
  const { focus, theme } = w.request;
  const brand = (brief.brandPalette ?? []).filter((c) => /^#[0-9A-Fa-f]{6}$/.test(c));
  const palette = brand.length > 0 ? brand : DEFAULT_PALETTES[seedOf(brief) % DEFAULT_PALETTES.length];
  const mood = [...new Set([...w.toneWords, ...w.kit.mood])].slice(0, 4);
  const cta = w.request.cta ? ` reading “${w.request.cta}”` : '';
  const slots = w.slots(w.product, w.shortAudience);
  const where = theme && w.themeIsSetting() ? theme : 'in an everyday scene';
  const concepts: VisualConcept[] = [
    {
      name: focus ? `Spotlight: ${trimPhrase(focus, 40)}` : w.kit.names[0],
      description: describe(w, w.kit.hero(slots), 0),
      mood,
      palette,
      layout: {
        headlineZone: 'top third',
        focalArea: focus ? `centre, ${focus}` : 'centre, product close-up',
        ctaPlacement: `bottom right button${cta}`,
      },
      altText: `A close-up poster of ${w.product}${focus ? `, with ${focus} in focus` : ''}, for a campaign ${w.purpose}, in ${withArticle(mood[0])} mood.`,
    },
    {
      name: w.kit.names[1],
      description: describe(w, w.kit.moment(slots), 1),
      mood: [...new Set([...mood, 'relaxed'])],
      palette: [...palette].reverse(),
      layout: { headlineZone: 'left column', focalArea: 'right two thirds, people in use', ctaPlacement: `bottom banner${cta}` },
      altText: `A poster of ${w.shortAudience} with ${w.product} ${where}, for a campaign ${w.purpose}, in ${withArticle(mood.at(-1) ?? 'relaxed')} mood.`,
    },
  ];
  const clean = (c: VisualConcept): VisualConcept => ({
    ...c,
    name: w.sanitize(c.name),
    altText: w.sanitize(c.altText),
    mood: c.mood.filter((m) => w.allowed(m)),
  });
  return { concepts: concepts.map(clean) };
}
