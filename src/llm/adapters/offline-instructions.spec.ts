import { EditorRequest, readInstructions, voiceNamed } from './offline-instructions';

/** The request without its variation (a hash, checked on its own). */
const read = (text: string | undefined): Omit<EditorRequest, 'variation'> => {
  const { variation: _, ...rest } = readInstructions(text);
  return rest;
};

describe(readInstructions.name, () => {
  it('understands nothing in missing or blank instructions', () => {
    for (const text of [undefined, '', '  \n ']) expect(readInstructions(text)).toEqual({ include: [], avoid: [], variation: 0, applied: [] });
  });

  it.each([
    ['Make it shorter', { length: 'shorter' }],
    ['too long', { length: 'shorter' }],
    ['Can you make it longer?', { length: 'longer' }],
    ['Longer, with more detail', { length: 'longer' }],
    ['More playful, please', { voice: 'playful' }],
    ['use a more playful tone', { voice: 'playful' }],
    ['Make it sound more premium', { voice: 'formal' }],
    ['Add urgency', { voice: 'urgent' }],
    ['keep it friendly', { voice: 'friendly' }],
    ['less corporate', { voice: 'friendly' }],
    ["don't be so formal", { voice: 'friendly' }],
    ['not so playful', { voice: 'formal' }],
    ['It feels boring', { voice: 'urgent' }],
  ])('reads the length or the voice in %j', (text, expected) => {
    expect(read(text)).toMatchObject(expected);
  });

  it.each([
    ['Mention "no added sugar"', ['no added sugar']],
    ['please include the 90 kcal', ['the 90 kcal']],
    ['The copy should mention oat milk', ['oat milk']],
    ['Say "Hello, Monday"', ['Hello, Monday']],
    ['Use the words “fresh” and “local”', ['fresh', 'local']],
    ['mention the 10,000 early birds', ['the 10,000 early birds']],
  ])('reads the phrases to include in %j, quoted ones verbatim', (text, include) => {
    expect(read(text).include).toEqual(include);
  });

  it.each([
    ["Don't mention the price", ['price']],
    ['Avoid recyclable', ['recyclable']],
    ["it shouldn't mention sugar", ['sugar']],
    ['no jargon', ['jargon']],
    ['Remove the word "cheap"', ['cheap']],
  ])('reads the phrases to avoid in %j', (text, avoid) => {
    expect(read(text).avoid).toEqual(avoid);
  });

  it.each([
    ['Focus on the recyclable can', { focus: 'the recyclable can' }],
    ['Highlight the leak-proof lid', { focus: 'the leak-proof lid' }],
    ['CTA: Grab a can today', { cta: 'Grab a can today' }],
    ['Change the call to action to "Join the trial"', { cta: 'Join the trial' }],
    ['end with "Grab yours today"', { cta: 'Grab yours today' }],
    ['Ask people to sign up before Friday', { cta: 'Sign up before Friday' }],
  ])('reads the focus or the call to action in %j', (text, expected) => {
    expect(read(text)).toMatchObject(expected);
  });

  it('reads every directive of instructions that give several, and says what it applied', () => {
    expect(read('Make it shorter and more playful; mention "no added sugar", avoid recyclable. CTA: Grab a can')).toEqual({
      length: 'shorter',
      voice: 'playful',
      include: ['no added sugar'],
      avoid: ['recyclable'],
      cta: 'Grab a can',
      applied: ['shorter', 'more playful', 'mentions “no added sugar”', 'leaves out the words to avoid', 'call to action “Grab a can”'],
    });
  });

  it('keeps the key phrase of an instruction it does not otherwise understand, as a setting or an idea', () => {
    expect(read('Show it on a rainy morning commute')).toMatchObject({ theme: 'on a rainy morning commute' });
    expect(read('a dog in every shot')).toMatchObject({ theme: 'a dog in every shot' });
  });

  it('weaves in no critique and no instruction it cannot follow, but still asks for a fresh take', () => {
    for (const text of ['The second headline is weak', 'more emojis', 'Stick to the brief']) {
      expect(read(text)).toEqual({ include: [], avoid: [], applied: ['a fresh take on the wording'] });
    }
  });

  it('draws the same variation from the same instructions, and another from others', () => {
    expect(readInstructions('The second headline is weak').variation).toBe(readInstructions('The second headline is weak').variation);
    expect(readInstructions('The second headline is weak').variation).not.toBe(readInstructions('The third headline is weak').variation);
  });
});

describe(voiceNamed.name, () => {
  it.each([
    ['playful', 'playful'],
    ['Corporate', 'formal'],
    ['upbeat', 'friendly'],
    ['punchy', 'urgent'],
    ['confident', undefined],
  ])('names the voice of the tone word %j', (word, voice) => {
    expect(voiceNamed(word)).toBe(voice);
  });
});
