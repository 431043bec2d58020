import { loadConfig } from '../config/load-config';
import { OPEN_TENANT, TenantResolver } from './tenant-resolver';

describe(TenantResolver.name, () => {
  it('serves everyone as the open tenant, with every right, without AUTH_TOKENS or AUTH_JWT_ISSUER', async () => {
    const tenants = new TenantResolver(loadConfig({}));
    expect(tenants.enabled).toBe(false);
    expect(await tenants.authenticate(undefined)).toEqual({ tenantId: OPEN_TENANT, subject: 'anonymous', canRead: true, canWrite: true });
  });

  it('maps each static token to its tenant, with both rights, and refuses others', async () => {
    const tenants = new TenantResolver(loadConfig({ AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1:acme,bbbbbbbbbbbbbbbb2:globex' }));
    expect(tenants.enabled).toBe(true);
    expect(await tenants.authenticate('aaaaaaaaaaaaaaaa1')).toEqual({ tenantId: 'acme', subject: 'static:acme', canRead: true, canWrite: true });
    expect(await tenants.authenticate('bbbbbbbbbbbbbbbb2')).toMatchObject({ tenantId: 'globex' });
    expect(await tenants.authenticate('aaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(await tenants.authenticate(undefined)).toBeUndefined();
  });

  it('requires a token once JWT authentication is on, even without static tokens', async () => {
    const tenants = new TenantResolver(loadConfig({ AUTH_JWT_ISSUER: 'https://login.example.com/t/v2.0', AUTH_JWT_AUDIENCE: 'api://orchestrator', AUTH_JWT_JWKS_URL: 'https://login.example.com/keys' }));
    expect(tenants.enabled).toBe(true);
    expect(await tenants.authenticate(undefined)).toBeUndefined();
    expect(await tenants.authenticate('not-a-jwt')).toBeUndefined();
  });

  it('refuses a write to a reader with FORBIDDEN, naming the role, and lets the reader read', () => {
    const tenants = new TenantResolver(loadConfig({ AUTH_JWT_ISSUER: 'https://login.example.com/t/v2.0', AUTH_JWT_AUDIENCE: 'api://orchestrator', AUTH_JWT_WRITE_ROLE: 'Runs.Start' }));
    const reader = { tenantId: 't', subject: 's', canRead: true, canWrite: false };
    expect(() => tenants.authorize(reader, 'read')).not.toThrow();
    expect(() => tenants.authorize(reader, 'write')).toThrow(expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('Runs.Start') }));
    expect(() => tenants.authorize({ ...reader, canRead: false }, 'read')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('reads the token of a bearer header only', () => {
    expect(TenantResolver.bearer('Bearer abc')).toBe('abc');
    expect(TenantResolver.bearer('bearer  abc ')).toBe('abc');
    expect(TenantResolver.bearer('Basic abc')).toBeUndefined();
    expect(TenantResolver.bearer(undefined)).toBeUndefined();
  });
});

describe('server exposure rule', () => {
  it('refuses a non-loopback HOST without authentication, and allows it with static tokens or JWTs', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: 0.0.0.0 is not a loopback address/);
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1:acme' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_JWT_ISSUER: 'https://login.example.com/t/v2.0', AUTH_JWT_AUDIENCE: 'api://x' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: 'localhost' }).http.host).toBe('localhost');
    expect(loadConfig({ HOST: '::1' }).http.host).toBe('::1');
  });

  it('rejects malformed or short tokens', () => {
    expect(() => loadConfig({ AUTH_TOKENS: 'short:acme' })).toThrow(/AUTH_TOKENS/);
    expect(() => loadConfig({ AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1' })).toThrow(/AUTH_TOKENS/);
  });
});
