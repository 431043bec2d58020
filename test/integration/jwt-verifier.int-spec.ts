import { JwtVerifier } from '../../src/auth/jwt-verifier';
import type { JwtAuthSettings } from '../../src/config/app-config';
import { OidcTestIssuer, TEST_AUDIENCE } from '../support/oidc-test-issuer';

describe(`${JwtVerifier.name} against an OIDC issuer over HTTP`, () => {
  let issuer: OidcTestIssuer;
  const settings = (overrides: Partial<JwtAuthSettings> = {}): JwtAuthSettings => ({
    issuer: issuer.issuer,
    audiences: [TEST_AUDIENCE],
    algorithms: ['RS256'],
    clockSkewSeconds: 0,
    jwksCooldownMs: 0,
    tenantClaim: 'tid',
    readRole: 'Campaigns.Read',
    writeRole: 'Campaigns.Write',
    ...overrides,
  });

  beforeEach(async () => {
    issuer = await OidcTestIssuer.start();
  });
  afterEach(() => issuer.stop());

  it('finds the keys through the discovery document, once', async () => {
    const verifier = new JwtVerifier(settings());
    expect(await verifier.verify(await issuer.token({ tid: 't1' }))).toMatchObject({ tenantId: 't1', canRead: false });
    expect(await verifier.verify(await issuer.token({ tid: 't2' }))).toMatchObject({ tenantId: 't2' });
    expect(issuer.jwksFetches).toBe(1);
  });

  it('uses AUTH_JWT_JWKS_URL when given', async () => {
    const verifier = new JwtVerifier(settings({ jwksUrl: issuer.jwksUrl }));
    expect(await verifier.verify(await issuer.token({ tid: 't1' }))).toBeDefined();
  });

  it('refuses a discovery document that names another issuer, as unavailable', async () => {
    // The same document, read for an issuer spelled with a trailing slash: it names the issuer without.
    const verifier = new JwtVerifier(settings({ issuer: `${issuer.issuer}/` }));
    await expect(verifier.verify(await issuer.token({ tid: 't1', iss: `${issuer.issuer}/` }))).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(issuer.jwksFetches).toBe(0);
  });

  it('does not fetch the keys again for an unknown kid within the cooldown', async () => {
    const patient = new JwtVerifier(settings({ jwksCooldownMs: 60_000 }));
    const eager = new JwtVerifier(settings({ jwksCooldownMs: 0 }));
    expect(await patient.verify(await issuer.token({ tid: 't1' }))).toBeDefined();
    expect(await eager.verify(await issuer.token({ tid: 't1' }))).toBeDefined();
    expect(issuer.jwksFetches).toBe(2);

    await issuer.rotate();
    const rotated = await issuer.token({ tid: 't1' });
    expect(await patient.verify(rotated)).toBeUndefined();
    expect(issuer.jwksFetches).toBe(2);
    expect(await eager.verify(rotated)).toBeDefined();
    expect(issuer.jwksFetches).toBe(3);
  });
});
