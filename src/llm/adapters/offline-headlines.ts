import { trimPhrase, upperFirst } from './offline-phrases';
import { Slots, VOICES } from './offline-voices';
import { rotate, Writer } from './offline-writer';

/** Endings that lengthen a headline that reads too short, without changing what it says. */
const HEADLINE_TAILS = [', ready when you are', ', every single day', ', from day one'];

/** Readable lengths of a headline, in characters: about 50-60, or shorter when the editor asks. */
const WINDOWS = { normal: [45, 66], shorter: [30, 48] } as const;

/** The tail `headline` ends with, if any. */
const tailOf = (headline: string) => HEADLINE_TAILS.find((tail) => headline.includes(tail.slice(2)));

/** The headlines the editor asked for: one on the focus, one per phrase to include (two at most), one on a setting. */
function requested(w: Writer, s: Slots): string[] {
  const { focus, include, theme } = w.request;
  return [
    ...(focus ? [`${upperFirst(s.product)}: all about ${focus}`] : []),
    ...include.slice(0, 2).map((phrase) => `${upperFirst(s.product)}: ${phrase}`),
    ...(theme && w.themeIsSetting() ? [`${upperFirst(s.product)} ${theme}`] : []),
  ];
}

/**
 * Rows of candidates, best first: the requested headlines, the voice's templates (rotated by the
 * request), the details' first sentence, then the neutral voice's templates. Each row holds one
 * template filled with the long and the short forms of the product and the audience.
 */
function candidates(w: Writer): { rows: string[][]; requestedRows: number; leadRow: number } {
  const forms = [w.product, w.shortProduct].flatMap((p) => [w.audience, w.shortAudience].map((a) => w.slots(p, a)));
  const fallback = w.voice === 'neutral' ? undefined : VOICES.neutral.headlines;
  const sets = forms.map((s) => [...requested(w, s), ...rotate(w.kit.headlines(s), w.request.variation), ...(fallback?.(s) ?? [])]);
  const rows = sets[0].map((_, i) => sets.map((set) => set[i]));
  const requestedRows = requested(w, forms[0]).length;
  const leadRow = w.lead ? requestedRows + 1 : -1;
  if (w.lead) rows.splice(leadRow, 0, [trimPhrase(w.lead, 65), trimPhrase(w.lead, 48)]);
  return { rows, requestedRows, leadRow };
}

/**
 * At least 3 headlines of a readable length, the requested ones first, each in whole phrases. A
 * template that reads too short with a short name takes a tail ("Lumo, made for baristas, ready
 * when you are"), each tail once; the editor's own headlines are kept without one from 30
 * characters on.
 */
export function offlineHeadlines(w: Writer): string[] {
  const { rows, requestedRows, leadRow } = candidates(w);
  const [lo, hi] = WINDOWS[w.request.length === 'shorter' ? 'shorter' : 'normal'];
  const wanted = Math.min(5, Math.max(3, requestedRows + 2));
  const out: string[] = [];
  const taken = new Set<number>();
  const usedTails = new Set<string>();
  const take = (headline: string, row: number) => {
    out.push(headline);
    taken.add(row);
    const tail = tailOf(headline);
    if (tail) usedTails.add(tail);
  };
  for (const [min, max] of [[lo, hi], [30, 80]]) {
    rows.forEach((forms, row) => {
      if (taken.has(row) || out.length >= wanted) return;
      const fits = (h: string) => h.length >= (row < requestedRows ? 30 : min) && h.length <= max && w.allowed(h) && !out.includes(h);
      const whole = forms.find((h) => fits(h) && !usedTails.has(tailOf(h) ?? ''));
      const bare = forms.filter((h) => !/[.!?]$/.test(h) && !tailOf(h));
      const tails = row === leadRow ? [] : HEADLINE_TAILS.filter((tail) => !usedTails.has(tail));
      const chosen = whole ?? tails.flatMap((tail) => bare.map((h) => `${h}${tail}`)).find(fits);
      if (chosen) take(chosen, row);
    });
  }
  rows.forEach((forms, row) => {
    if (!taken.has(row) && out.length < wanted) take(forms.find((h) => w.allowed(h)) ?? forms[0], row);
  });
  return [...new Set(out)].map((h) => w.sanitize(h));
}
