import type { Voice } from './offline-voices';

/**
 * The words the offline model recognises in an editor's instructions. Each pattern is built from
 * a list of alternatives (regular-expression syntax allowed) matched as whole words, ignoring case.
 */

const any = (alternatives: string[]) => alternatives.join('|');
const words = (alternatives: string[]) => new RegExp(`\\b(?:${any(alternatives)})\\b`, 'i');

/** The voices an editor can ask for, in the order their words are looked for. */
export const ASKED_VOICES = ['playful', 'formal', 'urgent', 'friendly'] as const;

/** The words that ask for each voice. */
export const VOICE_WORDS: Record<(typeof ASKED_VOICES)[number], RegExp> = {
  playful: words(['playful', 'fun', 'funny', 'funnier', 'witty', 'wittier', 'cheeky', 'cheekier', 'light-?hearted', 'whimsical']
    .concat(['humou?r(?:ous)?', 'joyful', 'quirky', 'silly', 'cheerful', 'jokey'])),
  formal: words(['formal', 'professional', 'serious', 'corporate', 'polished', 'authoritative', 'sophisticated', 'elegant', 'premium']
    .concat(['business-?like', 'refined'])),
  urgent: words(['urgent', 'urgency', 'punchy', 'punchier', 'bold', 'bolder', 'energetic', 'exciting', 'excitement', 'fomo', 'hurry']
    .concat(['act now', 'time-sensitive', 'assertive', 'dynamic', 'salesy', 'pushy', 'hype', 'hard-?sell'])),
  friendly: words(['friendly', 'friendlier', 'warm', 'warmer', 'casual', 'conversational', 'approachable', 'relaxed', 'human']
    .concat(['personal', 'chatty', 'gentle', 'softer', 'kinder', 'down-to-earth', 'upbeat', 'calm', 'calmer'])),
};

/** The voice a "less …" / "not so …" instruction asks for. */
export const OPPOSITE: Record<Exclude<Voice, 'neutral'>, Voice> = { playful: 'formal', formal: 'friendly', urgent: 'friendly', friendly: 'formal' };

/** Words that criticise the current version: each names the voice that cures it, whatever precedes it. */
export const CRITIQUES: Array<[RegExp, Voice]> = [
  [words(['boring', 'dull', 'flat', 'bland', 'generic', 'lifeless', 'tame', 'forgettable']), 'urgent'],
  [words(['stiff', 'stuffy', 'robotic', 'soulless', 'jargon-?heavy']), 'friendly'],
  [words(['sloppy', 'childish', 'too casual', 'unprofessional']), 'formal'],
  [words(['(?:stronger|clearer|punchier|bolder) (?:cta|call[- ]to[- ]action)']), 'urgent'],
];

/** What turns a voice word around when it precedes it ("less formal", "don't be so playful"). */
const NEGATIONS = ['less', 'not so', 'not as', 'not too', 'too', "don'?t be", 'do not be', 'no longer', 'tone down', 'fewer'];
export const NEGATED = new RegExp(`\\b(?:${any(NEGATIONS)})\\s+(?:\\w+\\s+)?$`, 'i');

export const SHORTER = words(['shorter', 'shorten', 'short', 'concise', 'briefer', 'more brief', 'tight(?:er|en)', 'trim', 'condense']
  .concat(['cut (?:it |this |that )?down', 'fewer words', 'less text', 'less wordy', 'too long', 'succinct', 'snappier', 'to the point', 'leaner']));
export const LONGER = words(['longer', 'lengthen', 'expand', 'more detail(?:ed)?', 'elaborate', 'too short', 'fuller', '(?:in )?more depth']
  .concat(['richer', 'flesh (?:it )?out', 'more words', 'more text']));

export const CTA = /\b(?:cta|call[- ]to[- ]action|button(?: text)?)\b[\s:=-]*(?:should|must|to|could)?\s*(?:be|say|says|read|reads|use)?\s*[:=-]?\s*(.+)/i;
export const END_WITH = /\b(?:end|close|finish|sign off)\s+(?:it\s+|the (?:copy|post|posts)\s+)?with\s+(.+)/i;
export const ASK_TO = /\b(?:ask|tell|invite|urge|get)\s+(?:people|readers|them|everyone|viewers|customers|the reader|the audience)\s+to\s+(.+)/i;

/** An optional subject before a directive ("it should", "the copy must"). */
const SUBJECT = String.raw`^(?:(?:it|they|we|the (?:copy|post|posts|body|text|concept|concepts|poster|headlines?))\s+)?`;

const AVOID_VERBS = ['avoid', "don'?t", 'do not', 'never', "shouldn'?t", 'should not', 'must not', "mustn'?t", 'stop', 'without']
  .concat(['remove', 'drop', 'skip', 'leave out', 'lose', 'no more', 'get rid of', 'cut out']);
const AVOID_OBJECTS = ['mention(?:ing)?', 'say(?:ing)?', 'us(?:e|ing)', 'talk(?:ing)? about', 'refer(?:ring)? to', 'referencing', 'any']
  .concat(['the words?', 'the phrase']);
export const AVOID = new RegExp(`${SUBJECT}(?:${any(AVOID_VERBS)})\\s+(?:${any(AVOID_OBJECTS)})?\\s*(.+)`, 'i');
export const NO = /^(?:no|zero)\s+(.+)/i;

const INCLUDE_VERBS = ['mentions?', 'includes?', 'add', 'adds', 'use', 'uses', 'say', 'says', 'features?', 'references?', 'name-?check']
  .concat(['talk about', 'bring up', 'work in', 'put in', 'call out', 'remind (?:them|people|readers) (?:of|about|that)']);
export const INCLUDE = new RegExp(`${SUBJECT}(?:should |must )?(?:${any(INCLUDE_VERBS)})\\s+(?:the (?:words?|phrase|line|fact)\\s+)?(?:that\\s+)?(.+)`, 'i');

const FOCUS_VERBS = ['highlight', 'emphasi[sz]e', 'stress', 'spotlight', 'lead with', 'play up', 'make it about', 'put the spotlight on', 'push'];
export const FOCUS = new RegExp(
  String.raw`\b(?:focus(?:es|ed)?|concentrate|centre|center|zoom in)\s+(?:more\s+|mostly\s+|mainly\s+)?(?:on|upon)\s+(.+)|` +
    String.raw`^(?:${any(FOCUS_VERBS)})\s+(.+)`,
  'i',
);

/** Verbs that introduce a scene ("show it on a rainy commute"): dropped from a theme. */
export const SETTING_VERBS = new RegExp(
  `^(?:${any(['show', 'set', 'put', 'place', 'picture', 'depict', 'shoot', 'photograph', 'stage', 'frame', 'present', 'position'])}|` +
    `${any(['paint', 'evoke', 'imagine', 'go for', 'aim for', 'lean into', 'play with'])})\\s+(?:(?:it|them|this|the product)\\s+)?`,
  'i',
);

/** A theme that starts like an instruction ("more emojis", "stick to the brief") is not copy: it gets a fresh take instead. */
export const INSTRUCTION_START = new RegExp(
  `^(?:${any(['more', 'less', 'fewer', 'add', 'remove', 'change', 'fix', 'stick', 'keep', 'use', 'make', 'try', 'improve', 'rework'])}|` +
    `${any(['rewrite', 'redo', 'tweak', 'adjust', 'update', 'replace', 'swap', 'cut', 'drop', 'stop', 'start', 'go', 'do', 'be', 'get'])}|` +
    `${any(['have', 'give', 'let', 'put', 'take', 'see', 'check', 'match', 'follow', 'align', 'ensure', 'sound', 'feel', 'look', 'read'])}|` +
    `${any(["don'?t", 'not', 'no', 'can', 'could', 'should', 'would', 'will', 'is', 'are'])})\\b`,
  'i',
);

/** A critique of the current version ("the second headline is weak"), not a phrase for the copy. */
export const CRITIQUE_FORM = words(['is', 'are', 'was', 'were', 'feels?', 'looks?', 'seems?', 'sounds?', 'reads?', 'has', 'have', "isn'?t"]
  .concat(["aren'?t", "doesn'?t", "don'?t", 'needs?', 'lacks?']));

/** Courtesies and hedges before a directive ("please", "can you", "make sure"). */
export const POLITE = new RegExp(
  `^(?:(?:${any(['please', 'pls', 'ok', 'okay', 'so', 'and', 'also', 'then', 'maybe', 'perhaps', 'can you', 'could you', 'would you'])}|` +
    `${any(['i want', "i'd like", 'we want', 'we need', 'i need', "let's", 'lets', 'try to', 'try', 'make sure to', 'make sure'])}|` +
    `${any(['it should', 'should', 'needs to', 'need to', 'you should', 'we should'])})\\s+)+`,
  'i',
);

/** A phrase in quotes, straight or curly, single or double. */
export const QUOTED = /(^|[\s:(])["“„«'‘]([^"“”„«»'‘’]{1,80})["”»'’](?=$|[\s.,;:!?)])/g;

const DIRECTIVE = `(?:${any(['make', 'use', 'add', 'mention', 'include', 'avoid', "don'?t", 'do not', 'focus', 'keep', 'be', 'say', 'end'])}|` +
  `${any(['remove', 'drop', 'cut', 'highlight', 'emphasi[sz]e', 'stress', 'feature', 'write', 'sound', 'put', 'show', 'less', 'more'])}|` +
  `${any(['no', 'never', 'lead', 'tone', 'shorten', 'expand', 'cta'])})\\b`;

/** Where instructions split into clauses: sentence ends, and a comma or "and" before another directive. */
export const CLAUSE_BREAK = new RegExp(`[.;!?]+\\s*|,\\s*(?:and\\s+|but\\s+)?(?=${DIRECTIVE})|\\s+(?:and|but|also|then|plus)\\s+(?=${DIRECTIVE})`, 'i');
