// REST calls of the live page: the bearer token from the token field (kept in sessionStorage by
// app.js), and every error as `{ code, message, details }` from the server's problem detail.

const tokenField = () => document.getElementById('token');

/** The access token typed in the form, or ''. */
export const token = () => tokenField().value.trim();

/** `headers` with `Authorization: Bearer …` when there is a token. */
export const authHeaders = (headers = {}) => (token() ? { ...headers, Authorization: `Bearer ${token()}` } : headers);

/** `{ code, message, details }` of an error response (RFC 9457 problem detail, or its status when the body is not one). */
export async function problemOf(response) {
  const problem = await response.json().catch(() => ({}));
  return { code: problem.code ?? `HTTP_${response.status}`, message: problem.detail ?? problem.title ?? response.statusText, details: problem.errors };
}

/** `/campaigns/<id>/<part>/…`, each part URL-encoded. */
export const campaignPath = (campaignId, ...parts) => `/campaigns/${[campaignId, ...parts].map((part) => encodeURIComponent(part)).join('/')}`;

/**
 * One JSON call under /api. Never throws: resolves to `{ ok: true, status, body, etag }` or
 * `{ ok: false, status, error }` (status 0 and `NETWORK_ERROR` when the server was not reached).
 * `ifMatch` is sent as `If-Match`; answers are never taken from the HTTP cache.
 */
export async function callApi(path, { method = 'GET', json, ifMatch } = {}) {
  const headers = authHeaders({ Accept: 'application/json' });
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  try {
    const response = await fetch(`/api${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), cache: 'no-store' });
    if (!response.ok) return { ok: false, status: response.status, error: await problemOf(response) };
    const body = response.status === 204 ? undefined : await response.json();
    return { ok: true, status: response.status, body, etag: response.headers.get('ETag') ?? undefined };
  } catch (error) {
    return { ok: false, status: 0, error: { code: 'NETWORK_ERROR', message: `The server could not be reached (${error.message})` } };
  }
}
