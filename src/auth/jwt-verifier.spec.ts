import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { JwtAuthSettings } from '../config/app-config';
import { JwtVerifier } from './jwt-verifier';

const ISSUER = 'https://login.example.com/11111111-2222-3333-4444-555555555555/v2.0';
const AUDIENCE = 'api://campaign-orchestrator';
const SKEW = 60;

const SETTINGS: JwtAuthSettings = {
  issuer: ISSUER,
  audiences: [AUDIENCE, '6a1f0000-0000-0000-0000-00000000abcd'],
  algorithms: ['RS256'],
  clockSkewSeconds: SKEW,
  jwksCooldownMs: 30_000,
  tenantClaim: 'tid',
  readRole: 'Campaigns.Read',
  writeRole: 'Campaigns.Write',
};

const now = () => Math.floor(Date.now() / 1000);

describe(JwtVerifier.name, () => {
  let privateKey: KeyLike;
  let jwks: JWTVerifyGetKey;
  let verifier: JwtVerifier;

  /** The claims of a valid token of tenant `tenant-a` with the write role, overridden by `overrides` (undefined leaves a claim out). */
  const claims = (overrides: JWTPayload = {}): JWTPayload =>
    Object.fromEntries(
      Object.entries({ iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, sub: 'pairwise-sub', oid: 'object-id-1', tid: 'tenant-a', roles: ['Campaigns.Write'], ...overrides }).filter(
        ([, value]) => value !== undefined,
      ),
    );
  const sign = (payload: JWTPayload, alg = 'RS256', key: KeyLike | Uint8Array = privateKey) => new SignJWT(payload).setProtectedHeader({ alg, kid: 'k1' }).sign(key);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
    verifier = new JwtVerifier(SETTINGS, jwks);
  });

  it('maps a valid token to its tenant, its object id and its rights, expiring at exp plus the tolerance', async () => {
    const exp = now() + 600;
    expect(await verifier.verify(await sign(claims({ exp })))).toEqual({
      tenantId: 'tenant-a',
      subject: 'object-id-1',
      canRead: true,
      canWrite: true,
      expiresAt: (exp + SKEW) * 1000,
    });
  });

  it('names the caller by sub when the token has no oid', async () => {
    expect(await verifier.verify(await sign(claims({ oid: undefined })))).toMatchObject({ subject: 'pairwise-sub' });
  });

  it('accepts any of the configured audiences', async () => {
    expect(await verifier.verify(await sign(claims({ aud: '6a1f0000-0000-0000-0000-00000000abcd' })))).toBeDefined();
    expect(await verifier.verify(await sign(claims({ aud: ['someone-else', AUDIENCE] })))).toBeDefined();
  });

  it.each([
    ['app roles', { roles: ['Campaigns.Read'] }, { canRead: true, canWrite: false }],
    ['delegated scopes', { roles: undefined, scp: 'openid Campaigns.Read profile' }, { canRead: true, canWrite: false }],
    ['the write scope, which implies read', { roles: undefined, scp: 'Campaigns.Write' }, { canRead: true, canWrite: true }],
    ['neither', { roles: ['Other.Role'], scp: 'User.Read' }, { canRead: false, canWrite: false }],
    ['a roles claim that is not an array', { roles: 'Campaigns.Write' }, { canRead: false, canWrite: false }],
  ])('reads the rights from %s', async (_, overrides, rights) => {
    expect(await verifier.verify(await sign(claims(overrides)))).toMatchObject(rights);
  });

  it('reads the tenant from the configured claim', async () => {
    const byCustomer = new JwtVerifier({ ...SETTINGS, tenantClaim: 'extension_customer' }, jwks);
    expect(await byCustomer.verify(await sign(claims({ extension_customer: 'contoso' })))).toMatchObject({ tenantId: 'contoso' });
    expect(await byCustomer.verify(await sign(claims()))).toBeUndefined();
  });

  it.each([
    ['expired beyond the tolerance', () => claims({ exp: now() - SKEW - 5 })],
    ['not yet valid beyond the tolerance', () => claims({ nbf: now() + SKEW + 30 })],
    ['without exp', () => claims({ exp: undefined })],
    ['of another issuer', () => claims({ iss: 'https://login.example.com/other/v2.0' })],
    ['for another audience', () => claims({ aud: 'api://someone-else' })],
    ['without the tenant claim', () => claims({ tid: undefined })],
    ['with an empty tenant claim', () => claims({ tid: '' })],
    ['with a tenant claim that is not a string', () => claims({ tid: 42 })],
    ['without a subject', () => claims({ oid: undefined, sub: undefined })],
  ])('refuses a token %s', async (_, payload) => {
    expect(await verifier.verify(await sign(payload()))).toBeUndefined();
  });

  it('accepts a token expired or not yet valid within the tolerance', async () => {
    expect(await verifier.verify(await sign(claims({ exp: now() - SKEW + 10 })))).toBeDefined();
    expect(await verifier.verify(await sign(claims({ nbf: now() + SKEW - 10 })))).toBeDefined();
  });

  it('refuses alg none, HS256 and algorithms outside the allow-list', async () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(await verifier.verify(`${part({ alg: 'none', kid: 'k1' })}.${part(claims())}.`)).toBeUndefined();
    expect(await verifier.verify(await sign(claims(), 'HS256', new TextEncoder().encode('a-shared-secret-of-32-characters!')))).toBeUndefined();
    expect(await verifier.verify(await sign(claims(), 'RS384'))).toBeUndefined();
  });

  it('refuses a token signed by a key the key set does not hold, and garbage', async () => {
    const stranger = await generateKeyPair('RS256');
    expect(await verifier.verify(await sign(claims(), 'RS256', stranger.privateKey))).toBeUndefined();
    expect(await verifier.verify('not.a.jwt')).toBeUndefined();
    expect(await verifier.verify('')).toBeUndefined();
  });

  it('answers SERVICE_UNAVAILABLE, not a refusal, when the keys cannot be fetched', async () => {
    // Port 1 on loopback: the connection is refused at once.
    const unreachable = new JwtVerifier({ ...SETTINGS, jwksUrl: 'http://127.0.0.1:1/keys' });
    await expect(unreachable.verify(await sign(claims()))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const noDiscovery = new JwtVerifier({ ...SETTINGS, issuer: 'http://127.0.0.1:1/tenant/v2.0' });
    await expect(noDiscovery.verify(await sign(claims({ iss: 'http://127.0.0.1:1/tenant/v2.0' })))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
