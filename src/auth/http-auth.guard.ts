import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error';
import type { TenantId } from '../persistence/run.repository';
import { TenantResolver } from './tenant-resolver';

const PUBLIC = 'auth:public';

/** Marks a route that needs no token (health probes). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The tenant of the authenticated request. */
export const Tenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantId => {
  return (context.switchToHttp().getRequest<Request & { tenantId: TenantId }>()).tenantId;
});

/** Requires a valid bearer token on every REST route (unless `@Public()`) and sets the request's tenant. */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly tenants: TenantResolver,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { tenantId?: TenantId }>();
    const tenantId = this.tenants.resolve(TenantResolver.bearer(request.headers.authorization));
    if (!tenantId) throw new DomainError('UNAUTHORIZED', 'A valid bearer token is required');
    request.tenantId = tenantId;
    return true;
  }
}
