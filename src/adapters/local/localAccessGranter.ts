import { AccessGranter, Clock, GrantStore } from '../../application/ports';
import { LockboxRequest } from '../../domain/lockbox';
import { systemClock } from '../system/systemClock';

/**
 * Local mode's access: a row in the store's grant table per request, which the REST API reports. Granting twice
 * keeps the first grant time and revoking twice keeps the first revocation, so outbox retries change nothing.
 */
export class LocalAccessGranter implements AccessGranter {
  constructor(
    private readonly store: Pick<GrantStore, 'recordGrant' | 'recordRevoke'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records access for the requester (the engineer, or the person a system asked for) to the resource. */
  async grant(request: LockboxRequest): Promise<void> {
    await this.store.recordGrant({
      requestId: request.id,
      principalId: request.requester.aadObjectId,
      resource: request.resource,
      grantedAt: this.clock.now(),
      revokedAt: null,
    });
  }

  /** Marks the request's grant revoked; nothing to do when it was never granted. */
  async revoke(request: LockboxRequest): Promise<void> {
    await this.store.recordRevoke(request.id, this.clock.now());
  }
}
