import type { CampaignBrief } from '@app/contracts';
import { containsPhrase, wordCount } from '../../agents/text';
import { EditorRequest, voiceNamed } from './offline-instructions';
import {
  avoiding,
  clausePhrase,
  hasVerb,
  headOf,
  inSentence,
  productName,
  sentencesOf,
  startsWithVerb,
  tidy,
  trimPhrase,
  upperFirst,
  withArticle,
} from './offline-phrases';
import { CLOSERS, COMMON_FILLERS, Slots, Voice, VoiceKit, VOICES } from './offline-voices';

/** Verbs an objective may start with: such an objective reads after "to" ("to drive 10,000 sign-ups"). */
const OBJECTIVE_VERB = new RegExp(
  `^(?:${[
    'drive grow get launch win sell increase build boost reach raise generate double triple convert attract acquire',
    'encourage introduce promote make help bring create position establish expand reduce retain re-engage turn show',
    'inform educate invite collect gain earn achieve hit secure capture deliver land spark inspire celebrate announce',
    'move lift push improve strengthen book fill sign persuade remind reposition relaunch',
  ]
    .join(' ')
    .split(' ')
    .join('|')})\\b`,
  'i',
);

/** The call to action an objective suggests, first match wins. */
const OBJECTIVE_CTAS: Array<[RegExp, (product: string) => string]> = [
  [/pre-?orders?/i, () => 'Pre-order yours today'],
  [/sign[- ]?ups?\b|registrations?|\bregister/i, () => 'Sign up today'],
  [/subscri(?:be|ption|ber)/i, () => 'Subscribe today'],
  [/downloads?|installs?|\bapp\b/i, () => 'Download the app'],
  [/bookings?|reservations?|\bbook\b/i, () => 'Book now'],
  [/trials?\b|\btry\b|sampl/i, (product) => `Try ${product} today`],
  [/visits?\b|footfall/i, () => 'Come and visit us'],
  [/sales\b|\bsell\b|purchases?|\bbuy\b|orders?\b/i, () => 'Get yours today'],
];

/** A theme that starts with a preposition is a setting ("on a rainy commute"). */
const SETTING = /^(?:in|on|at|during|for|with|like|as|from|around|near|under|over|by|after|before|through|inside|outside)\s/i;

const STOP_TAG_WORDS = new Set(['the', 'a', 'an', 'our', 'your', 'and', 'for', 'with', 'new', 'of', 'in']);

/** The phrases of a brief, cut at whole clauses, without banned words, as they read inside a sentence. */
function phrasesOf(brief: CampaignBrief, banned: string[]) {
  const context = [brief.objective, brief.targetAudience, brief.productDetails].join(' ');
  const named = avoiding(productName(brief.productDetails), banned);
  const product = named ? inSentence(named, context) : 'our new product';
  const shortProduct = trimPhrase(product, 28);
  const found = avoiding(clausePhrase(brief.targetAudience, 60), banned);
  const audience = found ? inSentence(found, context, true) : 'people like you';
  const aim = avoiding(clausePhrase(brief.objective, 80), banned);
  const verb = OBJECTIVE_VERB.test(aim);
  const objective = verb ? aim.charAt(0).toLowerCase() + aim.slice(1) : inSentence(aim, context, true);
  const purpose = !aim ? 'for the launch' : verb ? `to ${objective}` : `aimed at ${objective}`;
  return { named, product, shortProduct, name: headOf(shortProduct), audience, shortAudience: trimPhrase(audience, 36), objective, purpose };
}

/**
 * The details as the copy tells them after its opening: they usually start with the product's
 * name, so the opening runs on with the rest of that sentence (", 90 kcal, no added sugar") or the
 * sentence goes on with "It" ("It keeps food cold for six hours."): the name is not said twice.
 */
function introduce(details: string[], named: string): { details: string[]; openingTail: string } {
  const lead = details[0] ?? '';
  if (!named || !lead.toLowerCase().startsWith(named.toLowerCase())) return { details, openingTail: '' };
  const rest = lead.slice(named.length);
  if (startsWithVerb(rest)) return { details: [`It${rest.replace(/^ (?:that|which|who)(?= )/i, '')}`, ...details.slice(1)], openingTail: '' };
  if (/^(?:,| [—–-])? \S/u.test(rest) && !hasVerb(rest)) return { details: details.slice(1), openingTail: rest.replace(/[.!?]+$/, '') };
  if (/^[.!?]*$/.test(rest)) return { details: details.slice(1), openingTail: '' };
  return { details, openingTail: '' };
}

/**
 * What the offline model knows of one brief and one editor's request: the phrases it lifted from
 * the brief (whole, at clause boundaries, without restricted or avoided words), the voice it writes
 * in, and the sentences and templates it builds every artifact from.
 */
export class Writer {
  readonly banned: string[];
  private readonly bannedPatterns: RegExp[];
  /** The editor's request, less what the brief's keyword rules do not allow. */
  readonly request: EditorRequest;
  /** True when the editor asked for a phrase the brief restricts. */
  private readonly refused: boolean;
  /** True when the editor asked to avoid a required keyword. */
  private readonly keptRequired: boolean;
  readonly kit: VoiceKit;
  readonly voice: Voice;
  readonly product: string;
  readonly shortProduct: string;
  /** The product's name without what follows it ("the Brightbox lunchbox"), for calls to action and hashtags. */
  readonly name: string;
  readonly audience: string;
  readonly shortAudience: string;
  readonly objective: string;
  /** "to drive 10,000 trial sign-ups in six weeks", or "aimed at …" for an objective without a verb. */
  readonly purpose: string;
  readonly toneWords: string[];
  readonly tone: string;
  readonly cta: string;
  readonly details: string[];
  /** The details' first sentence as the brief says it (a headline when it has the right length). */
  readonly lead: string;
  /** The rest of the details' first sentence when the opening runs on with it (", 90 kcal, no added sugar"). */
  private readonly openingTail: string;
  private fillerCache?: string[];
  private poolCache?: string[];

  constructor(
    readonly brief: CampaignBrief,
    readonly keywords: string[],
    asked: EditorRequest,
  ) {
    // An editor cannot ask a required keyword away, nor a restricted one in: the brief's rules win.
    const required = brief.constraints?.requiredKeywords ?? [];
    const avoid = asked.avoid.filter((p) => !required.some((k) => containsPhrase(k, p) || containsPhrase(p, k)));
    this.banned = [...(brief.constraints?.restrictedKeywords ?? []), ...avoid].map((k) => k.trim()).filter(Boolean);
    this.bannedPatterns = this.banned.map((k) => new RegExp(`(^|[^\\p{L}\\p{N}])${escape(k)}($|[^\\p{L}\\p{N}])`, 'iu'));
    const ok = (phrase: string | undefined) => (phrase && this.allowed(phrase) ? phrase : undefined);
    const include = asked.include.filter((p) => this.allowed(p));
    this.request = { ...asked, include, focus: ok(asked.focus), theme: ok(asked.theme), cta: ok(asked.cta) };
    this.refused = include.length < asked.include.length || [asked.focus, asked.theme, asked.cta].some((p) => p && !ok(p));
    this.keptRequired = avoid.length < asked.avoid.length;

    const phrases = phrasesOf(brief, this.banned);
    ({ product: this.product, shortProduct: this.shortProduct, name: this.name } = phrases);
    ({ audience: this.audience, shortAudience: this.shortAudience, objective: this.objective, purpose: this.purpose } = phrases);

    const guidelines = (brief.toneGuidelines ?? []).map((t) => tidy(t).toLowerCase()).filter((t) => t && t.split(' ').length <= 2 && this.allowed(t));
    this.voice = this.request.voice ?? guidelines.map(voiceNamed).find((v) => v !== undefined) ?? 'neutral';
    this.kit = VOICES[this.voice];
    const voiceWords = this.request.voice ? this.kit.mood.slice(0, 1) : [];
    this.toneWords = [...new Set([...voiceWords, ...guidelines])];
    if (this.toneWords.length === 0) this.toneWords.push(this.voice === 'neutral' ? 'warm' : this.kit.mood[0]);
    this.tone = this.toneWords.slice(0, 2).join(' and ');

    const suggested = OBJECTIVE_CTAS.find(([pattern]) => pattern.test(brief.objective))?.[1](this.name);
    this.cta = [this.request.cta, suggested, `Try ${this.name} today`].find((c): c is string => !!c && this.allowed(c)) ?? 'Find out more';

    const details = sentencesOf(brief.productDetails).filter((s) => this.allowed(s));
    this.lead = details[0] ?? '';
    ({ details: this.details, openingTail: this.openingTail } = introduce(details, phrases.named));
  }

  /** The voice's opening sentence, run on with the rest of the details' first sentence when it names the product. */
  opening(): string {
    const opening = this.kit.opening(this.slots());
    return this.openingTail ? opening.replace(/([.!?])$/, `${this.openingTail}$1`) : opening;
  }

  /** True when `text` uses no restricted or avoided phrase (as `containsPhrase` sees them). */
  allowed(text: string): boolean {
    return !this.bannedPatterns.some((pattern) => pattern.test(text));
  }

  /** `text` without restricted or avoided phrases: the last resort when no wording without them exists. */
  sanitize(text: string): string {
    let out = text;
    for (const keyword of this.banned) {
      out = out.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escape(keyword)}(?=$|[^\\p{L}\\p{N}])`, 'giu'), '$1');
    }
    return out.replace(/\s{2,}/g, ' ').replace(/\s+([.,!?:;])/g, '$1').trim();
  }

  slots(product = this.product, audience = this.audience): Slots {
    return { product, audience, tone: this.tone };
  }

  /** The required keywords that `said` does not already say, in one sentence. */
  keywordLine(said = ''): string | undefined {
    const [first, ...rest] = this.keywords.map((k) => k.trim()).filter((k) => k && !containsPhrase(said, k));
    if (!first) return undefined;
    if (rest.length === 0) return `${upperFirst(first)} is part of the promise.`;
    return `${upperFirst([first, ...rest.slice(0, -1)].join(', '))} and ${rest.at(-1)} are part of the promise.`;
  }

  /** The sentences the editor asked for: the focus, the phrases to include, the theme. */
  requestedLines(): string[] {
    const { focus, include, theme } = this.request;
    return [
      focus && `Above all, it comes down to ${focus}.`,
      ...include.map((p) => `Worth a mention: ${p}.`),
      theme && (this.themeIsSetting() ? `Picture it ${theme}.` : `Picture this: ${theme}.`),
    ].filter((s): s is string => !!s && this.allowed(s));
  }

  themeIsSetting(): boolean {
    return SETTING.test(this.request.theme ?? '');
  }

  /** The call to action as a sentence. */
  ctaLine(): string {
    return /[.!?]$/.test(this.cta) ? this.cta : `${this.cta}.`;
  }

  /** Sentences that fit any product: the voice's own first, then common ones (rotated by the request). */
  fillers(): string[] {
    this.fillerCache ??= [...this.kit.fillers, ...rotate(COMMON_FILLERS, this.request.variation)].filter((s) => this.allowed(s));
    return this.fillerCache;
  }

  /** Optional sentences, in reading order: the brief's details, the audience, then fillers. */
  pool(): string[] {
    const audience = `It was made for ${this.audience}.`;
    this.poolCache ??= [this.details[0], audience, ...this.details.slice(1), ...this.fillers()].filter((s): s is string => !!s && this.allowed(s));
    return this.poolCache;
  }

  /** Notes on the voice, the audience and the purpose, and on what the editor asked for. */
  toneNotes(): string {
    const applied = this.request.applied.filter((a) => this.allowed(a));
    const left = this.refused;
    return this.sanitize(
      [
        `Written in ${withArticle(this.tone)} voice for ${this.audience}, ${this.purpose}.`,
        applied.length > 0 ? `As the editor asked: ${applied.join(', ')}.` : '',
        left ? 'A phrase the editor asked for was left out: the brief restricts it.' : '',
        this.keptRequired ? 'A required keyword the editor asked to avoid stays: the brief requires it.' : '',
      ].join(' '),
    );
  }

  /** Body copy of about `target` words, within [`min`, `max`], in whole sentences. */
  body(target: number, min: number, max: number): string {
    const opening = this.allowed(this.opening()) ? this.opening() : '';
    const required = [opening, ...this.requestedLines(), this.keywordLine(opening)].filter((s): s is string => !!s);
    const closing = this.ctaLine();
    const out = opening ? [opening] : [];
    let count = wordCount(closing) + required.reduce((sum, s) => sum + wordCount(s), 0);
    const add = (text: string) => {
      if (count + wordCount(text) > max) return;
      out.push(text);
      count += wordCount(text);
    };
    const [first, ...rest] = this.pool();
    if (first) add(first);
    out.push(...required.filter((s) => s !== opening));
    for (let i = 0; count < target && rest.length > 0 && i < rest.length * 3; i++) add(rest[i % rest.length]);
    for (const closer of CLOSERS) if (count < min && count + wordCount(closer) <= min) add(closer);
    return this.sanitize([...out, closing].join(' '));
  }

  /** At least three calls to action: the requested or suggested one first. */
  ctas(): string[] {
    const options = [this.cta, `Try ${this.name} today`, ...this.kit.ctas, 'See how it works', 'Find out more', 'Learn more'].map(upperFirst);
    const allowed = [...new Set(options.filter((c) => this.allowed(c)))];
    const fallback = options.map((c) => this.sanitize(c)).filter((c) => c && !allowed.includes(c));
    return [...allowed, ...fallback].slice(0, Math.max(3, Math.min(4, allowed.length)));
  }

  /** A hashtag of the product's name (whole words, at most 24 characters) and #NewLaunch. */
  hashtags(): string[] {
    let name = '';
    for (const word of this.name.split(' ').filter((w) => !STOP_TAG_WORDS.has(w.toLowerCase()))) {
      const part = word.split(/-/).map((w) => upperFirst(w.replace(/[^\p{L}\p{N}]/gu, ''))).join('');
      if (name.length + part.length > 24) break;
      name += part;
    }
    return [...(name.length > 1 && this.allowed(name) ? [`#${name}`] : []), '#NewLaunch'];
  }
}

/** `text` escaped for a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `items` rotated left by `by` places. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const n = by % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}
