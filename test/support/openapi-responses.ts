import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import { strictSchema } from './strict-schema';

/** One HTTP answer as the e2e helpers see it. */
export interface SeenResponse {
  method: string;
  /** The request path with its query. */
  path: string;
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** The raw body; undefined for a stream that was not read. */
  text?: string;
}

type Json = Record<string, unknown>;
const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;
const UNMATCHED = 'unmatchedRoute';

/** Paths the document describes: the API under /api (but the document and its UI) and /metrics. The page and its assets are not API. */
function isApiPath(pathname: string): boolean {
  return (pathname.startsWith('/api/') && !pathname.startsWith('/api/docs')) || pathname === '/metrics';
}

/**
 * openapi-backend validates the `application/json` body of an answer only: the problem details of a
 * status are also given to it under that name (a status has one JSON media type here), while the
 * media type itself is checked against the document as served.
 */
function aliasProblems(document: Json): void {
  for (const item of Object.values(document.paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>)) {
    for (const operation of Object.values(item)) {
      for (const response of Object.values(operation.responses ?? {})) {
        const problem = response.content?.['application/problem+json'];
        if (problem && !response.content!['application/json']) response.content!['application/json'] = problem;
      }
    }
  }
}

/**
 * Checks every answer of the API against the OpenAPI document it serves (openapi-backend: routing,
 * body schemas, header schemas): the status must be documented for the operation, the media type
 * one of that status's, the body valid against its schema (strictly: no undocumented field), the
 * headers valid and the required ones present. A path no operation matches must be the router's
 * 404 problem detail.
 */
export class OpenApiResponses {
  private constructor(
    private readonly served: Json,
    private readonly api: OpenAPIBackend,
  ) {}

  /**
   * Reads the document from `baseUrl` (GET /api/docs-json) and prepares its validators, which are
   * compiled per operation as answers come and shared by the apps that serve the same document.
   */
  static async of(baseUrl: string): Promise<OpenApiResponses> {
    const response = await fetch(`${baseUrl}/api/docs-json`);
    if (response.status !== 200) throw new Error(`GET /api/docs-json answered ${response.status}`);
    const text = await response.text();
    let prepared = OpenApiResponses.byDocument.get(text);
    if (!prepared) OpenApiResponses.byDocument.set(text, (prepared = OpenApiResponses.prepare(JSON.parse(text) as Json)));
    return prepared;
  }

  /** Validators by the document they check (one per distinct document in a test process). */
  private static readonly byDocument = new Map<string, Promise<OpenApiResponses>>();

  private static async prepare(served: Json): Promise<OpenApiResponses> {
    const copy = structuredClone(served);
    aliasProblems(copy);
    // Strict: an answer with a field the document does not name fails.
    strictSchema(copy.components);
    strictSchema(copy.paths);
    (copy.paths as Json)['/__unmatched__'] = {
      get: {
        operationId: UNMATCHED,
        responses: { 404: { description: 'No such route', content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/ProblemDetails' }, { properties: { code: { enum: ['NOT_FOUND'] } } }] } } } } },
      },
    };
    const api = new OpenAPIBackend({ definition: copy as unknown as Document, strict: true, quick: true, validate: true, customizeAjv: (ajv) => addFormats(ajv) });
    await api.init();
    return new OpenApiResponses(served, api);
  }

  /** What is wrong with `seen` according to the document (empty when nothing is). */
  check(seen: SeenResponse): string[] {
    const url = new URL(seen.path, 'http://localhost');
    if (!isApiPath(url.pathname)) return [];
    const operation = this.api.router.matchOperation({ method: seen.method.toLowerCase(), path: url.pathname, headers: {} });
    if (!operation) {
      if (seen.status !== 404) return [`no operation matches, and the answer is ${seen.status}, not the router's 404`];
      return this.checkBody(seen, UNMATCHED, 'application/problem+json');
    }
    const servedOperation = (this.served.paths as Record<string, Record<string, Operation>>)[operation.path][operation.method];
    const response = servedOperation.responses?.[String(seen.status)] as { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> } | undefined;
    if (!response) return [`status ${seen.status} is not documented (documented: ${Object.keys(servedOperation.responses ?? {}).join(', ')})`];
    const problems: string[] = [];
    const media = (seen.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0) {
      if (seen.text) problems.push(`status ${seen.status} has no documented body, but one was sent (${media || 'no content type'})`);
    } else if (!documented.includes(media)) {
      problems.push(`media type ${JSON.stringify(media)} is not documented for ${seen.status} (documented: ${documented.join(', ')})`);
    } else if (JSON_MEDIA.test(media)) {
      problems.push(...this.checkBody(seen, operation.operationId!, media));
    }
    const headers = Object.fromEntries(seen.headers.entries());
    const headerCheck = this.api.validator.validateResponseHeaders(headers, operation, { statusCode: seen.status });
    problems.push(...(headerCheck.errors ?? []).map((e) => `header ${e.instancePath} ${e.message}`));
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      if (header.required && !seen.headers.has(name)) problems.push(`required header ${name} is missing`);
    }
    return problems;
  }

  private checkBody(seen: SeenResponse, operationId: string, media: string): string[] {
    if (seen.body === undefined) return [`the ${media} body is not JSON: ${JSON.stringify(seen.text?.slice(0, 200))}`];
    const result = this.api.validator.validateResponse(seen.body, operationId, seen.status);
    return (result.errors ?? []).map((e) => `body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

/** Throws, naming the request and what is wrong, when `seen` is not what the document says. */
export function assertDocumented(validator: OpenApiResponses, seen: SeenResponse): void {
  const problems = validator.check(seen);
  if (problems.length === 0) return;
  const body = seen.text === undefined ? '(a stream)' : seen.text.slice(0, 500);
  throw new Error(`${seen.method} ${seen.path} → ${seen.status}: the answer is not the one the OpenAPI document describes:\n  ${problems.join('\n  ')}\nbody: ${body}`);
}
