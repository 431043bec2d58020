import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HttpAuthGuard } from './http-auth.guard';
import { TenantResolver } from './tenant-resolver';

/** Bearer-token authentication and tenancy, for REST (global guard) and sockets (handshake). */
@Global()
@Module({
  providers: [TenantResolver, { provide: APP_GUARD, useClass: HttpAuthGuard }],
  exports: [TenantResolver],
})
export class AuthModule {}
