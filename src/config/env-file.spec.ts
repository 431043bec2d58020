import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEnvFile, EnvFileError, readEnvFile } from './env-file';

describe(applyEnvFile.name, () => {
  let dir: string;
  const file = (text: string) => {
    const path = join(dir, '.env');
    writeFileSync(path, text);
    return path;
  };
  const errorOf = (path: string): EnvFileError => {
    try {
      readEnvFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(EnvFileError);
      return error as EnvFileError;
    }
    throw new Error(`expected ${path} to be rejected`);
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'env-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the variables of the file that the environment does not set', () => {
    const env: NodeJS.ProcessEnv = { PORT: '4000', HOST: '' };
    const taken = applyEnvFile(file('PORT=3000\nHOST=0.0.0.0\nMAX_ATTEMPTS=3\n'), env);

    expect(env).toEqual({ PORT: '4000', HOST: '', MAX_ATTEMPTS: '3' });
    expect(taken).toEqual(['MAX_ATTEMPTS']);
  });

  it('sets nothing when there is no file', () => {
    const env: NodeJS.ProcessEnv = { PORT: '4000' };

    expect(applyEnvFile(join(dir, '.env'), env)).toEqual([]);
    expect(env).toEqual({ PORT: '4000' });
  });

  it('reads values as Node does: comments, export, quotes, blanks and lines across quotes', () => {
    const path = file(
      ['# a comment', '', 'export A=1', 'B = two # trailing', 'C="x # y"', "D='single'", 'E=', 'F="first', 'second"', 'G=3'].join('\n'),
    );

    expect(readEnvFile(path)).toEqual({ A: '1', B: 'two', C: 'x # y', D: 'single', E: '', F: 'first\nsecond', G: '3' });
  });

  it('reads CRLF line ends', () => {
    expect(readEnvFile(file('A=1\r\nB=2\r\n'))).toEqual({ A: '1', B: '2' });
  });

  it('rejects a line that is not NAME=value, naming the file and the line, and changes nothing', () => {
    const path = file('PORT=3000\nthis is not a variable\nHOST=127.0.0.1\n');
    const env: NodeJS.ProcessEnv = {};

    expect(() => applyEnvFile(path, env)).toThrow(`${path} line 2: expected NAME=value, got "this is not a variable"`);
    expect(env).toEqual({});
  });

  it.each([
    ['a name that is not one', '1PORT=3000', 'line 1: expected NAME=value'],
    ['a name with a space', 'MY PORT=3000', 'line 1: expected NAME=value'],
    ['a value with no name', '=3000', 'line 1: expected NAME=value'],
    ['a quote never closed', 'A=1\nB="open\nC=2', 'line 2: the quoted value of B is never closed'],
  ])('rejects %s', (_case, text, message) => {
    expect(errorOf(file(text)).message).toContain(message);
  });

  it('rejects a file it cannot read', () => {
    const path = join(dir, '.env');
    mkdirSync(path);

    expect(errorOf(path).message).toMatch(new RegExp(`^${path} cannot be read: EISDIR`));
  });
});
