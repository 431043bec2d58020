/**
 * The child side of the runner's IPC protocol: `serve(handlers)` answers `{ type: 'call' }`
 * messages, announces readiness, and makes sure the process never outlives its parent or its
 * time limit (BENCH_CHILD_LIFETIME_MS, default 5 minutes).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export type Handlers = Record<string, (args: any) => Promise<unknown> | unknown>;

interface Call {
  type: 'call';
  id: number;
  method: string;
  args: unknown;
}

export function serve(handlers: Handlers, ready: Record<string, unknown> = {}, cleanup: () => Promise<void> | void = () => undefined): void {
  if (!process.send) throw new Error('This script runs as a child of bench/run-all (no IPC channel)');
  const lifetime = Number(process.env.BENCH_CHILD_LIFETIME_MS ?? 300_000);
  let exiting = false;
  const exit = async (code: number) => {
    if (exiting) return;
    exiting = true;
    const force = setTimeout(() => process.exit(code), 3000);
    force.unref();
    try {
      await cleanup();
    } catch (error) {
      console.error('cleanup failed', error);
    }
    process.exit(code);
  };
  setTimeout(() => {
    console.error(`child exceeded its lifetime of ${lifetime} ms; exiting`);
    void exit(3);
  }, lifetime).unref();
  process.on('disconnect', () => void exit(0));
  process.on('SIGTERM', () => void exit(0));
  process.on('message', (message: Call) => {
    if (message?.type !== 'call') return;
    if (message.method === 'exit') {
      process.send!({ type: 'reply', id: message.id, ok: true, value: null });
      void exit(0);
      return;
    }
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.args);
      })
      .then(
        (value) => process.send!({ type: 'reply', id: message.id, ok: true, value: value ?? null }),
        (error: unknown) => process.send!({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
      );
  });
  process.send({ type: 'ready', ...ready });
}

/**
 * Event-loop utilisation of this process over a window, with the busiest 250 ms slice, to tell
 * whether the client (rather than the server) was the bottleneck.
 */
export class EluMeter {
  private start?: EventLoopUtilization;
  private last?: EventLoopUtilization;
  private timer?: NodeJS.Timeout;
  private peakSlice = 0;

  begin(): void {
    this.start = performance.eventLoopUtilization();
    this.last = this.start;
    this.peakSlice = 0;
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const slice = performance.eventLoopUtilization(now, this.last);
      this.last = now;
      this.peakSlice = Math.max(this.peakSlice, slice.utilization);
    }, 250);
    this.timer.unref();
  }

  end(): { elu: number; peakElu: number } {
    clearInterval(this.timer);
    const total = performance.eventLoopUtilization(this.start);
    return { elu: round(total.utilization, 3), peakElu: round(this.peakSlice, 3) };
  }
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Forces full garbage collections when the process runs with --expose-gc. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
