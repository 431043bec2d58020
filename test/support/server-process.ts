import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The compiled server, as `npm start` runs it (`npm test` builds it before Jest starts). */
export const SERVER_MAIN = resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** How a server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server started as its own process (`node dist/src/main.js`), stopped by its PID. */
export interface ServerProcess {
  readonly pid: number;
  /** `http://host:port` from the server's "Listening on" line. */
  readonly baseUrl: string;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
  /** SIGTERM (graceful shutdown), then SIGKILL when it is still alive after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<ProcessExit>;
  /** SIGSTOP (`false`: SIGCONT): a process that stops answering without dying, as in a long GC pause or a partition. */
  pause(paused?: boolean): void;
}

/** Options of {@link spawnServer} and {@link runServer}. */
export interface SpawnOptions {
  /** The working directory (where `.env` and the default `./data` are). */
  cwd: string;
  /** The whole environment of the process: nothing of the test's own is inherited except PATH and HOME. */
  env?: Record<string, string>;
  /** How long to wait for the "Listening on" line (spawnServer) or the exit (runServer); default 20 s. */
  timeoutMs?: number;
}

function start(options: SpawnOptions): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<ProcessExit> } {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: build the server first (npm run build)`);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const child = spawn(process.execPath, [SERVER_MAIN], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<ProcessExit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, out, exited };
}

function describeOutput(out: { stdout: string; stderr: string }): string {
  return `stdout:\n${out.stdout.slice(-2000)}\nstderr:\n${out.stderr.slice(-2000)}`;
}

/**
 * Starts the server as a process and resolves once it listens. The caller stops it (`stop` or
 * `kill`); a process that exits or does not listen in time is killed and the promise rejects with
 * its output.
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const { child, out, exited } = start(options);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const end = async (signal: NodeJS.Signals): Promise<ProcessExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      void end('SIGKILL').then(() => reject(new Error(`the server did not listen within ${timeoutMs} ms\n${describeOutput(out)}`)));
    }, timeoutMs);
    const listening = () => {
      const match = /Listening on (http:\/\/[^\s]+)/.exec(out.stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', listening);
      resolveUrl(match[1]);
    };
    child.stdout!.on('data', listening);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${exit.code ?? exit.signal}) before listening\n${describeOutput(out)}`));
    });
  });
  return {
    pid: child.pid!,
    baseUrl,
    output: () => ({ ...out }),
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
      const force = setTimeout(() => void end('SIGKILL'), graceMs);
      try {
        return await end('SIGTERM');
      } finally {
        clearTimeout(force);
      }
    },
    kill: () => end('SIGKILL'),
    pause: (paused = true) => void child.kill(paused ? 'SIGSTOP' : 'SIGCONT'),
  };
}

/** Runs the server process until it exits by itself (a boot that fails); kills it when it outlives `timeoutMs`. */
export async function runServer(options: SpawnOptions): Promise<ProcessExit & { stdout: string; stderr: string }> {
  const { child, out, exited } = start(options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return { ...(await exited), ...out };
  } finally {
    clearTimeout(timer);
  }
}

