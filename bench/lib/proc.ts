/**
 * The runner side: starts bench children (pinned to a core with taskset when it exists), talks to
 * them over IPC with bounded waits, starts the plain programs they need (redis-server), and stops
 * every one of them by its PID, on success, error, timeout, Ctrl-C or exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIST, ROOT } from './paths';

const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const cores = Number(spawnSync('nproc', [], { encoding: 'utf8' }).stdout?.trim() || 1);
export const pinning = hasTaskset && cores >= 2 ? 'taskset (server: core 0, client: core 1)' : 'none (taskset missing or one core)';

export const LOG_DIR = join(ROOT, 'dist-bench', 'logs');
mkdirSync(LOG_DIR, { recursive: true });

/** What the runner has started and must stop: bench children and plain programs. */
interface Stoppable {
  stop(graceMs?: number): Promise<void>;
  kill(): void;
}

const live = new Set<Stoppable>();

/** The command line that runs `command` pinned to `core` (taskset), or as it is. */
function pinned(core: 0 | 1 | undefined, command: string, args: string[]): [string, string[]] {
  return hasTaskset && cores >= 2 && core !== undefined ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

export interface StartOptions {
  /** Core to pin to (ignored without taskset or with one core). */
  core?: 0 | 1;
  env?: Record<string, string>;
  execArgv?: string[];
  /** Wait this long for the child's `ready` message. */
  readyTimeoutMs?: number;
  /** Ends the child by itself after this long whatever happens. */
  lifetimeMs?: number;
  /** `discard`: stdout goes to /dev/null (stderr still to the log file). Default: both to dist-bench/logs/<name>.log. */
  stdout?: 'log' | 'discard';
}

interface Reply {
  type: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export class Child {
  readonly info: Record<string, any> = {};
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    live.add(this);
    this.exitPromise = new Promise((resolve) =>
      process.once('exit', (code, signal) => {
        this.exited = true;
        live.delete(this);
        for (const { reject, timer } of this.pending.values()) {
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}); log: ${join(LOG_DIR, `${name}.log`)}`));
        }
        this.pending.clear();
        resolve();
      }),
    );
    process.on('message', (message: Reply) => {
      if (message?.type !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Starts `dist-bench/bench/<script>.js` and waits for its `ready` message. */
  static async start(name: string, script: string, options: StartOptions = {}): Promise<Child> {
    const path = join(BENCH_DIST, `${script}.js`);
    const [command, args] = pinned(options.core, process.execPath, [...(options.execArgv ?? []), path]);
    const log = openSync(join(LOG_DIR, `${name}.log`), 'w');
    const out = options.stdout === 'discard' ? openSync('/dev/null', 'w') : log;
    const proc = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, BENCH_CHILD_LIFETIME_MS: String(options.lifetimeMs ?? 240_000), ...options.env },
      stdio: ['ignore', out, log, 'ipc'],
    });
    closeSync(log);
    if (out !== log) closeSync(out);
    const child = new Child(name, proc);
    try {
      const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} not ready within ${options.readyTimeoutMs ?? 30_000} ms`)), options.readyTimeoutMs ?? 30_000);
        proc.on('message', (message: { type?: string }) => {
          if (message?.type === 'ready') {
            clearTimeout(timer);
            resolve(message as Record<string, unknown>);
          }
        });
        proc.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited before it was ready (code ${code}); log: ${join(LOG_DIR, `${name}.log`)}`));
        });
      });
      Object.assign(child.info, ready);
      return child;
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  /** Calls `method` in the child; rejects after `timeoutMs` or when the child exits. */
  call<T = any>(method: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}.${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.process.send({ type: 'call', id, method, args });
    });
  }

  /** Asks the child to exit; kills it when it has not within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.call('exit', {}, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.process.kill('SIGKILL');
  }

  /** SIGKILL, as a node that dies, and wait until it has gone. */
  async killAndWait(): Promise<void> {
    this.kill();
    await this.exitPromise;
  }
}

/**
 * A program that is not a bench child (no IPC): its output goes to dist-bench/logs/<name>.log, the
 * caller decides when it is ready, and it is stopped by its PID (SIGTERM, then SIGKILL) with the
 * bench children. taskset execs the program, so the PID is the program's own.
 */
export class Program {
  private exitCode: number | null | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    live.add(this);
    this.exitPromise = new Promise((resolve) => {
      const gone = (code: number | null) => {
        if (this.exitCode !== undefined) return;
        this.exitCode = code;
        live.delete(this);
        resolve();
      };
      process.once('exit', gone);
      // Not started at all (not installed): it will never exit.
      process.once('error', () => gone(-1));
    });
  }

  static start(name: string, command: string, args: string[], options: { core?: 0 | 1 } = {}): Program {
    const log = openSync(join(LOG_DIR, `${name}.log`), 'w');
    const proc = spawn(...pinned(options.core, command, args), { cwd: ROOT, stdio: ['ignore', log, log] });
    closeSync(log);
    return new Program(name, proc);
  }

  /** Undefined while it runs; its exit code (null after a signal, -1 when it could not start) once it has exited. */
  get exited(): number | null | undefined {
    return this.exitCode;
  }

  get log(): string {
    return join(LOG_DIR, `${this.name}.log`);
  }

  /** SIGTERM; SIGKILL when it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.exitCode === undefined) this.process.kill('SIGKILL');
  }
}

/** Stops every child and program still running (bounded). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(3000)));
}

/** Runs a benchmark entry point; whatever happens, stops every child and removes `tempDirs`. */
export function runMain(main: () => Promise<void>, tempDirs: string[]): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await stopAll();
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });
}

function killAll(): void {
  for (const child of live) child.kill();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
