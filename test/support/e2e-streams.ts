import { isTerminalState, type ExecutionMode, type OrchestrationEvent } from '@app/contracts';

/** Terminal state of each result status (docs/events.md). */
const TERMINAL_OF_RESULT: Record<string, string> = {
  success: 'Completed',
  partialSuccess: 'PartiallyCompleted',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The generator state of each artifact type. */
const GENERATING: Record<string, string> = { copy: 'GeneratingCopy', shortCopy: 'GeneratingShortCopy', visualConcept: 'GeneratingVisual' };

/** A compact trace of a stream, one token an event: `State/agent/phase/attempt`. */
export function trace(events: OrchestrationEvent[]): string[] {
  return events.map((e) => [e.state, e.agentType, e.phase, e.attempt].filter((x) => x !== undefined).join('/'));
}

const start = (state = 'Generating\\w+', agent = '\\w+') => `${state}/${agent}/started/\\d+`;
const done = (state = 'Generating\\w+', agent = '\\w+') => `${state}/${agent}/(?:completed|failed)/\\d+`;
const AUDIT = `${start('Auditing', 'audit')} ${done('Auditing', 'audit')}`;
const TERMINAL = '(?:Completed|PartiallyCompleted|Failed|Cancelled)/\\d+';

/** One artifact in sequential mode: generated, audited, then its regenerations, each audited. */
const sequentialStep = (state: string, agent: string, last = false) => {
  const round = `${start(state, agent)} ${done(state, agent)}`;
  return `${round}${last ? ' GenerationComplete/1' : ''}(?: ${AUDIT})?(?: ${round}(?: ${AUDIT})?)*`;
};

/** The order docs/events.md gives for a run that ends by itself, as a regular expression over the trace. */
export const ORDER: Record<ExecutionMode, RegExp> = {
  parallel: new RegExp(
    `^Queued/1(?: ${start()}){3}(?: ${done()}){3} GenerationComplete/1(?: ${AUDIT}(?:(?: ${start()})+(?: ${done()})+(?: ${AUDIT})?)*)? ${TERMINAL}$`,
  ),
  sequential: new RegExp(
    `^Queued/1 ${sequentialStep('GeneratingCopy', 'copy')} ${sequentialStep('GeneratingShortCopy', 'shortCopy')} ${sequentialStep('GeneratingVisual', 'visualConcept', true)} ${TERMINAL}$`,
  ),
};

/**
 * The envelope rules every complete stream keeps: one run, seq 1..n without gaps, unique event
 * ids, `Queued` first, exactly one terminal event and it is last, non-decreasing timestamps.
 */
export function expectCompleteStream(events: OrchestrationEvent[], runId?: string): void {
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.runId))).toEqual(new Set([runId ?? events[0].runId]));
  expect(new Set(events.map((e) => e.campaignId)).size).toBe(1);
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  expect(events[0].state).toBe('Queued');
  expect(events.filter((e) => isTerminalState(e.state))).toHaveLength(1);
  expect(isTerminalState(events[events.length - 1].state)).toBe(true);
  const times = events.map((e) => Date.parse(e.timestamp));
  expect(times.every((t, i) => !Number.isNaN(t) && (i === 0 || t >= times[i - 1]))).toBe(true);
}

/**
 * Everything docs/events.md says of a run that ended by itself in `mode`: the envelope, the order
 * of states, agent and phase of every step, attempts counting up per artifact, every start
 * matched by one end, and the metadata of each state.
 */
export function expectRunStream(events: OrchestrationEvent[], mode: ExecutionMode, platforms: string[]): void {
  expectCompleteStream(events);
  expect(trace(events).join(' ')).toMatch(ORDER[mode]);
  expect(events[0].metadata).toEqual({ executionMode: mode, selectedPlatforms: platforms });

  const steps = events.filter((e) => e.phase !== undefined);
  for (const step of steps) {
    expect(step.state).toBe(step.agentType === 'audit' ? 'Auditing' : GENERATING[step.agentType!]);
  }
  for (const type of Object.keys(GENERATING)) {
    const attempts = steps.filter((e) => e.agentType === type && e.phase === 'started').map((e) => e.attempt);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    for (const attempt of attempts) {
      const startedAt = events.findIndex((e) => e.agentType === type && e.attempt === attempt && e.phase === 'started');
      const ends = events.filter((e, i) => i > startedAt && e.agentType === type && e.attempt === attempt && e.phase !== 'started');
      expect(ends).toHaveLength(1);
    }
  }
  for (const event of steps) {
    if (event.phase === 'completed' && event.agentType !== 'audit') expect(event.metadata).toEqual(expect.objectContaining({ durationMs: expect.any(Number), content: expect.any(Object) }));
    if (event.phase === 'failed') expect(event.metadata).toEqual(expect.objectContaining({ code: expect.any(String) }));
    if (event.agentType === 'audit' && event.phase === 'started') expect(event.metadata).toEqual(expect.objectContaining({ artifactTypes: expect.any(Array) }));
    if (event.agentType === 'audit' && event.phase === 'completed') {
      expect(event.metadata).toEqual(expect.objectContaining({ verdicts: expect.any(Object), durationMs: expect.any(Number) }));
    }
  }
  const generationComplete = events.filter((e) => e.state === 'GenerationComplete');
  expect(generationComplete).toHaveLength(1);
  expect(generationComplete[0].metadata).toEqual({ produced: expect.any(Array), failed: expect.any(Array) });
  expectTerminalMetadata(events[events.length - 1]);
}

/** A terminal event carries `resultStatus` (matching its state), `artifacts`, `errorCodes`, `totalMs`. */
export function expectTerminalMetadata(terminal: OrchestrationEvent): void {
  expect(terminal.metadata).toEqual(
    expect.objectContaining({ resultStatus: expect.any(String), artifacts: expect.any(Array), errorCodes: expect.any(Array), totalMs: expect.any(Number) }),
  );
  expect(terminal.state).toBe(TERMINAL_OF_RESULT[terminal.metadata!.resultStatus as string]);
}

/** One Server-Sent Events frame. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** Parses complete SSE frames from `text`; returns them and the unparsed rest. Comment lines are dropped. */
export function parseSse(text: string): { frames: SseFrame[]; rest: string } {
  const blocks = text.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const frames = blocks
    .map((block) => {
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = (colon < 0 ? line : line.slice(0, colon)) as keyof SseFrame;
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        frame[field] = field === 'data' && frame.data !== undefined ? `${frame.data}\n${value}` : value;
      }
      return frame;
    })
    .filter((frame) => Object.keys(frame).length > 0);
  return { frames, rest };
}

/**
 * Reads an SSE response body with its reader until the server closes it (or, with `maxEvents`,
 * until that many events have arrived, then closes it as a client going away); rejects when it is
 * still open after `timeoutMs`. Returns the frames and the events their `data:` carried.
 */
export async function readSse(
  response: Response,
  { timeoutMs = 15_000, maxEvents = Number.POSITIVE_INFINITY }: { timeoutMs?: number; maxEvents?: number } = {},
): Promise<{ frames: SseFrame[]; events: OrchestrationEvent[] }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: SseFrame[] = [];
  const eventsOf = () => frames.filter((f) => f.data !== undefined && f.event === undefined).map((f) => JSON.parse(f.data!) as OrchestrationEvent);
  let buffer = '';
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel();
  }, timeoutMs);
  try {
    while (eventsOf().length < maxEvents) {
      const { done, value } = await reader.read();
      if (done) break;
      const parsed = parseSse(buffer + decoder.decode(value, { stream: true }));
      frames.push(...parsed.frames);
      buffer = parsed.rest;
    }
    if (eventsOf().length >= maxEvents) {
      await reader.cancel();
      buffer = '';
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new Error(`SSE stream still open after ${timeoutMs} ms (${frames.length} frames read)`);
  if (buffer.trim() !== '') throw new Error(`SSE stream ended inside a frame: ${JSON.stringify(buffer)}`);
  if (frames.some((f) => f.event === 'error')) throw new Error(`SSE stream carried an error frame: ${JSON.stringify(frames)}`);
  return { frames, events: eventsOf().slice(0, maxEvents) };
}
