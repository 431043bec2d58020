import { DEFAULT_PLATFORM_LIMITS } from '@app/contracts';
import { applyRules } from './audit-rules';
import {
  aBrief,
  aConcept,
  aCopy,
  aShortCopy,
  aVariant,
  aVisual,
  copySubject,
  ruleContext,
  shortCopySubject,
  visualSubject,
  wordsOf,
} from './testing/fixtures';

const headlineOf = (length: number) => 'H'.repeat(length);

describe(applyRules.name, () => {
  it.each([
    ['copy', copySubject(aCopy())],
    ['short copy', shortCopySubject(aShortCopy(['x', 'linkedin']))],
    ['visual concept', visualSubject(aVisual())],
  ])('finds nothing wrong in a clean %s', (_type, subject) => {
    expect(applyRules(subject, ruleContext())).toEqual({ flags: [], recommendations: [] });
  });

  describe('copy', () => {
    it.each([
      ['short', 49, '50-100'],
      ['short', 101, '50-100'],
      ['medium', 99, '100-200'],
      ['medium', 201, '100-200'],
      ['long', 199, '200-400'],
      ['long', 401, '200-400'],
    ] as const)('flags %s body copy of %i words as a medium clarity problem', (tier, words, range) => {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, [tier]: wordsOf(words) } });

      expect(applyRules(copySubject(copy), ruleContext()).flags).toEqual([
        {
          id: `rule:body-length:${tier}`,
          category: 'clarity',
          severity: 'medium',
          description: `The ${tier} body copy has ${words} words (expected ${range})`,
          location: `bodyCopy.${tier}`,
        },
      ]);
    });

    it.each([
      ['short', 50],
      ['short', 100],
      ['medium', 100],
      ['medium', 200],
      ['long', 200],
      ['long', 400],
    ] as const)('accepts %s body copy of exactly %i words', (tier, words) => {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, [tier]: wordsOf(words) } });

      expect(applyRules(copySubject(copy), ruleContext()).flags).toEqual([]);
    });

    it.each([
      [{ minWordCount: 250, maxWordCount: 350 }, 249],
      [{ minWordCount: 250, maxWordCount: 350 }, 351],
      [{ minWordCount: 320 }, 300],
      [{ maxWordCount: 280 }, 300],
    ])("flags a long body outside the brief's bounds %j (%i words) as a high compliance problem", (constraints, words) => {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, long: wordsOf(words) } });

      const { flags } = applyRules(copySubject(copy), ruleContext(aBrief({ constraints })));

      expect(flags).toEqual([
        expect.objectContaining({ id: 'rule:word-count', category: 'compliance', severity: 'high', location: 'bodyCopy.long' }),
      ]);
    });

    it.each([
      [{ minWordCount: 250, maxWordCount: 350 }, 250],
      [{ minWordCount: 250, maxWordCount: 350 }, 350],
      [{ minWordCount: 220 }, 300],
      [{ maxWordCount: 380 }, 300],
    ])("accepts a long body within the brief's bounds %j (%i words)", (constraints, words) => {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, long: wordsOf(words) } });

      expect(applyRules(copySubject(copy), ruleContext(aBrief({ constraints }))).flags).toEqual([]);
    });

    it.each([29, 91])('flags a headline of %i characters as a low clarity problem', (length) => {
      const copy = aCopy({ headlines: [aCopy().headlines[0], headlineOf(length), aCopy().headlines[2]] });

      expect(applyRules(copySubject(copy), ruleContext()).flags).toEqual([
        expect.objectContaining({ id: 'rule:headline-length:1', category: 'clarity', severity: 'low', location: 'headlines[1]' }),
      ]);
    });

    it.each([30, 90])('accepts a headline of %i characters', (length) => {
      const copy = aCopy({ headlines: [aCopy().headlines[0], headlineOf(length), aCopy().headlines[2]] });

      expect(applyRules(copySubject(copy), ruleContext()).flags).toEqual([]);
    });
  });

  describe('short copy', () => {
    it('flags a post over its platform limit as critical, located at the post text', () => {
      const posts = aShortCopy(['linkedin', 'x']);
      posts.platforms[1].variants[2] = aVariant({ text: 'a'.repeat(281) });

      expect(applyRules(shortCopySubject(posts), ruleContext()).flags).toEqual([
        {
          id: 'rule:over-limit:x:2',
          category: 'compliance',
          severity: 'critical',
          description: 'Post is 281 characters, over the x limit of 280',
          location: 'platforms[1].variants[2].text',
        },
      ]);
    });

    it('accepts a post exactly at the limit, counting an emoji as one character', () => {
      const posts = aShortCopy(['x']);
      posts.platforms[0].variants[0] = aVariant({ text: `${'a'.repeat(279)}😀` });

      expect(applyRules(shortCopySubject(posts), ruleContext(aBrief(), ['x'])).flags).toEqual([]);
    });

    it("measures each post against its own platform's configured limit", () => {
      const posts = aShortCopy(['x', 'linkedin']);
      posts.platforms[0].variants[0] = aVariant({ text: 'a'.repeat(101) });
      posts.platforms[1].variants[0] = aVariant({ text: 'a'.repeat(2000) });
      const ctx = { ...ruleContext(), platformLimits: { ...DEFAULT_PLATFORM_LIMITS, x: 100 } };

      expect(applyRules(shortCopySubject(posts), ctx).flags.map((f) => f.id)).toEqual(['rule:over-limit:x:0']);
    });

    it('flags a selected platform without posts as a high compliance problem', () => {
      const posts = aShortCopy(['x', 'linkedin']);

      const { flags } = applyRules(shortCopySubject(posts), ruleContext(aBrief(), ['x', 'threads', 'linkedin']));

      expect(flags).toEqual([
        { id: 'rule:platform-missing:threads', category: 'compliance', severity: 'high', description: 'No posts for threads' },
      ]);
    });

    it('flags malformed hashtags as a low clarity problem naming them', () => {
      const posts = aShortCopy(['x']);
      posts.platforms[0].variants[1] = aVariant({ hashtags: ['#Coffee', 'coffee', '#', '#two words', '#fair-trade', 'coffee#beans'] });

      expect(applyRules(shortCopySubject(posts), ruleContext(aBrief(), ['x'])).flags).toEqual([
        {
          id: 'rule:hashtag:x:1',
          category: 'clarity',
          severity: 'low',
          description: 'Malformed hashtags: coffee, #, #two words, #fair-trade, coffee#beans',
          location: 'platforms[0].variants[1].hashtags',
        },
      ]);
    });

    it('accepts hashtags of letters in any script, digits and underscores', () => {
      const posts = aShortCopy(['x']);
      posts.platforms[0].variants[0] = aVariant({ hashtags: ['#Café', '#2025', '#snake_case', '#コーヒー'] });

      expect(applyRules(shortCopySubject(posts), ruleContext(aBrief(), ['x'])).flags).toEqual([]);
    });
  });

  describe('visual concept', () => {
    it('flags invalid palette colours as a high compliance problem naming them', () => {
      const visual = aVisual([aConcept({ palette: ['#1B4965', '#12345', 'red', '#FFF'] }), aConcept()]);

      expect(applyRules(visualSubject(visual), ruleContext()).flags).toEqual([
        {
          id: 'rule:palette:0',
          category: 'compliance',
          severity: 'high',
          description: 'Invalid palette colours: #12345, red, #FFF',
          location: 'concepts[0].palette',
        },
      ]);
    });

    it('flags an empty palette as a high compliance problem', () => {
      const visual = aVisual([aConcept(), aConcept({ palette: [] })]);

      expect(applyRules(visualSubject(visual), ruleContext()).flags).toEqual([
        expect.objectContaining({ id: 'rule:palette:1', severity: 'high', description: 'The palette is empty' }),
      ]);
    });

    it('flags a concept that reuses none of the brand colours as a medium tone problem', () => {
      const ctx = ruleContext(aBrief({ brandPalette: ['#FF5733', '#C70039'] }));
      const visual = aVisual([aConcept({ palette: ['#ff5733', '#1B4965'] }), aConcept({ palette: ['#1B4965'] })]);

      expect(applyRules(visualSubject(visual), ctx).flags).toEqual([
        expect.objectContaining({ id: 'rule:brand-palette:1', category: 'toneConsistency', severity: 'medium', location: 'concepts[1].palette' }),
      ]);
    });

    it.each(['', '   '])('flags missing alt text (%j) as a high accessibility problem', (altText) => {
      const visual = aVisual([aConcept(), aConcept({ altText })]);

      expect(applyRules(visualSubject(visual), ruleContext()).flags).toEqual([
        expect.objectContaining({ id: 'rule:alt-text:1', category: 'accessibility', severity: 'high', location: 'concepts[1].altText' }),
      ]);
    });

    it.each([1, 7])('flags alt text of %i words as a medium accessibility problem', (words) => {
      const visual = aVisual([aConcept({ altText: wordsOf(words) }), aConcept()]);

      expect(applyRules(visualSubject(visual), ruleContext()).flags).toEqual([
        expect.objectContaining({ id: 'rule:alt-text-short:0', category: 'accessibility', severity: 'medium', location: 'concepts[0].altText' }),
      ]);
    });

    it('accepts alt text of 8 words', () => {
      const visual = aVisual([aConcept({ altText: wordsOf(8) }), aConcept()]);

      expect(applyRules(visualSubject(visual), ruleContext()).flags).toEqual([]);
    });
  });

  describe('recommendations', () => {
    const brief = aBrief({ brandPalette: ['#FF5733'], constraints: { restrictedKeywords: ['cheap'], requiredKeywords: ['organic'], maxWordCount: 250 } });
    const flawedPosts = aShortCopy(['x']);
    flawedPosts.platforms[0].variants[0] = aVariant({ text: `Cheap organic ${'a'.repeat(300)}`, hashtags: ['bad tag'] });

    it.each([
      ['copy', copySubject(aCopy({ headlines: ['Cheap', ...aCopy().headlines.slice(1)], bodyCopy: { ...aCopy().bodyCopy, short: wordsOf(10) } }))],
      ['short copy', shortCopySubject(flawedPosts)],
      ['visual concept', visualSubject(aVisual([aConcept({ palette: [], altText: '' }), aConcept({ name: 'Cheap thrills', altText: 'Short alt text' })]))],
    ])('gives each flag of a flawed %s one recommendation pointing to it by flagId', (_type, subject) => {
      const { flags, recommendations } = applyRules(subject, ruleContext(brief, ['x', 'threads']));

      expect(new Set(flags.map((f) => f.severity)).size).toBeGreaterThanOrEqual(3);
      expect(new Set(flags.map((f) => f.id)).size).toBe(flags.length);
      expect(recommendations.map((r) => r.flagId)).toEqual(flags.map((f) => f.id));
      for (const rec of recommendations) expect(rec.text.length).toBeGreaterThan(0);
    });

    it('gives high priority to the fixes of critical and high flags, and the flag severity otherwise', () => {
      const subject = copySubject(aCopy({ headlines: ['Cheap', ...aCopy().headlines.slice(1)], bodyCopy: { ...aCopy().bodyCopy, short: wordsOf(10) } }));

      const { flags, recommendations } = applyRules(subject, ruleContext(brief));

      expect(flags.map((f) => f.severity).sort()).toEqual(['critical', 'critical', 'high', 'low', 'medium']);
      const expected = { critical: 'high', high: 'high', medium: 'medium', low: 'low' } as const;
      expect(recommendations.map((r) => r.priority)).toEqual(flags.map((f) => expected[f.severity]));
    });

    it('tells how to fix an over-limit post', () => {
      const posts = aShortCopy(['x']);
      posts.platforms[0].variants[0] = aVariant({ text: 'a'.repeat(300) });

      const { recommendations } = applyRules(shortCopySubject(posts), ruleContext(aBrief(), ['x']));

      expect(recommendations).toEqual([
        { flagId: 'rule:over-limit:x:0', text: 'Shorten the post to 280 characters or fewer', priority: 'high' },
      ]);
    });
  });
});
