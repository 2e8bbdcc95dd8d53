import { Directory, RequestStore, StoredRequest } from '../../application/ports';
import { ErrorCode } from '../../domain/errors';
import { AdaptiveCard } from './cards/cardTypes';
import { sessionAgentCard } from './cards/sessionAgentCard';
import { sessionInvitationCard } from './cards/sessionInvitationCard';
import { sessionQueueCard } from './cards/sessionQueueCard';

/** Which card of a request is being drawn. */
export type CardRole = 'queue' | 'agent' | 'invitation';

/** Renders a request's cards from stored state: a card is a view, re-rendered and overwritten in place. */
export class SessionCardRenderer {
  constructor(
    private readonly store: RequestStore,
    private readonly directory: Directory,
    private readonly clock: { now(): Date },
    private readonly timeZone: string,
  ) {}

  /** The current card for `role`, with a notice when an action was refused. */
  async render(request: StoredRequest, role: CardRole, notice: ErrorCode | null = null): Promise<AdaptiveCard> {
    const now = this.clock.now();
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
}
