import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const GUARD = resolve(__dirname, '..', 'support', 'hang-guard.js');

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` in its own Node process with the guard at hand (`guard`), killing it after 20 s. */
function runScript(script: string): Promise<Ended> {
  const child = spawn(process.execPath, ['-e', `const guard = require(${JSON.stringify(GUARD)});\n${script}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((done) =>
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      done({ code, signal, ...out });
    }),
  );
}

/** True while process `pid` runs (a killed one that is not reaped yet, a zombie, does not). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('The hang guard of the test process', () => {
  it('ends a process whose event loop is blocked by a loop, with its stack, and stops the processes it started', async () => {
    const ended = await runScript(`
      guard.startHangGuard({ stallLimitMs: 1000 });
      const sleeper = require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
      process.stdout.write(String(sleeper.pid) + '\\n');
      function spinForever() { for (;;) {} }
      setTimeout(spinForever, 100);
    `);

    expect(ended.signal).toBe('SIGKILL');
    expect(ended.stderr).toContain('has been blocked for 1000 ms');
    expect(ended.stderr).toMatch(/at spinForever \(\[eval\]:\d+:\d+\)/);
    expect(alive(Number(ended.stdout.trim()))).toBe(false);
  });

  it('ends a process that chains microtasks without end (timers never fire), with its stack', async () => {
    const ended = await runScript(`
      guard.startHangGuard({ stallLimitMs: 1000 });
      function again() { return Promise.resolve().then(again); }
      setTimeout(again, 100);
    `);

    expect(ended.signal).toBe('SIGKILL');
    expect(ended.stderr).toMatch(/at again \(/);
  });

  it('fails a process still alive after its last test, naming what keeps it, and lets one that ends exit as it would', async () => {
    const leaked = await runScript(`
      guard.exitIfStillAlive(500);
      setInterval(() => undefined, 1000);
    `);
    expect(leaked.code).toBe(1);
    expect(leaked.stderr).toContain('still alive 500 ms after its last test, kept by: Timeout');

    const clean = await runScript(`
      guard.startHangGuard({ stallLimitMs: 1000 });
      setTimeout(() => guard.stopHangGuard().then(() => { guard.exitIfStillAlive(5000); process.stdout.write('done'); }), 1500);
    `);
    expect(clean).toMatchObject({ code: 0, signal: null, stdout: 'done', stderr: '' });
  });
});
