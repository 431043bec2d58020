/**
 * Scenario 5 client: full runs end to end (run:start, persisted, streamed to the starting socket)
 * with `inflight` runs at a time over a few sockets; counts completed runs per second and checks
 * each run's stream is gap-free. Also connects idle clients and starts long runs for the server's
 * memory figures.
 */
import '../lib/alias';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { EluMeter, round, serve } from '../lib/child';
import { ask, closeAll, connectMany, runPayload, TERMINAL } from '../lib/sockets';

interface WireEvent {
  runId: string;
  seq: number;
  state: string;
}

const sockets: Socket[] = [];
/** Per run: events received, and the resolver waiting for its terminal event. */
const runs = new Map<string, { count: number; terminal?: WireEvent; done?: (e: WireEvent) => void }>();

function onEvent(event: WireEvent): void {
  let run = runs.get(event.runId);
  if (!run) runs.set(event.runId, (run = { count: 0 }));
  run.count++;
  if (TERMINAL.has(event.state)) {
    run.terminal = event;
    run.done?.(event);
  }
}

function terminalOf(runId: string, timeoutMs: number): Promise<WireEvent> {
  let run = runs.get(runId);
  if (!run) runs.set(runId, (run = { count: 0 }));
  if (run.terminal) return Promise.resolve(run.terminal);
  const entry = run;
  return new Promise<WireEvent>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId}: no terminal event within ${timeoutMs} ms`)), timeoutMs);
    entry.done = (e) => (clearTimeout(timer), resolve(e));
  });
}

serve(
  {
    async connect({ url, count }: { url: string; count: number }) {
      const t0 = performance.now();
      const added = await connectMany(url, count);
      for (const socket of added) socket.on('run:event', onEvent);
      sockets.push(...added);
      return { connected: sockets.length, ms: Math.round(performance.now() - t0) };
    },
    disconnect() {
      closeAll(sockets);
      runs.clear();
    },
    /** Runs back to back with `inflight` at a time until `maxRuns` or `maxMs` (after `warmupRuns`). */
    async throughput({ inflight, warmupRuns, maxRuns, maxMs, timeoutMs }: { inflight: number; warmupRuns: number; maxRuns: number; maxMs: number; timeoutMs: number }) {
      const drive = async (limit: number, ms: number) => {
        let started = 0;
        let completed = 0;
        let gaps = 0;
        const states: Record<string, number> = {};
        const t0 = performance.now();
        const worker = async (w: number) => {
          const socket = sockets[w % sockets.length];
          while (started < limit && performance.now() - t0 < ms) {
            started++;
            const ack = await ask(socket, 'run:start', runPayload(`w${w}-${started}`), timeoutMs);
            if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
            const terminal = await terminalOf(ack.runId, timeoutMs);
            const run = runs.get(ack.runId)!;
            if (run.count !== terminal.seq) gaps++;
            states[terminal.state] = (states[terminal.state] ?? 0) + 1;
            runs.delete(ack.runId);
            completed++;
          }
        };
        await Promise.all(Array.from({ length: inflight }, (_, w) => worker(w)));
        const seconds = (performance.now() - t0) / 1000;
        return { completed, seconds: round(seconds, 2), runsPerSecond: round(completed / seconds, 1), gaps, states };
      };
      const warmup = await drive(warmupRuns, maxMs);
      const elu = new EluMeter();
      elu.begin();
      const measured = await drive(maxRuns, maxMs);
      return { ...measured, warmupCompleted: warmup.completed, inflight, ...elu.end() };
    },
    /** Starts `count` runs (one per socket, round robin) and returns once all are acknowledged. */
    async startRuns({ count }: { count: number }) {
      const ids = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const ack = await ask(sockets[i % sockets.length], 'run:start', runPayload(`m${i}`));
          if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
          return ack.runId as string;
        }),
      );
      return { started: ids.length };
    },
  },
  {},
  () => closeAll(sockets),
);
