/** The voices the offline model can write in. */
export type Voice = 'neutral' | 'friendly' | 'playful' | 'formal' | 'urgent';

/** The phrases of a brief that the voices' templates fill in. */
export interface Slots {
  /** The product's name as it reads inside a sentence ("the Brightbox lunchbox"). */
  product: string;
  /** The audience as it reads inside a sentence ("urban commuters aged 25-40"). */
  audience: string;
  /** The tone words, joined ("friendly and practical"). */
  tone: string;
}

/** How one voice writes: the templates and sentences the offline model picks from. */
export interface VoiceKit {
  /** Words for the tone notes and the concepts' mood. */
  mood: string[];
  opening(s: Slots): string;
  /** Headline templates, best first; the writer keeps the ones of a readable length. */
  headlines(s: Slots): string[];
  /** Openers of the three social posts. */
  hooks(s: Slots): [string, string, string];
  /** Sentences in this voice that fit any product. */
  fillers: string[];
  ctas: string[];
  names: [string, string];
  hero(s: Slots): string;
  moment(s: Slots): string;
}

const up = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The voices' material. Every template reads whole with any product and audience phrase. */
export const VOICES: Record<Voice, VoiceKit> = {
  neutral: {
    mood: ['confident'],
    opening: (s) => `Meet ${s.product}.`,
    headlines: (s) => [
      `${up(s.product)}, made for ${s.audience}`,
      `Meet ${s.product}, made for ${s.audience}`,
      `For ${s.audience}: ${s.product}`,
      `${up(s.tone)} by design: ${s.product}`,
      `${up(s.product)}, ready when you are`,
      `Everyday, made easier: ${s.product}`,
    ],
    hooks: (s) => [`Meet ${s.product}.`, `Made for ${s.audience}: ${s.product}.`, `${up(s.product)}, ready when you are.`],
    fillers: [],
    ctas: ['See how it works', 'Find out more'],
    names: ['Hero close-up', 'Everyday moment'],
    hero: (s) => `A close-up of ${s.product} in natural light, with the headline above it.`,
    moment: (s) => `${up(s.audience)} with ${s.product} in an everyday scene, the product in focus.`,
  },
  friendly: {
    mood: ['friendly', 'warm'],
    opening: (s) => `Say hi to ${s.product}.`,
    headlines: (s) => [
      `${up(s.product)}, made with ${s.audience} in mind`,
      `Hello, ${s.audience}: meet ${s.product}`,
      `Good days start with ${s.product}`,
      `${up(s.product)}: the easy choice for ${s.audience}`,
      `Say hi to ${s.product}, your new everyday favourite`,
    ],
    hooks: (s) => [`Say hi to ${s.product}.`, `Made with ${s.audience} in mind: ${s.product}.`, `Good days start with ${s.product}.`],
    fillers: [
      'We made it with you in mind.',
      'Think of it as a small treat for a busy day.',
      'It is the easy choice on a hard day.',
      'We think you are going to love it.',
      'It feels like something a friend would recommend.',
      'Share it, or keep it all to yourself.',
      'However your day goes, it has your back.',
      'Come as you are, and take it from there.',
    ],
    ctas: ['Come and try it', 'Say hello'],
    names: ['Warm close-up', 'Shared moment'],
    hero: (s) => `A close-up of ${s.product} in warm morning light, with the headline above it.`,
    moment: (s) => `${up(s.audience)} sharing ${s.product} with friends in an everyday scene, the product in focus.`,
  },
  playful: {
    mood: ['playful', 'bright'],
    opening: (s) => `Say hello to ${s.product}!`,
    headlines: (s) => [
      `Psst, ${s.audience}: meet ${s.product}`,
      `Say hello to ${s.product}!`,
      `Good news for ${s.audience}: ${s.product}`,
      `${up(s.product)}? Yes, please!`,
      `${up(s.product)}: small thing, big grin`,
    ],
    hooks: (s) => [`Say hello to ${s.product}!`, `Psst, ${s.audience}: ${s.product} just landed.`, `${up(s.product)}? Yes, please!`],
    fillers: [
      'Yes, it really is that easy.',
      'Go on, you have earned it.',
      'Your future self says thank you.',
      'Warning: it may become a habit.',
      'Less hassle, more fun, zero regrets.',
      'Plot twist: the simple option is also the best one.',
      'Life is short, so make the good bits count.',
      'It is basically a high five you can hold.',
    ],
    ctas: ['Go on, give it a go', 'Treat yourself'],
    names: ['Pop close-up', 'Candid fun'],
    hero: (s) => `A playful close-up of ${s.product} against a bold, bright backdrop, with the headline bouncing above it.`,
    moment: (s) => `${up(s.audience)} caught mid-laugh with ${s.product} in an everyday scene, the product in focus.`,
  },
  formal: {
    mood: ['refined', 'composed'],
    opening: (s) => `Introducing ${s.product}.`,
    headlines: (s) => [
      `Introducing ${s.product}, for ${s.audience}`,
      `${up(s.product)}: designed for ${s.audience}`,
      `${up(s.product)}. Considered in every detail.`,
      `Introducing ${s.product}: quality, considered`,
    ],
    hooks: (s) => [`Introducing ${s.product}.`, `Designed for ${s.audience}: ${s.product}.`, `${up(s.product)}. Considered in every detail.`],
    fillers: [
      'Every element has been considered with care.',
      'It meets a high standard, consistently.',
      'The design is deliberate, and the result is dependable.',
      'It is made for reliability over time.',
      'Quality is evident in every detail.',
      'It offers a considered answer to an everyday need.',
      'The experience is consistent from the first use.',
      'It reflects a commitment to doing things properly.',
    ],
    ctas: ['Learn more', 'Discover the details'],
    names: ['Studio still life', 'Composed moment'],
    hero: (s) => `A studio close-up of ${s.product} on a clean, neutral background, with the headline set above it in restrained type.`,
    moment: (s) => `${up(s.audience)} with ${s.product} in a composed, uncluttered setting, the product in focus.`,
  },
  urgent: {
    mood: ['urgent', 'energetic'],
    opening: (s) => `Don't wait: meet ${s.product}.`,
    headlines: (s) => [
      `Don't wait: ${s.product}, made for ${s.audience}`,
      `Now is the time for ${s.product}`,
      `${up(s.audience)}, this is your moment: ${s.product}`,
      `${up(s.product)}: start today, not someday`,
      `Don't miss ${s.product}`,
    ],
    hooks: (s) => [`Don't wait: meet ${s.product}.`, `Now is the time for ${s.product}.`, `${up(s.audience)}, this is your moment: ${s.product}.`],
    fillers: [
      'There is no better time to start than today.',
      'Do not wait for next month to make the switch.',
      'The sooner you start, the sooner you feel the difference.',
      'Make the move now, while it is on your mind.',
      'Today is the day to give it a try.',
      'Why wait when you could start right now?',
      'Get in early and enjoy it first.',
      'Every day you wait is a day you could have enjoyed it.',
    ],
    ctas: ['Act now', 'Start today'],
    names: ['Bold close-up', 'On the move'],
    hero: (s) => `A tight, high-contrast close-up of ${s.product}, with the headline in heavy type above it.`,
    moment: (s) => `${up(s.audience)} on the move with ${s.product} in a busy everyday scene, the product in focus.`,
  },
};

/** Sentences that fit any product and any voice, for body copy of any length. */
export const COMMON_FILLERS = [
  'It fits into the day without asking for attention.',
  'Small choices add up to a difference you can see.',
  'Every detail was tested with the people who use it most.',
  'Nothing is hidden, and nothing is harder than it needs to be.',
  'The result is simple to start with and easy to keep.',
  'It is built to last, and built to be enjoyed.',
  'Setting it up takes minutes, not an afternoon.',
  'Good things should be easy to find and easier to keep.',
  'You will know what you are getting, every time.',
  'The details are there when you look for them, and quiet when you do not.',
  'It works the way you already live, not the other way round.',
  'Try it once and it quickly becomes part of the routine.',
  'Thoughtful design shows in the small moments.',
  'Each part has a reason to be there.',
  'It is the kind of upgrade you notice every single day.',
  'No fuss, no learning curve, just the good part.',
  'Made with care, it is ready when you are.',
  'It keeps things simple, so you can get on with your day.',
  'What you see is what you get, and that is the point.',
  'It is easy to recommend, and easy to love.',
  'Everything about it is meant to make life a little lighter.',
  'The best part is how little you have to think about it.',
];

/** Short sentences that close a gap of a few words exactly, longest first. */
export const CLOSERS = ['You will be glad you did.', 'It really is that simple.', 'See it for yourself.', 'Simple as that.', 'Try it.', 'Enjoy.'];
