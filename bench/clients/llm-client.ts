/**
 * Scenarios 3 and 4 client: hosts the OpenAI-compatible test server (the server's LLM) and drives
 * our server over Socket.IO and REST, all timed with this process's performance.now().
 *  - `firstArtifact`: sequential runs with fixed agent latencies; time to the first artifact minus
 *    the fastest agent, total time minus the critical path.
 *  - `cancel`: runs streaming from the LLM, cancelled one at a time by socket or REST; time to the
 *    Cancelled event here and to the closing of the run's LLM connections at the test server.
 */
import '../lib/alias';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { SAMPLE_BRIEF } from '../../test/support/llm-fixtures';
import { EluMeter, round, serve } from '../lib/child';
import { BenchLlm, PLATFORMS, type LlmCall } from '../lib/llm-server';
import { ask, closeAll, connectMany, runPayload, TERMINAL } from '../lib/sockets';
import { sleep, summary } from '../lib/stats';

interface WireEvent {
  runId: string;
  seq: number;
  state: string;
  agentType?: string;
  phase?: string;
  timestamp: string;
}

/** performance.now() of this process as epoch milliseconds, to compare with the server's event timestamps (ms). */
const epoch = (now: number) => performance.timeOrigin + now;

const SCHEMA_OF: Record<string, string> = { copy: 'campaign_copy', shortCopy: 'social_posts', visualConcept: 'poster_concepts', audit: 'audit_reports' };
const llm = new BenchLlm();
const sockets: Socket[] = [];
let appUrl = '';
let delays: Record<string, number> = {};
/** Every event received, by run, with its receipt time. */
const received = new Map<string, Array<{ event: WireEvent; at: number }>>();
const waiters = new Map<string, Array<{ test: (e: WireEvent) => boolean; resolve: (at: number) => void }>>();

function onEvent(event: WireEvent): void {
  const at = performance.now();
  let list = received.get(event.runId);
  if (!list) received.set(event.runId, (list = []));
  list.push({ event, at });
  const pending = waiters.get(event.runId);
  if (!pending) return;
  for (const waiter of [...pending]) {
    if (waiter.test(event)) {
      pending.splice(pending.indexOf(waiter), 1);
      waiter.resolve(at);
    }
  }
}

/** Resolves with the receipt time of the run's first event matching `test` (already received or to come). */
function receiptOf(runId: string, test: (e: WireEvent) => boolean, timeoutMs: number): Promise<number> {
  const seen = received.get(runId)?.find((r) => test(r.event));
  if (seen) return Promise.resolve(seen.at);
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId}: event not received within ${timeoutMs} ms`)), timeoutMs);
    let list = waiters.get(runId);
    if (!list) waiters.set(runId, (list = []));
    list.push({ test, resolve: (at) => (clearTimeout(timer), resolve(at)) });
  });
}

const isTerminal = (e: WireEvent) => TERMINAL.has(e.state);
const isArtifact = (e: WireEvent) => e.phase === 'completed' && e.agentType !== 'audit';

/**
 * The critical path of a parallel run: per round, the slowest generator started, then the audit.
 * `llmMs(type)` is how long the model took for the next call of that agent (calls are taken in order).
 */
function criticalPath(events: WireEvent[], llmMs: (agentType: string) => number): number {
  let total = 0;
  let round: number[] = [];
  for (const e of events) {
    if (e.phase === 'started' && e.agentType && e.agentType !== 'audit') round.push(llmMs(e.agentType));
    if (e.phase === 'started' && e.agentType === 'audit') {
      total += Math.max(0, ...round) + llmMs('audit');
      round = [];
    }
  }
  return total + (round.length ? Math.max(...round) : 0);
}

/** The model's time for each call as served (answer handed to the OS minus request received), per agent, in call order. */
function servedTimes(calls: LlmCall[]): (agentType: string) => number {
  const queues = new Map<string, number[]>();
  for (const call of [...calls].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const list = queues.get(call.schema) ?? [];
    list.push(call.answeredAt - call.receivedAt);
    queues.set(call.schema, list);
  }
  return (agentType) => {
    const time = queues.get(SCHEMA_OF[agentType])?.shift();
    if (time === undefined) throw new Error(`no LLM call recorded for ${agentType}`);
    return time;
  };
}


serve(
  {
    async startLlm(args: { delays: Record<string, number>; stream?: { chunkDelayMs: number; deltas: number } }) {
      delays = args.delays;
      return { baseUrl: await llm.start((schema) => delays[schema] ?? 0, args.stream) };
    },
    async connect({ url, count, replace }: { url: string; count: number; replace?: boolean }) {
      if (replace) closeAll(sockets);
      appUrl = url;
      sockets.push(...(await connectMany(url, count)));
      for (const socket of sockets) socket.on('run:event', onEvent);
      return { connected: sockets.length, url };
    },
    /**
     * Warms the server's JIT: `rounds` rounds of `concurrent` unrecorded runs started together on
     * one socket, each round waiting for every run's terminal event.
     */
    async warmConcurrently({ concurrent, rounds, timeoutMs }: { concurrent: number; rounds: number; timeoutMs: number }) {
      const socket = sockets[0];
      for (let round = 0; round < rounds; round++) {
        const tags = Array.from({ length: concurrent }, (_, i) => `w${round}-${i}-${Math.random().toString(36).slice(2, 8)}`);
        const acks = await Promise.all(tags.map((tag) => ask(socket, 'run:start', runPayload(tag, { ...SAMPLE_BRIEF, productDetails: `${SAMPLE_BRIEF.productDetails} (tag ${tag})` }, PLATFORMS))));
        const runIds = acks.map((ack) => {
          if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
          return ack.runId as string;
        });
        await Promise.all(runIds.map((runId) => receiptOf(runId, isTerminal, timeoutMs)));
        for (const runId of runIds) received.delete(runId);
      }
      return { runs: concurrent * rounds };
    },
    /** `runs` sequential runs (after `warmup` unrecorded ones) with the fixed agent latencies. */
    async firstArtifact({ runs, warmup, timeoutMs }: { runs: number; warmup: number; timeoutMs: number }) {
      const socket = sockets[0];
      const firstOverhead: number[] = [];
      const totalOverhead: number[] = [];
      /** The same two overheads against the nominal delays: they also count the test server's own lateness. */
      const firstOverNominal: number[] = [];
      const totalOverNominal: number[] = [];
      /** How much later than its nominal delay the test server answered (timer, parsing, writing), all calls. */
      const lateness: number[] = [];
      /** Where the time goes: run:start to the first LLM request arriving here, and the fastest answer's end to its event. */
      const toFirstRequest: number[] = [];
      const answerToEvent: number[] = [];
      /** When each LLM request arrived, from run:start (ms), per output schema: shows how the three generators' requests are spaced. */
      const arrivals: Record<string, number[]> = {};
      const phases: Record<string, number[]> = { startToQueued: [], queuedToLlmRequest: [], llmAnswerToCompletedEvent: [], completedEventToReceipt: [] };
      const states: Record<string, number> = {};
      let regenerated = 0;
      const fastest = Math.min(delays.campaign_copy, delays.social_posts, delays.poster_concepts);
      const batch = Math.random().toString(36).slice(2, 8);
      for (let i = 0; i < warmup + runs; i++) {
        const tag = `t${i}-${batch}`;
        const t0 = performance.now();
        const ack = await ask(socket, 'run:start', runPayload(tag, { ...SAMPLE_BRIEF, productDetails: `${SAMPLE_BRIEF.productDetails} (tag ${tag})` }, PLATFORMS));
        if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
        const first = await receiptOf(ack.runId, isArtifact, timeoutMs);
        const end = await receiptOf(ack.runId, isTerminal, timeoutMs);
        const events = received.get(ack.runId)!.map((r) => r.event).sort((a, b) => a.seq - b.seq);
        received.delete(ack.runId);
        if (i < warmup) continue;
        const terminal = events[events.length - 1];
        states[terminal.state] = (states[terminal.state] ?? 0) + 1;
        if (events.some((e) => e.phase === 'started' && e.agentType !== 'audit' && (e as { attempt?: number }).attempt! > 1)) regenerated++;
        const calls = llm.callsOf(tag);
        for (const call of calls) lateness.push(call.answeredAt - call.receivedAt - delays[call.schema]);
        const fastestCall = calls.find((c) => delays[c.schema] === fastest);
        if (!fastestCall || calls.some((c) => !c.answeredAt)) throw new Error(`run ${ack.runId}: LLM calls missing or unanswered`);
        firstOverhead.push(first - t0 - (fastestCall.answeredAt - fastestCall.receivedAt));
        firstOverNominal.push(first - t0 - fastest);
        toFirstRequest.push(Math.min(...calls.map((c) => c.receivedAt)) - t0);
        for (const call of calls) (arrivals[call.schema] ??= []).push(call.receivedAt - t0);
        answerToEvent.push(first - fastestCall.answeredAt);
        const queued = Date.parse(events[0].timestamp);
        const completed = events.find(isArtifact)!;
        phases.startToQueued.push(queued - epoch(t0));
        phases.queuedToLlmRequest.push(epoch(fastestCall.receivedAt) - queued);
        phases.llmAnswerToCompletedEvent.push(Date.parse(completed.timestamp) - epoch(fastestCall.answeredAt));
        phases.completedEventToReceipt.push(epoch(first) - Date.parse(completed.timestamp));
        totalOverhead.push(end - t0 - criticalPath(events, servedTimes(calls)));
        totalOverNominal.push(end - t0 - criticalPath(events, (type) => delays[SCHEMA_OF[type]]));
      }
      return { runs, states, regenerated, firstArtifactOverheadMs: summary(firstOverhead), totalOverheadMs: summary(totalOverhead), nominal: { firstArtifactOverheadMs: summary(firstOverNominal), totalOverheadMs: summary(totalOverNominal) }, llmLatenessMs: summary(lateness), startToFirstLlmRequestMs: summary(toFirstRequest), llmAnswerToArtifactEventMs: summary(answerToEvent), phasesMs: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summary(v)])), llmArrivalMs: Object.fromEntries(Object.entries(arrivals).map(([k, v]) => [k, summary(v)])), fastestAgentMs: fastest };
    },
    /**
     * `batches` x `perBatch` runs: each batch starts its runs together (one socket each), waits
     * until their three LLM calls are streaming, then cancels them one at a time, `gapMs` apart.
     */
    async cancel({ via, batches, warmupBatches = 0, perBatch, gapMs, timeoutMs }: { via: 'socket' | 'rest'; batches: number; warmupBatches?: number; perBatch: number; gapMs: number; timeoutMs: number }) {
      const toEvent: number[] = [];
      const toClose: number[] = [];
      const elu = new EluMeter();
      const notCancelled: string[] = [];
      for (let b = 0; b < warmupBatches + batches; b++) {
        if (b === warmupBatches) {
          toEvent.length = 0;
          toClose.length = 0;
          notCancelled.length = 0;
          elu.begin();
        }
        const runs = await Promise.all(
          Array.from({ length: perBatch }, async (_, i) => {
            const tag = `${via}-${b}-${i}-${Math.random().toString(36).slice(2, 8)}`;
            const ack = await ask(sockets[i], 'run:start', runPayload(tag, { ...SAMPLE_BRIEF, productDetails: `${SAMPLE_BRIEF.productDetails} (tag ${tag})` }, PLATFORMS));
            if (!ack.ok) throw new Error(`run:start failed: ${JSON.stringify(ack.error)}`);
            return { tag, runId: ack.runId as string, socket: sockets[i] };
          }),
        );
        for (const run of runs) await llm.untilCalls(run.tag, 3, (c) => c.streamingAt > 0, timeoutMs);
        await sleep(50 + Math.random() * 100);
        for (const run of runs) {
          const t0 = performance.now();
          const answered =
            via === 'socket'
              ? ask(run.socket, 'run:cancel', { runId: run.runId }, timeoutMs)
              : fetch(`${appUrl}/api/runs/${run.runId}/cancel`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) }).then((r) => r.json());
          const eventAt = await receiptOf(run.runId, isTerminal, timeoutMs);
          await llm.untilCalls(run.tag, 3, () => true, timeoutMs);
          const deadline = performance.now() + timeoutMs;
          while (llm.callsOf(run.tag).some((c) => !c.closedAt) && performance.now() < deadline) await sleep(1);
          const calls = llm.callsOf(run.tag);
          if (calls.some((c) => !c.closedAt)) throw new Error(`run ${run.runId}: LLM connections still open ${timeoutMs} ms after the cancel`);
          const terminal = received.get(run.runId)!.find((r) => isTerminal(r.event))!.event;
          if (terminal.state !== 'Cancelled') notCancelled.push(terminal.state);
          toEvent.push(eventAt - t0);
          toClose.push(Math.max(...calls.map((c) => c.closedAt)) - t0);
          await answered;
          received.delete(run.runId);
          await sleep(gapMs);
        }
      }
      return { via, cancels: toEvent.length, notCancelled, toEventMs: summary(toEvent), toCloseMs: summary(toClose), ...elu.end() };
    },
  },
  {},
  async () => {
    closeAll(sockets);
    await llm.stop();
  },
);


