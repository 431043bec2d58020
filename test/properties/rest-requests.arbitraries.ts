import fc from 'fast-check';
import { PLATFORMS } from '@app/contracts';
import {
  accept,
  authorization,
  maybeIdempotencyKey,
  bodyEncoding,
  contentType,
  encodeBody,
  extraHeaders,
  lastEventId,
  pathSegment,
  queryString,
  type BodyEncoding,
  type KnownRecords,
} from './http.arbitraries';
import type { Json } from './json-mutations.arbitraries';
import type { RawRequest } from './raw-http';
import { startInput, type StartShape } from './run-body.arbitraries';

/** Every route of the server with a path parameter, as `[method, template]` (`:id` is the parameter), from the controllers. */
export const ROUTES_WITH_ID: [string, string][] = [
  ['GET', '/api/runs/:id'],
  ['GET', '/api/runs/:id/events'],
  ['POST', '/api/runs/:id/cancel'],
  ['GET', '/api/campaigns/:id'],
  ['GET', '/api/campaigns/:id/runs'],
  ['POST', '/api/campaigns/:id/runs'],
];

/** The routes without one: the two start routes, the campaign list, health, the page and the API description. */
export const ROUTES_WITHOUT_ID: [string, string][] = [
  ['POST', '/api/runs'],
  ['POST', '/api/campaigns'],
  ['GET', '/api/campaigns'],
  ['GET', '/api/health/live'],
  ['GET', '/api/health/ready'],
  ['GET', '/'],
  ['GET', '/api/docs-json'],
];

/** Paths no route has, with a parameter: past a route's end, under /api, static, the docs' assets, health. */
const UNROUTED: string[] = ['/api/runs/:id/:id', '/api/campaigns/:id/runs/:id', '/api/:id', '/:id', '/api/docs/:id', '/api/health/:id', '/api/runs/:id/events/:id'];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** What each body route takes. */
const SHAPE_OF: Record<string, StartShape> = { '/api/runs': 'createAndStart', '/api/campaigns': 'campaign', '/api/campaigns/:id/runs': 'campaignRun' };

/** A request body as text: the input as JSON (most), or JSON of another kind, broken JSON, a BOM, trailing bytes, duplicate keys, nothing. */
function bodyText(input: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  const json = input.map((value) => JSON.stringify(value));
  return fc.oneof(
    { arbitrary: json, weight: 16 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: fc.tuple(json, fc.nat()).map(([text, at]) => text.slice(0, at % (text.length + 1))), weight: 1 },
    { arbitrary: json.map((text) => `\ufeff${text}`), weight: 1 },
    { arbitrary: fc.tuple(json, fc.constantFrom('x', ',', '}', '\u0000', ' {}')).map(([text, tail]) => `${text}${tail}`), weight: 1 },
    { arbitrary: json.map((text) => (text.startsWith('{') && text.length > 2 ? `{"campaign":1,${text.slice(1)}` : text)), weight: 1 },
    { arbitrary: fc.constantFrom('', ' ', 'null', '""', '[]', '{', '{"a":}', 'NaN', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}'), weight: 1 },
  );
}

/** A `RawRequest` with `body` encoded as `encoding`. */
function withBody(request: Omit<RawRequest, 'body'>, text: string | undefined, encoding: BodyEncoding): RawRequest {
  if (text === undefined) return request;
  const { bytes, header } = encodeBody(Buffer.from(text, 'utf8'), encoding);
  return { ...request, body: bytes, headers: { ...request.headers, ...(header === undefined ? {} : { 'content-encoding': header }) } };
}

const definedHeaders = (headers: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));

/** `Authorization`, and `Content-Type: application/json` when there is a body. */
const jsonHeaders = (authorizationHeader: string | undefined, withBodyType = true): Record<string, string> =>
  definedHeaders({ authorization: authorizationHeader, 'content-type': withBodyType ? 'application/json' : undefined });

/** `[method, path]` of each route template with its `:id` set to one of `ids`. */
const withIds = (routes: [string, string][], ids: string[]): fc.Arbitrary<[string, string]> =>
  fc.constantFrom(...routes).chain(([method, path]) => fc.constantFrom(...ids).map((id): [string, string] => [method, path.replace(':id', id)]));

/** Start bodies (valid, mutated, broken) to the three body routes, as tenant A with JSON headers (mostly). */
export function startBodyRequest(known: KnownRecords): fc.Arbitrary<RawRequest> {
  const campaignId = fc.oneof({ arbitrary: fc.constantFrom(...known.campaignIds), weight: 4 }, { arbitrary: pathSegment(known), weight: 1 });
  const auth = fc.oneof({ arbitrary: fc.constant(`Bearer ${known.tokenA}`), weight: 9 }, { arbitrary: authorization(known), weight: 1 });
  return fc.constantFrom(...Object.keys(SHAPE_OF)).chain((template) =>
    fc
      .record({
        id: campaignId,
        text: bodyText(startInput(SHAPE_OF[template], fc.constantFrom(...known.campaignIds))),
        auth,
        key: maybeIdempotencyKey,
        chunked: fc.boolean(),
      })
      .map(({ id, text, auth: authHeader, key, chunked }) => {
        const headers = { ...jsonHeaders(authHeader), ...(key === null ? {} : { 'idempotency-key': key }) };
        return withBody({ method: 'POST', path: template.replace(':id', id), headers, chunked }, text, 'none');
      }),
  );
}

/** Every route, with odd path parameters, with each method (mostly its own), a small body where one goes. */
export function pathParamRequest(known: KnownRecords): fc.Arbitrary<RawRequest> {
  const template = fc.oneof(
    { arbitrary: fc.constantFrom(...ROUTES_WITH_ID), weight: 6 },
    { arbitrary: fc.constantFrom(...UNROUTED).map((path): [string, string] => ['GET', path]), weight: 2 },
  );
  const method = (own: string) => fc.oneof({ arbitrary: fc.constant(own), weight: 6 }, { arbitrary: fc.constantFrom(...METHODS), weight: 1 });
  return template.chain(([own, path]) =>
    fc
      .record({ method: method(own), ids: fc.array(pathSegment(known), { minLength: 2, maxLength: 2 }), platforms: fc.subarray([...PLATFORMS], { minLength: 1 }) })
      .map(({ method: m, ids, platforms }) => {
        let index = 0;
        const filled = path.replace(/:id/g, () => ids[index++]);
        const text = m === 'POST' ? JSON.stringify({ selectedPlatforms: platforms }) : undefined;
        return withBody({ method: m, path: filled, headers: jsonHeaders(`Bearer ${known.tokenA}`, text !== undefined) }, text, 'none');
      }),
  );
}

/** The two routes that read a query (the campaign list, a run's events, JSON or SSE), and others that should ignore one. */
export function queryRequest(known: KnownRecords): fc.Arbitrary<RawRequest> {
  const runId = fc.oneof({ arbitrary: fc.constantFrom(...known.runIds), weight: 5 }, { arbitrary: pathSegment(known), weight: 1 });
  const routes = fc.oneof(
    { arbitrary: fc.constant('/api/campaigns').map((path) => ({ path, names: ['page', 'pageSize', 'continuationToken'] })), weight: 4 },
    { arbitrary: runId.map((id) => ({ path: `/api/runs/${id}/events`, names: ['afterSeq'] })), weight: 4 },
    {
      arbitrary: fc.constantFrom('/api/health/ready', `/api/runs/${known.runIds[0]}`, `/api/campaigns/${known.campaignIds[0]}/runs`, '/').map((path) => ({ path, names: ['afterSeq', 'page'] })),
      weight: 1,
    },
  );
  return routes.chain(({ path, names }) =>
    fc.record({ query: queryString(names, known), accept, lastEventId }).map(({ query, accept: acceptHeader, lastEventId: last }) => ({
      method: 'GET',
      path: `${path}${query}`,
      headers: definedHeaders({ authorization: `Bearer ${known.tokenA}`, accept: acceptHeader, 'last-event-id': last }),
    })),
  );
}

/** Any route with odd headers: content type and charset, content encoding (true, false, a bomb), authorization, accept, chunked bodies, extras. */
export function headerRequest(known: KnownRecords): fc.Arbitrary<RawRequest> {
  const route = fc.oneof(fc.constantFrom(...ROUTES_WITHOUT_ID), withIds(ROUTES_WITH_ID, [...known.runIds, ...known.campaignIds]));
  const smallBody = fc.constantFrom<Json | undefined>(undefined, {}, { selectedPlatforms: ['x'] }, { selectedPlatforms: [] }, { name: '' }, 'text', [1]);
  return fc
    .record({ route, body: smallBody, contentType, encoding: bodyEncoding, auth: authorization(known), accept, key: maybeIdempotencyKey, extra: extraHeaders, chunked: fc.boolean() })
    .map(({ route: [method, path], body, contentType: type, encoding, auth, accept: acceptHeader, key, extra, chunked }) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = definedHeaders({ ...extra, 'content-type': type, authorization: auth, accept: acceptHeader, 'idempotency-key': key ?? undefined });
      return withBody({ method, path, headers, chunked }, text, encoding);
    });
}

/** `token` (another tenant's) on every route of the records `ids`: each must answer 404, as if nothing were there. */
export function crossTenantRequest(ids: { runIds: string[]; campaignIds: string[] }, token: string): fc.Arbitrary<RawRequest> {
  const runRoutes = withIds(ROUTES_WITH_ID.filter(([, p]) => p.startsWith('/api/runs')), ids.runIds);
  const campaignRoutes = withIds(ROUTES_WITH_ID.filter(([, p]) => p.startsWith('/api/campaigns')), ids.campaignIds);
  return fc.record({ route: fc.oneof(runRoutes, campaignRoutes), accept }).map(({ route: [method, path], accept: acceptHeader }) => {
    const text = method === 'POST' && path.endsWith('/runs') ? JSON.stringify({ selectedPlatforms: ['x'] }) : undefined;
    return withBody({ method, path, headers: definedHeaders({ ...jsonHeaders(`Bearer ${token}`, text !== undefined), accept: acceptHeader }) }, text, 'none');
  });
}
