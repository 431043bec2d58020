/**
 * A `redis-server` of the bench's own (scenario 6) on a free port of 127.0.0.1, without
 * persistence, tracked with the bench children (stopped by its PID), and its command counters
 * (`INFO commandstats`) read over a raw socket, so that reading them adds nothing but `info`.
 */
import { createConnection } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../test/support/redis-test-server';
import { Program } from './proc';
import { sleep } from './stats';

/** Calls per command since the server started, `info` (the reads themselves) left out. */
export type CommandCalls = Record<string, number>;

const READY_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 5000;
/** A port found free can be taken by someone else before redis-server binds it: try again, a few times. */
const START_ATTEMPTS = 3;

export class BenchRedis {
  private constructor(
    private readonly program: Program,
    readonly port: number,
  ) {}

  /** Starts redis-server (pinned to `core`) and resolves once it answers PING. */
  static async start(name: string, core?: 0 | 1): Promise<BenchRedis> {
    let last = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
      const program = Program.start(name, 'redis-server', args, { core });
      const redis = new BenchRedis(program, port);
      if (await redis.ready()) return redis;
      await program.stop(1000);
      last = `redis-server exited (${program.exited}) or did not answer on port ${port}; log: ${program.log}`;
    }
    throw new Error(`${last}. Is redis-server installed (apt-get install -y redis-server)?`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Every command's `calls` from INFO commandstats (subcommands such as `client|setname` apart). */
  async commandCalls(): Promise<CommandCalls> {
    const info = await this.command('INFO commandstats');
    const calls: CommandCalls = {};
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (match[1] !== 'info') calls[match[1]] = Number(match[2]);
    }
    return calls;
  }

  stop(): Promise<void> {
    return this.program.stop(3000);
  }

  private async ready(): Promise<boolean> {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    while (performance.now() < deadline && this.program.exited === undefined) {
      if ((await this.command('PING').catch(() => '')) === 'PONG') return true;
      await sleep(50);
    }
    return false;
  }

  /** One inline command on a connection of its own; its reply's text (a simple string or a bulk string). */
  private command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      let reply = '';
      const done = (error?: Error, text?: string) => {
        socket.destroy();
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(text!);
      };
      const timer = setTimeout(() => done(new Error(`redis ${line}: no reply within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      socket.once('connect', () => socket.write(`${line}\r\n`));
      socket.once('error', (error) => done(error));
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        reply += chunk;
        const text = parseReply(reply);
        if (text instanceof Error) done(text);
        else if (text !== undefined) done(undefined, text);
      });
    });
  }
}

/** The text of a complete RESP reply (`+...`, `$n` bulk), an Error for `-...`, undefined while incomplete. */
function parseReply(reply: string): string | Error | undefined {
  const eol = reply.indexOf('\r\n');
  if (eol < 0) return undefined;
  if (reply[0] === '+') return reply.slice(1, eol);
  if (reply[0] === '-') return new Error(`redis: ${reply.slice(1, eol)}`);
  if (reply[0] !== '$') return new Error(`redis: unexpected reply ${reply.slice(0, 40)}`);
  const length = Number(reply.slice(1, eol));
  const body = Buffer.from(reply.slice(eol + 2), 'utf8');
  return body.length >= length + 2 ? body.subarray(0, length).toString('utf8') : undefined;
}
