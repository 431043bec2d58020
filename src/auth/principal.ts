import type { TenantId } from '../persistence/run.repository';

/** What an operation does to the tenant's records: reads them, or starts, cancels and creates. */
export type Access = 'read' | 'write';

/**
 * Who is calling, as authentication established it: the tenant whose records the caller reaches,
 * the caller's identity (for audit trails) and what the caller may do. REST requests carry it as
 * `request.principal`, sockets as `socket.data.principal`.
 */
export interface Principal {
  readonly tenantId: TenantId;
  /**
   * The caller: a JWT's `oid` (Entra ID object id) or else its `sub`; `static:<tenant>` for a
   * static token; `anonymous` on an open server. Never the token.
   */
  readonly subject: string;
  /** May read campaigns, runs and events. */
  readonly canRead: boolean;
  /** May start and cancel runs and create campaigns; implies {@link canRead}. */
  readonly canWrite: boolean;
  /**
   * When the credential stops being accepted, in ms since the epoch (a JWT's `exp` plus the clock
   * tolerance); absent for credentials that do not expire (static tokens, open server).
   */
  readonly expiresAt?: number;
}
