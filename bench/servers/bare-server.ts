/**
 * The baseline: a bare Socket.IO server (no Nest, no store, no engine) on 127.0.0.1. Clients join a
 * run's room with `sub`; `play` replays a schedule of events captured from our server (same runs,
 * same payloads, same relative timing), stamping each with a fresh `timestamp` (ISO, ms) and
 * `sentAtMs` (performance.timeOrigin + performance.now(), sub-ms) just before `io.to(run).emit`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { collectGarbage, serve } from '../lib/child';

/** One run of a schedule: its events with their offsets (ms) from the start of the replay. */
export interface ScheduledRun {
  runId: string;
  events: Array<{ offsetMs: number; event: Record<string, unknown> }>;
}

async function main(): Promise<void> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('sub', (runId: string, ack?: (answer: unknown) => void) => {
      void socket.join(runId);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const timers = new Set<NodeJS.Timeout>();
  serve(
    {
      /** Starts replaying the schedule in `file`; answers at once. */
      play({ file }: { file: string }) {
        const runs = JSON.parse(readFileSync(file, 'utf8')) as ScheduledRun[];
        let events = 0;
        for (const run of runs) {
          for (const { offsetMs, event } of run.events) {
            events++;
            const timer = setTimeout(() => {
              timers.delete(timer);
              io.to(run.runId).emit('run:event', { ...event, timestamp: new Date().toISOString(), sentAtMs: performance.timeOrigin + performance.now() });
            }, offsetMs);
            timers.add(timer);
          }
        }
        return { runs: runs.length, events };
      },
      async memory() {
        await collectGarbage();
        return process.memoryUsage();
      },
      connections() {
        return io.engine.clientsCount;
      },
    },
    { url: `http://127.0.0.1:${port}`, pid: process.pid },
    async () => {
      for (const timer of timers) clearTimeout(timer);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
