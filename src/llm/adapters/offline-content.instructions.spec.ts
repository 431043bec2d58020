import { CampaignBrief, DEFAULT_PLATFORM_LIMITS } from '@app/contracts';
import type { GenerationInput } from '../../agents/agent';
import { copyOutputSchema, shortCopyOutputSchema, visualConceptOutputSchema } from '../../agents/output-schemas';
import { containsPhrase, wordCount } from '../../agents/text';
import { aCopy } from '../../agents/testing/fixtures';
import { variedInputs } from '../../agents/testing/varied-briefs';
import { offlineCopy, offlineShortCopy, offlineVisualConcept } from './offline-content';

/** The brief of the issue, with a required and a restricted keyword. */
const OATLY: CampaignBrief = {
  objective: 'Drive 10,000 trial sign-ups in six weeks',
  targetAudience: 'Urban commuters aged 25-40',
  productDetails: 'Oatly-style oat cold brew in a recyclable can, 90 kcal, no added sugar',
  constraints: { requiredKeywords: ['oat'], restrictedKeywords: ['cheap'] },
};

/** An editor's regeneration of every artifact for `brief`, after a first version. */
function regeneration(instructions?: string, brief: CampaignBrief = OATLY): GenerationInput {
  return {
    brief,
    selectedPlatforms: ['x', 'linkedin'],
    platformLimits: { ...DEFAULT_PLATFORM_LIMITS },
    attempt: 2,
    previous: { content: aCopy(), feedback: { verdict: 'fail', weightedScore: 40, flags: [], recommendations: [] } },
    ...(instructions === undefined ? {} : { instructions }),
  };
}

const generate = (input: GenerationInput) => ({
  copy: offlineCopy(input as GenerationInput<'copy'>),
  shortCopy: offlineShortCopy(input as GenerationInput<'shortCopy'>),
  visualConcept: offlineVisualConcept(input as GenerationInput<'visualConcept'>),
});

type Output = ReturnType<typeof generate>;

const copyText = ({ copy }: Output) => [...copy.headlines, ...Object.values(copy.bodyCopy), ...copy.ctas].join('\n');
const posts = ({ shortCopy }: Output) => shortCopy.platforms.flatMap((p) => p.variants.map((v) => v.text));
const descriptions = ({ visualConcept }: Output) => visualConcept.concepts.map((c) => c.description);
const bodyWords = ({ copy }: Output) => Object.values(copy.bodyCopy).map(wordCount);
const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Every string in `value`, however deep. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

const plain = generate(regeneration());

describe('the offline model, regenerating with an editor’s instructions', () => {
  it('writes shorter copy, posts and concepts when asked for shorter, longer ones when asked for longer', () => {
    const shorter = generate(regeneration('Make it shorter'));
    const longer = generate(regeneration('Longer, with more detail please'));

    bodyWords(shorter).forEach((words, i) => expect(words).toBeLessThan(bodyWords(plain)[i]));
    bodyWords(longer).forEach((words, i) => expect(words).toBeGreaterThan(bodyWords(plain)[i]));
    expect(shorter.copy.headlines.every((h) => h.length <= 48)).toBe(true);
    expect(average(posts(shorter).map((p) => p.length))).toBeLessThan(average(posts(plain).map((p) => p.length)));
    expect(average(posts(longer).map((p) => p.length))).toBeGreaterThan(average(posts(plain).map((p) => p.length)));
    descriptions(shorter).forEach((d, i) => expect(d.length).toBeLessThan(descriptions(plain)[i].length));
    descriptions(longer).forEach((d, i) => expect(d.length).toBeGreaterThan(descriptions(plain)[i].length));
  });

  it.each([
    ['More playful, please', 'playful', 'Say hello to'],
    ['Make it more formal', 'refined', 'Introducing'],
    ['Add some urgency', 'urgent', "Don't wait"],
    ['Keep it friendly', 'friendly', 'Say hi to'],
  ])('writes in the voice asked for by %j, in every artifact', (instructions, mood, opening) => {
    const output = generate(regeneration(instructions));

    expect(output.copy.bodyCopy.medium.startsWith(opening)).toBe(true);
    expect(output.copy.headlines).not.toEqual(plain.copy.headlines);
    expect(output.copy.toneNotes).toContain(mood === 'refined' ? 'more formal' : mood);
    expect(posts(output).some((p) => p.startsWith(opening))).toBe(true);
    expect(output.visualConcept.concepts.every((c) => c.mood.includes(mood))).toBe(true);
    expect(output.visualConcept.concepts.map((c) => c.name)).not.toEqual(plain.visualConcept.concepts.map((c) => c.name));
  });

  it('works a phrase the editor asks for into the copy, every post and the hero concept', () => {
    const output = generate(regeneration('Mention "zero added sugar"'));

    expect(output.copy.headlines.some((h) => h.includes('zero added sugar'))).toBe(true);
    expect(Object.values(output.copy.bodyCopy).every((b) => b.includes('zero added sugar'))).toBe(true);
    expect(posts(output).every((p) => p.includes('zero added sugar'))).toBe(true);
    expect(descriptions(output)[0]).toContain('“zero added sugar”');
    expect(stringsOf(plain).some((s) => s.includes('zero added sugar'))).toBe(false);
  });

  it('leaves out what the editor asks to avoid, everywhere, but never a required keyword', () => {
    expect(stringsOf(plain).some((s) => containsPhrase(s, 'recyclable'))).toBe(true);

    const output = generate(regeneration("Don't mention recyclable, and avoid oat"));

    expect(stringsOf(output).filter((s) => containsPhrase(s, 'recyclable'))).toEqual([]);
    expect(containsPhrase(copyText(output), 'oat')).toBe(true);
    expect(posts(output).every((p) => containsPhrase(p, 'oat'))).toBe(true);
  });

  it('never uses a restricted keyword, even when the editor asks for it', () => {
    const output = generate(regeneration('Mention "cheap thrills" and focus on the cheap price'));

    expect(stringsOf(output).filter((s) => containsPhrase(s, 'cheap'))).toEqual([]);
    expect(output.copy.toneNotes).toContain('the brief restricts it');
  });

  it('puts the focus the editor asks for first: the first headline, every post, the hero concept', () => {
    const output = generate(regeneration('Focus on the recyclable can'));

    expect(output.copy.headlines[0]).toContain('the recyclable can');
    expect(output.copy.bodyCopy.short).toContain('Above all, it comes down to the recyclable can.');
    expect(posts(output).every((p) => p.includes('the recyclable can'))).toBe(true);
    expect(output.visualConcept.concepts[0].layout.focalArea).toContain('the recyclable can');
  });

  it('uses the call to action the editor words, in the copy, every post and the concepts’ layout', () => {
    const output = generate(regeneration('CTA: Grab a can today'));

    expect(output.copy.ctas[0]).toBe('Grab a can today');
    expect(Object.values(output.copy.bodyCopy).every((b) => b.endsWith('Grab a can today.'))).toBe(true);
    expect(posts(output).every((p) => p.includes('Grab a can today.'))).toBe(true);
    expect(output.visualConcept.concepts.every((c) => c.layout.ctaPlacement.endsWith('reading “Grab a can today”'))).toBe(true);
  });

  it('weaves the key phrase of an instruction it does not know into the copy, the posts and a concept', () => {
    const output = generate(regeneration('Show it on a rainy morning commute'));

    expect(copyText(output)).toContain('Picture it on a rainy morning commute.');
    expect(posts(output).every((p) => p.includes('on a rainy morning commute'))).toBe(true);
    expect(descriptions(output)[1]).toContain('on a rainy morning commute');
  });

  it('gives a fresh take on a critique it cannot act on word for word, in every artifact', () => {
    const output = generate(regeneration('The second headline is weak'));

    expect(output.copy.headlines).not.toEqual(plain.copy.headlines);
    expect(output.copy.bodyCopy.long).not.toBe(plain.copy.bodyCopy.long);
    expect(posts(output)).not.toEqual(posts(plain));
    expect(stringsOf(output)).not.toContain('The second headline is weak');
  });

  it('writes different content for different instructions, and the same content for the same ones', () => {
    const instructions = ['Make it shorter', 'More playful', 'Mention "zero added sugar"', 'Focus on the recyclable can', 'CTA: Grab a can']
      .concat(['The second headline is weak']);
    const outputs = instructions.map((text) => generate(regeneration(text)));

    for (const type of ['copy', 'shortCopy', 'visualConcept'] as const) {
      const distinct = new Set([plain, ...outputs].map((o) => JSON.stringify(o[type])));
      expect(distinct.size).toBeGreaterThanOrEqual(type === 'visualConcept' ? 5 : 7);
    }
    instructions.forEach((text, i) => expect(generate(structuredClone(regeneration(text)))).toEqual(outputs[i]));
  });

  it.each(variedInputs(12))('writes output valid for every schema whatever the instructions, for $label', ({ input }) => {
    const editors = ['Make it shorter and more playful', 'Longer; mention "made in Sweden"', 'avoid the price, CTA: Join now', 'Show it at the beach', '¿Más corto?'];
    for (const instructions of editors) {
      const output = generate({ ...input, attempt: 2, instructions, previous: regeneration().previous });
      expect(copyOutputSchema.safeParse(output.copy).error).toBeUndefined();
      expect(shortCopyOutputSchema.safeParse(output.shortCopy).error).toBeUndefined();
      expect(visualConceptOutputSchema.safeParse(output.visualConcept).error).toBeUndefined();
    }
  });
});
