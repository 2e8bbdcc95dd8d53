import { CardRole } from '../../application/shared/cardViews';
import { ChatNotice, RequestCardView, StoredRequest } from '../../application/ports';
import { ErrorCode } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { AdaptiveCard } from './cards/cardTypes';
import { assistCardFor } from './assist/assistCardFor';
import { assistNoticeCard } from './assist/assistNoticeCard';
import { approvalSettingNoticeCard } from './lockbox/approvalSettingNoticeCard';
import { lockboxCardFor } from './lockbox/lockboxCardFor';
import { LockboxNoticeView, lockboxNoticeCard } from './lockbox/lockboxNoticeCard';
import { sessionCardFor } from './session/sessionCardFor';

export type { CardRole };

type CardDrawer<R extends StoredRequest> = (
  view: RequestCardView & { request: R },
  role: CardRole,
  notice: ErrorCode | null,
  now: Date,
  timeZone: string,
  viewer: Actor | null,
) => AdaptiveCard;

/** Each kind's card, one line per kind; a kind missing here does not compile. */
const CARD_OF_KIND: { [K in StoredRequest['kind']]: CardDrawer<Extract<StoredRequest, { kind: K }>> } = {
  session: sessionCardFor,
  lockbox: lockboxCardFor,
  assist: assistCardFor,
};

/** Renders a request's cards from its view: a card is a view, re-rendered and overwritten in place. Reads nothing. */
export class CardRenderer {
  constructor(
    private readonly clock: { now(): Date },
    private readonly timeZone: string,
  ) {}

  /**
   * The current card for `role`, with a notice when an action was refused. `viewer` is the person the card is
   * answered to (an invoke or a refresh); without one, shared cards render read-only with a refresh for deciders.
   */
  render(cardView: RequestCardView, role: CardRole, notice: ErrorCode | null = null, viewer: Actor | null = null, timeZone: string = this.timeZone): AdaptiveCard {
    const draw = CARD_OF_KIND[cardView.request.kind] as CardDrawer<StoredRequest>;
    return draw(cardView, role, notice, this.clock.now(), timeZone, viewer);
  }

  /** A notice card for someone's personal chat. */
  renderNotice(notice: ChatNotice, request: StoredRequest | null, timeZone: string = this.timeZone): AdaptiveCard {
    const now = this.clock.now();
    if (notice.kind === 'approvalSetting') {
      return approvalSettingNoticeCard({
        approvalRequired: notice.approvalRequired,
        changedBy: notice.changedBy,
        changedAt: new Date(notice.changedAt),
        timeZone,
        now,
      });
    }
    if (notice.kind === 'assistUpdate') {
      if (!request || request.kind !== 'assist') throw new Error(`notice ${notice.kind} needs its assistance request`);
      return assistNoticeCard({ request, about: notice.about });
    }
    if (!request || request.kind !== 'lockbox') throw new Error(`notice ${notice.kind} needs its lockbox request`);
    const kind = LOCKBOX_NOTICE_OF_KIND[notice.kind];
    return lockboxNoticeCard({ request, notice: kind, now, timeZone });
  }
}

/** Which lockbox notice each chat notice kind shows; a Record so a new kind must say. */
const LOCKBOX_NOTICE_OF_KIND: Record<Exclude<ChatNotice['kind'], 'approvalSetting' | 'assistUpdate'>, LockboxNoticeView['notice']> = {
  lockboxDecision: 'decision',
  lockboxReminder: 'reminder',
  lockboxEnded: 'ended',
  lockboxGrantFailed: 'grantFailed',
  lockboxRevoked: 'revoked',
  lockboxEscalated: 'escalated',
};
