import { CardRole } from '../../../application/shared/cardViews';
import { RequestCardView } from '../../../application/ports';
import { ErrorCode } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { LockboxRequest } from '../../../domain/lockbox';
import { Actor } from '../../../domain/people';
import { LockboxViewer, lockboxViewerOf } from '../../../domain/policy';
import { AdaptiveCard } from '../cards/cardTypes';
import { lockboxCard } from './lockboxCard';

/** A lockbox request's card: buttons for the person answered to (the domain decides), read-only for everyone else. */
export function lockboxCardFor(
  cardView: RequestCardView & { request: LockboxRequest },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
  viewer: Actor | null,
  language: Language = 'en',
): AdaptiveCard {
  const { request } = cardView;
  const who: LockboxViewer = viewer ? lockboxViewerOf(request, viewer) : role === 'requester' ? 'requester' : 'readOnly';
  return lockboxCard({
    request,
    viewer: who,
    approverIds: cardView.refreshUserIds ?? cardView.deciderIds,
    now,
    timeZone,
    language,
    notice: notice ? { code: notice } : null,
    requestedViaLabel: cardView.requestedViaLabel ?? null,
    notReached: cardView.notReached ?? [],
    notified: cardView.notified,
    shownNames: cardView.shownNames ?? {},
  });
}
