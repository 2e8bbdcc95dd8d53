import { CardRole } from '../../../application/shared/cardViews';
import { RequestCardView } from '../../../application/ports';
import { ErrorCode } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { Actor } from '../../../domain/people';
import { SessionRequest } from '../../../domain/session';
import { AdaptiveCard } from '../cards/cardTypes';
import { sessionAgentCard } from './sessionAgentCard';
import { sessionInvitationCard } from './sessionInvitationCard';
import { sessionQueueCard } from './sessionQueueCard';

/** A session request's card for `role`, drawn from its view (the invitation card without its link: retired). */
export function sessionCardFor(
  cardView: RequestCardView & { request: SessionRequest },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
  _viewer: Actor | null,
  language: Language,
): AdaptiveCard {
  const { request } = cardView;
  if (role === 'invitation') return sessionInvitationCard({ request, link: null, inviteText: null, now, timeZone, language });
  const view = { request, queueName: cardView.queueName, now, timeZone, language, notice: notice ? { code: notice } : null, notReached: cardView.notReached, notified: cardView.notified, shownNames: cardView.shownNames };
  return role === 'queue' ? sessionQueueCard(view) : sessionAgentCard(view);
}
