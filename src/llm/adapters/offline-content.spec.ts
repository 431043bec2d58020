import type { ArtifactContentMap, ArtifactType } from '@app/contracts';
import type { GenerationInput } from '../../agents/agent';
import { applyRules } from '../../agents/audit-rules';
import { copyOutputSchema, shortCopyOutputSchema, visualConceptOutputSchema } from '../../agents/output-schemas';
import { containsPhrase, wordCount } from '../../agents/text';
import { variedInputs } from '../../agents/testing/varied-briefs';
import { offlineCopy, offlineMistakes, offlineShortCopy, offlineVisualConcept } from './offline-content';

const CASES = variedInputs(30);

const generate = (input: GenerationInput) => ({
  copy: offlineCopy(input as GenerationInput<'copy'>),
  shortCopy: offlineShortCopy(input as GenerationInput<'shortCopy'>),
  visualConcept: offlineVisualConcept(input as GenerationInput<'visualConcept'>),
});

/** The same input as a regeneration of `content`, after a failed audit. */
function regeneration<T extends ArtifactType>(input: GenerationInput, content: ArtifactContentMap[T]): GenerationInput<T> {
  return {
    ...(input as GenerationInput<T>),
    attempt: 2,
    previous: { content, feedback: { verdict: 'fail', weightedScore: 40, flags: [], recommendations: [] } },
  };
}

const regenerate = (input: GenerationInput) => {
  const first = generate(input);
  return {
    copy: offlineCopy(regeneration<'copy'>(input, first.copy)),
    shortCopy: offlineShortCopy(regeneration<'shortCopy'>(input, first.shortCopy)),
    visualConcept: offlineVisualConcept(regeneration<'visualConcept'>(input, first.visualConcept)),
  };
};

/** Every string in `value`, however deep. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

const mistakesOf = ({ brief, selectedPlatforms, platformLimits }: GenerationInput) => offlineMistakes(brief, selectedPlatforms, platformLimits);
const required = (input: GenerationInput) => input.brief.constraints?.requiredKeywords ?? [];
const restricted = (input: GenerationInput) => input.brief.constraints?.restrictedKeywords ?? [];
const withRestricted = CASES.filter(({ input }) => restricted(input).length > 0);
const withRequired = CASES.filter(({ input }) => required(input).length > 0);

describe(`${offlineCopy.name}, ${offlineShortCopy.name} and ${offlineVisualConcept.name}`, () => {
  it.each(CASES)('writes output valid for every agent’s schema, first time and on regeneration, for $label', ({ input }) => {
    for (const output of [generate(input), regenerate(input)]) {
      expect(copyOutputSchema.safeParse(output.copy).error).toBeUndefined();
      expect(shortCopyOutputSchema.safeParse(output.shortCopy).error).toBeUndefined();
      expect(visualConceptOutputSchema.safeParse(output.visualConcept).error).toBeUndefined();
    }
  });

  it('writes the same output for the same input', () => {
    for (const { input } of CASES) {
      expect(generate(structuredClone(input))).toEqual(generate(structuredClone(input)));
    }
  });

  it('writes one entry per selected platform, in the order selected, with at least 3 variants each', () => {
    for (const { input } of CASES) {
      const { platforms } = generate(input).shortCopy;
      expect(platforms.map((p) => p.platform)).toEqual(input.selectedPlatforms);
      for (const entry of platforms) expect(entry.variants.length).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(withRestricted)('never uses a restricted keyword anywhere, for $label', ({ input }) => {
    for (const output of [generate(input), regenerate(input)]) {
      const used = restricted(input).flatMap((keyword) => stringsOf(output).filter((text) => containsPhrase(text, keyword)).map((text) => `${keyword}: ${text}`));
      expect(used).toEqual([]);
    }
  });

  it.each(withRequired)('puts every required keyword in every short-copy variant, for $label', ({ input }) => {
    for (const output of [generate(input), regenerate(input)]) {
      const missing = output.shortCopy.platforms.flatMap((entry) =>
        entry.variants.flatMap((variant) =>
          required(input).filter((keyword) => !containsPhrase(`${variant.text} ${variant.hashtags.join(' ')}`, keyword)).map((k) => `${entry.platform}: ${k}`),
        ),
      );
      expect(missing).toEqual([]);
    }
  });

  it.each(withRequired)('puts every required keyword in the copy unless it errs on purpose, for $label', ({ input }) => {
    const first = generate(input).copy;
    const copies = mistakesOf(input).missingKeyword ? [regenerate(input).copy] : [first, regenerate(input).copy];
    for (const copy of copies) {
      const text = stringsOf(copy).join('\n');
      expect(required(input).filter((keyword) => !containsPhrase(text, keyword))).toEqual([]);
    }
  });

  it('leaves out the first required keyword on a first attempt that errs on purpose', () => {
    const erring = withRequired.filter(({ input }) => mistakesOf(input).missingKeyword);
    expect(erring.length).toBeGreaterThan(0);
    for (const { input } of erring) {
      const flags = applyRules({ type: 'copy', attempt: 1, content: generate(input).copy }, input).flags;
      expect(flags.map((f) => f.id)).toContain(`rule:required:${required(input)[0]}:copy`);
    }
  });

  it.each(CASES)("keeps the long body copy within the brief's word bounds, for $label", ({ input }) => {
    const { minWordCount = 0, maxWordCount = Infinity } = input.brief.constraints ?? {};
    for (const output of [generate(input), regenerate(input)]) {
      const words = wordCount(output.copy.bodyCopy.long);
      expect(words).toBeGreaterThanOrEqual(minWordCount);
      expect(words).toBeLessThanOrEqual(maxWordCount);
    }
  });

  it.each([
    { minWordCount: 300, maxWordCount: 305 },
    { minWordCount: 380, maxWordCount: 385 },
    { minWordCount: 450 },
  ])("keeps the long body copy within the brief's word bounds %j, however narrow or high, for every brief", (constraints) => {
    const { minWordCount = 0, maxWordCount = Infinity } = constraints as { minWordCount?: number; maxWordCount?: number };

    const outside = CASES.map(({ label, input }) => {
      const copy = offlineCopy({ ...input, brief: { ...input.brief, constraints } } as GenerationInput<'copy'>);
      return { label, words: wordCount(copy.bodyCopy.long) };
    }).filter(({ words }) => words < minWordCount || words > maxWordCount);

    expect(outside).toEqual([]);
  });

  it('names the product and the objective of a free-form brief in whole phrases, in headlines of a readable length', () => {
    const brief = {
      objective: 'Drive 10,000 trial sign-ups in six weeks',
      targetAudience: 'Urban commuters aged 25-40',
      productDetails: 'Oatly-style oat cold brew in a recyclable can, 90 kcal, no added sugar',
    };
    const output = generate({ brief, selectedPlatforms: ['x'], platformLimits: CASES[0].input.platformLimits, attempt: 1 });
    const texts = stringsOf(output);

    for (const headline of output.copy.headlines) expect(headline.length).toBeGreaterThanOrEqual(40);
    for (const headline of output.copy.headlines) expect(headline.length).toBeLessThanOrEqual(66);
    expect(texts.filter((t) => /\bin an? (?:for|with|is|today)\b|\bin an?[:.]|\b10(?!,000)\b/.test(t))).toEqual([]);
    expect(output.copy.bodyCopy.short).toMatch(/^Meet Oatly-style oat cold brew in a recyclable can, 90 kcal, no added sugar\. /);
    expect(output.copy.toneNotes).toContain('to drive 10,000 trial sign-ups in six weeks');
  });

  it('reuses the brand palette in every concept when the brief has one', () => {
    for (const { input } of CASES.filter(({ input }) => input.brief.brandPalette)) {
      const brand = input.brief.brandPalette ?? [];
      for (const concept of generate(input).visualConcept.concepts) expect(concept.palette.some((c) => brand.includes(c))).toBe(true);
    }
  });

  describe(offlineMistakes.name, () => {
    it('is the same for the same brief', () => {
      for (const { input } of CASES) expect(mistakesOf(structuredClone(input))).toEqual(mistakesOf(input));
    });

    it('errs on some briefs and not on others', () => {
      const mistakes = CASES.map(({ input }) => mistakesOf(input));
      expect(new Set(mistakes.map((m) => m.overLimitPost))).toEqual(new Set([true, false]));
      expect(new Set(withRequired.map(({ input }) => mistakesOf(input).missingKeyword))).toEqual(new Set([true, false]));
    });

    it('never plans an over-limit post without a platform limited to 500 characters or fewer', () => {
      for (const { input } of CASES.filter(({ input }) => input.selectedPlatforms.every((p) => input.platformLimits[p] > 500))) {
        expect(mistakesOf(input).overLimitPost).toBe(false);
      }
    });
  });

  it('on a first attempt that errs on purpose, writes the first post of the tightest platform over its limit, and only that one', () => {
    const erring = CASES.filter(({ input }) => mistakesOf(input).overLimitPost);
    expect(erring.length).toBeGreaterThan(0);
    for (const { input } of erring) {
      const tightest = [...input.selectedPlatforms].sort((a, b) => input.platformLimits[a] - input.platformLimits[b])[0];
      const over = generate(input).shortCopy.platforms.flatMap((entry) =>
        entry.variants.map((v, j) => ({ platform: entry.platform, j, ...v })).filter((v) => v.overLimit),
      );
      expect(over.map((v) => [v.platform, v.j])).toEqual([[tightest, 0]]);
      expect(over[0].characterCount).toBeGreaterThan(input.platformLimits[tightest]);
      expect(over[0].characterCount).toBe([...over[0].text].length);
    }
  });

  it.each(CASES)('corrects itself on a regeneration: the rules find nothing critical, for $label', ({ input }) => {
    const output = regenerate(input);
    const critical = (['copy', 'shortCopy', 'visualConcept'] as const).flatMap((type) =>
      applyRules({ type, attempt: 2, content: output[type] }, input).flags.filter((f) => f.severity === 'critical'),
    );
    expect(critical).toEqual([]);
  });
});
