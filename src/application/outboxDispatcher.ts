import { auditEvent } from '../domain/audit';
import { isDoormanError } from '../domain/errors';
import { SessionMeeting, SessionRequest } from '../domain/session';
import { loadSession } from './actOnSession';
import { recordAssigneeReach } from './assigneeReach';
import { confirmLockboxGrant, confirmLockboxRemoval, loadLockbox } from './lockboxRequests';
import { AccessGranter, Mailer, MeetingProvider, Notifier, OutboxItem, OutboxMessage, PermanentError, RetryableError, StoredRequest, WebhookSender } from './ports';
import { commitSession } from './sessionCommit';
import { UseCaseDeps } from './useCaseDeps';

/** Tuning of the dispatcher; tests shorten the poll, production keeps the defaults. */
export interface DispatcherOptions {
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  maxBackoffMs: number;
}

const DEFAULT_OPTIONS: DispatcherOptions = {
  batchSize: 20,
  leaseMs: 60_000,
  pollMs: 250,
  maxAttempts: 12,
  maxBackoffMs: 5 * 60_000,
};

/** The ports the dispatcher delivers through. */
export interface DeliveryPorts {
  notifier: Notifier;
  mailer: Mailer;
  meetings: MeetingProvider;
  access: AccessGranter;
  webhooks: WebhookSender;
}

/**
 * Delivers what committed transitions put in the outbox: card posts and in-place updates, thread mentions, mail and
 * meeting work, retrying with backoff that honours Retry-After. Rows are leased, so several instances can run.
 */
export class OutboxDispatcher {
  private readonly options: DispatcherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = true;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly ports: DeliveryPorts,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Starts polling the outbox. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a batch now (called after a commit, so cards update within a second). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.schedule(0);
  }

  /** Delivers every due row, batch after batch, until none is left; returns how many rows were handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.runOnce();
      total += handled;
      if (handled === 0) return total;
    }
  }

  /** Claims and delivers one batch; returns how many rows were handled. */
  async runOnce(): Promise<number> {
    const items = await this.deps.store.claimOutbox(this.deps.clock.now(), this.options.batchSize, this.options.leaseMs);
    for (const item of items) await this.deliver(item);
    return items.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.loop().finally(() => {
        this.running = null;
        const again = this.wakeAgain;
        this.wakeAgain = false;
        this.schedule(again ? 0 : this.options.pollMs);
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.runOnce()) > 0) {
        // keep going while there is work
      }
    } catch (error) {
      this.deps.logger.error({ err: errorSummary(error) }, 'outbox batch failed');
    }
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { store, clock, logger } = this.deps;
    const fields = { outboxId: item.id, type: item.message.type, requestId: item.message.requestId, attempt: item.attempts };
    try {
      await this.handle(item.message);
      await store.completeOutbox(item.id);
      logger.debug(fields, 'outbox delivered');
    } catch (error) {
      const summary = errorSummary(error);
      if (item.attempts >= this.options.maxAttempts || error instanceof PermanentError) {
        await store.failOutbox(item.id, summary);
        logger.error({ ...fields, err: summary }, 'outbox gave up');
        await this.afterCardPost(item.message, false);
        return;
      }
      const backoff = Math.min(this.options.maxBackoffMs, 1000 * 2 ** Math.max(0, item.attempts - 1));
      const wait = error instanceof RetryableError && error.retryAfterMs !== null ? error.retryAfterMs : backoff;
      await store.retryOutbox(item.id, new Date(clock.now().getTime() + wait), summary);
      logger.warn({ ...fields, err: summary, retryInMs: wait }, 'outbox delivery will be retried');
    }
  }

  private async handle(message: OutboxMessage): Promise<void> {
    const { store } = this.deps;
    const { notifier, mailer } = this.ports;
    switch (message.type) {
      case 'card.post': {
        const request = await this.load(message.requestId);
        const card = await notifier.postCard(request, message.target);
        await store.saveCardActivity(card);
        await this.afterCardPost(message, true);
        return;
      }
      case 'card.update': {
        const request = await this.load(message.requestId);
        // The invitation card shows the link once and is only retired, never re-rendered: the code is not stored.
        const keepsLink = (card: { role: string }) => card.role === 'invitation' && request.kind === 'session' && request.state === 'open';
        await notifier.updateCards(request, (await store.cardActivitiesOf(request.id)).filter((card) => !keepsLink(card)));
        return;
      }
      case 'thread.mention': {
        const request = await loadSession(this.deps, message.requestId);
        const threads = (await store.cardActivitiesOf(request.id)).filter((card) => card.role === 'queue');
        for (const card of threads) await notifier.mentionInThread(request, card, message.event);
        return;
      }
      case 'mail.send':
        try {
          await mailer.send(message.mail);
        } catch (error) {
          // A missing permission will not heal by retrying: the agent's card says what the admin must grant.
          if (!isDoormanError(error, 'GRAPH.FORBIDDEN') || !message.requestId) throw error;
          await this.recordMailProblem(message.requestId, error.message);
        }
        return;
      case 'meeting.create':
        await this.createMeeting(message.requestId, message.generation);
        return;
      case 'chat.notify':
        await notifier.notify(message.userId, message.notice, message.requestId ? await this.load(message.requestId) : null);
        return;
      case 'access.grant': {
        const request = await loadLockbox(this.deps, message.requestId);
        // A grant retried after a revoke or resolve must not give the access back.
        if (request.access.status !== 'granting' || request.ending !== null) return;
        await this.ports.access.grant(request);
        await confirmLockboxGrant(this.deps, message.requestId);
        return;
      }
      case 'access.revoke':
        await this.ports.access.revoke(await loadLockbox(this.deps, message.requestId));
        await confirmLockboxRemoval(this.deps, message.requestId);
        return;
      case 'webhook':
        await this.ports.webhooks.send(message.url, message.body);
        return;
      case 'meeting.lobby':
        await this.ports.meetings.setLobbyBypass?.(message.meetingId, message.open);
        return;
      case 'meeting.delete': {
        const request = await loadSession(this.deps, message.requestId);
        await this.ports.meetings.deleteMeeting(message.meetingId, request.assignee ?? request.createdBy);
        return;
      }
    }
  }

  /** The assigner's card says whether the assignee was told; the post itself is done and never repeated for it. */
  private async afterCardPost(message: OutboxMessage, delivered: boolean): Promise<void> {
    if (message.type !== 'card.post') return;
    await recordAssigneeReach(this.deps, message.requestId, message.target, delivered).catch((error: unknown) =>
      this.deps.logger.warn({ requestId: message.requestId, err: errorSummary(error) }, 'could not record whether the assignee was told'),
    );
  }

  private async recordMailProblem(requestId: string, problem: string): Promise<void> {
    const request = await this.load(requestId);
    if (request.kind !== 'session') {
      this.deps.logger.error({ requestId, err: problem }, 'mail refused');
      return;
    }
    const now = this.deps.clock.now();
    const after: SessionRequest = { ...request, mailProblem: problem, version: request.version + 1, updatedAt: now };
    const event = auditEvent(after, 'mail.failed', request.state, request.state, {
      actor: { type: 'system', name: 'dispatcher' },
      now,
      source: 'timer',
      reason: problem,
    });
    try {
      await commitSession(this.deps, request, after, event);
    } catch (error) {
      if (isDoormanError(error, 'REQUEST.STALE_VERSION')) throw new RetryableError('request changed while recording the mail problem', 0);
      throw error;
    }
  }

  private async load(requestId: string): Promise<StoredRequest> {
    const request = await this.deps.store.getRequest(requestId);
    if (!request) throw new Error(`request ${requestId} is gone`);
    return request;
  }

  private async createMeeting(requestId: string, generation: number): Promise<void> {
    const request = await loadSession(this.deps, requestId);
    if (request.generation !== generation || request.meeting?.meetingId || ['closed', 'expired'].includes(request.state)) {
      return;
    }
    let meeting: SessionMeeting;
    try {
      // createOrGet with externalId = request id + generation: a retry after a crash returns the same meeting.
      const details = await this.ports.meetings.createMeeting(request, `${request.id}-${request.generation}`);
      meeting = { provider: details.provider, status: 'ready', joinUrl: details.joinUrl, meetingId: details.meetingId, problem: null };
    } catch (error) {
      if (!isDoormanError(error) || error.code !== 'GRAPH.FORBIDDEN') throw error;
      // Missing permission or access policy: the session stays usable in the portal's room, and the card says why.
      meeting = { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: error.message };
    }
    await recordMeeting(this.deps, request, meeting);
  }
}

/** Stores the meeting made for a request; a concurrent transition makes the dispatcher retry (createOrGet is safe). */
async function recordMeeting(deps: UseCaseDeps, request: SessionRequest, meeting: SessionMeeting): Promise<void> {
  const now = deps.clock.now();
  const after: SessionRequest = { ...request, meeting, version: request.version + 1, updatedAt: now };
  const event = auditEvent(after, meeting.problem ? 'meeting.failed' : 'meeting.ready', request.state, request.state, {
    actor: { type: 'system', name: 'dispatcher' },
    now,
    source: 'timer',
    reason: meeting.problem,
  });
  try {
    await commitSession(deps, request, after, event);
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) throw new RetryableError('request changed while the meeting was made', 0);
    throw error;
  }
}

function errorSummary(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
