import { characterCount, containsPhrase, HEX_COLOUR, wordCount } from './text';

/** The definitions the in-place counters must agree with. */
const referenceWordCount = (text: string) => (text.trim() === '' ? 0 : text.trim().split(/\s+/).length);
const referenceCharacterCount = (text: string) => [...text].length;

/** Every character `\s` matches, some that look like spaces but are not, letters, emoji and lone surrogates. */
const ALPHABET = [
  ...' \t\n\v\f\r\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff',
  '\u200b', // zero-width space: not white space for \s
  '\u180e', // Mongolian vowel separator: no longer white space
  'a', 'Z', 'é', '9', '-', '#', '😀', '👍🏽', '\ud83d', '\ude00',
];

/** A deterministic pseudo-random string of `length` pieces of the alphabet. */
function sample(seed: number, length: number): string {
  let state = seed;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    text += ALPHABET[state % ALPHABET.length];
  }
  return text;
}

/** Checks `count` against `reference` on 2,000 generated strings of 0 to 39 pieces. */
function expectAgreement(count: (text: string) => number, reference: (text: string) => number, seedFactor: number): void {
  for (let seed = 1; seed <= 2000; seed++) {
    const text = sample(seed * seedFactor, seed % 40);
    expect([text, count(text)]).toEqual([text, reference(text)]);
  }
}

describe('wordCount', () => {
  it.each([
    ['', 0],
    ['   ', 0],
    ['one', 1],
    ['  two  words ', 2],
    ['tab\tand\nnew line', 4],
    ['no\u00a0break space', 3],
    ['zero\u200bwidth', 1],
    ['emoji 😀 counts', 3],
    ['back\u0008space and nul\u0000byte', 3],
    ['\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008', 1],
  ])('counts %j as %d words', (text, expected) => {
    expect(wordCount(text)).toBe(expected);
  });

  it('agrees with trim + split(/\\s+/) on 2,000 mixed strings', () => expectAgreement(wordCount, referenceWordCount, 1));
});

describe('characterCount', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['👍🏽', 2],
    ['a\ud83d', 2],
    ['\ude00\ud83d', 2],
    ['\ud83d\ude00\ud83d', 2],
    ['\ud800\udc00', 1], // U+10000, the lowest high surrogate
    ['\udbff\udfff', 1], // U+10FFFF, the highest high surrogate
    ['\ud83d\udc00', 1], // the lowest low surrogate
    ['\ud83d\udfff', 1], // the highest low surrogate
    ['\udc00\udc00', 2], // two lone low surrogates
    ['\udfff\ude00x', 3],
    ['a\udc00', 2], // a low surrogate after a letter is not a pair
    ['\ud7ff\udc00', 2], // just below the high surrogates
    ['\udc00\udfff', 2], // just above the high surrogates
    ['\ud800\udbff', 2], // two high surrogates
    ['\ud83d\ue000', 2], // just above the low surrogates
    ['\ud83d', 1], // a lone high surrogate at the end
    ['😀\ud800', 2],
  ])('counts %j as %d code points', (text, expected) => {
    expect(characterCount(text)).toBe(expected);
  });

  it('agrees with the code points of the string on 2,000 mixed strings', () => expectAgreement(characterCount, referenceCharacterCount, 7));
});

describe('containsPhrase', () => {
  it('matches whole words only, ignoring case', () => {
    expect(containsPhrase('Keeps coffee HOT all day', 'hot')).toBe(true);
    expect(containsPhrase('A hotel stay', 'hot')).toBe(false);
    expect(containsPhrase('anything', '  ')).toBe(false);
  });

  it('never matches a blank phrase, even in text with spaces or punctuation', () => {
    for (const text of ['', ' ', 'Hot coffee, every day!', '...']) {
      expect([text, containsPhrase(text, '')]).toEqual([text, false]);
      expect([text, containsPhrase(text, '  ')]).toEqual([text, false]);
    }
  });

  it('ignores spaces around the phrase', () => {
    expect(containsPhrase('Hot coffee every day', '  hot ')).toBe(true);
    expect(containsPhrase('Every day hot', ' hot\n')).toBe(true);
  });

  it('treats regular-expression characters in the phrase literally', () => {
    expect(containsPhrase('See e.g. the roast', 'e.g.')).toBe(true);
    expect(containsPhrase('See eXgX the roast', 'e.g.')).toBe(false);
    expect(containsPhrase('See eg the roast', 'e.g.')).toBe(false);
    expect(containsPhrase('We love C++ code', 'c++')).toBe(true);
    expect(containsPhrase('Price: $5 (today)', '$5 (today)')).toBe(true);
    expect(containsPhrase('Price: 5 today', '$5 (today)')).toBe(false);
    expect(containsPhrase('a or b', 'a|b')).toBe(false);
    expect(containsPhrase('a|b', 'a|b')).toBe(true);
  });
});

describe('HEX_COLOUR', () => {
  it.each(['#1B4965', '#ffffff', '#000000'])('accepts %s', (colour) => {
    expect(HEX_COLOUR.test(colour)).toBe(true);
  });

  it.each(['#1B49', '#1B4965FF', 'x#1B4965', ' #1B4965', '#1B4965 ', '1B4965', '#1G4965', 'red'])('rejects %j', (colour) => {
    expect(HEX_COLOUR.test(colour)).toBe(false);
  });
});
