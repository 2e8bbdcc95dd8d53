import { ChatNotice, Directory, QueueStore, StoredRequest } from '../../application/ports';
import { ErrorCode } from '../../domain/errors';
import { LockboxRequest, lockboxParties } from '../../domain/lockbox';
import { Actor, hasRole } from '../../domain/people';
import { approvalSettingNoticeCard } from './lockbox/approvalSettingNoticeCard';
import { AdaptiveCard } from './cards/cardTypes';
import { lockboxCard } from './lockbox/lockboxCard';
import { lockboxNoticeCard } from './lockbox/lockboxNoticeCard';
import { sessionAgentCard } from './session/sessionAgentCard';
import { sessionInvitationCard } from './session/sessionInvitationCard';
import { sessionQueueCard } from './session/sessionQueueCard';

/** Which card of a request is being drawn. */
export type CardRole = 'queue' | 'agent' | 'invitation' | 'requester';

/** Who looks at a lockbox card: the buttons depend on it; the server decides, never the card. */
export type LockboxViewer = 'approver' | 'requester' | 'reviewer' | 'readOnly';

/** Teams refreshes a card for at most 60 listed users (Universal Actions `refresh.userIds`). */
const MAX_REFRESH_USERS = 60;

/** The lockbox view a person gets: the requester their own, an approver (never the requester) the decision buttons. */
export function lockboxViewerOf(request: LockboxRequest, actor: Actor | null): LockboxViewer {
  if (!actor || actor.type !== 'person') return 'readOnly';
  if (lockboxParties(request).includes(actor.person.aadObjectId)) return 'requester';
  if (request.state === 'review' && hasRole(actor, 'admin')) return 'reviewer';
  if (request.state !== 'review' && hasRole(actor, 'approver')) return 'approver';
  return 'readOnly';
}

/** Renders a request's cards from stored state: a card is a view, re-rendered and overwritten in place. */
export class CardRenderer {
  constructor(
    private readonly store: QueueStore,
    private readonly directory: Directory,
    private readonly clock: { now(): Date },
    private readonly timeZone: string,
  ) {}

  /**
   * The current card for `role`, with a notice when an action was refused. `viewer` is the person the card is
   * answered to (an invoke or a refresh); without one, shared cards render read-only with a refresh for deciders.
   */
  async render(request: StoredRequest, role: CardRole, notice: ErrorCode | null = null, viewer: Actor | null = null): Promise<AdaptiveCard> {
    const now = this.clock.now();
    if (request.kind === 'lockbox') {
      const who: LockboxViewer = viewer ? lockboxViewerOf(request, viewer) : role === 'requester' ? 'requester' : 'readOnly';
      return lockboxCard({
        request,
        viewer: who,
        approverIds: await this.deciderIds(request),
        now,
        timeZone: this.timeZone,
        notice: notice ? { code: notice } : null,
      });
    }
    if (role === 'invitation') {
      return sessionInvitationCard({ request, link: null, inviteText: null, now, timeZone: this.timeZone });
    }
    const queue = request.queueId ? await this.store.getQueue(request.queueId) : null;
    const view = {
      request,
      queueName: queue?.name ?? null,
      now,
      timeZone: this.timeZone,
      notice: notice ? { code: notice } : null,
      agents: await this.directory.listAgents(),
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

  // Who gets the automatic refresh (and so their buttons): approvers, or admins while a lead review is pending.
  private async deciderIds(request: LockboxRequest): Promise<string[]> {
    const role = request.state === 'review' ? 'admin' : 'approver';
    const people = await this.directory.listByRole(role);
    return people
      .map((person) => person.aadObjectId)
      .filter((id) => !lockboxParties(request).includes(id))
      .slice(0, MAX_REFRESH_USERS);
  }
}
