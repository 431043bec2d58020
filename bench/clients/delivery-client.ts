/**
 * Scenario 2 client (its own process, pinned away from the server): N socket.io clients, R runs,
 * each followed by `perRun` clients (the one that starts it and perRun-1 that subscribe). Measures
 * the latency from an event's creation (its `timestamp`, ms resolution, same machine clock) to its
 * receipt (Date.now()), lost and duplicated events per subscriber, delivered events/s, and this
 * process's event-loop utilisation. Then the same clients follow the same schedule on the bare
 * Socket.IO server.
 */
import '../lib/alias';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { EluMeter, round, serve } from '../lib/child';
import { ask, closeAll, connectMany, runPayload, TERMINAL } from '../lib/sockets';
import { sleep, summary } from '../lib/stats';
import type { ScheduledRun } from '../servers/bare-server';

interface WireEvent {
  runId: string;
  seq: number;
  state: string;
  timestamp: string;
  sentAtMs?: number;
  [key: string]: unknown;
}

/** What one client saw of the one run it follows. */
class Follower {
  runId = '';
  /** Date.now() when the subscription was acknowledged. */
  ackAt = Number.POSITIVE_INFINITY;
  readonly seen = new Set<number>();
  received = 0;
  duplicates = 0;
  terminalSeq = 0;
  /** Per event received: its kind, creation time (server clock, ms), latency (ms), and sub-ms latency (bare server only). */
  readonly samples: Array<{ seq: number; kind: string; created: number; latency: number; subMs?: number; measure?: boolean }> = [];
  captured?: WireEvent[];
}

const sockets: Socket[] = [];
let followers: Follower[] = [];
let firstReceipt = Number.POSITIVE_INFINITY;
let lastReceipt = 0;
const elu = new EluMeter();

function reset(count: number): void {
  followers = Array.from({ length: count }, () => new Follower());
  firstReceipt = Number.POSITIVE_INFINITY;
  lastReceipt = 0;
}

function listen(socket: Socket, index: number): void {
  socket.on('run:event', (event: WireEvent) => {
    const now = Date.now();
    const subNow = performance.timeOrigin + performance.now();
    const f = followers[index];
    if (!f) return;
    // Each client follows one run. Events can be handled before the continuation that records the
    // acknowledged runId runs (frames of one TCP read are dispatched without a microtask turn), so
    // the run is taken from the first event.
    if (!f.runId) f.runId = event.runId;
    if (event.runId !== f.runId) return;
    if (now < firstReceipt) firstReceipt = now;
    lastReceipt = now;
    f.received++;
    if (f.seen.has(event.seq)) f.duplicates++;
    else f.seen.add(event.seq);
    if (TERMINAL.has(event.state)) f.terminalSeq = event.seq;
    const created = Date.parse(event.timestamp);
    f.samples.push({
      seq: event.seq,
      kind: `${event.state}${event.phase ? `/${event.phase}` : ''}`,
      created,
      latency: now - created,
      ...(event.sentAtMs !== undefined ? { subMs: subNow - event.sentAtMs } : {}),
      ...(event.benchMeasure !== undefined ? { measure: event.benchMeasure as boolean } : {}),
    });
    f.captured?.push(event);
  });
}

async function waitForTerminals(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (followers.every((f) => f.terminalSeq > 0 && f.seen.size >= f.terminalSeq)) {
      await sleep(300); // late duplicates would show up here
      return true;
    }
    await sleep(50);
  }
  return false;
}

/**
 * Per run, the time after which all its followers were subscribed: events created later reached
 * every follower live (earlier ones were replayed from the store to some). Latency is measured on
 * those live events only, on our server and, for the very same events, on the bare one.
 */
function liveSince(): Map<string, number> {
  const since = new Map<string, number>();
  for (const f of followers) since.set(f.runId, Math.max(since.get(f.runId) ?? 0, f.ackAt));
  return since;
}

function results(perRun: number, timedOut: boolean) {
  const expected = new Map<string, number>();
  for (const f of followers) expected.set(f.runId, Math.max(expected.get(f.runId) ?? 0, f.terminalSeq, ...f.seen));
  const since = liveSince();
  let lost = 0;
  let duplicates = 0;
  let received = 0;
  let replayed = 0;
  const latencies: number[] = [];
  const subMs: number[] = [];
  const byKind = new Map<string, number[]>();
  for (const f of followers) {
    lost += (expected.get(f.runId) ?? 0) - f.seen.size;
    duplicates += f.duplicates;
    received += f.received;
    for (const sample of f.samples) {
      const live = sample.measure ?? sample.created > (since.get(f.runId) ?? Number.POSITIVE_INFINITY);
      if (!live) {
        replayed++;
        continue;
      }
      latencies.push(sample.latency);
      if (sample.subMs !== undefined) subMs.push(sample.subMs);
      let list = byKind.get(sample.kind);
      if (!list) byKind.set(sample.kind, (list = []));
      list.push(sample.latency);
    }
  }
  const windowS = Math.max(0.001, (lastReceipt - firstReceipt) / 1000);
  return {
    timedOut,
    followers: followers.length,
    perRun,
    runs: expected.size,
    eventsPerRun: round([...expected.values()].reduce((a, b) => a + b, 0) / Math.max(1, expected.size), 1),
    received,
    lost,
    duplicates,
    notMeasured: replayed,
    latencyMs: summary(latencies),
    subMsLatencyMs: subMs.length ? summary(subMs) : undefined,
    latencyByKind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, summary(list)])),
    eventsPerSecond: round(received / windowS, 0),
    windowS: round(windowS, 1),
    ...elu.end(),
  };
}

serve(
  {
    async connect({ url, count }: { url: string; count: number }) {
      const t0 = performance.now();
      sockets.push(...(await connectMany(url, count)));
      sockets.forEach(listen);
      return { connected: sockets.length, ms: Math.round(performance.now() - t0) };
    },
    disconnect() {
      closeAll(sockets);
      followers = [];
    },
    /** Starts `runs` runs on our server, each followed by `perRun` clients; waits for every terminal event. */
    async runOurs({ runs, perRun, timeoutMs, scheduleFile }: { runs: number; perRun: number; timeoutMs: number; scheduleFile: string }) {
      if (runs * perRun > sockets.length) throw new Error(`${runs} x ${perRun} followers need more than ${sockets.length} clients`);
      reset(runs * perRun);
      elu.begin();
      let failedStarts = 0;
      let failedSubscribes = 0;
      await Promise.all(
        Array.from({ length: runs }, async (_, r) => {
          const starter = followers[r * perRun];
          starter.captured = [];
          const ack = await ask(sockets[r * perRun], 'run:start', runPayload(`run ${r} ${Math.random().toString(36).slice(2, 8)}`)).catch((e: Error) => ({ ok: false, error: e.message }));
          if (!ack.ok) {
            failedStarts++;
            return;
          }
          starter.runId = ack.runId;
          starter.ackAt = Date.now();
          await Promise.all(
            Array.from({ length: perRun - 1 }, async (__, k) => {
              const f = followers[r * perRun + 1 + k];
              f.runId = ack.runId;
              const sub = await ask(sockets[r * perRun + 1 + k], 'run:subscribe', { runId: ack.runId }).catch(() => ({ ok: false }));
              if (sub.ok) f.ackAt = Date.now();
              else failedSubscribes++;
            }),
          );
        }),
      );
      const done = await waitForTerminals(timeoutMs);
      const out = { ...results(perRun, !done), failedStarts, failedSubscribes };
      const since = liveSince();
      // The schedule the bare server replays: same runs, same payloads, same relative timing.
      const starters = followers.filter((_, i) => i % perRun === 0 && followers[i].captured?.length);
      const t0 = Math.min(...starters.map((f) => Date.parse(f.captured![0].timestamp)));
      const schedule: ScheduledRun[] = starters.map((f) => {
        const bySeq = new Map(f.captured!.map((e) => [e.seq, e]));
        return {
          runId: `bare-${f.runId}`,
          events: [...bySeq.values()].sort((a, b) => a.seq - b.seq).map((event) => ({
              offsetMs: Date.parse(event.timestamp) - t0,
              event: { ...event, runId: `bare-${f.runId}`, benchMeasure: Date.parse(event.timestamp) > (since.get(f.runId) ?? Number.POSITIVE_INFINITY) },
            })),
        };
      });
      for (const f of followers) f.captured = undefined;
      writeFileSync(scheduleFile, JSON.stringify(schedule));
      return out;
    },
    /** Joins the clients to the schedule's runs on the bare server (perRun clients each). */
    async subscribeBare({ runIds, perRun }: { runIds: string[]; perRun: number }) {
      reset(runIds.length * perRun);
      let failed = 0;
      await Promise.all(
        followers.map(async (f, i) => {
          f.runId = runIds[Math.floor(i / perRun)];
          const ack = await ask(sockets[i], 'sub', f.runId).catch(() => undefined);
          if (ack?.ok) f.ackAt = Date.now();
          else failed++;
        }),
      );
      elu.begin();
      return { subscribed: followers.length - failed, failed };
    },
    async awaitBare({ perRun, timeoutMs }: { perRun: number; timeoutMs: number }) {
      const done = await waitForTerminals(timeoutMs);
      return results(perRun, !done);
    },
  },
  {},
  () => closeAll(sockets),
);
