import { runInput } from '../support/e2e-app';
import type { FuzzWorld } from './fuzz-world';
import type { LiveAction, LiveRunCase } from './live-run.arbitraries';
import { send, type RawAnswer } from './raw-http';
import { assertSafeAck, assertSafeAnswer } from './safe-answers';

const ACK_TIMEOUT_MS = 5000;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `id:` lines of an event stream go up one by one from wherever it resumed, each with the
 * event of that seq as its `data:`: a stream cut at any moment is still a clean prefix.
 */
function assertOrderedStream(answer: RawAnswer): void {
  if (answer.status !== 200) return;
  // The last piece is a frame cut off when the client went away (or nothing).
  const frames = answer.text.split('\n\n').slice(0, -1).filter((frame) => frame.startsWith('id: '));
  const seqs = frames.map((frame) => {
    const [idLine, dataLine] = frame.split('\n');
    const seq = Number(idLine.slice(4));
    const event = JSON.parse(dataLine.replace(/^data: /, '')) as { seq?: unknown };
    if (event.seq !== seq) throw new Error(`An SSE frame's id ${seq} is not its event's seq ${String(event.seq)}: ${frame}`);
    return seq;
  });
  if (seqs.some((seq, i) => i > 0 && seq !== seqs[i - 1] + 1)) throw new Error(`SSE seqs not consecutive: ${seqs.join(',')}`);
}

/**
 * Starts a valid run as tenant A and does `actions` to it concurrently, each after its delay;
 * every answer must be safe, every stream ordered; then the run is cancelled (if still going),
 * left, and must end.
 */
export async function raceOnLiveRun(world: FuzzWorld, { executionMode, selectedPlatforms, actions }: LiveRunCase): Promise<void> {
  const authorization = `Bearer ${world.known.tokenA}`;
  await world.watched(async () => {
    const body = Buffer.from(JSON.stringify(runInput({ executionMode, selectedPlatforms })));
    const started = await send(world.baseUrl, { method: 'POST', path: '/api/runs', headers: { authorization, 'content-type': 'application/json' }, body });
    assertSafeAnswer(started);
    const { runId, campaignId } = started.json as { runId: string; campaignId: string };
    world.started.push({ runId, authorization });
    const client = await world.socket('a');
    const act = async (action: LiveAction) => {
      await wait(action.delayMs);
      const path = `/api/runs/${runId}`;
      switch (action.kind) {
        case 'sse': {
          const headers = { authorization, accept: 'text/event-stream', ...(action.lastEventId === undefined ? {} : { 'last-event-id': action.lastEventId }) };
          const answer = await send(world.baseUrl, { method: 'GET', path: `${path}/events${action.query}`, headers, streamForMs: action.streamForMs });
          assertSafeAnswer(answer);
          assertOrderedStream(answer);
          return;
        }
        case 'events':
          return assertSafeAnswer(await send(world.baseUrl, { method: 'GET', path: `${path}/events${action.query}`, headers: { authorization } }));
        case 'detail':
          return assertSafeAnswer(await send(world.baseUrl, { method: 'GET', path, headers: { authorization } }));
        case 'cancel':
          if (action.via === 'rest') return assertSafeAnswer(await send(world.baseUrl, { method: 'POST', path: `${path}/cancel`, headers: { authorization } }));
          return assertSafeAck('run:cancel', await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:cancel', { runId }));
        case 'subscribe':
          return assertSafeAck('run:subscribe', await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:subscribe', { runId, afterSeq: action.afterSeq }));
        case 'unsubscribe':
          return assertSafeAck('run:unsubscribe', await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:unsubscribe', { runId }));
        case 'startAgain': {
          const again = await world.request({ method: 'POST', path: `/api/campaigns/${campaignId}/runs`, headers: { authorization, 'content-type': 'application/json' }, body: Buffer.from('{"selectedPlatforms":["x"]}') });
          if (again.status !== 202 && again.status !== 409) throw new Error(`A second start of a campaign answered ${again.status}: ${again.text}`);
          return;
        }
      }
    };
    await Promise.all(actions.map(act));
    const cancelled = await send(world.baseUrl, { method: 'POST', path: `/api/runs/${runId}/cancel`, headers: { authorization } });
    assertSafeAnswer(cancelled);
    assertSafeAck('run:unsubscribe', await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('run:unsubscribe', { runId }));
    await world.untilEnded(runId, authorization);
  });
}
