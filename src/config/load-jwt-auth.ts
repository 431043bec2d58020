import { JWT_ALGORITHMS, JwtAlgorithm, JwtAuthSettings } from './app-config';
import type { Environment } from './environment';
import { isSecureUrl } from './loopback';

function isJwtAlgorithm(name: string): name is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly string[]).includes(name);
}

/** The algorithms of AUTH_JWT_ALGORITHMS; what is refused goes to `problems`. */
function algorithmsOf(text: string, problems: string[]): JwtAlgorithm[] {
  const algorithms: JwtAlgorithm[] = [];
  for (const name of text.split(',').map((n) => n.trim()).filter(Boolean)) {
    if (name.toLowerCase() === 'none') problems.push('AUTH_JWT_ALGORITHMS: "none" (unsigned tokens) is never accepted');
    else if (/^HS\d+$/i.test(name)) problems.push(`AUTH_JWT_ALGORITHMS: ${name} is a shared-secret algorithm, which the issuer's public keys cannot verify`);
    else if (!isJwtAlgorithm(name)) problems.push(`AUTH_JWT_ALGORITHMS: unknown algorithm "${name}" (allowed: ${JWT_ALGORITHMS.join(', ')})`);
    else algorithms.push(name);
  }
  if (algorithms.length === 0 && !problems.some((p) => p.startsWith('AUTH_JWT_ALGORITHMS'))) problems.push('AUTH_JWT_ALGORITHMS must name at least one algorithm');
  return algorithms;
}

/**
 * The JWT (Entra ID / OpenID Connect) settings of `env`; undefined when AUTH_JWT_ISSUER is unset.
 * Appends every invalid or missing variable, by name, to `problems`.
 */
export function loadJwtAuth(env: Environment, problems: string[]): JwtAuthSettings | undefined {
  if (!env.AUTH_JWT_ISSUER) {
    for (const name of ['AUTH_JWT_AUDIENCE', 'AUTH_JWT_JWKS_URL'] as const) {
      if (env[name]) problems.push(`${name} is set but AUTH_JWT_ISSUER is not (JWT authentication is on only with an issuer)`);
    }
    return undefined;
  }
  if (!env.AUTH_JWT_AUDIENCE) problems.push("AUTH_JWT_AUDIENCE is required with AUTH_JWT_ISSUER (the `aud` of the API's tokens)");
  for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_JWKS_URL'] as const) {
    const url = env[name];
    if (url && URL.canParse(url) && !isSecureUrl(url)) problems.push(`${name}: ${url} must be https:// (http:// only on a loopback host)`);
  }
  return {
    issuer: env.AUTH_JWT_ISSUER,
    audiences: (env.AUTH_JWT_AUDIENCE ?? '').split(',').filter(Boolean),
    jwksUrl: env.AUTH_JWT_JWKS_URL,
    algorithms: algorithmsOf(env.AUTH_JWT_ALGORITHMS, problems),
    clockSkewSeconds: env.AUTH_JWT_CLOCK_SKEW_SECONDS,
    jwksCooldownMs: env.AUTH_JWT_JWKS_COOLDOWN_MS,
    tenantClaim: env.AUTH_JWT_TENANT_CLAIM,
    readRole: env.AUTH_JWT_READ_ROLE,
    writeRole: env.AUTH_JWT_WRITE_ROLE,
  };
}
