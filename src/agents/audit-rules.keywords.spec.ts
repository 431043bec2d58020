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
} from './testing/fixtures';

const restricting = (...restrictedKeywords: string[]) => ruleContext(aBrief({ constraints: { restrictedKeywords } }));
const requiring = (...requiredKeywords: string[]) => ruleContext(aBrief({ constraints: { requiredKeywords } }));

describe(`${applyRules.name}: keywords`, () => {
  describe('restricted keywords', () => {
    it.each([
      ['a headline', aCopy({ headlines: ['Cheap coffee delivered to your door every week', ...aCopy().headlines.slice(1)] }), 'headlines[0]'],
      ['the medium body copy', aCopy({ bodyCopy: { ...aCopy().bodyCopy, medium: `${aCopy().bodyCopy.medium} cheap` } }), 'bodyCopy.medium'],
      ['a call to action', aCopy({ ctas: ['Start your trial', 'Get it cheap', 'Join Brewly'] }), 'ctas[1]'],
    ])('flags a restricted keyword in %s of the copy as critical, with its location', (_where, copy, location) => {
      const { flags } = applyRules(copySubject(copy), restricting('cheap'));

      expect(flags).toEqual([
        {
          id: `rule:restricted:cheap:${location}`,
          category: 'compliance',
          severity: 'critical',
          description: 'Restricted keyword "cheap" is used',
          location,
        },
      ]);
    });

    it('matches regardless of case, and matches multi-word phrases', () => {
      const copy = aCopy({ ctas: ['CHEAP beans', 'Best Price in town', 'Join Brewly'] });

      const { flags } = applyRules(copySubject(copy), restricting('cheap', 'best price'));

      expect(flags.map((f) => f.id)).toEqual(['rule:restricted:cheap:ctas[0]', 'rule:restricted:best price:ctas[1]']);
    });

    it('matches whole words only: a restricted word inside a longer word is allowed', () => {
      const copy = aCopy({ ctas: ['The cheapest trial', 'No cheapskates', 'Join Brewly'] });

      expect(applyRules(copySubject(copy), restricting('cheap')).flags).toEqual([]);
    });

    it('flags a restricted keyword in a short-copy variant text, located at that variant', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      posts.platforms[1].variants[2] = aVariant({ text: 'Cheap coffee, every morning.' });

      const { flags } = applyRules(shortCopySubject(posts), restricting('cheap'));

      expect(flags).toEqual([expect.objectContaining({ severity: 'critical', category: 'compliance', location: 'platforms[1].variants[2].text' })]);
    });

    it('flags a restricted keyword used as a hashtag', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      posts.platforms[0].variants[0] = aVariant({ hashtags: ['#Coffee', '#Cheap'] });

      const { flags } = applyRules(shortCopySubject(posts), restricting('cheap'));

      expect(flags).toEqual([expect.objectContaining({ id: 'rule:restricted:cheap:platforms[0].variants[0].text', severity: 'critical' })]);
    });

    it.each([
      ['name', { name: 'The cheap cup' }],
      ['description', { description: 'A cheap cup of coffee in morning light.' }],
      ['altText', { altText: 'Poster of a cheap cup of coffee inviting busy people to subscribe, calm mood.' }],
    ])('flags a restricted keyword in a visual concept %s', (field, change) => {
      const visual = aVisual([aConcept(), aConcept(change)]);

      const { flags } = applyRules(visualSubject(visual), restricting('cheap'));

      expect(flags).toEqual([expect.objectContaining({ severity: 'critical', category: 'compliance', location: `concepts[1].${field}` })]);
    });

    it('flags a restricted keyword in the tone notes, located at them', () => {
      const { flags } = applyRules(copySubject(aCopy({ toneNotes: 'Friendly, never cheap.' })), restricting('cheap'));

      expect(flags).toEqual([
        {
          id: 'rule:restricted:cheap:toneNotes',
          category: 'compliance',
          severity: 'critical',
          description: 'Restricted keyword "cheap" is used',
          location: 'toneNotes',
        },
      ]);
    });

    it('flags a restricted mood word of a visual concept, located at its mood', () => {
      const visual = aVisual([aConcept(), aConcept({ mood: ['warm', 'cheap', 'calm'] })]);

      const { flags } = applyRules(visualSubject(visual), restricting('cheap'));

      expect(flags).toEqual([expect.objectContaining({ id: 'rule:restricted:cheap:concepts[1].mood', location: 'concepts[1].mood' })]);
    });

    it('reads the mood words as separate words', () => {
      const visual = aVisual([aConcept({ mood: ['warm', 'hearted'] }), aConcept({ mood: ['calm', 'bright'] })]);

      expect(applyRules(visualSubject(visual), restricting('warm hearted', 'calmbright')).flags.map((f) => f.id)).toEqual([]);
      expect(applyRules(visualSubject(visual), restricting('bright')).flags.map((f) => f.location)).toEqual(['concepts[1].mood']);
    });

    it('flags a restricted hashtag that follows another hashtag of the post', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      posts.platforms[1].variants[0] = aVariant({ hashtags: ['#Coffee', '#Cheap'] });

      const { flags } = applyRules(shortCopySubject(posts), restricting('#cheap'));

      expect(flags).toEqual([expect.objectContaining({ id: 'rule:restricted:#cheap:platforms[1].variants[0].text', location: 'platforms[1].variants[0].text' })]);
    });

    it('does not flag artifacts that avoid every restricted keyword', () => {
      const ctx = restricting('cheap', 'guaranteed');

      expect(applyRules(copySubject(aCopy()), ctx).flags).toEqual([]);
      expect(applyRules(shortCopySubject(aShortCopy()), ctx).flags).toEqual([]);
      expect(applyRules(visualSubject(aVisual()), ctx).flags).toEqual([]);
    });
  });

  describe('required keywords in the copy', () => {
    it('flags a required keyword missing from the whole copy as critical', () => {
      const { flags } = applyRules(copySubject(aCopy()), requiring('free trial'));

      expect(flags).toEqual([
        {
          id: 'rule:required:free trial:copy',
          category: 'compliance',
          severity: 'critical',
          description: 'Required keyword "free trial" is missing',
          location: 'copy',
        },
      ]);
    });

    it('is satisfied by one occurrence anywhere in the copy, in any case', () => {
      const copy = aCopy({ ctas: ['Start your FREE TRIAL', 'See the beans', 'Join Brewly'] });

      expect(applyRules(copySubject(copy), requiring('free trial')).flags).toEqual([]);
    });

    it('flags each missing keyword separately', () => {
      const copy = aCopy({ ctas: ['Start your free trial', 'See the beans', 'Join Brewly'] });

      const { flags } = applyRules(copySubject(copy), requiring('free trial', 'organic', 'fair trade'));

      expect(flags.map((f) => f.id)).toEqual(['rule:required:organic:copy', 'rule:required:fair trade:copy']);
    });
  });

  describe('required keywords in the short copy', () => {
    it('flags every variant that lacks a required keyword, located at that variant', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      for (const entry of posts.platforms) entry.variants = entry.variants.map(() => aVariant({ text: 'Try Brewly today.' }));
      posts.platforms[1].variants[1] = aVariant({ text: 'Fresh beans, every week.' });

      const { flags } = applyRules(shortCopySubject(posts), requiring('brewly'));

      expect(flags).toEqual([
        expect.objectContaining({ id: 'rule:required:brewly:platforms[1].variants[1].text', severity: 'critical', category: 'compliance' }),
      ]);
    });

    it('accepts a required keyword that appears only in a hashtag', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      for (const entry of posts.platforms) entry.variants = entry.variants.map(() => aVariant({ hashtags: ['#Brewly'] }));

      expect(applyRules(shortCopySubject(posts), requiring('brewly')).flags).toEqual([]);
    });

    it('accepts a required hashtag that follows another hashtag of the post', () => {
      const posts = aShortCopy(['x', 'linkedin']);
      for (const entry of posts.platforms) entry.variants = entry.variants.map(() => aVariant({ hashtags: ['#Coffee', '#Brewly'] }));

      expect(applyRules(shortCopySubject(posts), requiring('#brewly')).flags).toEqual([]);
    });

    it('flags a required hashtag that no post uses, at each post', () => {
      const { flags } = applyRules(shortCopySubject(aShortCopy(['x'])), { ...requiring('#brewly'), selectedPlatforms: ['x'] });

      expect(flags.map((f) => f.location)).toEqual([0, 1, 2].map((j) => `platforms[0].variants[${j}].text`));
    });
  });
});
