import { CardRole } from '../../application/shared/cardViews';
import { ChatNotice, RequestCardView, StoredRequest } from '../../application/ports';
import { ErrorCode } from '../../domain/errors';
import { invitationParentOf } from '../../domain/invitation';
import { Language } from '../../domain/language';
import { Actor } from '../../domain/people';
import { actionSet } from './cards/cardElements';
import { AdaptiveCard } from './cards/cardTypes';
import { assistCardFor } from './assist/assistCardFor';
import { assistNoticeCard } from './assist/assistNoticeCard';
import { approvalSettingNoticeCard } from './lockbox/approvalSettingNoticeCard';
import { invitationCardFor } from './invitation/invitationCardFor';
import { invitationNoticeCard, invitationSection } from './invitation/invitationCards';
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
  language: Language,
) => AdaptiveCard;

/** Each kind's card, one line per kind; a kind missing here does not compile. */
const CARD_OF_KIND: { [K in StoredRequest['kind']]: CardDrawer<Extract<StoredRequest, { kind: K }>> } = {
  session: sessionCardFor,
  lockbox: lockboxCardFor,
  assist: assistCardFor,
  invitation: invitationCardFor,
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
   * `language` is the reader's: a channel card's is the channel's, a chat card's or a click's the person's.
   */
  render(
    cardView: RequestCardView,
    role: CardRole,
    notice: ErrorCode | null = null,
    viewer: Actor | null = null,
    timeZone: string = this.timeZone,
    language: Language = 'en',
  ): AdaptiveCard {
    const draw = CARD_OF_KIND[cardView.request.kind] as CardDrawer<StoredRequest>;
    return withInvitations(draw(cardView, role, notice, this.clock.now(), timeZone, viewer, language), cardView, role, language);
  }

  /** A notice card for someone's personal chat, in their language. */
  renderNotice(notice: ChatNotice, request: StoredRequest | null, timeZone: string = this.timeZone, language: Language = 'en'): AdaptiveCard {
    const now = this.clock.now();
    if (notice.kind === 'approvalSetting') {
      return approvalSettingNoticeCard({
        approvalRequired: notice.approvalRequired,
        changedBy: notice.changedBy,
        changedAt: new Date(notice.changedAt),
        timeZone,
        now,
        language,
      });
    }
    if (notice.kind === 'invitationUpdate') {
      if (!request || request.kind !== 'invitation') throw new Error(`notice ${notice.kind} needs its invitation`);
      return invitationNoticeCard(request, notice.about, language);
    }
    if (notice.kind === 'assistUpdate') {
      if (!request || request.kind !== 'assist') throw new Error(`notice ${notice.kind} needs its assistance request`);
      return assistNoticeCard({ request, about: notice.about, language });
    }
    if (!request || request.kind !== 'lockbox') throw new Error(`notice ${notice.kind} needs its lockbox request`);
    const kind = LOCKBOX_NOTICE_OF_KIND[notice.kind];
    return lockboxNoticeCard({ request, notice: kind, now, timeZone, language });
  }
}

/** Which lockbox notice each chat notice kind shows; a Record so a new kind must say. */
const LOCKBOX_NOTICE_OF_KIND: Record<Exclude<ChatNotice['kind'], 'approvalSetting' | 'assistUpdate' | 'invitationUpdate'>, LockboxNoticeView['notice']> = {
  lockboxDecision: 'decision',
  lockboxReminder: 'reminder',
  lockboxEnded: 'ended',
  lockboxGrantFailed: 'grantFailed',
  lockboxRevoked: 'revoked',
  lockboxEscalated: 'escalated',
};
/**
 * A connected session's or assistance card lists the colleagues invited into it with their profile; its agent's own
 * card (`agent`) adds Change profile / Remove and **Invite a colleague**. Other cards and states are left as drawn.
 */
function withInvitations(card: AdaptiveCard, view: RequestCardView, role: CardRole, language: Language): AdaptiveCard {
  const { request } = view;
  if ((request.kind !== 'session' && request.kind !== 'assist') || request.state !== 'connected' || role === 'invitation') return card;
  const section = invitationSection({
    parent: { requestId: request.id, version: request.version },
    invited: view.invited ?? [],
    agents: view.agents ?? [],
    present: invitationParentOf(request).hostIds,
    profiles: view.profiles ?? [],
    actions: role === 'agent',
    language,
  });
  if (section.body.length === 0 && section.actions.length === 0) return card;
  return { ...card, body: [...card.body, ...section.body, ...(section.actions.length > 0 ? [actionSet(section.actions, 'invitationActions')] : [])] };
}
