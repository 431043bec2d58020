import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../common/domain-error';
import type { JwtAuthSettings } from '../config/app-config';
import { isSecureUrl } from '../config/loopback';
import type { Principal } from './principal';

/** The longest one fetch of the discovery document or of the keys may take, ms. */
const FETCH_TIMEOUT_MS = 5000;
/** After a failed discovery, the next attempt waits this long (one attempt a second at most, however many requests come). */
const DISCOVERY_RETRY_MS = 1000;

/** The issuer's keys could not be had: not the caller's fault, so a 503 rather than a 401. */
class KeySourceError extends Error {
  override readonly name = 'KeySourceError';
}

/**
 * True when verification failed for want of keys (discovery, a network error, a timeout, a JWKS
 * that is not one) rather than because of the token.
 */
function isKeySourceFailure(error: unknown): boolean {
  if (error instanceof KeySourceError || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose passes the errors of its HTTP request through (ECONNREFUSED, DNS, TLS), and reports a
  // non-200 or non-JSON key set as a plain JOSEError.
  return !(error instanceof errors.JOSEError) || error.code === errors.JOSEError.code;
}

function reasonOf(error: unknown): string {
  return error instanceof errors.JOSEError ? `${error.code}: ${error.message}` : String(error);
}

/** The app roles (`roles`) and delegated scopes (`scp`, space-separated) a token grants. */
function grantsOf(claims: JWTPayload): Set<string> {
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  return new Set([...roles, ...scopes]);
}

/**
 * Verifies the bearer JWTs of one OpenID Connect issuer (Entra ID) and maps their claims to a
 * {@link Principal}. Signature (the configured asymmetric algorithms only), `iss`, `aud`, `exp`
 * (required), `nbf` and `iat` are checked by jose, with the configured clock tolerance.
 *
 * Keys come from jose's remote key set: fetched at the first token, cached (10 minutes), fetched
 * again for an unknown `kid` at most once per AUTH_JWT_JWKS_COOLDOWN_MS. Its URL is
 * AUTH_JWT_JWKS_URL or, unset, the `jwks_uri` of the issuer's discovery document, read at the
 * first token (and again after a failure, at most once a second).
 *
 * Tokens are never logged; a refusal logs jose's reason at debug level.
 */
export class JwtVerifier {
  private readonly logger = new Logger(JwtVerifier.name);
  private keys?: Promise<JWTVerifyGetKey>;
  private discoveryFailedAt?: number;

  /** @param keys the key source instead of the issuer's (unit tests pass a local key set). */
  constructor(
    private readonly settings: JwtAuthSettings,
    keys?: JWTVerifyGetKey,
  ) {
    if (keys) this.keys = Promise.resolve(keys);
    else if (settings.jwksUrl) this.keys = Promise.resolve(this.remoteKeys(settings.jwksUrl));
  }

  /**
   * The principal of `token`; undefined when it is not a valid token of the issuer for this API
   * (signature, algorithm, issuer, audience, expiry, not-before, or no tenant or subject claim).
   * @throws DomainError `SERVICE_UNAVAILABLE` when the issuer's keys cannot be fetched.
   */
  async verify(token: string): Promise<Principal | undefined> {
    const { issuer, audiences, algorithms, clockSkewSeconds } = this.settings;
    let claims: JWTPayload;
    try {
      const getKey: JWTVerifyGetKey = async (header, jws) => (await this.keySet())(header, jws);
      ({ payload: claims } = await jwtVerify(token, getKey, { issuer, audience: audiences, algorithms, clockTolerance: clockSkewSeconds, requiredClaims: ['exp'] }));
    } catch (error) {
      if (isKeySourceFailure(error)) {
        this.logger.warn(`The signing keys of ${issuer} could not be fetched: ${reasonOf(error)}`);
        throw new DomainError('SERVICE_UNAVAILABLE', 'The identity provider could not be reached to verify the token; retry later');
      }
      this.logger.debug(`Refused a bearer JWT (${reasonOf(error)})`);
      return undefined;
    }
    return this.principalOf(claims);
  }

  private principalOf(claims: JWTPayload): Principal | undefined {
    const { tenantClaim, readRole, writeRole, clockSkewSeconds } = this.settings;
    const tenantId = claims[tenantClaim];
    const subject = typeof claims.oid === 'string' && claims.oid !== '' ? claims.oid : claims.sub;
    if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > 256) {
      this.logger.debug(`Refused a bearer JWT without a "${tenantClaim}" claim (the tenant)`);
      return undefined;
    }
    if (!subject || typeof claims.exp !== 'number') {
      this.logger.debug('Refused a bearer JWT without a subject (oid or sub)');
      return undefined;
    }
    const granted = grantsOf(claims);
    const canWrite = granted.has(writeRole);
    return { tenantId, subject, canRead: canWrite || granted.has(readRole), canWrite, expiresAt: (claims.exp + clockSkewSeconds) * 1000 };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    const retry = this.discoveryFailedAt !== undefined && Date.now() - this.discoveryFailedAt >= DISCOVERY_RETRY_MS;
    if (!this.keys || retry) {
      this.discoveryFailedAt = undefined;
      const discovered = this.discover();
      discovered.catch(() => (this.discoveryFailedAt = Date.now()));
      this.keys = discovered;
    }
    return this.keys;
  }

  /** The key set named by the issuer's OpenID Connect discovery document. */
  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new KeySourceError(`discovery at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const issuer = typeof document === 'object' && document !== null && 'issuer' in document ? document.issuer : undefined;
    const jwksUri = typeof document === 'object' && document !== null && 'jwks_uri' in document ? document.jwks_uri : undefined;
    // OpenID Connect Discovery 1.0 §4.3: the document must name the very issuer it was read for.
    if (issuer !== this.settings.issuer) throw new KeySourceError(`${url} names the issuer ${JSON.stringify(issuer)}`);
    if (typeof jwksUri !== 'string' || !isSecureUrl(jwksUri)) throw new KeySourceError(`${url} has no https:// jwks_uri`);
    return this.remoteKeys(jwksUri);
  }

  private remoteKeys(url: string): JWTVerifyGetKey {
    return createRemoteJWKSet(new URL(url), { cooldownDuration: this.settings.jwksCooldownMs, timeoutDuration: FETCH_TIMEOUT_MS });
  }
}
