import { LockboxRequest } from '../../domain/lockbox';

/** A grant of access as the local AccessGranter records it (production: Entra group membership). */
export interface AccessGrant {
  requestId: string;
  principalId: string;
  resource: string;
  grantedAt: Date;
  revokedAt: Date | null;
}

/** Grants and removes access for approved lockbox requests; both are idempotent (retried from the outbox). */
export interface AccessGranter {
  grant(request: LockboxRequest): Promise<void>;
  revoke(request: LockboxRequest): Promise<void>;
}

/** The local grant table (production grants are Entra group memberships). */
export interface GrantStore {
  recordGrant(grant: AccessGrant): Promise<void>;
  recordRevoke(requestId: string, at: Date): Promise<void>;
  listGrants(): Promise<AccessGrant[]>;
}
