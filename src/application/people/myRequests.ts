import { Actor } from '../../domain/people';
import { seesLockboxList, seesSessionList } from '../../domain/policy';
import { SessionRequest } from '../../domain/session';
import { lockboxesOf } from '../lockbox/lockboxViews';
import { sessionsOf } from '../session/sessionViews';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What `requests` answers: each list the person gets (null: not shown to them). */
export interface MyRequestsView {
  sessions: SessionRequest[] | null;
  lockboxes: Awaited<ReturnType<typeof lockboxesOf>> | null;
  now: Date;
}

/** `requests`: a person's session and lockbox requests; engineers always see their lockbox list. */
export async function myRequests(deps: UseCaseDeps, actor: Actor): Promise<MyRequestsView | null> {
  if (actor.type !== 'person') return null;
  const [sessions, lockboxes] = await Promise.all([sessionsOf(deps, actor), lockboxesOf(deps, actor)]);
  return {
    sessions: seesSessionList(actor, sessions.length > 0) ? sessions : null,
    lockboxes: seesLockboxList(actor, lockboxes.length > 0) ? lockboxes : null,
    now: deps.clock.now(),
  };
}
