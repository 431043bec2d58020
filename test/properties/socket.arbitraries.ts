import fc from 'fast-check';
import { EDGE_NUMBERS, PROTOTYPE_KEYS, applyMutations, mutation, oddValue, type Json } from './json-mutations.arbitraries';
import { startInput } from './run-body.arbitraries';

/** The messages the server handles; each answers an acknowledgement. */
export const SOCKET_MESSAGES = ['run:start', 'run:subscribe', 'run:unsubscribe', 'run:cancel'] as const;
export type SocketMessage = (typeof SOCKET_MESSAGES)[number];

/** Event names the server has no handler for (the client refuses to emit its reserved ones). */
const UNKNOWN_EVENTS = ['run:event', 'run:unknown', 'run:start ', 'RUN:START', 'run', 'error', 'message', '', ...PROTOTYPE_KEYS];

/** One emitted message: its event, its arguments (payloads), and whether it carries an acknowledgement callback. */
export interface EmittedMessage {
  event: string;
  args: unknown[];
  withAck: boolean;
}

/** A payload value that may hold binary (Socket.IO sends it as an attachment). */
const binary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));

/** Run ids a `runId` field may hold: real ones (both tenants'), odd strings, other types. */
function runId(runIds: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...runIds), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 2 },
    { arbitrary: fc.constantFrom('..', '%00', '\u0000', ' ', 'r'.repeat(100), 'r'.repeat(101), ...PROTOTYPE_KEYS), weight: 2 },
    { arbitrary: oddValue, weight: 1 },
    { arbitrary: binary, weight: 1 },
  );
}

/** A `run:subscribe` payload: a run id and perhaps an `afterSeq` at the edges, then perhaps mutated. */
function subscribePayload(runIds: string[]): fc.Arbitrary<unknown> {
  const afterSeq = fc.oneof(fc.constantFrom<unknown>(...EDGE_NUMBERS, '0', '3', '-1', '1.5', '99999999999999999999', 'later', null), fc.nat(50));
  const plain = fc.record({ runId: runId(runIds), afterSeq }, { requiredKeys: ['runId'] });
  return fc.oneof(plain, fc.tuple(plain, fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([value, changes]) => applyMutations(value as Json, changes)));
}

/** A `run:unsubscribe` / `run:cancel` payload. */
function runRefPayload(runIds: string[]): fc.Arbitrary<unknown> {
  const plain = fc.record({ runId: runId(runIds) });
  return fc.oneof(plain, fc.tuple(plain, fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([value, changes]) => applyMutations(value as Json, changes)));
}

/** Payloads of any kind, for any message: odd JSON, binary, nothing at all. */
const anyPayload: fc.Arbitrary<unknown> = fc.oneof(oddValue, binary, fc.constant(undefined), fc.jsonValue({ maxDepth: 3 }));

/** The arguments of one message: mostly one payload of its kind, sometimes none, two, or one of another kind. */
function argsFor(own: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  return fc.oneof(
    { arbitrary: own.map((payload) => [payload]), weight: 8 },
    { arbitrary: anyPayload.map((payload) => [payload]), weight: 2 },
    { arbitrary: fc.constant<unknown[]>([]), weight: 1 },
    { arbitrary: fc.tuple(own, anyPayload).map((pair) => [...pair]), weight: 1 },
  );
}

/** A message to the server: one of its four messages (most) or an unknown event, with or without an acknowledgement. */
export function socketMessage(known: { runIds: string[]; campaignIds: string[] }): fc.Arbitrary<EmittedMessage> {
  const { runIds, campaignIds } = known;
  const own: Record<SocketMessage, fc.Arbitrary<unknown>> = {
    'run:start': startInput('socketStart', fc.oneof(fc.constantFrom(...campaignIds), fc.string({ maxLength: 12 }))),
    'run:subscribe': subscribePayload(runIds),
    'run:unsubscribe': runRefPayload(runIds),
    'run:cancel': runRefPayload(runIds),
  };
  const known4 = fc.constantFrom(...SOCKET_MESSAGES).chain((event) => fc.record({ event: fc.constant<string>(event), args: argsFor(own[event]), withAck: fc.boolean() }));
  const unknown = fc.record({
    event: fc.oneof(fc.constantFrom(...UNKNOWN_EVENTS), fc.string({ maxLength: 12 })),
    args: fc.array(anyPayload, { maxLength: 2 }),
    withAck: fc.boolean(),
  });
  return fc.oneof({ arbitrary: known4, weight: 6 }, { arbitrary: unknown, weight: 1 });
}

/** Whether `event` is one the server answers. */
export const isHandled = (event: string): event is SocketMessage => (SOCKET_MESSAGES as readonly string[]).includes(event);

/** A message naming a record of the other tenant, and the not-found code it must get. */
export interface CrossTenantMessage {
  tenant: 'a' | 'b';
  event: SocketMessage;
  payload: Record<string, unknown>;
  expected: 'RUN_NOT_FOUND' | 'CAMPAIGN_NOT_FOUND';
}

/** Each tenant's socket naming the other's runs (subscribe, cancel) and campaigns (start). */
export function crossTenantMessage(of: Record<'a' | 'b', { runIds: string[]; campaignIds: string[] }>): fc.Arbitrary<CrossTenantMessage> {
  return fc.constantFrom<'a' | 'b'>('a', 'b').chain((tenant) => {
    const other = of[tenant === 'a' ? 'b' : 'a'];
    return fc.oneof(
      fc.tuple(fc.constantFrom<SocketMessage>('run:subscribe', 'run:cancel'), fc.constantFrom(...other.runIds)).map(([event, runId]) => ({ tenant, event, payload: { runId }, expected: 'RUN_NOT_FOUND' as const })),
      fc.constantFrom(...other.campaignIds).map((campaignId) => ({ tenant, event: 'run:start' as const, payload: { campaignId, selectedPlatforms: ['x'] }, expected: 'CAMPAIGN_NOT_FOUND' as const })),
    );
  });
}

/** The `auth` of a handshake: the right token, the other tenant's, odd tokens, other types, none. */
export function handshakeAuth(tokens: { tokenA: string; tokenB: string }): fc.Arbitrary<Record<string, unknown> | undefined> {
  const token = fc.oneof(
    fc.constantFrom<unknown>(tokens.tokenA, tokens.tokenB, `${tokens.tokenA} `, `Bearer ${tokens.tokenA}`, '', ' ', 'x'.repeat(5000), '__proto__'),
    oddValue,
    binary,
  );
  return fc.oneof(
    fc.constant(undefined),
    token.map((value) => ({ token: value })),
    fc.tuple(token, fc.constantFrom(...PROTOTYPE_KEYS, 'tenantId', 'Token')).map(([value, key]) => ({ [key]: value })),
  );
}
