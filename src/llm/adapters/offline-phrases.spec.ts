import fc from 'fast-check';
import {
  avoiding,
  clausePhrase,
  DANGLING_WORDS,
  endsDangling,
  firstClause,
  headOf,
  inSentence,
  productName,
  sentencesOf,
  stripDangling,
  trimPhrase,
} from './offline-phrases';

const OATLY = {
  objective: 'Drive 10,000 trial sign-ups in six weeks',
  targetAudience: 'Urban commuters aged 25-40',
  productDetails: 'Oatly-style oat cold brew in a recyclable can, 90 kcal, no added sugar',
};

describe(productName.name, () => {
  it.each([
    [OATLY.productDetails, 'Oatly-style oat cold brew in a recyclable can'],
    ['The Brightbox lunchbox keeps food cold for six hours. It has three leak-proof compartments.', 'The Brightbox lunchbox'],
    ['Brewly is a coffee subscription with freshly roasted beans delivered every week.', 'Brewly'],
    ['The Trailhead 40 backpack, built from recycled nylon, carries a whole weekend of gear.', 'The Trailhead 40 backpack'],
    ['Our new oat milk – creamy, barista-grade and plant-based', 'Our new oat milk'],
    ['Cold brew steeped for 18 hours, blended with oat milk, sold in 330 ml recyclable cans.', 'Cold brew steeped for 18 hours'],
    ['A reusable cup that keeps coffee hot.', 'A reusable cup'],
  ])('names the product of %j at a clause or before its verb', (details, name) => {
    expect(productName(details)).toBe(name);
  });
});

describe(trimPhrase.name, () => {
  it('keeps a phrase that fits, without its closing punctuation', () => {
    expect(trimPhrase('Drive 10,000 trial sign-ups in six weeks.', 80)).toBe('Drive 10,000 trial sign-ups in six weeks');
  });

  it('cuts at a clause, then before a conjunction, then before a preposition, never in a number', () => {
    expect(trimPhrase(OATLY.productDetails, 60)).toBe('Oatly-style oat cold brew in a recyclable can, 90 kcal');
    expect(trimPhrase('Launch the product in three cities and build awareness among early adopters', 40)).toBe('Launch the product in three cities');
    expect(trimPhrase('Oatly-style oat cold brew in a recyclable can', 28)).toBe('Oatly-style oat cold brew');
    expect(trimPhrase('Drive 10,000 trial sign-ups in six weeks', 30)).toBe('Drive 10,000 trial sign-ups');
  });

  it('leaves no participle or adverb hanging at the cut', () => {
    expect(trimPhrase('Cold brew steeped for 18 hours', 20)).toBe('Cold brew');
    expect(trimPhrase('FinPal is a coffee subscription with freshly roasted beans delivered every week', 48)).toBe('FinPal is a coffee subscription');
  });

  it('keeps a noun phrase whole rather than cut it between two of its words', () => {
    expect(trimPhrase('Small-business owners aged 25-40', 20)).toBe('Small-business owners aged 25-40');
  });

  const WORDS = ['Drive', '10,000', 'trial', 'sign-ups', 'in', 'a', 'six-week', 'window,', 'with', 'the', 'oat', 'cold', 'brew', 'and', 'for']
    .concat(['1,200', 'of', 'to', 'commuters;', 'by', 'at', 'on', '—']);

  it('returns whole words of the phrase, from its start, ending on no dangling word (for any phrase and room)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 25 }), fc.integer({ min: 8, max: 90 }), (words, room) => {
        const text = words.join(' ');
        const cut = trimPhrase(text, room);
        expect(text.startsWith(cut)).toBe(true);
        const next = text.slice(cut.length);
        expect(next === '' || /^[\s,;:.!?—–-]/.test(next)).toBe(true);
        if (!DANGLING_WORDS.has(words[0].toLowerCase())) expect(endsDangling(cut)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe(stripDangling.name, () => {
  it('drops the articles, prepositions and conjunctions a phrase ends on', () => {
    expect(stripDangling('Oatly-style oat cold brew in a')).toBe('Oatly-style oat cold brew');
    expect(stripDangling('made for the')).toBe('made');
    expect(stripDangling('the')).toBe('the');
  });
});

describe(firstClause.name, () => {
  it('stops at the first comma, semicolon or spaced dash, but not at the comma of a number', () => {
    expect(firstClause('Drive 10,000 trial sign-ups in six weeks, mainly on Instagram')).toBe('Drive 10,000 trial sign-ups in six weeks');
    expect(firstClause('Ça Va café serves crêpes; every crêpe is made to order.')).toBe('Ça Va café serves crêpes');
    expect(firstClause('Office workers aged 25–40 who buy coffee')).toBe('Office workers aged 25–40 who buy coffee');
  });
});

describe(sentencesOf.name, () => {
  it('splits at sentence ends, not after an abbreviation or inside a number', () => {
    expect(sentencesOf('Weighs 1.5 kg, e.g. less than a laptop. No hidden fees, ever! Set it up in two minutes')).toEqual([
      'Weighs 1.5 kg, e.g. less than a laptop.',
      'No hidden fees, ever!',
      'Set it up in two minutes.',
    ]);
  });
});

describe(clausePhrase.name, () => {
  it('gives the Oatly objective whole, with its number', () => {
    expect(clausePhrase(OATLY.objective, 80)).toBe('Drive 10,000 trial sign-ups in six weeks');
  });
});

describe(avoiding.name, () => {
  it('cuts a phrase before a banned word at a boundary, or gives it up', () => {
    expect(avoiding('Busy professionals who love good coffee', ['coffee'])).toBe('Busy professionals');
    expect(avoiding('Oatly-style oat cold brew in a recyclable can', ['recyclable'])).toBe('Oatly-style oat cold brew');
    expect(avoiding('Cheap thrills', ['cheap'])).toBe('');
    expect(avoiding('Busy professionals', ['cheap'])).toBe('Busy professionals');
  });
});

describe(headOf.name, () => {
  it('keeps the name before what follows it', () => {
    expect(headOf('Brewly at half the weight')).toBe('Brewly');
    expect(headOf('the Brightbox lunchbox')).toBe('the Brightbox lunchbox');
  });
});

describe(inSentence.name, () => {
  it('lowers a determiner or a common word, and keeps a proper name', () => {
    const context = 'Get commuters to try the new oat-milk cold brew';
    expect(inSentence('The Brightbox lunchbox', context)).toBe('the Brightbox lunchbox');
    expect(inSentence('Cold brew steeped for 18 hours', context)).toBe('cold brew steeped for 18 hours');
    expect(inSentence('Oatly-style oat cold brew', context)).toBe('Oatly-style oat cold brew');
    expect(inSentence('Ça Va café', context)).toBe('Ça Va café');
    expect(inSentence('Urban commuters aged 25-40', '', true)).toBe('urban commuters aged 25-40');
    expect(inSentence('Gen Z gamers', '', true)).toBe('Gen Z gamers');
  });
});
