import {
  ASK_TO,
  ASKED_VOICES,
  AVOID,
  CLAUSE_BREAK,
  CRITIQUE_FORM,
  CRITIQUES,
  CTA,
  END_WITH,
  FOCUS,
  INCLUDE,
  INSTRUCTION_START,
  LONGER,
  NEGATED,
  NO,
  OPPOSITE,
  POLITE,
  QUOTED,
  SETTING_VERBS,
  SHORTER,
  VOICE_WORDS,
} from './offline-lexicon';
import { inSentence, stripDangling, tidy, trimPhrase, upperFirst } from './offline-phrases';
import type { Voice } from './offline-voices';

/** What the offline model understood of an editor's instructions. */
export interface EditorRequest {
  length?: 'shorter' | 'longer';
  voice?: Voice;
  /** Phrases to work in verbatim (quoted, or after "mention" / "include" / "add"). */
  include: string[];
  /** Phrases to leave out, as if the brief restricted them. */
  avoid: string[];
  focus?: string;
  /** The call to action's wording. */
  cta?: string;
  /**
   * The key phrase of an instruction the model did not otherwise recognise, woven in as a theme:
   * a setting when it starts with a preposition ("on a rainy commute"), else an idea.
   */
  theme?: string;
  /** A number drawn from the instructions, so that any instruction gives a fresh take. */
  variation: number;
  /** What was applied, in words, for the tone notes ("shorter", "more playful", …). */
  applied: string[];
}

/** How the tone notes name the voice an editor asked for. */
const VOICE_NAMES: Record<Voice, string> = {
  neutral: 'neutral',
  friendly: 'friendlier',
  playful: 'more playful',
  formal: 'more formal',
  urgent: 'more urgent',
};

/** A 32-bit FNV-1a hash of `text`. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The phrase an instruction names: placeholders restored, quotes and a leading "the"/"a" kept, at most 60 characters. */
function phraseOf(raw: string, quotes: string[]): string {
  const restored = raw.replace(/\u0000(\d+)\u0000/g, (_, i: string) => quotes[Number(i)] ?? '');
  const quoted = /^\u0000(\d+)\u0000/.exec(raw.trim());
  if (quoted) return tidy(quotes[Number(quoted[1])] ?? '');
  return trimPhrase(stripDangling(restored.replace(/^(?:about|of)\s+/i, '')), 60);
}

/** The voice a tone word names ("playful", "corporate", "upbeat"), if any. */
export function voiceNamed(text: string): Voice | undefined {
  return ASKED_VOICES.find((voice) => VOICE_WORDS[voice].test(text));
}

/** The voice a clause asks for, if any. */
function voiceOf(clause: string): Voice | undefined {
  for (const voice of ASKED_VOICES) {
    const match = VOICE_WORDS[voice].exec(clause);
    if (match) return NEGATED.test(clause.slice(0, match.index)) ? OPPOSITE[voice] : voice;
  }
  return undefined;
}

/** The length a clause asks for, if any. */
function lengthOf(clause: string): EditorRequest['length'] {
  if (SHORTER.test(clause) && !/\btoo short\b/i.test(clause)) return 'shorter';
  if (LONGER.test(clause)) return 'longer';
  if (/\bless\b.*\b(?:copy|words|text)\b/i.test(clause)) return 'shorter';
  return undefined;
}

/**
 * Reads an editor's free-text instructions: length (shorter/longer), voice (playful, formal,
 * urgent, friendly, and "less …" for the opposite), phrases to include (quoted, "mention X"),
 * phrases to avoid ("avoid X", "don't mention X", "no X"), a focus ("focus on X", "highlight X"),
 * the call to action ("CTA: X", "end with X"); anything else becomes a theme. Deterministic.
 */
export function readInstructions(instructions: string | undefined): EditorRequest {
  const request: EditorRequest = { include: [], avoid: [], variation: 0, applied: [] };
  // NUL marks the quoted phrases set aside below, so none may come from the editor.
  const text = (instructions ?? '').replace(/\u0000/g, '').replace(/\s+/g, ' ').trim().slice(0, 600);
  if (!text) return request;
  request.variation = hashOf(text);
  const quotes: string[] = [];
  const masked = text.replace(QUOTED, (_, before: string, phrase: string) => `${before}\u0000${quotes.push(phrase) - 1}\u0000`);
  for (const raw of masked.split(CLAUSE_BREAK)) {
    const clause = raw.replace(POLITE, '').trim();
    if (!clause) continue;
    readClause(clause, quotes, request);
  }
  if (request.applied.length === 0) request.applied.push('a fresh take on the wording');
  request.applied = [...new Set(request.applied)];
  return request;
}

/**
 * Reads one clause into `request`, the first kind that matches winning: a call to action, words
 * to avoid, a focus, phrases to include; else a length and a voice (and any quoted phrase to
 * include); else, if nothing else matched, a theme.
 */
function readClause(clause: string, quotes: string[], request: EditorRequest): void {
  const cta = CTA.exec(clause) ?? END_WITH.exec(clause) ?? ASK_TO.exec(clause);
  if (cta) {
    const wording = phraseOf(cta[1], quotes);
    if (wording) {
      request.cta = upperFirst(wording);
      request.applied.push(`call to action “${request.cta}”`);
      return;
    }
  }
  const avoid = AVOID.exec(clause) ?? NO.exec(clause);
  if (avoid && !voiceOf(avoid[1]) && !lengthOf(avoid[1])) {
    const phrase = phraseOf(avoid[1], quotes).replace(/^(?:the|a|an|any)\s+/i, '');
    if (phrase) {
      request.avoid.push(phrase);
      request.applied.push('leaves out the words to avoid');
    }
    return;
  }
  const focus = FOCUS.exec(clause);
  if (focus) {
    request.focus = phraseOf(focus[1] ?? focus[2], quotes);
    request.applied.push(`focuses on ${request.focus}`);
    return;
  }
  const include = INCLUDE.exec(clause);
  if (include && !voiceOf(include[1]) && !lengthOf(include[1])) {
    const inner = [...include[1].matchAll(/\u0000(\d+)\u0000/g)].map((m) => quotes[Number(m[1])]);
    for (const phrase of inner.length > 0 ? inner : [phraseOf(include[1], quotes)]) addInclude(request, phrase);
    return;
  }
  const length = lengthOf(clause);
  const voice = CRITIQUES.find(([words]) => words.test(clause))?.[1] ?? voiceOf(clause);
  if (length) request.applied.push((request.length = length));
  if (voice) request.applied.push(VOICE_NAMES[(request.voice = voice)]);
  const inner = [...clause.matchAll(/\u0000(\d+)\u0000/g)].map((m) => quotes[Number(m[1])]);
  for (const phrase of inner) addInclude(request, phrase);
  if (!length && !voice && inner.length === 0 && !request.theme) {
    const subject = /^(?:make|keep|write|have|get) (?:it|them|this|the copy|the post|the posts)\s+/i;
    const theme = phraseOf(clause.replace(subject, '').replace(SETTING_VERBS, ''), quotes);
    if (theme && /\p{L}{2}/u.test(theme) && !CRITIQUE_FORM.test(theme) && !INSTRUCTION_START.test(theme)) {
      request.theme = inSentence(theme, '');
      request.applied.push(`works in “${theme}”`);
    }
  }
}

/** Adds `phrase` to the phrases to include, once. */
function addInclude(request: EditorRequest, phrase: string | undefined) {
  const clean = tidy(phrase ?? '');
  if (!clean || request.include.some((p) => p.toLowerCase() === clean.toLowerCase())) return;
  request.include.push(clean);
  request.applied.push(`mentions “${clean}”`);
}
