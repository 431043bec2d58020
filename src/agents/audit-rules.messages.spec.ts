import { applyRules } from './audit-rules';
import { aBrief, aConcept, aCopy, aVisual, copySubject, ruleContext, visualSubject, wordsOf } from './testing/fixtures';

describe(`${applyRules.name}: what the findings say`, () => {
  it('names the length of a headline out of range and asks for about 50-60 characters', () => {
    const copy = aCopy({ headlines: [...aCopy().headlines.slice(0, 2), 'Too short'] });

    expect(applyRules(copySubject(copy), ruleContext())).toEqual({
      flags: [{ id: 'rule:headline-length:2', category: 'clarity', severity: 'low', description: 'Headline is 9 characters long', location: 'headlines[2]' }],
      recommendations: [{ flagId: 'rule:headline-length:2', text: 'Write the headline in about 50-60 characters', priority: 'low' }],
    });
  });

  it('asks for a body copy of the expected length', () => {
    const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, medium: wordsOf(20) } });

    expect(applyRules(copySubject(copy), ruleContext()).recommendations).toEqual([
      { flagId: 'rule:body-length:medium', text: 'Rewrite the medium body copy in 100-200 words', priority: 'medium' },
    ]);
  });

  it.each([
    [{ minWordCount: 250, maxWordCount: 350 }, 249, '250-350'],
    [{ minWordCount: 250, maxWordCount: 350 }, 351, '250-350'],
    [{ minWordCount: 320 }, 300, 'at least 320'],
    [{ maxWordCount: 280 }, 300, 'at most 280'],
  ])("names the words of a long body outside the brief's bounds %j (%i words) and the bounds to meet", (constraints, words, bounds) => {
    const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, long: wordsOf(words) } });

    expect(applyRules(copySubject(copy), ruleContext(aBrief({ constraints })))).toEqual({
      flags: [
        {
          id: 'rule:word-count',
          category: 'compliance',
          severity: 'high',
          description: `The long body copy has ${words} words; the brief asks for ${bounds}`,
          location: 'bodyCopy.long',
        },
      ],
      recommendations: [{ flagId: 'rule:word-count', text: `Rewrite the long body copy in ${bounds} words`, priority: 'high' }],
    });
  });

  it('accepts any long body length when the brief sets no word-count bounds', () => {
    for (const constraints of [undefined, {}, { requiredKeywords: [] }]) {
      const copy = aCopy({ bodyCopy: { ...aCopy().bodyCopy, long: wordsOf(200) } });

      expect(applyRules(copySubject(copy), ruleContext(aBrief({ constraints }))).flags).toEqual([]);
    }
  });

  it('asks a concept that ignores the brand colours to reuse them, listing them', () => {
    const ctx = ruleContext(aBrief({ brandPalette: ['#FF5733', '#C70039'] }));
    const visual = aVisual([aConcept({ palette: ['#C70039'] }), aConcept({ palette: ['#1B4965'] })]);

    expect(applyRules(visualSubject(visual), ctx)).toEqual({
      flags: [
        {
          id: 'rule:brand-palette:1',
          category: 'toneConsistency',
          severity: 'medium',
          description: 'The palette uses none of the brand colours',
          location: 'concepts[1].palette',
        },
      ],
      recommendations: [{ flagId: 'rule:brand-palette:1', text: 'Reuse the brand palette (#ff5733, #c70039)', priority: 'medium' }],
    });
  });

  it('says alt text is missing and what it should state', () => {
    const visual = aVisual([aConcept({ altText: '' }), aConcept()]);

    expect(applyRules(visualSubject(visual), ruleContext())).toEqual({
      flags: [{ id: 'rule:alt-text:0', category: 'accessibility', severity: 'high', description: 'Alt text is missing', location: 'concepts[0].altText' }],
      recommendations: [{ flagId: 'rule:alt-text:0', text: 'Write alt text that states the subject, the purpose and the mood', priority: 'high' }],
    });
  });

  it('names the words of an alt text that is too short and what it should describe', () => {
    const visual = aVisual([aConcept(), aConcept({ altText: 'A cup of coffee' })]);

    expect(applyRules(visualSubject(visual), ruleContext())).toEqual({
      flags: [
        { id: 'rule:alt-text-short:1', category: 'accessibility', severity: 'medium', description: 'Alt text is only 4 words', location: 'concepts[1].altText' },
      ],
      recommendations: [{ flagId: 'rule:alt-text-short:1', text: 'Describe the subject, the purpose and the mood in the alt text', priority: 'medium' }],
    });
  });
});
