import { RequestCardView } from '../../../application/ports';
import { CardRole } from '../../../application/shared/cardViews';
import { ErrorCode } from '../../../domain/errors';
import { InvitationRequest } from '../../../domain/invitation';
import { Language } from '../../../domain/language';
import { Actor } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { inviteeCard, inviterCard } from './invitationCards';

/**
 * An invitation's card for `role`: the invitee's (`requester`: the one asked) or the inviter's (`agent`). Answered to
 * the invitee (a click, a refresh), it is always their card, wherever the click came from.
 */
export function invitationCardFor(
  cardView: RequestCardView & { request: InvitationRequest },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
  viewer: Actor | null = null,
  language: Language = 'en',
): AdaptiveCard {
  const view = { request: cardView.request, now, timeZone, notice: notice ? { code: notice } : null, profiles: cardView.profiles ?? [], language };
  const forInvitee = viewer?.type === 'person' ? viewer.person.aadObjectId === cardView.request.invitee.aadObjectId : role === 'requester';
  return forInvitee ? inviteeCard(view) : inviterCard(view);
}
