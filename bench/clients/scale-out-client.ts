/**
 * Scenario 6 client: drives the nodes of one scale-out deployment over Socket.IO and REST, hosts
 * the OpenAI-compatible test server their model calls go to, and stamps every receipt with this
 * machine's clock in epoch milliseconds (sub-ms), the clock of the servers' event stamps and of the
 * runner's kill time.
 *  - `load`: full runs on one node, a few in flight (the runner measures CPU and Redis commands).
 *  - `delivery`: runs followed by clients on two nodes; latency per event, lost and duplicated events.
 *  - `cancel`: `run:cancel` sent on one node for runs streaming from the model on another.
 *  - `startTakeover`, `awaitTakeover`: runs in generation when the runner kills their node; what a
 *    client on a surviving node sees of them.
 */
import '../lib/alias';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { SAMPLE_BRIEF } from '../../test/support/llm-fixtures';
import { EluMeter, serve } from '../lib/child';
import { BenchLlm, PLATFORMS } from '../lib/llm-server';
import { ask, closeAll, connectMany, runPayload, TERMINAL } from '../lib/sockets';
import { sleep, summary } from '../lib/stats';
import { takeoverOutcome, type Receipt, type TakeoverRun, type WireEvent } from './takeover';

const now = () => performance.timeOrigin + performance.now();
const isTerminal = (r: Receipt) => TERMINAL.has(r.event.state);

/**
 * How the test server answers, by the first letter of a run's tag: `d` (delivery) after the
 * first-artifact scenario's delays plus up to 200 ms, so that the runs' events do not all fall in
 * the same milliseconds; `c` (cancel) streams for 6 s after 400 ms; `k` (takeover) takes 1 s per
 * generator, long enough to be killed in the middle of it.
 */
const DELIVERY_DELAYS: Record<string, number> = { campaign_copy: 300, social_posts: 500, poster_concepts: 800, audit_reports: 200 };
function delayOf(schema: string, tag: string): number {
  if (tag.startsWith('d')) return (DELIVERY_DELAYS[schema] ?? 0) + Math.random() * 200;
  if (tag.startsWith('c')) return 400;
  if (tag.startsWith('k')) return schema === 'audit_reports' ? 200 : 1000;
  return 0;
}
const streamOf = (tag: string) => (tag.startsWith('c') ? { chunkDelayMs: 10, deltas: 600 } : undefined);

const llm = new BenchLlm();
/** Sockets by group (one group per node), each with the key its receipts carry. */
const groups = new Map<string, Array<{ key: string; socket: Socket }>>();
/** Every event every socket received, by run. */
const byRun = new Map<string, Receipt[]>();
const waiters = new Map<string, Array<{ test: (r: Receipt) => boolean; resolve: (r: Receipt) => void }>>();

function record(socket: string, event: WireEvent): void {
  const receipt = { socket, event, at: now() };
  let list = byRun.get(event.runId);
  if (!list) byRun.set(event.runId, (list = []));
  list.push(receipt);
  const pending = waiters.get(event.runId) ?? [];
  for (const waiter of [...pending]) {
    if (!waiter.test(receipt)) continue;
    pending.splice(pending.indexOf(waiter), 1);
    waiter.resolve(receipt);
  }
}

/** The run's first receipt matching `test`, already here or to come. */
function receiptOf(runId: string, test: (r: Receipt) => boolean, timeoutMs: number): Promise<Receipt> {
  const seen = byRun.get(runId)?.find(test);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId}: event not received within ${timeoutMs} ms`)), timeoutMs);
    let list = waiters.get(runId);
    if (!list) waiters.set(runId, (list = []));
    list.push({ test, resolve: (r) => (clearTimeout(timer), resolve(r)) });
  });
}

function forget(runIds: string[]): void {
  for (const runId of runIds) {
    byRun.delete(runId);
    waiters.delete(runId);
  }
}

function socketsOf(group: string): Array<{ key: string; socket: Socket }> {
  const sockets = groups.get(group);
  if (!sockets?.length) throw new Error(`no sockets connected as ${group}`);
  return sockets;
}

/** A run on the clean-answer brief, its tag in the prompt (the test server answers by it). */
const llmPayload = (tag: string) => runPayload(tag, { ...SAMPLE_BRIEF, productDetails: `${SAMPLE_BRIEF.productDetails} (tag ${tag})` }, PLATFORMS);
const batchId = () => Math.random().toString(36).slice(2, 8);

async function startOn(socket: Socket, payload: unknown, timeoutMs: number): Promise<string> {
  const ack = await ask(socket, 'run:start', payload, timeoutMs);
  if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
  return ack.runId as string;
}

async function startByRest(url: string, payload: unknown, timeoutMs: number): Promise<string> {
  const response = await fetch(`${url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status !== 202) throw new Error(`POST /api/runs answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { runId: string }).runId;
}


interface DeliveryArgs {
  startUrl: string;
  runs: number;
  gapMs: number;
  followers: string[];
  perGroup: number;
  timeoutMs: number;
}

interface CancelArgs {
  group: string;
  batches: number;
  warmupBatches?: number;
  perBatch: number;
  gapMs: number;
  timeoutMs: number;
}

/** What the clients of one group saw of the runs they followed. */
function seenBy(group: string, runIds: string[], liveSince: Map<string, number>) {
  const latencies: number[] = [];
  let lost = 0;
  let duplicates = 0;
  for (const runId of runIds) {
    const receipts = byRun.get(runId) ?? [];
    const last = Math.max(0, ...receipts.filter(isTerminal).map((r) => r.event.seq));
    for (const { key } of groups.get(group) ?? []) {
      const mine = receipts.filter((r) => r.socket === key);
      if (mine.length === 0) continue;
      const seqs = new Set(mine.map((r) => r.event.seq));
      lost += last - seqs.size;
      duplicates += mine.length - seqs.size;
      // Only events created once every follower was subscribed reached all of them live, not by replay.
      for (const r of mine) if (Date.parse(r.event.timestamp) > liveSince.get(runId)!) latencies.push(r.at - Date.parse(r.event.timestamp));
    }
  }
  return { latencyMs: summary(latencies), lost, duplicates };
}

serve(
  {
    async startLlm() {
      return { baseUrl: await llm.start(delayOf, streamOf) };
    },
    async connect({ group, url, count }: { group: string; url: string; count: number }) {
      const list = groups.get(group) ?? [];
      for (const socket of await connectMany(url, count)) {
        const key = `${group}${list.length}`;
        socket.on('run:event', (event: WireEvent) => record(key, event));
        list.push({ key, socket });
      }
      groups.set(group, list);
      return { connected: list.length };
    },
    /** `runs` runs (tags `<tag>-<i>`: the same briefs for the same tag) on the group's node, `inflight` at a time. */
    async load({ group, runs, inflight, tag, timeoutMs }: { group: string; runs: number; inflight: number; tag: string; timeoutMs: number }) {
      const sockets = socketsOf(group);
      const states: Record<string, number> = {};
      let next = 0;
      let events = 0;
      let gaps = 0;
      const t0 = performance.now();
      const worker = async (w: number) => {
        const { socket } = sockets[w % sockets.length];
        while (next < runs) {
          const runId = await startOn(socket, runPayload(`${tag}-${next++}`), timeoutMs);
          const end = await receiptOf(runId, isTerminal, timeoutMs);
          const seqs = new Set(byRun.get(runId)!.map((r) => r.event.seq));
          if (seqs.size !== end.event.seq || byRun.get(runId)!.length !== seqs.size) gaps++;
          events += end.event.seq;
          states[end.event.state] = (states[end.event.state] ?? 0) + 1;
          forget([runId]);
        }
      };
      await Promise.all(Array.from({ length: inflight }, (_, w) => worker(w)));
      return { runs, seconds: (performance.now() - t0) / 1000, eventsPerRun: events / runs, gaps, states };
    },
    /**
     * `runs` runs started by REST on `startUrl`, `gapMs` apart, each followed by the first
     * `perGroup` sockets of every group in `followers` (subscribed once the run exists); waits for
     * every follower's terminal event, then a moment for late duplicates.
     */
    async delivery({ startUrl, runs, gapMs, followers, perGroup, timeoutMs }: DeliveryArgs) {
      const elu = new EluMeter();
      elu.begin();
      const batch = batchId();
      const sockets = followers.flatMap((group) => socketsOf(group).slice(0, perGroup));
      const liveSince = new Map<string, number>();
      const follow = (runId: string) =>
        Promise.all(
          sockets.map(async ({ socket }) => {
            const ack = await ask(socket, 'run:subscribe', { runId }, timeoutMs);
            if (!ack.ok) throw new Error(`run:subscribe ${runId} failed: ${JSON.stringify(ack.error)}`);
            liveSince.set(runId, Math.max(liveSince.get(runId) ?? 0, now()));
          }),
        );
      const runIds: string[] = [];
      const subscribed: Array<Promise<unknown>> = [];
      for (let i = 0; i < runs; i++) {
        runIds.push(await startByRest(startUrl, llmPayload(`d${i}-${batch}`), timeoutMs));
        subscribed.push(follow(runIds[i]));
        await sleep(gapMs);
      }
      await Promise.all(subscribed);
      await Promise.all(runIds.flatMap((runId) => sockets.map(({ key }) => receiptOf(runId, (r) => r.socket === key && isTerminal(r), timeoutMs))));
      await sleep(300);
      const seen = Object.fromEntries(followers.map((group) => [group, seenBy(group, runIds, liveSince)]));
      const states = runIds.map((runId) => byRun.get(runId)!.find(isTerminal)!.event.state);
      forget(runIds);
      return { runs, perGroup, seen, states, ...elu.end() };
    },
    /**
     * `batches` x `perBatch` runs started on the group's sockets (one each); once their three
     * model streams flow, each is cancelled with `run:cancel` on the socket that started it, one at
     * a time, `gapMs` apart: time to its Cancelled event there, and to its model connections closing.
     */
    async cancel({ group, batches, warmupBatches = 0, perBatch, gapMs, timeoutMs }: CancelArgs) {
      const sockets = socketsOf(group);
      const toEvent: number[] = [];
      const toClose: number[] = [];
      const toAck: number[] = [];
      const notCancelled: string[] = [];
      const elu = new EluMeter();
      for (let b = 0; b < warmupBatches + batches; b++) {
        const measured = b >= warmupBatches;
        if (b === warmupBatches) elu.begin();
        const batch = batchId();
        const started = await Promise.all(
          Array.from({ length: perBatch }, async (_, i) => {
            const { socket } = sockets[i % sockets.length];
            const tag = `c${b}-${i}-${batch}`;
            return { tag, socket, runId: await startOn(socket, llmPayload(tag), timeoutMs) };
          }),
        );
        for (const run of started) await llm.untilCalls(run.tag, 3, (c) => c.streamingAt > 0, timeoutMs);
        await sleep(50 + Math.random() * 100);
        for (const run of started) {
          const t0 = performance.now();
          const answered = ask(run.socket, 'run:cancel', { runId: run.runId }, timeoutMs).then(() => performance.now());
          const end = await receiptOf(run.runId, isTerminal, timeoutMs);
          const deadline = performance.now() + timeoutMs;
          while (llm.callsOf(run.tag).some((c) => !c.closedAt) && performance.now() < deadline) await sleep(1);
          const calls = llm.callsOf(run.tag);
          if (calls.some((c) => !c.closedAt)) throw new Error(`run ${run.runId}: LLM connections still open ${timeoutMs} ms after the cancel`);
          const ackAt = await answered;
          if (measured) {
            if (end.event.state !== 'Cancelled') notCancelled.push(end.event.state);
            toEvent.push(end.at - (performance.timeOrigin + t0));
            toClose.push(Math.max(...calls.map((c) => c.closedAt)) - t0);
            toAck.push(ackAt - t0);
          }
          forget([run.runId]);
          await sleep(gapMs);
        }
      }
      return { cancels: toEvent.length, notCancelled, toEventMs: summary(toEvent), toCloseMs: summary(toClose), toAckMs: summary(toAck), ...elu.end() };
    },
    /** `runs` runs started on the group's sockets; resolves once the model has every generator's request: they are in generation. */
    async startTakeover({ group, runs, timeoutMs }: { group: string; runs: number; timeoutMs: number }) {
      const sockets = socketsOf(group);
      const batch = batchId();
      const started: TakeoverRun[] = await Promise.all(
        Array.from({ length: runs }, async (_, i) => {
          const tag = `k${i}-${batch}`;
          return { tag, runId: await startOn(sockets[i % sockets.length].socket, llmPayload(tag), timeoutMs) };
        }),
      );
      for (const run of started) await llm.untilCalls(run.tag, 3, (c) => c.receivedAt > 0, timeoutMs);
      return { runs: started };
    },
    /** Waits for the runs' terminal events (bounded), then says what the client saw of each around the kill at `killedAt` (epoch ms). */
    async awaitTakeover({ runs, killedAt, timeoutMs }: { runs: TakeoverRun[]; killedAt: number; timeoutMs: number }) {
      await Promise.all(runs.map(({ runId }) => receiptOf(runId, isTerminal, timeoutMs).catch(() => undefined)));
      await sleep(300);
      const outcomes = runs.map((run) => takeoverOutcome(run, byRun.get(run.runId) ?? [], killedAt, llm.callsOf(run.tag).length));
      forget(runs.map((r) => r.runId));
      return outcomes;
    },
  },
  {},
  async () => {
    for (const sockets of groups.values()) closeAll(sockets.map((s) => s.socket));
    await llm.stop();
  },
);
