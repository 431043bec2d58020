/**
 * What a client on a surviving node saw of a run whose node was killed (scenario 6): the events
 * before and after the kill, the `Resumed` event of a takeover, and whether its stream stayed
 * whole. Pure: the client gathers the receipts, the runner reads the outcomes.
 */
import { TERMINAL } from '../lib/sockets';

export interface WireEvent {
  runId: string;
  seq: number;
  state: string;
  phase?: string;
  agentType?: string;
  timestamp: string;
  metadata?: Record<string, unknown>;
}

/** One event as one socket received it, at `at` (epoch ms, sub-ms). */
export interface Receipt {
  socket: string;
  event: WireEvent;
  at: number;
}

export interface TakeoverRun {
  tag: string;
  runId: string;
}

export interface TakeoverOutcome {
  runId: string;
  /** Its terminal state, or `none` when it did not end in time. */
  terminal: string;
  /** It was on the killed node: another node took it over (a `Resumed` event came). */
  takenOver: boolean;
  /** The first event received after the kill, and the last seq received before it. */
  nextState?: string;
  nextSeq?: number;
  lastSeqBefore: number;
  /** From the kill to the receipt of the next event, of `Resumed`, and to the stamp the new owner put on `Resumed` (ms). */
  toNextMs?: number;
  toResumedMs?: number;
  toResumedStampMs?: number;
  epoch?: number;
  lost: number;
  duplicates: number;
  /** Model calls of the run, its dead node's included. */
  llmCalls: number;
}

export function takeoverOutcome(run: TakeoverRun, receipts: Receipt[], killedAt: number, llmCalls: number): TakeoverOutcome {
  const sorted = [...receipts].sort((a, b) => a.at - b.at);
  const before = sorted.filter((r) => r.at < killedAt);
  const next = sorted.find((r) => r.at >= killedAt);
  const resumed = sorted.find((r) => r.event.state === 'Resumed');
  const terminal = sorted.find((r) => TERMINAL.has(r.event.state));
  const seqs = new Set(sorted.map((r) => r.event.seq));
  const last = terminal?.event.seq ?? Math.max(0, ...seqs);
  return {
    runId: run.runId,
    terminal: terminal?.event.state ?? 'none',
    takenOver: resumed !== undefined,
    nextState: next?.event.state,
    nextSeq: next?.event.seq,
    lastSeqBefore: Math.max(0, ...before.map((r) => r.event.seq)),
    toNextMs: next && next.at - killedAt,
    toResumedMs: resumed && resumed.at - killedAt,
    toResumedStampMs: resumed && Date.parse(resumed.event.timestamp) - killedAt,
    epoch: resumed?.event.metadata?.epoch as number | undefined,
    lost: last - seqs.size,
    duplicates: sorted.length - seqs.size,
    llmCalls,
  };
}
