import { AccessGranter, Clock, DEFAULT_ACCESS_SCOPE, GrantStore } from '../../application/ports';
import { systemClock } from '../system/systemClock';

/**
 * Local mode's carrier of access: a membership table in the store, standing in for the Entra group. Adding twice and
 * removing twice change nothing, so outbox retries are safe; the grant ledger decides when to add and remove.
 */
export class LocalAccessGranter implements AccessGranter {
  constructor(
    private readonly store: Pick<GrantStore, 'isLocalMember' | 'addLocalMember' | 'removeLocalMember'>,
    private readonly clock: Clock = systemClock,
    private readonly scope: string = DEFAULT_ACCESS_SCOPE,
  ) {}

  /** True when the person is in the local group. */
  holds(principalId: string): Promise<boolean> {
    return this.store.isLocalMember(this.scope, principalId);
  }

  /** Puts the person in the local group. */
  add(principalId: string): Promise<void> {
    return this.store.addLocalMember(this.scope, principalId, this.clock.now());
  }

  /** Takes the person out of the local group. */
  remove(principalId: string): Promise<void> {
    return this.store.removeLocalMember(this.scope, principalId);
  }
}
