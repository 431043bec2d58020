import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Thrown when a `.env` file cannot be read or has a line that is not `NAME=value`; says which line. */
export class EnvFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvFileError';
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const QUOTES = ['"', "'", '`'];

/**
 * Checks the grammar Node's parser accepts without complaint: blank lines, `#` comments and
 * `NAME=value` lines, where a quoted value may span lines. Node's `parseEnv` silently turns a stray
 * line into part of the next variable's name, so a typo would otherwise vanish.
 */
function checkLines(path: string, text: string): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) throw new EnvFileError(`${path} line ${i + 1}: expected NAME=value, got "${line.trim().slice(0, 40)}"`);
    const [, name, value] = match;
    const quote = QUOTES.find((q) => value.startsWith(q));
    if (quote === undefined || value.indexOf(quote, 1) > 0) continue;
    const start = i;
    while (++i < lines.length && !lines[i].includes(quote));
    if (i === lines.length) throw new EnvFileError(`${path} line ${start + 1}: the quoted value of ${name} is never closed`);
  }
}

/**
 * Reads a `.env` file: its variables by name, or `undefined` when there is no such file.
 * Values follow Node's own parser (`util.parseEnv`, as `node --env-file` reads them).
 * @throws EnvFileError when the file cannot be read or a line is malformed.
 */
export function readEnvFile(path: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EnvFileError(`${path} cannot be read: ${(error as Error).message}`);
  }
  checkLines(path, text);
  return parseEnv(text) as Record<string, string>;
}

/**
 * Sets the variables of the `.env` file at `path` in `env` (by default `process.env`), except those
 * already set there: the environment wins over the file. No file, nothing set.
 * @returns the names taken from the file.
 * @throws EnvFileError when the file cannot be read or a line is malformed; `env` is then unchanged.
 */
export function applyEnvFile(path = '.env', env: NodeJS.ProcessEnv = process.env): string[] {
  const fromFile = readEnvFile(path) ?? {};
  const taken = Object.keys(fromFile).filter((name) => env[name] === undefined);
  for (const name of taken) env[name] = fromFile[name];
  return taken;
}
