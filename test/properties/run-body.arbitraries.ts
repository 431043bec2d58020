import fc from 'fast-check';
import { CONTENT_RATINGS, EXECUTION_MODES, PLATFORMS } from '@app/contracts';
import { maybeIdempotencyKey } from './http.arbitraries';
import { applyMutations, jsonClone, mutation, type Json } from './json-mutations.arbitraries';

/** Text that is valid where the DTOs want a trimmed, non-empty string of at most `maxLength` (unicode included). */
const text = (maxLength: number) =>
  fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: Math.min(maxLength, 60) }), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(maxLength, 30) }), weight: 2 },
  ).map((value) => `W${value}`.slice(0, maxLength).trim() || 'W');

const hexColour = fc.stringMatching(/^#[0-9A-Fa-f]{6}$/);

const constraints = fc
  .record(
    {
      minWordCount: fc.integer({ min: 1, max: 10_000 }),
      maxWordCount: fc.integer({ min: 1, max: 10_000 }),
      requiredKeywords: fc.array(text(100), { maxLength: 5 }),
      restrictedKeywords: fc.array(text(100), { maxLength: 8 }),
      contentRating: fc.constantFrom(...CONTENT_RATINGS),
    },
    { requiredKeys: [] },
  )
  .map((value) => {
    if (value.minWordCount !== undefined && value.maxWordCount !== undefined && value.minWordCount > value.maxWordCount) {
      [value.minWordCount, value.maxWordCount] = [value.maxWordCount, value.minWordCount];
    }
    return value;
  });

/** A brief that passes DOMAIN.md's rules (src/orchestration/dto/run-request.dto.ts). */
export const validBrief = fc.record(
  {
    objective: text(500),
    targetAudience: text(500),
    productDetails: text(4000),
    toneGuidelines: fc.array(text(50), { maxLength: 4 }),
    brandPalette: fc.array(hexColour, { maxLength: 4 }),
    constraints,
  },
  { requiredKeys: ['objective', 'targetAudience', 'productDetails'] },
);

const runOptions = fc.record(
  { executionMode: fc.constantFrom(...EXECUTION_MODES), selectedPlatforms: fc.uniqueArray(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: 3 }) },
  { requiredKeys: ['selectedPlatforms'] },
);

const campaign = fc.record({ name: text(200), brief: validBrief });

/** What each start route takes: `POST /api/campaigns`, `POST /api/runs`, `POST /api/campaigns/:id/runs`, socket `run:start`. */
export type StartShape = 'campaign' | 'createAndStart' | 'campaignRun' | 'socketStart';

/** A valid input of `shape`; `campaignIds` are ids a socket start may name. */
export function validInput(shape: StartShape, campaignIds: fc.Arbitrary<string>): fc.Arbitrary<Json> {
  switch (shape) {
    case 'campaign':
      return campaign as fc.Arbitrary<Json>;
    case 'createAndStart':
      return fc.tuple(campaign, runOptions).map(([c, options]) => ({ campaign: c, ...options })) as fc.Arbitrary<Json>;
    case 'campaignRun':
      return runOptions as fc.Arbitrary<Json>;
    case 'socketStart':
      return fc
        .tuple(fc.oneof(campaign.map((c) => ({ campaign: c })), campaignIds.map((campaignId) => ({ campaignId }))), runOptions, maybeIdempotencyKey)
        .map(([target, options, key]) => ({ ...target, ...options, ...(key === null ? {} : { idempotencyKey: key }) })) as fc.Arbitrary<Json>;
  }
}

/**
 * A field every input has, set to a value the server refuses (so the input is invalid whatever the
 * mutations did): most generated inputs carry one, so that only a few runs start.
 */
const spoiler = fc.constantFrom<[string, Json]>(
  ['selectedPlatforms', []],
  ['selectedPlatforms', ['myspace']],
  ['selectedPlatforms', 'x'],
  ['executionMode', 'turbo'],
  ['executionMode', 7],
);
/** The same for a campaign (no run options): its name. */
const campaignSpoiler = fc.constantFrom<[string, Json]>(['name', ''], ['name', '   '], ['name', 5], ['name', null]);

/**
 * An input of `shape`: valid (a few), valid with one to three mutations (wrong types, extra and
 * prototype keys, huge or unicode strings, deep nesting, arrays for objects, edge numbers), and
 * mostly made invalid on purpose as well, which the validation reports along with the rest.
 */
export function startInput(shape: StartShape, campaignIds: fc.Arbitrary<string>): fc.Arbitrary<Json> {
  const base = validInput(shape, campaignIds);
  const mutated = fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, changes]) => applyMutations(value, changes));
  const spoiled = fc.tuple(fc.oneof(base, mutated), shape === 'campaign' ? campaignSpoiler : spoiler).map(([value, [field, bad]]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return { ...jsonClone(value), [field]: bad };
  });
  return fc.oneof({ arbitrary: base, weight: 1 }, { arbitrary: mutated, weight: 3 }, { arbitrary: spoiled, weight: 12 });
}
