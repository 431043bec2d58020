import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import type { TenantId } from '../persistence/run.repository';
import type { Access, Principal } from './principal';
import { TenantResolver } from './tenant-resolver';

const PUBLIC = 'auth:public';

/** Methods that only read: they need the read right; every other method writes. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Marks a route that needs no token (health probes). */
export const Public = () => SetMetadata(PUBLIC, true);

/** A request that passed {@link HttpAuthGuard}. */
export type AuthenticatedRequest = Request & { principal: Principal };

/** The tenant of the authenticated request. */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantId => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal.tenantId;
});

/** Who is calling: the principal of the authenticated request (its tenant, subject and rights). */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});

/**
 * Requires a valid bearer token on every REST route (unless `@Public()`) and sets the request's
 * principal. GET (and HEAD, OPTIONS) needs the read right; POST and every other method writes, so a
 * new route is never writable by a reader by omission. 401 and 403 say why in
 * `WWW-Authenticate` (RFC 6750 §3).
 */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly tenants: TenantResolver,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const response = context.switchToHttp().getResponse<Response>();
    const token = TenantResolver.bearer(request.headers.authorization);
    const principal = await this.tenants.authenticate(token);
    if (!principal) {
      // A token was sent and refused: invalid_token. Without one, the bare challenge.
      if (token) response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new DomainError('UNAUTHORIZED', 'A valid bearer token is required');
    }
    const access: Access = READ_METHODS.has(request.method) ? 'read' : 'write';
    try {
      this.tenants.authorize(principal, access);
    } catch (forbidden) {
      response.setHeader('WWW-Authenticate', 'Bearer error="insufficient_scope"');
      throw forbidden;
    }
    request.principal = principal;
    return true;
  }
}
