import fc from 'fast-check';

/** A JSON value, possibly with own `__proto__` keys (as `JSON.parse` makes them). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A deep copy that keeps own `__proto__` keys (JSON.parse defines them as own properties). */
export const jsonClone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** An object with `key` as an own enumerable property, even `__proto__`. */
export function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** `levels` arrays (or objects) nested in one another. */
export const nested = (levels: number, asObject: boolean): Json => {
  let value: Json = asObject ? {} : [];
  for (let i = 0; i < levels; i++) value = asObject ? { a: value } : [value];
  return value;
};

/** Keys that mean something to JavaScript objects, prototype pollution's favourites. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'];

/** Numbers at the edges of the DTOs' bounds, of integers and of doubles. */
export const EDGE_NUMBERS = [
  0, -0, 1, -1, 1.5, -1.5, 0.1, 50, 100, 101, 200, 201, 500, 501, 4000, 4001, 9999, 10_000, 10_001, 100_000, 100_001,
  2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_VALUE, 1e21, 1e300,
];

/** Strings that are empty, blank, look like other types, or carry control and invisible characters. */
const ODD_STRINGS = [
  '', ' ', '   ', '\t\n', '\u0000', 'a\u0000b', '\u200b', '\ufeff', '\u202e', 'null', 'true', '0', '-1', '1e3', 'NaN', 'Infinity', '[]', '{}',
  '#FFFFFF', '#fff', 'x', 'X', ' x ', 'parallel', 'sequential', 'general', '__proto__', '${7*7}', "'; DROP TABLE runs; --", '../../etc/passwd',
];

/** Long strings around the length limits (built, not generated, to stay fast). */
const longString = fc
  .tuple(fc.constantFrom(51, 101, 201, 501, 4001, 20_000, 60_000, 120_000), fc.constantFrom('x', 'é', '😀', ' ', '\u0000'))
  .map(([length, unit]) => unit.repeat(length));

/** Any object with an own prototype key, holding something odd. */
const prototypeObject = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom<Json>({}, { polluted: true }, null, 1, { prototype: { polluted: true } }))
  .map(([key, value]) => withOwnKey({}, key, value) as Json);

/** A value that is wrong somewhere a DTO expects something else: types, edges, odd text, size, depth. */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], [[]], { '': '' }), weight: 3 },
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 3 },
  { arbitrary: fc.constantFrom(...ODD_STRINGS), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: fc.constantFrom(31, 32, 33, 200, 1000).chain((levels) => fc.boolean().map((asObject) => nested(levels, asObject))), weight: 1 },
  { arbitrary: prototypeObject, weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, weight: 2 },
);

/** A key to add to an object: an unknown one, a prototype key, or an odd one. */
const extraKey = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.constantFrom('', ' ', 'campaignId', 'runId', 'tenantId', 'status', 'id', 'brief', 'idempotencyKey', 'a.b', '$where'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** One change to a JSON value at the `at`-th of its nodes (counted depth first, modulo their number). */
export type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'wrapInArray'; at: number }
  | { kind: 'wrapInObject'; at: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: oddValue }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: extraKey, value: oddValue }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('wrapInArray' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('wrapInObject' as const), at: fc.nat() }), weight: 1 },
);

interface Slot {
  parent: Record<string, Json> | Json[];
  key: string | number;
}

/** Every place a value sits in `root` (not the root itself), depth first, stopping at `limit` levels. */
function slotsOf(root: Json, limit = 8): Slot[] {
  const slots: Slot[] = [];
  const walk = (value: Json, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > limit) return;
    for (const key of Object.keys(value)) {
      const parent = value as Record<string, Json>;
      slots.push({ parent, key: Array.isArray(value) ? Number(key) : key });
      walk(parent[key], depth + 1);
    }
  };
  walk(root, 0);
  return slots;
}

/** Every object in `root`, itself first. */
function objectsOf(root: Json): Record<string, Json>[] {
  const objects = [root, ...slotsOf(root).map((slot) => (slot.parent as Record<string, Json>)[slot.key as string])];
  return objects.filter((value): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value));
}

/** Sets `parent[key]`, as an own property even for `__proto__`. */
function put(parent: Slot['parent'], key: Slot['key'], value: Json): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else withOwnKey(parent, key as string, value);
}

/** `base` (copied) with `mutations` applied in order; `base` itself is not changed. */
export function applyMutations(base: Json, mutations: Mutation[]): Json {
  const root = jsonClone(base);
  for (const change of mutations) {
    if (change.kind === 'add') {
      const objects = objectsOf(root);
      if (objects.length > 0) withOwnKey(objects[change.at % objects.length], change.key, jsonClone(change.value));
      continue;
    }
    const slots = slotsOf(root);
    if (slots.length === 0) continue;
    const { parent, key } = slots[change.at % slots.length];
    const current = (parent as Record<string | number, Json>)[key];
    if (change.kind === 'replace') put(parent, key, jsonClone(change.value));
    else if (change.kind === 'wrapInArray') put(parent, key, [current]);
    else if (change.kind === 'wrapInObject') put(parent, key, { value: current });
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  }
  return root;
}
