import { AccessGranter, Clock, DEFAULT_ACCESS_SCOPE, GrantStore } from '../../application/ports';
import { systemClock } from '../system/systemClock';

/**
 * Local mode's carrier of access: a membership table in the store per scope, standing in for the Entra groups. Adding twice and
 * removing twice change nothing, so outbox retries are safe; the grant ledger decides when to add and remove.
 */
export class LocalAccessGranter implements AccessGranter {
  constructor(
    private readonly store: Pick<GrantStore, 'isLocalMember' | 'addLocalMember' | 'removeLocalMember'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** True when the person is in the local group. */
  holds(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<boolean> {
    return this.store.isLocalMember(scopeId, principalId);
  }

  /** Puts the person in the local group. */
  add(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<void> {
    return this.store.addLocalMember(scopeId, principalId, this.clock.now());
  }

  /** Takes the person out of the local group. */
  remove(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<void> {
    return this.store.removeLocalMember(scopeId, principalId);
  }
}
