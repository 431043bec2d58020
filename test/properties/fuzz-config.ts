import type { Parameters } from 'fast-check';

/** Cases of the whole property tier in `npm test`; `FUZZ_RUNS` sets another total (`npm run fuzz`: 10,000). */
const DEFAULT_TOTAL = 2000;

function total(): number {
  const value = Number(process.env.FUZZ_RUNS ?? DEFAULT_TOTAL);
  if (!Number.isInteger(value) || value < 1) throw new Error(`FUZZ_RUNS must be a positive integer (got ${process.env.FUZZ_RUNS})`);
  return value;
}

/**
 * The seed every property starts from: `FUZZ_SEED` (to replay a run), else one picked per process
 * and written to stderr at once, so that a run that hangs can be replayed as well as one that
 * fails (fast-check prints the seed of a failure only).
 */
function seed(): number {
  if (process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== '') {
    const value = Number(process.env.FUZZ_SEED);
    if (!Number.isInteger(value)) throw new Error(`FUZZ_SEED must be an integer (got ${process.env.FUZZ_SEED})`);
    return value;
  }
  if (pickedSeed === undefined) {
    pickedSeed = Math.floor(Math.random() * 2 ** 31);
    process.stderr.write(`Property tier: seed ${pickedSeed} (FUZZ_SEED=${pickedSeed} replays this run)\n`);
  }
  return pickedSeed;
}
let pickedSeed: number | undefined;

/** Share of the total each property gets; they sum to 1. */
export const SHARES = {
  startBodies: 0.28,
  pathParams: 0.17,
  queries: 0.13,
  headers: 0.13,
  isolation: 0.04,
  socketMessages: 0.2,
  handshakes: 0.03,
  liveRuns: 0.02,
} as const;

/** The number of cases of a property. */
export function casesOf(property: keyof typeof SHARES): number {
  return Math.max(1, Math.round(total() * SHARES[property]));
}

/**
 * fast-check parameters of a property: its share of the cases, the seed, every failure printed,
 * and `examples` (inputs that once failed) tried first on every run.
 */
export function fuzzParameters<T>(property: keyof typeof SHARES, examples: T[] = []): Parameters<T> {
  return { numRuns: casesOf(property), seed: seed(), verbose: 1, examples };
}

/** A jest timeout for a property of `cases` cases at `msPerCase`, at least 30 s. */
export function timeoutFor(property: keyof typeof SHARES, msPerCase: number): number {
  return Math.max(30_000, casesOf(property) * msPerCase);
}
