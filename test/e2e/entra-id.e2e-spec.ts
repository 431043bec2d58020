import { generateKeyPair, type JWTPayload } from 'jose';
import { SESSION_EXPIRED_EVENT, type SessionExpired } from '@app/contracts';
import { runInput, startApp, type E2eApp, type HttpAnswer } from '../support/e2e-app';
import { refusedHandshake } from '../support/e2e-socket';
import { hs256Token, OidcTestIssuer, TEST_AUDIENCE, unsignedToken } from '../support/oidc-test-issuer';

const TENANT_A = 'aaaaaaaa-0000-0000-0000-00000000000a';
const TENANT_B = 'bbbbbbbb-0000-0000-0000-00000000000b';
const STATIC_TOKEN = 'static-token-of-the-dev-tenant';
/** Tolerance of the app under test: small, so that the expiry of a socket needs no long wait. */
const SKEW_SECONDS = 1;

const now = () => Math.floor(Date.now() / 1000);

function expectProblem(answer: HttpAnswer, status: number, code: string, challenge: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, code });
  expect(answer.headers.get('www-authenticate')).toBe(challenge);
}

describe('Entra ID (OIDC) bearer tokens (e2e)', () => {
  let issuer: OidcTestIssuer;
  let app: E2eApp;
  /** A token of `tid` with app `roles`, valid for 10 minutes unless `claims` say otherwise. */
  const tokenOf = (tid: string, roles: string[] = ['Campaigns.Write'], claims: JWTPayload = {}) => issuer.token({ tid, oid: `user-of-${tid}`, roles, ...claims });

  beforeAll(async () => {
    issuer = await OidcTestIssuer.start();
    // No AUTH_JWT_JWKS_URL: the keys are found through the issuer's discovery document.
    app = await startApp({
      AUTH_JWT_ISSUER: issuer.issuer,
      AUTH_JWT_AUDIENCE: `${TEST_AUDIENCE},6a1f0000-0000-0000-0000-00000000abcd`,
      AUTH_JWT_CLOCK_SKEW_SECONDS: String(SKEW_SECONDS),
      AUTH_JWT_JWKS_COOLDOWN_MS: '0',
      AUTH_TOKENS: `${STATIC_TOKEN}:dev-tenant`,
    });
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  it('serves a valid token and keeps its tenant apart: tid A cannot read the run of tid B', async () => {
    const tokenA = await tokenOf(TENANT_A);
    const tokenB = await tokenOf(TENANT_B);
    const started = await app.http('POST', '/api/runs', { token: tokenB, json: runInput({ name: 'Campaign of B' }) });
    expect(started.status).toBe(202);
    const { runId, campaignId } = started.body;

    expect((await app.http('GET', `/api/runs/${runId}`, { token: tokenB })).status).toBe(200);
    expect((await app.http('GET', `/api/runs/${runId}`, { token: tokenA })).status).toBe(404);
    expect((await app.http('GET', `/api/campaigns/${campaignId}`, { token: tokenA })).body).toMatchObject({ code: 'CAMPAIGN_NOT_FOUND' });
    const listA = await app.http('GET', '/api/campaigns', { token: tokenA });
    expect(listA.status).toBe(200);
    expect(listA.body.items.map((c: { id: string }) => c.id)).not.toContain(campaignId);

    const socketA = await app.connect(tokenA);
    expect(await socketA.subscribe(runId)).toMatchObject({ ok: false, error: { code: 'RUN_NOT_FOUND' } });
    const socketB = await app.connect(tokenB);
    expect(await socketB.subscribe(runId)).toMatchObject({ ok: true });
    await socketB.untilTerminal(runId);
  });

  it('keeps static tokens working beside JWTs', async () => {
    expect((await app.http('GET', '/api/campaigns', { token: STATIC_TOKEN })).status).toBe(200);
    expect((await app.connect(STATIC_TOKEN)).connected).toBe(true);
  });

  it('refuses every invalid token with 401 and error="invalid_token"', async () => {
    const stranger = await generateKeyPair('RS256');
    const refused: [string, Promise<string> | string][] = [
      ['expired', tokenOf(TENANT_A, undefined, { exp: now() - SKEW_SECONDS - 60, iat: now() - 3600 })],
      ['not yet valid', tokenOf(TENANT_A, undefined, { nbf: now() + SKEW_SECONDS + 60 })],
      ['wrong audience', tokenOf(TENANT_A, undefined, { aud: 'api://someone-else' })],
      ['wrong issuer', tokenOf(TENANT_A, undefined, { iss: 'https://login.microsoftonline.com/another-directory/v2.0' })],
      ['alg none', unsignedToken(issuer.claims({ tid: TENANT_A, roles: ['Campaigns.Write'] }))],
      ['HS256', hs256Token(issuer.claims({ tid: TENANT_A, roles: ['Campaigns.Write'] }), undefined, issuer.kid)],
      ['unknown kid', issuer.token({ tid: TENANT_A, roles: ['Campaigns.Write'] }, { kid: 'a-kid-nobody-published', key: stranger.privateKey })],
      ['missing tenant claim', issuer.token({ roles: ['Campaigns.Write'] })],
      ['not a JWT', 'definitely-not-a-jwt-or-static-token'],
    ];
    for (const [what, pending] of refused) {
      const token = await pending;
      const answer = await app.http('GET', '/api/campaigns', { token });
      try {
        expectProblem(answer, 401, 'UNAUTHORIZED', 'Bearer error="invalid_token"');
      } catch (error) {
        throw new Error(`${what}: ${(error as Error).message}`);
      }
    }
    expectProblem(await app.http('GET', '/api/campaigns', { token: null }), 401, 'UNAUTHORIZED', 'Bearer');
  });

  it('needs the write role to start or cancel runs, and the read role to read', async () => {
    const writer = await tokenOf(TENANT_A, ['Campaigns.Write']);
    const { runId } = (await app.http('POST', '/api/runs', { token: writer, json: runInput() })).body;

    for (const reader of [await tokenOf(TENANT_A, ['Campaigns.Read']), await tokenOf(TENANT_A, [], { roles: undefined, scp: 'openid Campaigns.Read' })]) {
      expect((await app.http('GET', `/api/runs/${runId}`, { token: reader })).status).toBe(200);
      expect((await app.http('GET', '/api/campaigns', { token: reader })).status).toBe(200);
      expectProblem(await app.http('POST', '/api/runs', { token: reader, json: runInput() }), 403, 'FORBIDDEN', 'Bearer error="insufficient_scope"');
      expectProblem(await app.http('POST', `/api/runs/${runId}/cancel`, { token: reader }), 403, 'FORBIDDEN', 'Bearer error="insufficient_scope"');

      const socket = await app.connect(reader);
      expect(await socket.start(runInput())).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('Campaigns.Write') } });
      expect(await socket.cancel(runId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await socket.subscribe(runId)).toMatchObject({ ok: true });
      await socket.untilTerminal(runId);
    }

    const nobody = await tokenOf(TENANT_A, ['Some.Other.Role']);
    expectProblem(await app.http('GET', `/api/runs/${runId}`, { token: nobody }), 403, 'FORBIDDEN', 'Bearer error="insufficient_scope"');
    expect(await (await app.connect(nobody)).subscribe(runId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses a socket handshake with a bad token', async () => {
    const bad = [
      await tokenOf(TENANT_A, undefined, { exp: now() - SKEW_SECONDS - 60, iat: now() - 3600 }),
      await tokenOf(TENANT_A, undefined, { aud: 'api://someone-else' }),
      unsignedToken(issuer.claims({ tid: TENANT_A })),
      await issuer.token({ roles: ['Campaigns.Write'] }),
    ];
    for (const token of bad) {
      const error = await refusedHandshake(app.baseUrl, { token });
      expect(error.data).toEqual({ code: 'UNAUTHORIZED' });
    }
  });

  it('tells a socket whose token expires, then disconnects it', async () => {
    const exp = now() + 2;
    const socket = await app.connect(await tokenOf(TENANT_A, undefined, { exp }));
    const told = new Promise<{ expired: SessionExpired; at: number }>((resolve) => socket.socket.once(SESSION_EXPIRED_EVENT, (expired: SessionExpired) => resolve({ expired, at: Date.now() })));
    const gone = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    const { expired, at } = await told;
    expect(expired).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) });
    // Not before the token stops verifying: its exp plus the clock tolerance, as on REST.
    expect(at).toBeGreaterThanOrEqual((exp + SKEW_SECONDS) * 1000);
    expect(await gone).toBe('io server disconnect');
    expect(socket.connected).toBe(false);
  });

  it('accepts a token of a rotated key once jose has fetched the new key set, and refuses the old key', async () => {
    const beforeRotation = await tokenOf(TENANT_A);
    expect((await app.http('GET', '/api/campaigns', { token: beforeRotation })).status).toBe(200);
    const fetches = issuer.jwksFetches;

    await issuer.rotate();
    const afterRotation = await tokenOf(TENANT_A);
    expect((await app.http('GET', '/api/campaigns', { token: afterRotation })).status).toBe(200);
    expect(issuer.jwksFetches).toBe(fetches + 1);
    expectProblem(await app.http('GET', '/api/campaigns', { token: beforeRotation }), 401, 'UNAUTHORIZED', 'Bearer error="invalid_token"');
  });
});
