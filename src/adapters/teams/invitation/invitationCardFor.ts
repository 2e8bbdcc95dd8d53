import { RequestCardView } from '../../../application/ports';
import { CardRole } from '../../../application/shared/cardViews';
import { ErrorCode } from '../../../domain/errors';
import { InvitationRequest } from '../../../domain/invitation';
import { AdaptiveCard } from '../cards/cardTypes';
import { inviteeCard, inviterCard } from './invitationCards';

/** An invitation's card for `role`: the invitee's (`requester`: the one asked) or the inviter's (`agent`). */
export function invitationCardFor(
  cardView: RequestCardView & { request: InvitationRequest },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
): AdaptiveCard {
  const view = { request: cardView.request, now, timeZone, notice: notice ? { code: notice } : null, profiles: cardView.profiles ?? [] };
  return role === 'requester' ? inviteeCard(view) : inviterCard(view);
}
