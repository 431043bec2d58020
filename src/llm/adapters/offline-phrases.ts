import { containsPhrase } from '../../agents/text';

/**
 * Phrase surgery for the offline model: it quotes the brief, so every phrase it lifts from it must
 * end where a reader expects a phrase to end. Phrases are cut at whole clauses (commas,
 * semicolons, colons, spaced dashes, sentence ends), then before a conjunction or a preposition,
 * and only then between words; never inside a number such as "10,000", and never leaving a
 * dangling article, preposition or conjunction at the end.
 */

/** Words a phrase must not end on: articles, prepositions, conjunctions, possessives, auxiliaries. */
export const DANGLING_WORDS: ReadonlySet<string> = new Set(
  ('a an the in with of for to and or by at on from into onto as than but nor so via per about like ' +
    'without within through across among before after during while our your its their his her my ' +
    'this that these those who whom whose which is are was were be been being').split(' '),
);

const PREPOSITIONS = 'with for in on at from by before after during without through across among into near via'.split(' ');

/** Participles that open a post-modifier: a phrase cut after one of them reads unfinished ("cold brew steeped"). */
const PARTICIPLES = 'made built designed crafted sold blended steeped brewed delivered packed served roasted sourced available'.split(' ');

/** Where a long phrase may be cut, best first: clause punctuation, then conjunctions, then prepositions. */
const CUT_POINTS: readonly RegExp[] = [
  /,\s|;\s|:\s|\s[—–-]\s|(?<=\p{L})[—–](?=\p{L})|\s\(/gu,
  /\s(?:and|or|but|who|that|which|while|because|where|when|so that)(?=\s)/giu,
  new RegExp(`\\s(?:${[...PREPOSITIONS, ...PARTICIPLES].join('|')})(?=\\s)`, 'giu'),
  /\s(?:of)(?=\s)/giu,
];

/** Where the subject of a product description ends and its verb starts. */
const VERB = new RegExp(
  `\\s(?:${(
    'is are was were has have will helps help lets makes keeps gives brings serves carries turns offers delivers ' +
    'combines comes fits works takes saves uses runs provides features includes contains tracks wakes holds lasts ' +
    'stays goes means puts connects cleans blends cools heats charges plays protects supports grows ships arrives ' +
    'allows enables creates shows transforms simplifies handles brews roasts sits folds opens tastes smells feels weighs costs ' +
    'looks sounds pairs mixes filters measures monitors that which who'
  )
    .split(' ')
    .join('|')})\\s`,
  'iu',
);

const ABBREVIATION = /(?:^|\s)(?:e\.g|i\.e|etc|approx|vs|incl|no|nr|mr|mrs|ms|dr|st)\.$/i;

/** `text` with its white space collapsed and its closing punctuation removed. */
export function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[\s,;:—–.!?…-]+$/u, '').trim();
}

/** The sentences of `text`, each ending with its punctuation (a period is added when it has none). */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const flat = text.replace(/\s+/g, ' ').trim();
  for (const match of flat.matchAll(/[.!?]+(?=\s)/g)) {
    const end = match.index + match[0].length;
    if (ABBREVIATION.test(flat.slice(start, end))) continue;
    out.push(flat.slice(start, end).trim());
    start = end;
  }
  out.push(flat.slice(start).trim());
  return out.filter((s) => /[\p{L}\p{N}]/u.test(s)).map((s) => (/[.!?]$/.test(s) ? s : `${s}.`));
}

/** `text` without the dangling words it ends on (never emptied: a phrase of function words is kept). */
export function stripDangling(text: string): string {
  let words = tidy(text).split(' ');
  while (words.length > 1 && isLoose(words[words.length - 1])) words = tidy(words.slice(0, -1).join(' ')).split(' ');
  return words.join(' ');
}

/** A dangling word, or a token of punctuation alone ("—"). */
function isLoose(word: string): boolean {
  const letters = word.toLowerCase().replace(/[^\p{L}']/gu, '');
  return letters === '' ? !/\p{N}/u.test(word) : DANGLING_WORDS.has(letters);
}

/** True when the last word of `text` is a dangling word (see `DANGLING_WORDS`). */
export function endsDangling(text: string): boolean {
  const last = tidy(text).split(' ').at(-1) ?? '';
  return DANGLING_WORDS.has(last.toLowerCase().replace(/[^\p{L}']/gu, ''));
}

/** The first clause of the first sentence of `text`. */
export function firstClause(text: string): string {
  const sentence = sentencesOf(text)[0] ?? '';
  const cut = sentence.search(CUT_POINTS[0]);
  return tidy(cut > 0 ? sentence.slice(0, cut) : sentence);
}

/** The words of `text` that fit in `maxChars`, whole. */
function wordsWithin(text: string, maxChars: number): string {
  let out = '';
  for (const word of text.split(' ')) {
    if ((out ? out.length + 1 : 0) + word.length > maxChars) break;
    out = out ? `${out} ${word}` : word;
  }
  return out || (text.split(' ')[0] ?? '');
}

/** `phrase` without the participles and adverbs it ends on ("beans delivered", "with freshly"). */
function withoutParticiple(phrase: string): string {
  const words = phrase.split(' ');
  const loose = (word: string) => PARTICIPLES.includes(word.toLowerCase()) || /^\p{Ll}+ly$/u.test(word);
  while (words.length > 1 && loose(words[words.length - 1])) words.pop();
  return stripDangling(words.join(' '));
}

/**
 * `text` in about `maxChars`, cut at the best boundary: a clause first, then before a conjunction,
 * then before a preposition, then before "of" (the first that keeps 40 % of the room, else the
 * longest). Without any boundary the phrase is kept whole up to twice the room (a cut between two
 * words of a noun phrase reads as nonsense: "parents of primary-school"); only longer ones are cut
 * between words.
 */
export function trimPhrase(text: string, maxChars: number): string {
  const plain = tidy(text);
  if (plain.length <= maxChars) return stripDangling(plain);
  let best = '';
  for (const points of CUT_POINTS) {
    const fitting = [...plain.matchAll(points)].map((m) => m.index).filter((i) => i > 0 && i <= maxChars);
    const head = fitting.length > 0 ? withoutParticiple(stripDangling(plain.slice(0, Math.max(...fitting)))) : '';
    if (head.length >= maxChars * 0.4) return head;
    if (head.length > best.length) best = head;
  }
  if (best) return best;
  return plain.length <= maxChars * 2 ? stripDangling(plain) : stripDangling(wordsWithin(plain, maxChars));
}

/**
 * `phrase` cut before the first banned word it contains, at the last boundary before it; '' when
 * nothing readable is left (fewer than `minWords` words).
 */
export function avoiding(phrase: string, banned: readonly string[], minWords = 1): string {
  let out = tidy(phrase);
  for (const word of banned) {
    if (!containsPhrase(out, word)) continue;
    const lower = out.toLowerCase();
    const at = lower.indexOf(word.trim().toLowerCase());
    const before = out.slice(0, Math.max(0, at));
    const cuts = CUT_POINTS.flatMap((points) => [...before.matchAll(points)].map((m) => m.index));
    const head = cuts.length > 0 ? before.slice(0, Math.max(...cuts)) : before;
    out = head.trim() ? stripDangling(head) : '';
    if (out && endsDangling(out)) out = '';
  }
  return out.split(' ').filter(Boolean).length >= minWords ? out : '';
}

/** True when `text` has a verb the offline model recognises (is, has, keeps, makes, …). */
export function hasVerb(text: string): boolean {
  return VERB.test(` ${text} `);
}

/** True when `text` starts with such a verb (" keeps food cold"). */
export function startsWithVerb(text: string): boolean {
  return VERB.exec(` ${text.trim()} `)?.index === 0;
}

/** The product's name: the first clause of the details, up to its verb, in at most 48 characters. */
export function productName(details: string): string {
  const clause = firstClause(details);
  const verb = clause.search(VERB);
  return trimPhrase(verb > 0 ? clause.slice(0, verb) : clause, 48);
}

/** The head of a noun phrase: `phrase` up to its first conjunction, preposition or participle ("Brewly" for "Brewly at half the weight"). */
export function headOf(phrase: string): string {
  const cuts = CUT_POINTS.slice(1).flatMap((points) => [...phrase.matchAll(points)].map((m) => m.index)).filter((i) => i > 0);
  return cuts.length > 0 ? withoutParticiple(stripDangling(phrase.slice(0, Math.min(...cuts)))) : phrase;
}

/** The first clause of `text`, in at most `maxChars`. */
export function clausePhrase(text: string, maxChars: number): string {
  return trimPhrase(firstClause(text), maxChars);
}

const DETERMINERS = new Set(['the', 'a', 'an', 'our', 'your', 'this', 'these', 'its', 'their', 'my', 'new', 'all']);

/**
 * `phrase` as it reads inside a sentence: its first word in lower case when it is a determiner,
 * or a plain capitalised word that `context` writes in lower case (proper names keep their case).
 * With `common`, any plain capitalised first word is lowered (an audience: "Urban commuters").
 */
export function inSentence(phrase: string, context: string, common = false): string {
  const [first = '', second = ''] = phrase.split(' ');
  const plain = /^\p{Lu}[\p{Ll}'-]*$/u.test(first) && !/^\p{Lu}/u.test(second);
  const lower = first.toLowerCase();
  const usedInLowerCase = new RegExp(`(^|[^\\p{L}])${lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(context);
  if (DETERMINERS.has(lower) || (plain && (common || usedInLowerCase))) return lower + phrase.slice(first.length);
  return phrase;
}

/** `text` with its first letter in upper case. */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a" or "an" before `phrase`. */
export function withArticle(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
