/**
 * Our server, as main.ts starts it (createApp with the configuration read from the environment,
 * which the runner sets), on 127.0.0.1 and an ephemeral port. IPC: `memory` (after full GCs when
 * started with --expose-gc), `activeRuns` (runs executing on this node), `exit` (graceful close).
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { collectGarbage, serve } from '../lib/child';
import { fromDist, ROOT } from '../lib/paths';
import { profiler } from '../lib/profiler';
import { median, sleep } from '../lib/stats';

/** Garbage-collection pauses and event-loop delay since the last `loopStats` call (diagnosis of latency tails). */
const gcPauses: number[] = [];
const majorPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.push(entry.duration);
    // detail.kind: 1 minor (scavenge), 2 major (mark-sweep-compact), 4 incremental marking, 8 weak callbacks
    if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === 2) majorPauses.push(entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

function loopStats() {
  const pauses = gcPauses.splice(0).sort((a, b) => a - b);
  const stats = {
    gcCount: pauses.length,
    gcTotalMs: Math.round(pauses.reduce((a, b) => a + b, 0)),
    gcMaxMs: Math.round((pauses[pauses.length - 1] ?? 0) * 10) / 10,
    gcOver5Ms: pauses.filter((p) => p > 5).length,
    gcMajorCount: majorPauses.length,
    gcMajorMaxMs: Math.round(Math.max(0, ...majorPauses.splice(0)) * 10) / 10,
    loopDelayP50Ms: Math.round(loopDelay.percentile(50) / 1e4) / 100,
    loopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    loopDelayMaxMs: Math.round(loopDelay.max / 1e4) / 100,
  };
  loopDelay.reset();
  return stats;
}

async function main(): Promise<void> {
  // As main.ts: telemetry first (when this build has it), before the modules it instruments load.
  // BENCH_NO_TELEMETRY=1 skips it: a diagnostic variant only, to see what the telemetry costs.
  if (process.env.BENCH_NO_TELEMETRY !== '1' && existsSync(join(ROOT, 'dist', 'src', 'telemetry', 'instrument.js'))) fromDist('src/telemetry/instrument');
  const { createApp } = fromDist<typeof import('../../src/app.factory')>('src/app.factory');
  const { RunExecutor } = fromDist<typeof import('../../src/runs/run-executor')>('src/runs/run-executor');
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  serve(
    {
      async memory() {
        await collectGarbage();
        return process.memoryUsage();
      },
      cpu() {
        return process.cpuUsage();
      },
      /** Raw event-loop utilisation counters; the runner diffs two of them. */
      elu() {
        return performance.eventLoopUtilization();
      },
      loopStats,
      coldFactor,
      /** Scale-out (scenario 6): which node executes the runs, the one to kill. */
      activeRuns: () => app.get(RunExecutor).activeRuns,
      profileStart: () => profiler.start(),
      profileStop: (args: { file: string }) => profiler.stop(args),
    },
    { url: `http://127.0.0.1:${port}`, pid: process.pid },
    () => app.close(),
  );
}

/**
 * How much slower this process runs the same small task after an idle gap than back to back (the
 * caches lose the working set while a run waits for its model): JSON round trip of an event the
 * size of an artifact event, `rounds` times each way, median of each, as a ratio.
 */
async function coldFactor({ rounds = 15, idleMs = 300 }: { rounds?: number; idleMs?: number } = {}) {
  const event = { seq: 4, state: 'GeneratingCopy', metadata: { content: { sections: Array.from({ length: 12 }, (_, i) => ({ title: `Section ${i}`, text: 'lorem ipsum dolor sit amet '.repeat(20) })) } } };
  const task = () => {
    const start = performance.now();
    JSON.parse(JSON.stringify(event));
    return performance.now() - start;
  };
  const hot: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < rounds * 2; i++) task();
  for (let i = 0; i < rounds; i++) hot.push(task());
  for (let i = 0; i < rounds; i++) {
    await sleep(idleMs);
    cold.push(task());
  }
  return { hotUs: median(hot) * 1000, coldUs: median(cold) * 1000, factor: median(cold) / median(hot) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
