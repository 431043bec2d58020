/**
 * Resolves the `@app/contracts` path alias at run time for code compiled by `tsc -p bench` (tsc
 * does not rewrite aliases; `nest build` does for dist/). Import it first in every entry point.
 */
import Module = require('node:module');
import { join } from 'node:path';

const CONTRACTS = join(__dirname, '..', '..', 'libs', 'contracts', 'src');
const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = mod._resolveFilename;
mod._resolveFilename = function resolve(request: string, ...rest: unknown[]): string {
  if (request === '@app/contracts') return original.call(this, CONTRACTS, ...rest);
  if (request.startsWith('@app/contracts/')) return original.call(this, join(CONTRACTS, request.slice('@app/contracts/'.length)), ...rest);
  return original.call(this, request, ...rest);
};
