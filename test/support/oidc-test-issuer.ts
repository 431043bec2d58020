import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** The audience tokens of {@link OidcTestIssuer} carry unless told otherwise. */
export const TEST_AUDIENCE = 'api://campaign-orchestrator';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

/** Options of {@link OidcTestIssuer.token}. */
export interface TokenOptions {
  /** The `kid` header; default the current key's. */
  kid?: string;
  /** Sign with this key instead of the current one (a key the JWKS does not list). */
  key?: KeyLike;
}

let keyCount = 0;

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = `test-key-${++keyCount}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * A local OpenID Connect issuer for tests, shaped like Entra ID's: the issuer is
 * `http://127.0.0.1:<port>/<directory>/v2.0`, its discovery document is at
 * `<issuer>/.well-known/openid-configuration` and names its JWKS, which lists the current RS256
 * key only ({@link rotate} replaces it). It signs tokens with that key and counts the JWKS fetches.
 */
export class OidcTestIssuer {
  /** JWKS requests served so far. */
  jwksFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly jwksUrl: string,
    private current: SigningKey,
  ) {}

  /** Starts an issuer on 127.0.0.1 with an ephemeral port. */
  static async start(directory = '11111111-2222-3333-4444-555555555555'): Promise<OidcTestIssuer> {
    const key = await newKey();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = new OidcTestIssuer(server, `${base}/${directory}/v2.0`, `${base}/${directory}/discovery/v2.0/keys`, key);
    server.on('request', (request, response) => {
      const path = new URL(request.url ?? '/', base).href;
      const send = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === `${issuer.issuer}/.well-known/openid-configuration`) return send({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl, id_token_signing_alg_values_supported: ['RS256'] });
      if (path === issuer.jwksUrl) {
        issuer.jwksFetches += 1;
        return send({ keys: [issuer.current.jwk] });
      }
      response.writeHead(404).end();
    });
    return issuer;
  }

  /** The current signing key's id. */
  get kid(): string {
    return this.current.kid;
  }

  /** Replaces the signing key: the JWKS lists the new one only from now on. */
  async rotate(): Promise<void> {
    this.current = await newKey();
  }

  /**
   * The claims of a token: `iss`, `aud` (TEST_AUDIENCE), `iat`, `exp` (in 10 minutes) and `sub`,
   * overridden by `overrides`; a claim given as undefined is left out.
   */
  claims(overrides: JWTPayload = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    const all: JWTPayload = { iss: this.issuer, aud: TEST_AUDIENCE, iat: now, exp: now + 600, sub: 'test-subject', ...overrides };
    return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
  }

  /** A token of {@link claims}`(overrides)`, signed RS256 with the current key. */
  token(overrides: JWTPayload = {}, options: TokenOptions = {}): Promise<string> {
    return new SignJWT(this.claims(overrides)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? this.current.kid }).sign(options.key ?? this.current.privateKey);
  }

  /** Stops listening and closes every connection (the keep-alive ones too). */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

/** An unsigned token (`alg: none`), built by hand: jose refuses to make one. */
export function unsignedToken(payload: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

/** A token signed with HS256 and `secret`, in the issuer's name. */
export function hs256Token(payload: JWTPayload, secret = 'a-shared-secret-of-32-characters!', kid?: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) }).sign(new TextEncoder().encode(secret));
}
