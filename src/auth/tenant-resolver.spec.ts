import { loadConfig } from '../config/load-config';
import { OPEN_TENANT, TenantResolver } from './tenant-resolver';

describe(TenantResolver.name, () => {
  it('serves everyone as the open tenant without AUTH_TOKENS', () => {
    const tenants = new TenantResolver(loadConfig({}));
    expect(tenants.enabled).toBe(false);
    expect(tenants.resolve(undefined)).toBe(OPEN_TENANT);
  });

  it('maps each token to its tenant and refuses others', () => {
    const tenants = new TenantResolver(loadConfig({ AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1:acme,bbbbbbbbbbbbbbbb2:globex' }));
    expect(tenants.enabled).toBe(true);
    expect(tenants.resolve('aaaaaaaaaaaaaaaa1')).toBe('acme');
    expect(tenants.resolve('bbbbbbbbbbbbbbbb2')).toBe('globex');
    expect(tenants.resolve('aaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(tenants.resolve(undefined)).toBeUndefined();
  });

  it('reads the token of a bearer header only', () => {
    expect(TenantResolver.bearer('Bearer abc')).toBe('abc');
    expect(TenantResolver.bearer('bearer  abc ')).toBe('abc');
    expect(TenantResolver.bearer('Basic abc')).toBeUndefined();
    expect(TenantResolver.bearer(undefined)).toBeUndefined();
  });
});

describe('server exposure rule', () => {
  it('refuses a non-loopback HOST without AUTH_TOKENS, and allows it with them', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: 0.0.0.0 is not a loopback address/);
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1:acme' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: 'localhost' }).http.host).toBe('localhost');
    expect(loadConfig({ HOST: '::1' }).http.host).toBe('::1');
  });

  it('rejects malformed or short tokens', () => {
    expect(() => loadConfig({ AUTH_TOKENS: 'short:acme' })).toThrow(/AUTH_TOKENS/);
    expect(() => loadConfig({ AUTH_TOKENS: 'aaaaaaaaaaaaaaaa1' })).toThrow(/AUTH_TOKENS/);
  });
});
