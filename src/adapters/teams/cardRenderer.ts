import { CardRole } from '../../application/shared/cardViews';
import { ChatNotice, RequestCardView, StoredRequest } from '../../application/ports';
import { ErrorCode } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { LockboxViewer, lockboxViewerOf } from '../../domain/policy';
import { approvalSettingNoticeCard } from './lockbox/approvalSettingNoticeCard';
import { AdaptiveCard } from './cards/cardTypes';
import { lockboxCard } from './lockbox/lockboxCard';
import { lockboxNoticeCard } from './lockbox/lockboxNoticeCard';
import { sessionAgentCard } from './session/sessionAgentCard';
import { sessionInvitationCard } from './session/sessionInvitationCard';
import { sessionQueueCard } from './session/sessionQueueCard';

export type { CardRole };

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
  render(cardView: RequestCardView, role: CardRole, notice: ErrorCode | null = null, viewer: Actor | null = null): AdaptiveCard {
    const now = this.clock.now();
    const { request } = cardView;
    if (request.kind === 'lockbox') {
      const who: LockboxViewer = viewer ? lockboxViewerOf(request, viewer) : role === 'requester' ? 'requester' : 'readOnly';
      return lockboxCard({
        request,
        viewer: who,
        approverIds: cardView.deciderIds,
        now,
        timeZone: this.timeZone,
        notice: notice ? { code: notice } : null,
      });
    }
    if (role === 'invitation') {
      return sessionInvitationCard({ request, link: null, inviteText: null, now, timeZone: this.timeZone });
    }
    const view = {
      request,
      queueName: cardView.queueName,
      now,
      timeZone: this.timeZone,
      notice: notice ? { code: notice } : null,
      agents: cardView.agents,
    };
    return role === 'queue' ? sessionQueueCard(view) : sessionAgentCard(view);
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
    if (!request || request.kind !== 'lockbox') throw new Error(`notice ${notice.kind} needs its lockbox request`);
    const kind = notice.kind === 'lockboxDecision' ? 'decision' : notice.kind === 'lockboxReminder' ? 'reminder' : 'ended';
    return lockboxNoticeCard({ request, notice: kind, now, timeZone });
  }
}
