import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { TenantId } from '../persistence/run.repository';

/** The one tenant of an open server (AUTH_TOKENS unset). */
export const OPEN_TENANT = 'default';

/** Maps a bearer token to its tenant. Tokens are compared, never logged. */
@Injectable()
export class TenantResolver {
  constructor(private readonly config: AppConfig) {}

  /** True when tokens are required. */
  get enabled(): boolean {
    return this.config.auth.tokens.size > 0;
  }

  /** The tenant of `token`; the open tenant when authentication is off; undefined for a bad token. */
  resolve(token: string | undefined): TenantId | undefined {
    if (!this.enabled) return OPEN_TENANT;
    return token ? this.config.auth.tokens.get(token) : undefined;
  }

  /** The token of an `Authorization: Bearer …` header. */
  static bearer(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match?.[1];
  }
}
