import { join } from 'node:path';

/** The repository root (dist-bench/bench/lib -> root). */
export const ROOT = join(__dirname, '..', '..', '..');
/** Compiled bench scripts. */
export const BENCH_DIST = join(ROOT, 'dist-bench', 'bench');

/**
 * Loads a module of the production build (`nest build` output in dist/, aliases rewritten), so
 * the server and the engine measured are exactly what `npm start` runs. Type it with
 * `typeof import('../../src/...')`.
 */
export function fromDist<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(ROOT, 'dist', path)) as T;
}
