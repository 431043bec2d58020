import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { EDGE_NUMBERS, PROTOTYPE_KEYS } from './json-mutations.arbitraries';

/** The records and tokens the generators may name: real ids of both tenants, so that some inputs hit something. */
export interface KnownRecords {
  tokenA: string;
  tokenB: string;
  runIds: string[];
  campaignIds: string[];
  continuationTokens: string[];
}

/** Path segments as they go on the wire: traversal, NUL, bad percent-encoding, unicode (encoded or latin-1 raw), very long, real ids. */
export function pathSegment(known: Pick<KnownRecords, 'runIds' | 'campaignIds'>): fc.Arbitrary<string> {
  const special = fc.constantFrom(
    '..', '.', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%2F', '%5C', '%00', 'a%00b', '%zz', '%', '%E0%A4%A', '%C0%AF', '%FF', '%u0041',
    '~', ';', 'a;b', '*', '%20', '+', '$%7Bx%7D', '%27%3B%20DROP%20TABLE%20runs%3B--', 'null', 'undefined', 'NaN', '-1', '0',
    ...PROTOTYPE_KEYS.map(encodeURIComponent), 'run:start', 'caf%E9', 'caf%C3%A9', '%FF%FE',
  );
  const encoded = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent);
  const rawChars = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~!$&\'()*+,;=:@%'.split('')), minLength: 1, maxLength: 20 });
  const long = fc.constantFrom(99, 100, 101, 1000, 6000).map((length) => 'r'.repeat(length));
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known.runIds, ...known.campaignIds), weight: 3 },
    { arbitrary: special, weight: 3 },
    { arbitrary: encoded, weight: 2 },
    { arbitrary: rawChars, weight: 2 },
    { arbitrary: long, weight: 1 },
  );
}

/** A query value: edge numbers, numbers in odd spellings, odd text, encoded unicode. */
const queryValue = fc.oneof(
  fc.constantFrom(
    ...EDGE_NUMBERS.map(String), '', '00', '01', '1.0', '1e3', '0x10', '+1', '%201', '1+', '-0', '99999999999999999999999',
    'abc', 'true', 'null', '%zz', '%00', '[]', '%5B%5D',
  ),
  fc.integer({ min: -5, max: 200_000 }).map(String),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);

/** A continuation token: real ones, base64url JSON with edge offsets, random base64, odd text. */
export function continuationToken(known: Pick<KnownRecords, 'continuationTokens'>): fc.Arbitrary<string> {
  const offsets = fc.constantFrom<unknown>(0, 1, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 2 ** 63, 1e300, '5', null, [], {}, true);
  return fc.oneof(
    ...(known.continuationTokens.length > 0 ? [fc.constantFrom(...known.continuationTokens)] : []),
    fc.tuple(offsets, fc.constantFrom('offset', 'Offset', '__proto__')).map(([offset, key]) => Buffer.from(`{"${key}":${JSON.stringify(offset)}}`).toString('base64url')),
    fc.base64String({ maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom('', '=', 'e30', 'bnVsbA', 'W10', 'MQ', '%zz', 'a'.repeat(5000)),
  );
}

/** A query string (with its `?`, or empty) over `names`: known, unknown, prototype and repeated keys, edge values. */
export function queryString(names: string[], known: Pick<KnownRecords, 'continuationTokens'>): fc.Arbitrary<string> {
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 6 },
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'unknown', 'access_token', 'page[]', 'page[a]', 'afterSeq[0]', '', '%zz', 'a%00'), weight: 2 },
  );
  const pair = fc.oneof(
    { arbitrary: fc.tuple(name, queryValue).map(([n, v]) => `${n}=${v}`), weight: 6 },
    { arbitrary: continuationToken(known).map((token) => `continuationToken=${token}`), weight: 2 },
    { arbitrary: name, weight: 1 },
  );
  return fc.oneof(
    { arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join('&')}`), weight: 8 },
    { arbitrary: fc.constantFrom('', '?', '?&', '?&&=', '?=', '?==1', '?#x'), weight: 1 },
  );
}

/** An `Authorization` header (or none): mostly tenant A's token, so the request passes authentication, and its variants. */
export function authorization(known: Pick<KnownRecords, 'tokenA' | 'tokenB'>): fc.Arbitrary<string | undefined> {
  const { tokenA, tokenB } = known;
  return fc.oneof(
    { arbitrary: fc.constant(`Bearer ${tokenA}`), weight: 12 },
    { arbitrary: fc.constant(`Bearer ${tokenB}`), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        undefined, '', 'Bearer', 'Bearer ', `bearer ${tokenA}`, `BEARER  ${tokenA}  `, `Bearer ${tokenA} extra`, `Bearer ${tokenA},Bearer ${tokenB}`,
        `Bearer ${tokenA.slice(0, -1)}`, `Bearer ${tokenA}x`, tokenA, `Basic ${Buffer.from(`${tokenA}:x`).toString('base64')}`, `Token ${tokenA}`,
        `Bearer\t${tokenA}`, `Bearer ${'t'.repeat(4000)}`, 'Bearer null', 'Bearer undefined', 'Bearer __proto__', `Bearer ${'\u00e9'.repeat(16)}`,
      ),
      weight: 4,
    },
    { arbitrary: latin1HeaderValue.map((value) => `Bearer ${value}`), weight: 1 },
  );
}

/** A header value Node's client sends (latin-1 without control characters). */
export const latin1HeaderValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 40 });

/**
 * An idempotency key of a start (the `Idempotency-Key` header, the socket's `idempotencyKey`): fresh
 * ones, a few reused across inputs (so some repeat a start, some reuse a key for another body), and
 * invalid ones (empty, spaces, non-ASCII, past 255 characters).
 */
export const idempotencyKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.uuid(), weight: 3 },
  { arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3'), weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', 'a b', '\t', 'caf\u00e9', 'k'.repeat(255), 'k'.repeat(256), '__proto__', '%00'), weight: 2 },
);

/** An idempotency key on about three inputs in ten, none (null) on the rest. */
export const maybeIdempotencyKey: fc.Arbitrary<string | null> = fc.oneof({ arbitrary: fc.constant(null), weight: 7 }, { arbitrary: idempotencyKey, weight: 3 });

/** `Content-Type` variants: JSON with charsets, +json types, non-JSON types, malformed, none. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      undefined, '', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset=utf8', 'application/json; charset="utf-8"',
      'application/json; charset=latin1', 'application/json; charset=iso-8859-1', 'application/json; charset=utf-16le', 'application/json; charset=utf-32',
      'application/json; charset=klingon', 'application/json; charset=', 'application/json; charset', 'application/json; charset="utf-8',
      'application/merge-patch+json', 'application/problem+json', 'application/vnd.api+json; charset=utf-8', 'APPLICATION/JSON', 'Application/Json ',
      'text/plain', 'text/json', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/octet-stream',
      'application/', '/json', 'json', '*/*', ';;', 'application/json; foo', 'application/json, text/plain', 'application/json; charset=utf-8; charset=latin1',
    ),
    weight: 6,
  },
  { arbitrary: latin1HeaderValue, weight: 1 },
);

/** How the body's bytes are encoded, and the `Content-Encoding` said. */
export type BodyEncoding = 'none' | 'identity' | 'gzip' | 'deflate' | 'br' | 'gzip-lie' | 'x-gzip' | 'GZIP' | 'gzip, identity' | 'unknown' | 'empty' | 'bomb';

export const bodyEncoding: fc.Arbitrary<BodyEncoding> = fc.oneof(
  { arbitrary: fc.constant('none' as const), weight: 12 },
  { arbitrary: fc.constantFrom<BodyEncoding>('identity', 'gzip', 'deflate', 'br', 'gzip-lie', 'x-gzip', 'GZIP', 'gzip, identity', 'unknown', 'empty', 'bomb'), weight: 4 },
);

/** A gzip of 16 MB of zeros (16 KB on the wire), made once when first sent: must be refused by its inflated size, not inflated into memory. */
let bomb: Buffer | undefined;

/** The bytes and the `Content-Encoding` header of `body` under `encoding`. */
export function encodeBody(body: Buffer, encoding: BodyEncoding): { bytes: Buffer; header?: string } {
  switch (encoding) {
    case 'none':
      return { bytes: body };
    case 'gzip':
    case 'x-gzip':
    case 'GZIP':
      return { bytes: gzipSync(body), header: encoding };
    case 'deflate':
      return { bytes: deflateSync(body), header: 'deflate' };
    case 'br':
      return { bytes: brotliCompressSync(body), header: 'br' };
    case 'gzip-lie':
      return { bytes: body, header: 'gzip' };
    case 'unknown':
      return { bytes: body, header: 'xyz' };
    case 'empty':
      return { bytes: body, header: '' };
    case 'bomb':
      bomb ??= gzipSync(Buffer.alloc(16 * 1024 * 1024));
      return { bytes: bomb, header: 'gzip' };
    default:
      return { bytes: body, header: encoding };
  }
}

/** `Accept` variants: JSON, event stream, wildcards, q-values, nonsense, none. */
export const accept: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined, 'application/json', 'text/event-stream', 'text/event-stream, application/json', 'text/event-stream;q=0', '*/*', 'text/html',
  'application/problem+json', 'application/xml', '', ';;;', 'text/*',
);

/** `Last-Event-ID` variants (only the events route reads it). */
export const lastEventId: fc.Arbitrary<string | undefined> = fc.constantFrom(undefined, '0', '1', '3', '-1', '1.5', '99999999999999999999999', 'abc', '', ' 2', '00');

/** Headers a client might add to anything: odd request ids, forwarding headers, long cookies. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.tuple(
      fc.constantFrom('x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'cookie', 'x-api-key', 'origin', 'referer', 'user-agent', 'traceparent', 'baggage', 'if-none-match', 'range'),
      latin1HeaderValue,
    ),
    { maxLength: 3 },
  )
  .map((pairs) => Object.fromEntries(pairs));
