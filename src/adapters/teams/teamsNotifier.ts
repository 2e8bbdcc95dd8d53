import { Activity, CardFactory, CloudAdapter, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import {
  CardActivity,
  CardAddresses,
  CardTarget,
  ChatNotice,
  ChatOpener,
  Clock,
  Notifier,
  PersonalConversation,
  RequestCardView,
  RetryableError,
  StoredRequest,
  ThreadMentionEvent,
  ThrottledError,
} from '../../application/ports';
import { textsFor } from '../../application/i18n/messages';
import { Language } from '../../domain/language';
import { Person } from '../../domain/people';
import { escapeMarkdown } from './cards/escapeMarkdown';
import { urgencyText } from './assist/assistCardParts';
import { AdaptiveCard } from './cards/cardTypes';
import { CardRenderer } from './cardRenderer';
import { SharedThreadLimits, ThreadRateLimiter } from './threadRateLimiter';

/** How long one Bot Connector call may take, and how long a conversation that did not answer is left alone. */
export interface ConnectorTimings {
  callTimeoutMs: number;
  unreachableForMs: number;
}

const DEFAULT_TIMINGS: ConnectorTimings = { callTimeoutMs: 15_000, unreachableForMs: 30_000 };

/**
 * Where a one-to-one conversation is opened when no activity told Doorman its service URL: Teams' global endpoint
 * ("Send proactive messages"), and the tenant Doorman serves. A registered channel's service URL is preferred.
 */
export interface PersonalChatDefaults {
  serviceUrl: string;
  tenantId: string | null;
}

const DEFAULT_PERSONAL_CHAT: PersonalChatDefaults = { serviceUrl: 'https://smba.trafficmanager.net/teams/', tenantId: null };

// Another message to the same conversation is on its way: wait this long for it, then come back shortly.
const BUSY_WAIT_MS = 2000;
const BUSY_RETRY_MS = 1000;
// A 429 without Retry-After still means "later", not "broken".
const DEFAULT_THROTTLE_MS = 2000;

/**
 * Delivers cards through the Bot Connector, proactively, outside any user's turn. One call at a time per
 * conversation, each with a timeout; a conversation that did not answer is left alone for a while, so one unreachable
 * chat never ties up the dispatcher.
 */
export class TeamsNotifier implements Notifier, ChatOpener {
  private readonly timings: ConnectorTimings;
  private readonly locks = new ConversationLocks();
  private readonly unreachableUntil = new Map<string, number>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly addresses: CardAddresses,
    private readonly renderer: CardRenderer,
    private readonly limiter: ThreadRateLimiter,
    private readonly clock: Clock,
    timings: Partial<ConnectorTimings> = {},
    private readonly personalChatDefaults: PersonalChatDefaults = DEFAULT_PERSONAL_CHAT,
    /** Several instances (PostgreSQL): the per-thread limits counted for all of them together. */
    private readonly sharedLimits: SharedThreadLimits | null = null,
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  /**
   * Opens the one-to-one conversation with a person the app is installed for (Bot Connector `createConversation`
   * with their Entra object id: Teams accepts it in the personal scope and answers with the chat's id, the same one
   * every time). Fails (403 from Teams) while the app is not installed for them.
   */
  async openPersonalChat(aadObjectId: string, chatId: string | null): Promise<Omit<PersonalConversation, 'name' | 'timeZone'>> {
    const known = await this.addresses.serviceEndpoint?.();
    const serviceUrl = known?.serviceUrl ?? this.personalChatDefaults.serviceUrl;
    const tenantId = known?.tenantId || this.personalChatDefaults.tenantId || '';
    const key = `personal:${aadObjectId}`;
    const memberId = (known?.channelId ? await this.rosterId(serviceUrl, tenantId, known.channelId, aadObjectId) : null) ?? aadObjectId;
    const created = await this.send([key], serviceUrl, key, tenantId || null, (client, options) =>
      client.conversations.createConversation(
        {
          isGroup: false,
          bot: { id: this.botAppId, name: 'Doorman' },
          members: [{ id: memberId, name: '' }],
          tenantId,
          channelData: { tenant: { id: tenantId } },
        } as Parameters<ConnectorClient['conversations']['createConversation']>[0],
        options,
      ),
    );
    const conversationId = created.id ?? chatId;
    if (!conversationId) throw new Error('the Bot Connector did not return the id of the opened chat');
    return {
      aadObjectId,
      conversationId,
      serviceUrl: created.serviceUrl ?? serviceUrl,
      tenantId,
      botId: this.botAppId,
      userId: memberId,
    };
  }

  /**
   * The person's Teams user id (`29:…`) from a registered channel's roster, when they are in its team: Teams takes
   * the object id too, but the Agents Playground keys personal chats by the user id only. Null when the roster does
   * not list them or cannot be read (the object id is used then).
   */
  private async rosterId(serviceUrl: string, tenantId: string, channelId: string, aadObjectId: string): Promise<string | null> {
    try {
      // Its own key: a roster that does not answer must not hold up the channel's cards.
      const members = await this.withConnector(serviceUrl, `roster:${channelId}`, tenantId || null, (client, options) =>
        client.conversations.getConversationMembers(channelId, options),
      );
      // Teams' roster names the object id `objectId`; botbuilder's type calls it `aadObjectId`.
      const member = members.find((candidate) => (candidate.aadObjectId ?? (candidate as { objectId?: string }).objectId) === aadObjectId);
      return member?.id ?? null;
    } catch {
      return null;
    }
  }

  /** Posts a queue card as a new channel thread, or an agent card into the agent's personal chat. */
  async postCard(view: RequestCardView, target: CardTarget): Promise<CardActivity> {
    const { request } = view;
    if (target.role === 'queue') {
      // Read by everyone in the channel: the channel's language, kept for every later update of this card.
      const language = (await this.addresses.queueLanguage?.(target.queueId)) ?? 'en';
      const card = this.renderer.render(view, target.role, null, null, undefined, language);
      const queue = await this.addresses.channel(target.queueId);
      if (!queue) throw new Error(`queue ${target.queueId} is not registered`);
      const created = await this.send([queue.channelId], queue.serviceUrl, queue.channelId, queue.tenantId, (client, options) =>
        client.conversations.createConversation(
          {
            isGroup: true,
            bot: { id: this.botAppId, name: 'Doorman' },
            tenantId: queue.tenantId,
            channelData: { channel: { id: queue.channelId }, tenant: { id: queue.tenantId } },
            activity: cardMessage(card) as Activity,
          },
          options,
        ),
      );
      return {
        requestId: request.id,
        role: 'queue',
        conversationId: created.id,
        activityId: created.activityId ?? '',
        serviceUrl: queue.serviceUrl,
        threadId: created.id,
        language,
      };
    }
    const chat = await this.addresses.personalChat(target.userId);
    if (!chat) throw new Error('the person has no personal chat with Doorman yet');
    // A card in someone's own chat tells times in their zone; a channel's card in the service's (it says which).
    const language = await this.languageOf(target.userId);
    const card = this.renderer.render(view, target.role, null, null, await this.zoneOf(target.userId, chat), language);
    // Straight to the conversation: a turn's sendActivity would make it a reply to the synthetic continuation event.
    const sent = await this.send([chat.conversationId], chat.serviceUrl, chat.conversationId, chat.tenantId, (client, options) =>
      client.conversations.sendToConversation(chat.conversationId, cardMessage(card) as Activity, options),
    );
    if (!sent.id) throw new Error('the Bot Connector did not return the id of the posted card');
    return {
      requestId: request.id,
      role: target.role,
      conversationId: chat.conversationId,
      activityId: sent.id,
      serviceUrl: chat.serviceUrl,
      threadId: null,
      language,
    };
  }

  /**
   * Overwrites each card with the request's current render, drawn once per role; a repeat is harmless. Slots for
   * every conversation are taken before the first card goes out, so a throttled update is retried whole, never
   * half sent and then sent again.
   */
  async updateCards(view: RequestCardView, cards: readonly CardActivity[]): Promise<void> {
    if (cards.length === 0) return;
    // One render per role and reader's zone: a card in a personal chat keeps the zone it was posted in.
    const renders = new Map<CardActivity, AdaptiveCard>();
    const drawn = new Map<string, AdaptiveCard>();
    for (const card of cards) {
      const zone = card.role === 'queue' ? undefined : await this.zoneOfCard(view, card);
      // A card keeps the language it was posted in; one posted before languages were recorded was posted in English
      // if it is a channel's, and follows its owner otherwise (a card the owner clicked into being records none).
      const language = card.language ?? (card.role === 'queue' ? 'en' : await this.languageOfCard(view, card));
      const key = `${card.role} ${zone ?? ''} ${language}`;
      const render = drawn.get(key) ?? this.renderer.render(view, card.role, null, null, zone, language);
      drawn.set(key, render);
      renders.set(card, render);
    }
    const conversations = [...new Set(cards.map((card) => card.conversationId))];
    const release = await this.admit(conversations);
    try {
      for (const card of cards) {
        await this.withConnector(card.serviceUrl, card.conversationId, null, (client, options) =>
          client.conversations.updateActivity(
            card.conversationId,
            card.activityId,
            { ...cardMessage(renders.get(card) as AdaptiveCard), id: card.activityId, conversation: { id: card.conversationId } } as Activity,
            options,
          ),
        );
      }
    } finally {
      release();
    }
  }

  /** Posts a notice card into the person's personal chat. */
  async notify(userId: string, notice: ChatNotice, request: StoredRequest | null): Promise<void> {
    const chat = await this.addresses.personalChat(userId);
    if (!chat) throw new Error('the person has no personal chat with Doorman yet');
    // Told in the person's own time zone (the access window, above all).
    const card = this.renderer.renderNotice(notice, request, await this.zoneOf(userId, chat), await this.languageOf(userId));
    await this.send([chat.conversationId], chat.serviceUrl, chat.conversationId, chat.tenantId, (client, options) =>
      client.conversations.sendToConversation(chat.conversationId, cardMessage(card) as Activity, options),
    );
  }

  /**
   * A person's zone for what is posted into their chat: as Teams reported it on their last message, else their
   * mailbox's from the directory (someone who only installed the app), else undefined (the service's default).
   */
  private async zoneOf(userId: string, chat: { timeZone?: string | null }): Promise<string | undefined> {
    return chat.timeZone ?? (await this.addresses.directoryTimeZone?.(userId)) ?? undefined;
  }

  private async languageOf(userId: string): Promise<Language> {
    return (await this.addresses.personLanguage?.(userId)) ?? 'en';
  }

  /** The language of the person whose personal chat holds `card`, else English. */
  private async languageOfCard(view: RequestCardView, card: CardActivity): Promise<Language> {
    for (const userId of cardOwners(view.request)) {
      const chat = await this.addresses.personalChat(userId);
      if (chat?.conversationId === card.conversationId) return this.languageOf(userId);
    }
    return 'en';
  }

  /** The zone of the person whose personal chat holds `card`: the request's requester, creator or assignee. */
  private async zoneOfCard(view: RequestCardView, card: CardActivity): Promise<string | undefined> {
    for (const userId of cardOwners(view.request)) {
      const chat = await this.addresses.personalChat(userId);
      if (chat?.conversationId === card.conversationId) return this.zoneOf(userId, chat);
    }
    return undefined;
  }

  /** Replies in the queue thread and @mentions the assignee: edits notify nobody, a new reply does. */
  async mentionInThread(
    request: StoredRequest,
    card: CardActivity,
    event: ThreadMentionEvent,
    people: readonly Person[] = [],
  ): Promise<void> {
    // Said in the thread's language: the one its card was posted in.
    const texts = textsFor(card.language ?? 'en');
    if (request.kind === 'assist') {
      const news = texts.t('thread.assistRequested', { who: escapeMarkdown(request.requester.name), urgency: urgencyText(request.urgency, texts) });
      return this.mentionPeople(card, people, news);
    }
    if (request.kind !== 'session') return;
    const thread = card.threadId ?? card.conversationId;
    const who = request.customerName ? escapeMarkdown(request.customerName) : texts.t('session.theCustomer');
    const news = texts.t(event === 'customerWaiting' ? 'thread.waiting' : 'thread.ready', { who, tag: request.tag });
    const message = MessageFactory.text(news);
    if (request.assignee) {
      const mentionText = `<at>${escapeMarkdown(request.assignee.name)}</at>`;
      message.text = `${mentionText} ${news}`;
      message.entities = [
        { type: 'mention', text: mentionText, mentioned: { id: request.assignee.aadObjectId, name: request.assignee.name } },
      ];
    }
    await this.send([thread], card.serviceUrl, thread, null, (client, options) =>
      client.conversations.sendToConversation(thread, message as Activity, options),
    );
  }

  /** A reply in the thread that @mentions each of `people` (assist: the on-call agents). */
  private async mentionPeople(card: CardActivity, people: readonly Person[], news: string): Promise<void> {
    const thread = card.threadId ?? card.conversationId;
    const message = MessageFactory.text(news);
    if (people.length > 0) {
      const mentions = people.map((person) => ({ person, text: `<at>${escapeMarkdown(person.name)}</at>` }));
      message.text = `${mentions.map((mention) => mention.text).join(' ')} ${news}`;
      message.entities = mentions.map(({ person, text }) => ({ type: 'mention', text, mentioned: { id: person.aadObjectId, name: person.name } }));
    }
    await this.send([thread], card.serviceUrl, thread, null, (client, options) =>
      client.conversations.sendToConversation(thread, message as Activity, options),
    );
  }

  private async send<T>(
    conversations: readonly string[],
    serviceUrl: string,
    conversationId: string,
    tenantId: string | null,
    call: (client: ConnectorClient, options: CallOptions) => Promise<T>,
  ): Promise<T> {
    const release = await this.admit(conversations);
    try {
      return await this.withConnector(serviceUrl, conversationId, tenantId, call);
    } finally {
      release();
    }
  }

  /**
   * Lets a delivery into `conversations` once each is free (one call at a time per conversation, waiting briefly
   * for the one before), answering, and within Teams' per-thread limits; otherwise throws before anything is sent:
   * ThrottledError (waiting, no attempt spent) or a RetryableError for a conversation that did not answer a moment
   * ago. Returns the release of the conversations.
   */
  private async admit(conversations: readonly string[]): Promise<() => void> {
    const held: string[] = [];
    const release = () => {
      for (const conversationId of held.splice(0)) this.locks.release(conversationId);
    };
    // Sorted, so that two multi-card updates never wait for each other crosswise.
    for (const conversationId of [...conversations].sort()) {
      if (!(await this.locks.acquire(conversationId, BUSY_WAIT_MS))) {
        release();
        throw new ThrottledError('another message to this conversation is on its way', BUSY_RETRY_MS);
      }
      held.push(conversationId);
    }
    try {
      const now = this.clock.now().getTime();
      for (const conversationId of conversations) {
        const until = this.unreachableUntil.get(conversationId) ?? 0;
        if (until > now) throw new RetryableError('the conversation did not answer a moment ago');
      }
      const taken: string[] = [];
      let waitMs = 0;
      for (const conversationId of conversations) {
        const wait = this.limiter.reserve(conversationId);
        if (wait === 0) taken.push(conversationId);
        waitMs = Math.max(waitMs, wait);
      }
      if (waitMs > 0) {
        for (const conversationId of taken) this.limiter.release(conversationId);
        throw new ThrottledError('Teams per-thread limit reached', waitMs);
      }
      const sharedWaitMs = this.sharedLimits ? await this.sharedLimits.take(conversations) : 0;
      if (sharedWaitMs > 0) {
        for (const conversationId of taken) this.limiter.release(conversationId);
        throw new ThrottledError('Teams per-thread limit reached by all instances together', sharedWaitMs);
      }
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  private async continueIn<T>(
    serviceUrl: string,
    conversationId: string,
    tenantId: string | null,
    logic: (context: TurnContext) => Promise<T>,
  ): Promise<T | undefined> {
    let result: T | undefined;
    try {
      // The adapter hands errors thrown inside the turn to onTurnError, which only logs: carry them out by hand.
      let failure: { error: unknown } | null = null;
      await this.adapter.continueConversationAsync(this.botAppId, reference(serviceUrl, conversationId, tenantId, this.botAppId), async (context) => {
        try {
          result = await logic(context);
        } catch (error) {
          failure = { error };
        }
      });
      if (failure) throw (failure as { error: unknown }).error;
    } catch (error) {
      const mapped = asRetryable(error);
      if (mapped instanceof RetryableError && !(mapped instanceof ThrottledError) && noAnswer(error)) {
        this.unreachableUntil.set(conversationId, this.clock.now().getTime() + this.timings.unreachableForMs);
      }
      throw mapped;
    }
    this.unreachableUntil.delete(conversationId);
    return result;
  }

  private async withConnector<T>(
    serviceUrl: string,
    conversationId: string,
    tenantId: string | null,
    call: (client: ConnectorClient, options: CallOptions) => Promise<T>,
  ): Promise<T> {
    let result: T | undefined;
    await this.continueIn(serviceUrl, conversationId, tenantId, async (context) => {
      // The turn's own connector client is already authenticated for this service URL.
      const client = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
      withoutInCallRetries(client);
      // The abort covers the whole call (token, connection, answer); a hanging endpoint never holds a delivery longer.
      result = await call(client, { abortSignal: AbortSignal.timeout(this.timings.callTimeoutMs), timeout: this.timings.callTimeoutMs });
    });
    if (result === undefined) throw new Error('the Bot Connector returned nothing');
    return result;
  }
}

type CallOptions = { abortSignal: AbortSignal; timeout: number };

/**
 * The connector client's pipeline retries 429 and 5xx inside the call, sleeping out Retry-After while the delivery
 * waits. The outbox dispatcher owns retries (it reschedules throttled messages without holding a worker), so the
 * pipeline's Retry phase is removed. The pipeline sits on a private field of the compat client: when it is not
 * there, the abort above still bounds the call.
 */
function withoutInCallRetries(client: ConnectorClient): void {
  const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy?(options: { phase: string }): unknown } } }).client?.pipeline;
  if (!pipeline || RETRIES_REMOVED.has(pipeline)) return;
  pipeline.removePolicy?.({ phase: 'Retry' });
  RETRIES_REMOVED.add(pipeline);
}

const RETRIES_REMOVED = new WeakSet<object>();

/** True when the Bot Connector never answered (timeout, refused, reset): worth leaving the conversation alone a while. */
function noAnswer(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === undefined;
}

/** One holder per conversation; the next waits its turn (in order) for at most a given time. */
class ConversationLocks {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** Resolves true once the caller holds `conversationId`, false when `maxWaitMs` passed first. */
  acquire(conversationId: string, maxWaitMs: number): Promise<boolean> {
    if (!this.held.has(conversationId)) {
      this.held.add(conversationId);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(conversationId) ?? [];
      const handOver = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(handOver), 1);
        resolve(false);
      }, maxWaitMs);
      timer.unref();
      queue.push(handOver);
      this.waiting.set(conversationId, queue);
    });
  }

  /** Hands the conversation to the next waiter, or frees it. */
  release(conversationId: string): void {
    const next = this.waiting.get(conversationId)?.shift();
    if (next) next();
    else {
      this.held.delete(conversationId);
      this.waiting.delete(conversationId);
    }
  }
}

function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

function reference(serviceUrl: string, conversationId: string, tenantId: string | null, botId: string): ConversationReference {
  return {
    channelId: 'msteams',
    serviceUrl,
    bot: { id: botId, name: 'Doorman' },
    conversation: { id: conversationId, isGroup: false, conversationType: '', name: '', ...(tenantId ? { tenantId } : {}) },
  };
}

/**
 * A 429 is throttling: rescheduled after Retry-After without spending an attempt. Server errors, timeouts and
 * connection failures are retried with backoff; anything else (400, 403, 404) is a real error.
 */
function asRetryable(error: unknown): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  const name = (error as { name?: string }).name;
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
  const retryAfterSeconds = Number(headers?.get?.('retry-after') ?? Number.NaN);
  const retryAfterMs = Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : null;
  if (status === 429) return new ThrottledError('Bot Connector answered 429', retryAfterMs ?? DEFAULT_THROTTLE_MS);
  if (status !== undefined && status >= 500) return new RetryableError(`Bot Connector answered ${status}`, retryAfterMs);
  if (name === 'AbortError' || name === 'TimeoutError') return new RetryableError('Bot Connector did not answer in time');
  if (status === undefined && code !== undefined) return new RetryableError(`Bot Connector unreachable (${code})`);
  return error;
}

/** The people whose personal chats hold a request's cards: the requester, creator, assignee, helper or invitee. */
function cardOwners(request: StoredRequest): string[] {
  return request.kind === 'lockbox'
    ? [request.requester.aadObjectId]
    : request.kind === 'assist'
      ? [request.requester.aadObjectId, ...(request.helper ? [request.helper.aadObjectId] : [])]
      : request.kind === 'invitation'
        ? [request.invitee.aadObjectId, request.inviter.aadObjectId]
        : [request.createdBy.aadObjectId, ...(request.assignee ? [request.assignee.aadObjectId] : [])];
}
