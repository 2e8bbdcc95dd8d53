import { Problem, isDoormanError, problemLine } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { SessionMeeting, SessionRequest, recordSessionSide } from '../../domain/session';
import { AssistMeeting, AssistRequest } from '../../domain/assist';
import { startDeviceAction, refreshDeviceAction } from '../assist/assistDevices';
import { connectAssist, loadAssist, onCallAgents } from '../assist/assistRequests';
import { endInvitationsWithParent, syncParticipant } from '../invitation/invitationRequests';
import { loadSession } from '../session/actOnSession';
import { recordAssigneeReach } from '../session/assigneeReach';
import { deliveryFailureOf, recordDeliveryFailure, recordPersonReached } from './givenUpDeliveries';
import {
  ActivityFeed,
  AccessGranter,
  AppInstaller,
  ChatOpener,
  Mailer,
  MeetingProvider,
  Notifier,
  OutboxItem,
  OutboxMessage,
  PermanentError,
  PersonUnreachableError,
  RetryableError,
  StoredRequest,
  ThrottledError,
  WebhookSender,
} from '../ports';
import { chatOpeningGivenUp, chatReadiness, installForChat, noticeByMail, openChat } from '../people/chatReach';
import { failLockboxGrant } from '../lockbox/lockboxRequests';
import { grantLockboxAccess, removeLockboxAccess } from '../lockbox/lockboxAccess';
import { commitRequest } from '../shared/requestCommit';
import { yieldToEventLoop } from '../shared/repeating';
import { knownName } from '../people/personalChats';
import { activityNotificationOf } from './activityNotifications';
import { cardViewOf } from '../shared/cardViews';
import { UseCaseDeps } from '../shared/useCaseDeps';

const DISPATCHER: Actor = { type: 'system', name: 'dispatcher' };

/** Tuning of the dispatcher; tests shorten the poll, production keeps the defaults. */
export interface DispatcherOptions {
  /** Rows claimed at once for one lane kind. */
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  maxBackoffMs: number;
  /** Deliveries (card posts, mail, webhooks, meetings) in flight at once, one lane per request. */
  concurrency: number;
  /** Access grants and revokes in flight at once: their own lanes, never behind card posts. */
  accessConcurrency: number;
  /**
   * The last resort: a delivery that has not finished by then counts as failed and is retried. Each port has its own,
   * much shorter timeout; this one only catches a port without (the abandoned call may still complete: a repeat).
   */
  deliveryTimeoutMs: number;
  /** How long `stop()` waits for deliveries in flight before it hands their rows back for the next start. */
  stopGraceMs: number;
  /**
   * How long a wake waits before claiming: the commits of that moment are claimed together, and the claim runs after
   * the answer to the click that committed rather than in its way.
   */
  wakeDelayMs: number;
}

const DEFAULT_OPTIONS: DispatcherOptions = {
  batchSize: 20,
  leaseMs: 60_000,
  pollMs: 250,
  maxAttempts: 12,
  maxBackoffMs: 5 * 60_000,
  concurrency: 8,
  accessConcurrency: 4,
  deliveryTimeoutMs: 60_000,
  stopGraceMs: 3_000,
  wakeDelayMs: 20,
};

/** Which lane each message type travels in; a Record so that a new message type must say. */
const LANE_OF_TYPE: Record<OutboxMessage['type'], 'access' | 'delivery'> = {
  'access.grant': 'access',
  'access.revoke': 'access',
  'card.post': 'delivery',
  'card.update': 'delivery',
  'thread.mention': 'delivery',
  'mail.send': 'delivery',
  'meeting.create': 'delivery',
  'meeting.delete': 'delivery',
  'meeting.lobby': 'delivery',
  'participant.set': 'delivery',
  'participant.remove': 'delivery',
  'invitations.end': 'delivery',
  'chat.notify': 'delivery',
  webhook: 'delivery',
  'activity.notify': 'delivery',
  'chat.install': 'delivery',
  'chat.open': 'delivery',
  'device.action': 'delivery',
  'device.status': 'delivery',
};
const ACCESS_TYPES = typesOf('access');
const DELIVERY_TYPES = typesOf('delivery');

/** The ports the dispatcher delivers through. */
export interface DeliveryPorts {
  notifier: Notifier;
  mailer: Mailer;
  meetings: MeetingProvider;
  access: AccessGranter;
  webhooks: WebhookSender;
  activityFeed: ActivityFeed;
  /** Puts Doorman in the personal scope of someone who never opened it (Graph; a stand-in locally). */
  installer: AppInstaller;
  /** Opens the one-to-one conversation once the app is installed (Bot Connector). */
  chatOpener: ChatOpener;
}

/** How long a card or notice waits before it looks again whether the person's chat has been opened. */
const WAIT_FOR_CHAT_MS = 5000;

/**
 * Delivers what committed transitions put in the outbox: card posts and in-place updates, thread mentions, mail,
 * meeting and access work, webhooks. Rows are leased, so several instances can run. Each request's messages go
 * one after another in their own lane, in the order they were written; lanes run side by side (bounded), so one slow
 * or unreachable destination holds up nobody else, and access changes have lanes of their own. Throttled messages
 * are rescheduled without spending an attempt; real failures back off (honouring Retry-After) and are finally given
 * up, visibly (`doctor`, metrics, log).
 */
export class OutboxDispatcher {
  private readonly options: DispatcherOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = true;
  /** Rows claimed and not yet settled, by id: handed back at shutdown. */
  private readonly inFlight = new Map<number, OutboxItem>();
  /** Rows handed back at shutdown: whatever their call does later, it no longer writes. */
  private readonly abandoned = new Set<number>();
  /** Each running lane's queue of claimed rows, by lane key. */
  private readonly lanes = new Map<string, { kind: 'access' | 'delivery'; queue: OutboxItem[]; done: Promise<void> }>();
  private nudge: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Set by stop(): no more claims, no more rows started. */
  private closing = false;

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
    this.closing = false;
    this.schedule(0);
  }

  /**
   * Stops polling, waits up to `stopGraceMs` for deliveries in flight, and hands the rest back (attempt returned,
   * due now) so the next start delivers them. A call still hanging is abandoned: its row no longer listens to it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.nudge?.();
    const settled = Promise.all([this.running, ...[...this.lanes.values()].map((lane) => lane.done)]);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (grace = setTimeout(resolve, this.options.stopGraceMs)))]);
    clearTimeout(grace);
    const unfinished = [...this.inFlight.values()];
    for (const item of unfinished) this.abandoned.add(item.id);
    this.inFlight.clear();
    const now = this.deps.clock.now();
    for (const item of unfinished) await this.deps.outbox.deferOutbox(item.id, now).catch(() => undefined);
    if (unfinished.length > 0) this.deps.logger.warn({ rows: unfinished.length }, 'outbox rows handed back at shutdown');
  }

  /** Claims again shortly (called after a commit, so cards update within a second); wakes meanwhile join it. */
  wake(): void {
    if (this.stopped || this.wakeTimer) return;
    if (this.options.wakeDelayMs <= 0) return this.wakeNow();
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wakeNow();
    }, this.options.wakeDelayMs);
  }

  private wakeNow(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      this.nudge?.();
      return;
    }
    this.schedule(0);
  }

  /** Delivers every due row, lane by lane, until none is due and none is in flight; returns how many were handled. */
  async drain(): Promise<number> {
    return this.pump(() => false);
  }

  /** Claims one round of rows and delivers them; returns how many rows were handled. */
  async runOnce(): Promise<number> {
    let rounds = 0;
    return this.pump(() => ++rounds > 1);
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
      await this.pump(() => this.stopped);
    } catch (error) {
      this.deps.logger.error({ err: errorSummary(error) }, 'outbox batch failed');
    }
  }

  /**
   * Claims rows while lanes have room and starts their lanes; when nothing more can be claimed it waits for a lane to
   * finish, a wake or the poll, and returns once nothing is due and nothing is in flight (or `enough` says so).
   */
  private async pump(enough: () => boolean): Promise<number> {
    let handled = 0;
    while (!enough() && !this.closing) {
      const claimed = [...(await this.claim('access')), ...(await this.claim('delivery'))];
      for (const item of claimed) this.enqueue(item);
      handled += claimed.length;
      // Synchronous SQLite would otherwise keep the event loop from HTTP for as long as rows keep coming.
      await yieldToEventLoop();
      if (claimed.length > 0) continue;
      if (this.lanes.size === 0) break;
      await this.nextEvent();
    }
    // At shutdown the lanes still running are stop()'s to wait for (or abandon), not the pump's.
    if (!this.closing) await Promise.all([...this.lanes.values()].map((lane) => lane.done));
    return handled;
  }

  private async claim(kind: 'access' | 'delivery'): Promise<OutboxItem[]> {
    const limit = kind === 'access' ? this.options.accessConcurrency : this.options.concurrency;
    const room = Math.min(this.options.batchSize, limit - [...this.lanes.values()].filter((lane) => lane.kind === kind).length);
    if (room <= 0 || this.closing) return [];
    const items = await this.deps.outbox.claimOutbox(
      this.deps.clock.now(),
      room,
      this.options.leaseMs,
      kind === 'access' ? ACCESS_TYPES : DELIVERY_TYPES,
    );
    for (const item of items) this.inFlight.set(item.id, item);
    return items;
  }

  /** Puts a claimed row at the end of its request's lane, starting the lane when it is not running. */
  private enqueue(item: OutboxItem): void {
    const key = laneKey(item.message);
    const lane = this.lanes.get(key);
    if (lane) {
      lane.queue.push(item);
      return;
    }
    const queue = [item];
    const started = { kind: LANE_OF_TYPE[item.message.type], queue, done: Promise.resolve() };
    this.lanes.set(key, started);
    started.done = this.runLane(queue).finally(() => {
      this.lanes.delete(key);
      this.nudge?.();
    });
  }

  private async runLane(queue: OutboxItem[]): Promise<void> {
    for (let item = queue.shift(); item && !this.closing; item = queue.shift()) {
      if (this.abandoned.delete(item.id)) continue;
      await this.deliver(item);
      await yieldToEventLoop();
    }
  }

  /** Resolves when a lane finishes, a wake arrives, or the poll interval passes. */
  private nextEvent(): Promise<void> {
    return new Promise<void>((resolve) => {
      const poll = setTimeout(done, this.options.pollMs);
      function done(): void {
        clearTimeout(poll);
        resolve();
      }
      this.nudge = () => {
        this.nudge = null;
        done();
      };
    });
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { outbox, clock, logger } = this.deps;
    const fields = { outboxId: item.id, type: item.message.type, requestId: item.message.requestId, attempt: item.attempts };
    try {
      await withTimeout(this.handle(item.message, item.createdAt), this.options.deliveryTimeoutMs);
      if (this.abandoned.delete(item.id)) return;
      await outbox.completeOutbox(item.id);
      logger.debug(fields, 'outbox delivered');
    } catch (error) {
      if (this.abandoned.delete(item.id)) return;
      const summary = errorSummary(error);
      if (error instanceof RetryableError && error.throttled) {
        // Waiting, not failing: the attempt this claim counted is given back.
        const wait = Math.max(error.retryAfterMs ?? 0, 1);
        await outbox.deferOutbox(item.id, new Date(clock.now().getTime() + wait));
        logger.debug({ ...fields, err: summary, retryInMs: wait }, 'outbox delivery throttled');
        return;
      }
      if (item.attempts >= this.options.maxAttempts || error instanceof PermanentError || isGivenUpAtOnce(item.message, error)) {
        await outbox.failOutbox(item.id, summary);
        logger.error({ ...fields, err: summary }, 'outbox gave up');
        await this.afterGivenUp(item.message, error);
        return;
      }
      const backoff = Math.min(this.options.maxBackoffMs, 1000 * 2 ** Math.max(0, item.attempts - 1));
      const wait = error instanceof RetryableError && error.retryAfterMs !== null ? error.retryAfterMs : backoff;
      await outbox.retryOutbox(item.id, new Date(clock.now().getTime() + wait), summary);
      logger.warn({ ...fields, err: summary, retryInMs: wait }, 'outbox delivery will be retried');
    } finally {
      this.inFlight.delete(item.id);
    }
  }

  private async handle(message: OutboxMessage, writtenAt: Date): Promise<void> {
    const { requests } = this.deps;
    const { notifier, mailer } = this.ports;
    switch (message.type) {
      case 'card.post': {
        if (message.target.role !== 'queue') await this.waitForChat(message.target.userId, writtenAt);
        const request = await this.load(message.requestId);
        const card = await notifier.postCard(await cardViewOf(this.deps, request), message.target);
        await requests.saveCardActivity(card);
        await this.afterCardPost(message, true);
        return;
      }
      case 'card.update':
        await this.updateCards(await this.load(message.requestId));
        return;
      case 'thread.mention': {
        const request = await this.load(message.requestId);
        const threads = (await requests.cardActivitiesOf(request.id)).filter((card) => card.role === 'queue');
        // Assist: the on-call agents are @mentioned in the new thread (their activity feed is told as well).
        const people = request.kind === 'assist' ? await onCallAgents(this.deps, request) : [];
        for (const card of threads) await notifier.mentionInThread(request, card, message.event, people);
        return;
      }
      case 'mail.send':
        try {
          await mailer.send(message.mail);
        } catch (error) {
          // A missing permission will not heal by retrying: the agent's card says what the admin must grant.
          if (!isDoormanError(error, 'GRAPH.FORBIDDEN') || !message.requestId) throw error;
          await this.recordMailProblem(message.requestId, error.problem());
        }
        return;
      case 'meeting.create':
        await this.createMeeting(message.requestId, message.generation);
        return;
      case 'chat.notify': {
        const request = message.requestId ? await this.load(message.requestId) : null;
        try {
          await this.waitForChat(message.userId, writtenAt);
        } catch (error) {
          if (!(error instanceof PersonUnreachableError)) throw error;
          await this.noticeByMailInstead(message, request, error);
          return;
        }
        await notifier.notify(message.userId, message.notice, request);
        return;
      }
      case 'chat.install':
        await installForChat(this.deps, this.ports.installer, message.userId);
        return;
      case 'chat.open':
        await openChat(this.deps, this.ports.installer, this.ports.chatOpener, message.userId);
        return;
      case 'access.grant':
        try {
          await grantLockboxAccess(this.deps, this.ports.access, message.requestId);
        } catch (error) {
          // A missing permission will not heal by retrying: the request ends and the people are told what is missing.
          if (!isDoormanError(error, 'GRAPH.FORBIDDEN')) throw error;
          await failLockboxGrant(this.deps, message.requestId, error.problem());
        }
        return;
      case 'access.revoke':
        await removeLockboxAccess(this.deps, this.ports.access, message.requestId);
        return;
      case 'webhook':
        await this.ports.webhooks.send(message.url, message.body);
        return;
      case 'meeting.lobby':
        await this.ports.meetings.setLobbyBypass?.(message.meetingId, message.open);
        return;
      case 'meeting.delete': {
        const request = await this.load(message.requestId);
        const organizer =
          request.kind === 'assist' ? request.helper ?? request.requester : request.kind === 'session' ? request.assignee ?? request.createdBy : null;
        if (organizer) await this.ports.meetings.deleteMeeting(message.meetingId, organizer);
        return;
      }
      case 'activity.notify':
        await this.notifyActivity(message);
        return;
      case 'device.action':
        await startDeviceAction(this.deps, message.requestId, message.actionId);
        return;
      case 'device.status':
        await refreshDeviceAction(this.deps, message.requestId, message.actionId);
        return;
      case 'participant.set':
      case 'participant.remove':
        await syncParticipant(this.deps, message.requestId);
        return;
      case 'invitations.end':
        await endInvitationsWithParent(this.deps, message.requestId);
        return;
      default: {
        // A new message type must be handled above: this line stops compiling until it is.
        const unhandled: never = message;
        throw new PermanentError(`no handler for outbox message ${(unhandled as OutboxMessage).type}`);
      }
    }
  }

  /**
   * One activity-feed notification, worded from the request as it is now; nothing when its moment has passed. Where the
   * feed is the local stand-in, the request's cards are drawn again so they say who was notified.
   */
  private async notifyActivity(message: Extract<OutboxMessage, { type: 'activity.notify' }>): Promise<void> {
    const { activityFeed } = this.ports;
    const request = await this.load(message.requestId);
    const notification = activityNotificationOf(request, message.activity, message.userId);
    if (notification === null) {
      this.deps.logger.debug({ requestId: request.id, activity: message.activity }, 'activity notification no longer due');
      return;
    }
    const shownBefore = activityFeed.notifiedAbout?.(request.id).length ?? 0;
    await activityFeed.notify({ aadObjectId: message.userId, name: await knownName(this.deps, message.userId) }, notification);
    // Only when the cards would say something new: a person told again is already named there.
    if ((activityFeed.notifiedAbout?.(request.id).length ?? 0) > shownBefore) await this.updateCards(request);
  }

  /** Draws every card of the request again from its current view (idempotent PUTs). */
  private async updateCards(request: StoredRequest): Promise<void> {
    // The invitation card shows the link once and is only retired, never re-rendered: the code is not stored.
    const keepsLink = (card: { role: string }) => card.role === 'invitation' && request.kind === 'session' && request.state === 'open';
    const cards = (await this.deps.requests.cardActivitiesOf(request.id)).filter((card) => !keepsLink(card));
    await this.ports.notifier.updateCards(await cardViewOf(this.deps, request), cards);
  }

  /**
   * Lets a card or notice for a person through once they have a chat. Until then it waits (rescheduled without
   * spending an attempt) while Doorman installs itself for them and opens the chat; when that is not possible it
   * throws PersonUnreachableError with why.
   */
  private async waitForChat(userId: string, writtenAt: Date): Promise<void> {
    const readiness = await chatReadiness(this.deps, userId, writtenAt);
    if (readiness.kind === 'opening') throw new ThrottledError("waiting for the person's chat to be opened", WAIT_FOR_CHAT_MS);
    if (readiness.kind === 'unreachable') throw new PersonUnreachableError(readiness.problem);
  }

  /**
   * A notice for someone Doorman cannot reach in Teams goes by mail when it has a mail form and the directory knows
   * their address, and the request's cards say they were told by mail and why not in Teams. Otherwise it is given up.
   */
  private async noticeByMailInstead(
    message: Extract<OutboxMessage, { type: 'chat.notify' }>,
    request: StoredRequest | null,
    unreachable: PersonUnreachableError,
  ): Promise<void> {
    const mail = await noticeByMail(this.deps, message.userId, message.notice, request);
    if (mail === null) throw unreachable;
    if (mail !== 'mailedBeside') await this.ports.mailer.send(mail);
    this.deps.logger.warn({ userId: message.userId, requestId: message.requestId, code: unreachable.problem.code }, 'notice sent by mail: the person cannot be reached in Teams');
    if (message.requestId === null) return;
    const failure = deliveryFailureOf(message, unreachable);
    if (failure) await recordDeliveryFailure(this.deps, message.requestId, { ...failure, fallback: 'mail' });
  }

  /** The assigner's card says whether the assignee was told; the post itself is done and never repeated for it. */
  private async afterCardPost(message: OutboxMessage, delivered: boolean): Promise<void> {
    if (message.type !== 'card.post') return;
    await recordAssigneeReach(this.deps, message.requestId, message.target, delivered).catch((error: unknown) =>
      this.deps.logger.warn({ requestId: message.requestId, err: errorSummary(error) }, 'could not record whether the assignee was told'),
    );
    if (!delivered || message.target.role === 'queue') return;
    await recordPersonReached(this.deps, message.requestId, message.target.userId).catch((error: unknown) =>
      this.deps.logger.warn({ requestId: message.requestId, err: errorSummary(error) }, 'could not record that a person was reached'),
    );
  }

  /**
   * Never silent: a given-up card, notice, mention, mail or webhook is recorded on its request, so the request's other
   * cards say who was not reached (an assignee without a chat is said as "not told", the existing way).
   */
  private async afterGivenUp(message: OutboxMessage, error: unknown): Promise<void> {
    if (message.type === 'chat.install' || message.type === 'chat.open') {
      await chatOpeningGivenUp(this.deps, message.userId, errorSummary(error)).catch((recordError: unknown) =>
        this.deps.logger.warn({ userId: message.userId, err: errorSummary(recordError) }, 'could not record that a chat could not be opened'),
      );
      return;
    }
    if (message.type === 'access.grant') {
      await failLockboxGrant(this.deps, message.requestId, { code: 'ACCESS.GIVEN_UP', detail: null }).catch((recordError: unknown) =>
        this.deps.logger.warn({ requestId: message.requestId, err: errorSummary(recordError) }, 'could not record the failed grant on its request'),
      );
      return;
    }
    const failure = deliveryFailureOf(message, error);
    if (failure === null || message.requestId === null) return;
    const requestId = message.requestId;
    try {
      // The assignee's "not told" line says a card did not arrive; why (and the fix) is the delivery failure's to say.
      const saidAsNotTold = message.type === 'card.post' && (await recordAssigneeReach(this.deps, requestId, message.target, false));
      if (saidAsNotTold && !(error instanceof PersonUnreachableError)) return;
      await recordDeliveryFailure(this.deps, requestId, failure);
    } catch (recordError) {
      this.deps.logger.warn({ requestId, err: errorSummary(recordError) }, 'could not record the given-up delivery on its request');
    }
  }

  private async recordMailProblem(requestId: string, problem: Problem): Promise<void> {
    const request = await this.load(requestId);
    if (request.kind !== 'session') {
      this.deps.logger.error({ requestId, err: problemLine(problem) }, 'mail refused');
      return;
    }
    const { request: after, event } = recordSessionSide(request, { action: 'mail.failed', problem }, {
      actor: DISPATCHER,
      now: this.deps.clock.now(),
      source: 'timer',
    });
    try {
      await commitRequest(this.deps, request, after, [event]);
    } catch (error) {
      if (isDoormanError(error, 'REQUEST.STALE_VERSION')) throw new RetryableError('request changed while recording the mail problem', 0);
      throw error;
    }
  }

  private async load(requestId: string): Promise<StoredRequest> {
    const request = await this.deps.requests.getRequest(requestId);
    if (!request) throw new Error(`request ${requestId} is gone`);
    return request;
  }

  private async createMeeting(requestId: string, generation: number): Promise<void> {
    const stored = await this.load(requestId);
    if (stored.kind === 'assist') return this.createAssistMeeting(stored);
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
      meeting = { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: error.problem() };
    }
    await recordMeeting(this.deps, request, meeting);
  }

  private async createAssistMeeting(request: AssistRequest): Promise<void> {
    if (request.state !== 'allowed') return;
    const meeting = await assistMeeting(this.deps, this.ports.meetings, request);
    try {
      await connectAssist(this.deps, request, meeting);
    } catch (error) {
      if (!isDoormanError(error, 'REQUEST.STALE_VERSION')) throw error;
      // Still allowed (something else was recorded meanwhile): again, and createOrGet returns the same meeting.
      if ((await loadAssist(this.deps, request.id)).state === 'allowed') throw new RetryableError('request changed while the meeting was made', 0);
      // Closed meanwhile: the Teams meeting made for nothing is deleted again, never left behind.
      if (meeting.meetingId && request.helper) await this.ports.meetings.deleteMeeting(meeting.meetingId, request.helper);
    }
  }
}

/** The meeting a helper and a user meet in once the user allowed control (local mode: the local room). */
async function assistMeeting(deps: UseCaseDeps, meetings: MeetingProvider, request: AssistRequest): Promise<AssistMeeting> {
  const localRoom = `${deps.settings.publicBaseUrl}/assist/${encodeURIComponent(request.id)}/room`;
  try {
    // createOrGet with externalId = request id + 1: a retry after a crash returns the same meeting.
    const details = await meetings.createMeeting(request, `${request.id}-1`);
    return { provider: details.provider, joinUrl: details.joinUrl ?? localRoom, meetingId: details.meetingId, problem: null };
  } catch (error) {
    if (!isDoormanError(error, 'GRAPH.FORBIDDEN')) throw error;
    return { provider: 'local', joinUrl: localRoom, meetingId: null, problem: error.problem() };
  }
}

/** Stores the meeting made for a request; a concurrent transition makes the dispatcher retry (createOrGet is safe). */
async function recordMeeting(deps: UseCaseDeps, request: SessionRequest, meeting: SessionMeeting): Promise<void> {
  const { request: after, event } = recordSessionSide(
    request,
    { action: meeting.problem ? 'meeting.failed' : 'meeting.ready', meeting },
    { actor: DISPATCHER, now: deps.clock.now(), source: 'timer' },
  );
  try {
    await commitRequest(deps, request, after, [event]);
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) throw new RetryableError('request changed while the meeting was made', 0);
    throw error;
  }
}

/**
 * The lane a message travels in. A request's cards (post, updates, thread replies) keep their order in one lane;
 * its mail, meeting work, webhooks and access changes each have their own, and chat notices go in the person's
 * lane: a chat that does not answer holds up no webhook, mail or grant.
 */
function laneKey(message: OutboxMessage): string {
  switch (message.type) {
    case 'card.post':
    case 'card.update':
    case 'thread.mention':
      return `cards:${message.requestId}`;
    case 'chat.notify':
      return `chat:${message.userId}`;
    case 'mail.send':
      return `mail:${message.requestId}`;
    case 'meeting.create':
    case 'meeting.delete':
    case 'meeting.lobby':
      return `meeting:${message.requestId}`;
    case 'access.grant':
    case 'access.revoke':
      return `access:${message.requestId}`;
    case 'webhook':
      return `webhook:${message.requestId}`;
    case 'activity.notify':
      return `feed:${message.userId}`;
    case 'chat.install':
    case 'chat.open':
      return `reach:${message.userId}`;
    case 'device.action':
    case 'device.status':
      return `device:${message.requestId}`;
    case 'participant.set':
    case 'participant.remove':
      // Per meeting, not per invitation: a change is a read-modify-write of the meeting's whole attendee list.
      return `participants:${message.meetingId ?? message.requestId}`;
    case 'invitations.end':
      return `invitations:${message.requestId}`;
  }
}

/**
 * A feed notification refused for a missing permission (GRAPH.FORBIDDEN) will not heal by retrying before its moment
 * passes: it is given up at once, and the request's cards and `doctor` say what to grant.
 */
function isGivenUpAtOnce(message: OutboxMessage, error: unknown): boolean {
  return message.type === 'activity.notify' && isDoormanError(error, 'GRAPH.FORBIDDEN');
}

function typesOf(kind: 'access' | 'delivery'): OutboxMessage['type'][] {
  return (Object.keys(LANE_OF_TYPE) as OutboxMessage['type'][]).filter((type) => LANE_OF_TYPE[type] === kind);
}

/** Rejects with a RetryableError when `work` has not settled within `ms`; the work itself is left to finish. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RetryableError(`delivery did not finish within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorSummary(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
