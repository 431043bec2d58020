import { BriefConstraints, CampaignBrief, DEFAULT_PLATFORM_LIMITS, Platform } from '@app/contracts';
import type { GenerationInput } from '../agent';

/** Ingredients combined into briefs of different shapes, for specs of generators that must hold for any brief. */
const PRODUCTS = [
  'Brewly is a coffee subscription with freshly roasted beans delivered every week.',
  'Lumo helps you sleep better with a sunrise lamp. It wakes you gently, without an alarm. Set it up in two minutes.',
  'The Trailhead 40 backpack, built from recycled nylon, carries a whole weekend of gear without weighing you down on the climb.',
  'FinPal makes budgeting painless for students. Connect your bank in minutes. No hidden fees, ever!',
  'Our new oat milk – creamy, barista-grade and plant-based',
  'Ça Va café serves crêpes and espresso in the old town; every crêpe is made to order.',
];

const AUDIENCES = [
  'Busy professionals who love good coffee',
  'new parents, who sleep little and worry a lot about the cheap gadgets in the nursery',
  'Weekend hikers and climbers in their twenties and thirties that want durable gear',
  'University students on a tight budget',
  'baristas',
];

const OBJECTIVES = [
  'Grow trial subscriptions by 20% this spring',
  'Launch the product in three cities and build awareness among early adopters who care about design and sustainability.',
  'Drive app downloads',
  'Win back customers who cancelled last year, with a cheap first month and a friendly reminder of what they miss',
];

const TONES: Array<string[] | undefined> = [undefined, ['playful'], ['confident', 'warm', 'direct'], ['calm']];

const PALETTES: Array<string[] | undefined> = [undefined, ['#FF5733', '#C70039'], ['#00aa88']];

const CONSTRAINTS: Array<BriefConstraints | undefined> = [
  undefined,
  { requiredKeywords: ['organic'] },
  { requiredKeywords: ['free trial', 'eco-friendly'], restrictedKeywords: ['cheap', 'guarantee'] },
  { minWordCount: 250, maxWordCount: 300 },
  { maxWordCount: 220, requiredKeywords: ['spring sale'] },
  { minWordCount: 350, restrictedKeywords: ['coffee', 'crêpe'] },
  { restrictedKeywords: ['budget', 'students'], contentRating: 'teen' },
  { requiredKeywords: ['Brewly', 'fresh'], restrictedKeywords: ['hidden fees'], minWordCount: 210, maxWordCount: 390 },
];

const SELECTIONS: Platform[][] = [
  ['x'],
  ['linkedin'],
  ['x', 'threads'],
  ['instagram', 'facebook'],
  ['x', 'threads', 'instagram', 'linkedin', 'facebook'],
  ['threads', 'linkedin', 'x'],
];

/** A labelled generation input. */
export interface BriefCase {
  label: string;
  input: GenerationInput;
}

/** `count` different first-attempt inputs: with and without constraints, palette and tone, on various platform selections. */
export function variedInputs(count = 30): BriefCase[] {
  return Array.from({ length: count }, (_, i) => {
    const toneGuidelines = TONES[i % TONES.length];
    const brandPalette = PALETTES[(i >> 1) % PALETTES.length];
    const constraints = CONSTRAINTS[(i * 5 + 2) % CONSTRAINTS.length];
    const brief: CampaignBrief = {
      objective: OBJECTIVES[(i * 3) % OBJECTIVES.length],
      targetAudience: AUDIENCES[(i * 2 + 1) % AUDIENCES.length],
      productDetails: PRODUCTS[i % PRODUCTS.length],
      ...(toneGuidelines ? { toneGuidelines } : {}),
      ...(brandPalette ? { brandPalette } : {}),
      ...(constraints ? { constraints } : {}),
    };
    const selectedPlatforms = SELECTIONS[(i * 7) % SELECTIONS.length];
    return {
      label: `brief #${i} (${[selectedPlatforms.join('+'), ...Object.keys(constraints ?? {})].join(', ')})`,
      input: { brief, selectedPlatforms, platformLimits: { ...DEFAULT_PLATFORM_LIMITS }, attempt: 1 },
    };
  });
}
