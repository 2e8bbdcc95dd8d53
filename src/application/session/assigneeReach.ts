import { isDoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { decideSession } from '../../domain/session';
import { canReachInChat } from '../people/personalChats';
import { CardTarget } from '../ports';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

const DISPATCHER: Actor = { type: 'system', name: 'dispatcher' };

/**
 * The dispatcher delivered a card to a person, or gave up on it: when that person is the session's assignee and the
 * card said they had not been told, the card now says they were told, or that delivery failed for lack of a chat.
 * True when a given-up card is said this way (the assignee without a chat); other failures are recorded as such.
 */
export async function recordAssigneeReach(deps: UseCaseDeps, requestId: string, target: CardTarget, delivered: boolean): Promise<boolean> {
  if (target.role !== 'agent') return false;
  // Only a missing chat is said as "not told, open Doorman": other failures are delivery failures (an admin's).
  if (!delivered && (await canReachInChat(deps, target.userId))) return false;
  // A concurrent transition moves the version on: read again and decide again, a few times at most.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const request = await deps.requests.getRequest(requestId);
    if (!request || request.kind !== 'session' || request.assignee?.aadObjectId !== target.userId) return false;
    const told = request.assigneeNotTold ?? null;
    if (delivered ? told === null : told?.reason === 'deliveryFailed') return true;
    try {
      const decided = decideSession(request, { action: 'reach', aadObjectId: target.userId, reached: delivered }, {
        actor: DISPATCHER,
        now: deps.clock.now(),
        source: 'timer',
        reason: delivered ? 'card delivered to the assignee' : 'the assignee has no personal chat with Doorman',
      });
      await commitRequest(deps, request, decided.request, [decided.event]);
      return true;
    } catch (error) {
      if (isDoormanError(error, 'REQUEST.STALE_VERSION')) continue;
      // An expired or finished request keeps its last card; nothing to tell.
      if (isDoormanError(error, 'REQUEST.EXPIRED') || isDoormanError(error, 'REQUEST.ILLEGAL_TRANSITION')) return true;
      throw error;
    }
  }
  return true;
}
