import { CardRole } from '../../../application/shared/cardViews';
import { RequestCardView } from '../../../application/ports';
import { AssistRequest } from '../../../domain/assist';
import { ErrorCode } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { Actor } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { assistPersonCard } from './assistPersonCard';
import { assistQueueCard } from './assistQueueCard';
import { withShownNames } from './assistCardParts';

/** An assistance request's card for `role`: the channel's, the user's own (`requester`), the helper's (`agent`). */
export function assistCardFor(
  cardView: RequestCardView & { request: AssistRequest },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
  _viewer: Actor | null = null,
  language: Language = 'en',
): AdaptiveCard {
  const view = {
    request: withShownNames(cardView.request, cardView.shownNames),
    now,
    timeZone,
    notice: notice ? { code: notice } : null,
    devices: cardView.devices ?? { source: 'intune' as const, actions: false },
    notReached: cardView.notReached,
    notified: cardView.notified,
    refreshUserIds: cardView.refreshUserIdsByRole?.[role] ?? [],
    language,
  };
  if (role === 'queue') return assistQueueCard(view);
  return assistPersonCard(view, role === 'requester' ? 'requester' : 'helper');
}
