import { ErrorCode } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { ClickedCard, ClickedCardView, clickedCardView } from '../shared/cardViews';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { InvitationPointer, decideOnInvitation, loadInvitationParent } from './invitationRequests';

/**
 * Change profile / Remove of a joined colleague, answered with the clicked card: the inviter's invitation card when
 * clicked there, else the session's (or assistance) card, the usual place, now listing the change.
 */
export async function decideOnJoinedColleague(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: InvitationPointer,
  verb: 'changeProfile' | 'remove',
  profileName: string | null,
  clicked: ClickedCard,
): Promise<{ refused: ErrorCode | null; card: ClickedCardView }> {
  const result = await decideOnInvitation(deps, actor, pointer, verb, profileName);
  const cards = await deps.requests.cardActivitiesOf(result.request.id);
  const own = clicked.place !== null && cards.some((card) => card.activityId === clicked.place?.activityId && card.conversationId === clicked.place?.conversationId);
  const shown = own ? result.request : await loadInvitationParent(deps, result.request.parentId);
  return { refused: result.refused, card: await clickedCardView(deps, shown, clicked) };
}

/** The session's (or assistance) card after an invitation was sent or refused from it. */
export async function parentCardView(deps: UseCaseDeps, parentId: string, clicked: ClickedCard): Promise<ClickedCardView> {
  return clickedCardView(deps, await loadInvitationParent(deps, parentId), clicked);
}
