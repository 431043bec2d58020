import { loadConfig } from './load-config';
import { problemsOf } from './testing/config-problems';
import { loadJwtAuth } from './load-jwt-auth';

const ISSUER = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0';
const BASE = { AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: 'api://campaign-orchestrator' };

describe(loadJwtAuth.name, () => {
  it('leaves JWT authentication off without AUTH_JWT_ISSUER', () => {
    expect(loadConfig({}).auth.jwt).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    expect(loadConfig(BASE).auth.jwt).toEqual({
      issuer: ISSUER,
      audiences: ['api://campaign-orchestrator'],
      jwksUrl: undefined,
      algorithms: ['RS256'],
      clockSkewSeconds: 60,
      jwksCooldownMs: 30_000,
      tenantClaim: 'tid',
      readRole: 'Campaigns.Read',
      writeRole: 'Campaigns.Write',
    });
  });

  it('reads every variable', () => {
    const jwt = loadConfig({
      ...BASE,
      AUTH_JWT_AUDIENCE: 'api://campaign-orchestrator,6a1f0000-0000-0000-0000-00000000abcd',
      AUTH_JWT_JWKS_URL: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      AUTH_JWT_ALGORITHMS: 'RS256, PS256,ES256',
      AUTH_JWT_CLOCK_SKEW_SECONDS: '5',
      AUTH_JWT_JWKS_COOLDOWN_MS: '0',
      AUTH_JWT_TENANT_CLAIM: 'extension_customer',
      AUTH_JWT_READ_ROLE: 'Runs.Read',
      AUTH_JWT_WRITE_ROLE: 'Runs.Write',
    }).auth.jwt;
    expect(jwt).toEqual({
      issuer: ISSUER,
      audiences: ['api://campaign-orchestrator', '6a1f0000-0000-0000-0000-00000000abcd'],
      jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      algorithms: ['RS256', 'PS256', 'ES256'],
      clockSkewSeconds: 5,
      jwksCooldownMs: 0,
      tenantClaim: 'extension_customer',
      readRole: 'Runs.Read',
      writeRole: 'Runs.Write',
    });
  });

  it('requires an audience with an issuer', () => {
    expect(problemsOf({ AUTH_JWT_ISSUER: ISSUER })).toEqual([expect.stringMatching(/^AUTH_JWT_AUDIENCE is required/)]);
  });

  it('refuses audience or key URL without an issuer, rather than ignoring them', () => {
    expect(problemsOf({ AUTH_JWT_AUDIENCE: 'api://x', AUTH_JWT_JWKS_URL: 'https://idp.example.com/keys' })).toEqual([
      expect.stringMatching(/^AUTH_JWT_AUDIENCE is set but AUTH_JWT_ISSUER is not/),
      expect.stringMatching(/^AUTH_JWT_JWKS_URL is set but AUTH_JWT_ISSUER is not/),
    ]);
  });

  it.each([
    ['none', /AUTH_JWT_ALGORITHMS: "none" \(unsigned tokens\) is never accepted/],
    ['RS256,HS256', /AUTH_JWT_ALGORITHMS: HS256 is a shared-secret algorithm/],
    ['hs512', /AUTH_JWT_ALGORITHMS: hs512 is a shared-secret algorithm/],
    ['RS257', /AUTH_JWT_ALGORITHMS: unknown algorithm "RS257"/],
    [',', /AUTH_JWT_ALGORITHMS must name at least one algorithm/],
  ])('refuses AUTH_JWT_ALGORITHMS=%s', (algorithms, problem) => {
    expect(problemsOf({ ...BASE, AUTH_JWT_ALGORITHMS: algorithms })).toEqual([expect.stringMatching(problem)]);
  });

  it('accepts http:// issuer and key URLs on loopback only', () => {
    expect(loadConfig({ AUTH_JWT_ISSUER: 'http://127.0.0.1:8080/t/v2.0', AUTH_JWT_AUDIENCE: 'x', AUTH_JWT_JWKS_URL: 'http://localhost:8080/keys' }).auth.jwt?.issuer).toBe('http://127.0.0.1:8080/t/v2.0');
    expect(problemsOf({ AUTH_JWT_ISSUER: 'http://idp.example.com/t/v2.0', AUTH_JWT_AUDIENCE: 'x', AUTH_JWT_JWKS_URL: 'http://idp.example.com/keys' })).toEqual([
      'AUTH_JWT_ISSUER: http://idp.example.com/t/v2.0 must be https:// (http:// only on a loopback host)',
      'AUTH_JWT_JWKS_URL: http://idp.example.com/keys must be https:// (http:// only on a loopback host)',
    ]);
  });

  it('names each invalid variable', () => {
    const problems = problemsOf({
      AUTH_JWT_ISSUER: 'login.microsoftonline.com/t',
      AUTH_JWT_AUDIENCE: 'a, b',
      AUTH_JWT_CLOCK_SKEW_SECONDS: '-1',
      AUTH_JWT_JWKS_COOLDOWN_MS: 'soon',
      AUTH_JWT_TENANT_CLAIM: 'two words',
      AUTH_JWT_READ_ROLE: 'Campaigns Read',
      AUTH_JWT_WRITE_ROLE: 'Campaigns Write',
    });
    for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE', 'AUTH_JWT_CLOCK_SKEW_SECONDS', 'AUTH_JWT_JWKS_COOLDOWN_MS', 'AUTH_JWT_TENANT_CLAIM', 'AUTH_JWT_READ_ROLE', 'AUTH_JWT_WRITE_ROLE']) {
      expect(problems).toContainEqual(expect.stringContaining(name));
    }
  });

  it('counts JWT authentication as authentication for a non-loopback HOST', () => {
    expect(loadConfig({ ...BASE, HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([expect.stringMatching(/set AUTH_TOKENS or AUTH_JWT_ISSUER/)]);
  });
});
