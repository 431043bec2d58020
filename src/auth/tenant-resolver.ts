import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import type { TenantId } from '../persistence/run.repository';
import { JwtVerifier } from './jwt-verifier';
import type { Access, Principal } from './principal';

/** The one tenant of an open server (no AUTH_TOKENS, no AUTH_JWT_ISSUER). */
export const OPEN_TENANT = 'default';

const OPEN_PRINCIPAL: Principal = { tenantId: OPEN_TENANT, subject: 'anonymous', canRead: true, canWrite: true };

function staticPrincipal(tenantId: TenantId): Principal {
  return { tenantId, subject: `static:${tenantId}`, canRead: true, canWrite: true };
}

/**
 * Authenticates bearer tokens, for REST (`HttpAuthGuard`) and sockets (the handshake) alike: a
 * static AUTH_TOKENS token, else a JWT of AUTH_JWT_ISSUER. Tokens are compared, never logged.
 */
@Injectable()
export class TenantResolver {
  private readonly jwt?: JwtVerifier;

  constructor(private readonly config: AppConfig) {
    this.jwt = config.auth.jwt ? new JwtVerifier(config.auth.jwt) : undefined;
  }

  /** True when tokens are required. */
  get enabled(): boolean {
    return this.config.auth.tokens.size > 0 || this.jwt !== undefined;
  }

  /**
   * The principal of `token`: the open principal (tenant `default`, every right) when
   * authentication is off; a static token's tenant with every right; a JWT's tenant, subject and
   * roles. Undefined for a missing or invalid token.
   * @throws DomainError `SERVICE_UNAVAILABLE` when the identity provider's keys cannot be fetched.
   */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (!this.enabled) return OPEN_PRINCIPAL;
    if (!token) return undefined;
    const tenantId = this.config.auth.tokens.get(token);
    if (tenantId) return staticPrincipal(tenantId);
    return this.jwt?.verify(token);
  }

  /**
   * Refuses an operation the principal has no right to.
   * @throws DomainError `FORBIDDEN`, naming the role (or scope) the operation needs.
   */
  authorize(principal: Principal, access: Access): void {
    if (access === 'write' ? principal.canWrite : principal.canRead) return;
    const role = access === 'write' ? this.config.auth.jwt?.writeRole : this.config.auth.jwt?.readRole;
    throw new DomainError('FORBIDDEN', `This operation needs the ${role ?? access} role or scope`);
  }

  /** The token of an `Authorization: Bearer …` header. */
  static bearer(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match?.[1];
  }
}
