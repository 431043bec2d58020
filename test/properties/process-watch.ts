import { Writable } from 'node:stream';
import vm from 'node:vm';

/**
 * Jest gives each test file a copy of `process`; Node reports unhandled rejections and uncaught
 * exceptions to the real one, which only code of the main context reaches.
 */
const hostProcess = vm.runInThisContext('process') as NodeJS.Process;

/** pino's level numbers: 50 error, 60 fatal. */
const ERROR_LEVEL = 50;

/**
 * What went wrong in the process while it watched: unhandled rejections, uncaught exceptions, and
 * the app's log lines at error level or above (it is given as the app's log destination).
 */
export class ProcessWatch {
  /** Each thing seen, in order: `unhandledRejection: …`, `uncaughtException: …` or `log: <the JSON line>`. */
  readonly seen: string[] = [];
  /** The app's log destination: keeps the error lines, drops the rest. */
  readonly logs = new Writable({
    write: (chunk, _encoding, done) => {
      for (const line of String(chunk).split('\n')) if (line && levelOf(line) >= ERROR_LEVEL) this.seen.push(`log: ${line.slice(0, 1500)}`);
      done();
    },
  });
  private readonly onRejection = (reason: unknown) => this.seen.push(`unhandledRejection: ${describe(reason)}`);
  private readonly onException = (error: unknown) => this.seen.push(`uncaughtException: ${describe(error)}`);

  start(): void {
    hostProcess.on('unhandledRejection', this.onRejection);
    hostProcess.on('uncaughtException', this.onException);
  }

  stop(): void {
    hostProcess.off('unhandledRejection', this.onRejection);
    hostProcess.off('uncaughtException', this.onException);
  }

  /** The number of things seen so far, to tell whether one input caused any. */
  get count(): number {
    return this.seen.length;
  }

  /** Everything seen after the first `since`, for a failure message. */
  since(since: number): string[] {
    return this.seen.slice(since);
  }
}

function levelOf(line: string): number {
  try {
    return Number((JSON.parse(line) as { level?: unknown }).level ?? 0);
  } catch {
    return ERROR_LEVEL;
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
