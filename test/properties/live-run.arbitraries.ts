import fc from 'fast-check';
import { EXECUTION_MODES, PLATFORMS, type ExecutionMode, type Platform } from '@app/contracts';
import { lastEventId, queryString } from './http.arbitraries';
import { EDGE_NUMBERS } from './json-mutations.arbitraries';

/** One thing a client does to a run while it runs, `delayMs` after the start. */
export type LiveAction = { delayMs: number } & (
  | { kind: 'sse'; query: string; lastEventId?: string; streamForMs: number }
  | { kind: 'events'; query: string }
  | { kind: 'detail' }
  | { kind: 'cancel'; via: 'rest' | 'socket' }
  | { kind: 'subscribe'; afterSeq: unknown }
  | { kind: 'unsubscribe' }
  | { kind: 'startAgain' }
);

/** A run to start, and what clients do to it at once, concurrently. */
export interface LiveRunCase {
  executionMode: ExecutionMode;
  selectedPlatforms: Platform[];
  actions: LiveAction[];
}

const delayMs = fc.integer({ min: 0, max: 250 });

const action: fc.Arbitrary<LiveAction> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('sse' as const), delayMs, query: queryString(['afterSeq'], { continuationTokens: [] }), lastEventId, streamForMs: fc.integer({ min: 0, max: 400 }) }, { requiredKeys: ['kind', 'delayMs', 'query', 'streamForMs'] }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('events' as const), delayMs, query: queryString(['afterSeq'], { continuationTokens: [] }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('detail' as const), delayMs }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), delayMs, via: fc.constantFrom<'rest' | 'socket'>('rest', 'socket') }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('subscribe' as const), delayMs, afterSeq: fc.constantFrom<unknown>(undefined, 0, 1, 3, 1000, -1, '2', ...EDGE_NUMBERS.slice(-4)) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), delayMs }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('startAgain' as const), delayMs }), weight: 1 },
);

/** A valid run and one to six concurrent actions on it: streams read and dropped, replays, subscriptions, cancels, a second start. */
export const liveRunCase: fc.Arbitrary<LiveRunCase> = fc.record({
  executionMode: fc.constantFrom(...EXECUTION_MODES),
  selectedPlatforms: fc.uniqueArray(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: 3 }),
  actions: fc.array(action, { minLength: 1, maxLength: 6 }),
});
