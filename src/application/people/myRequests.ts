import { AssistRequest } from '../../domain/assist';
import { LockboxRequest } from '../../domain/lockbox';
import { Actor } from '../../domain/people';
import { seesLockboxList, seesSessionList } from '../../domain/policy';
import { SessionRequest } from '../../domain/session';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { TrailLine, lockboxTrails, requestTrails } from './auditTrail';

/** How many lockbox requests `requests` lists (a chat is no report). */
export const MAX_LOCKBOX_ROWS = 10;

/** What `requests` answers: each list the person gets (null: not shown to them). */
export interface MyRequestsView {
  sessions: SessionRequest[] | null;
  lockboxes: { request: LockboxRequest; trail: TrailLine[] }[] | null;
  /** Requests for help the person asked or helps with; null when there are none. */
  assists: { request: AssistRequest; trail: TrailLine[] }[] | null;
  now: Date;
}

/** `requests`: a person's session and lockbox requests; engineers always see their lockbox list. */
export async function myRequests(deps: UseCaseDeps, actor: Actor): Promise<MyRequestsView | null> {
  if (actor.type !== 'person') return null;
  const me = actor.person.aadObjectId;
  const sessions = (await deps.requests.listRequests({ kind: 'session', involving: me, limit: 100 })) as SessionRequest[];
  const mine = (await deps.requests.listRequests({ kind: 'lockbox', involving: me, limit: MAX_LOCKBOX_ROWS })) as LockboxRequest[];
  const assists = (await deps.requests.listRequests({ kind: 'assist', involving: me, limit: MAX_LOCKBOX_ROWS })) as AssistRequest[];
  return {
    sessions: seesSessionList(actor, sessions.length > 0) ? sessions : null,
    lockboxes: seesLockboxList(actor, mine.length > 0) ? await lockboxTrails(deps, mine) : null,
    assists: assists.length > 0 ? await requestTrails(deps, assists) : null,
    now: deps.clock.now(),
  };
}
