import { Activity, CardFactory, CloudAdapter, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { CardActivity, CardTarget, ChatNotice, Notifier, RequestStore, RetryableError, StoredRequest } from '../../application/ports';
import { escapeMarkdown } from './cards/escapeMarkdown';
import { AdaptiveCard } from './cards/cardTypes';
import { CardRenderer } from './cardRenderer';
import { ThreadRateLimiter } from './threadRateLimiter';

/** Delivers cards through the Bot Connector, proactively, outside any user's turn. */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly store: RequestStore,
    private readonly renderer: CardRenderer,
    private readonly limiter: ThreadRateLimiter,
  ) {}

  /** Posts a queue card as a new channel thread, or an agent card into the agent's personal chat. */
  async postCard(request: StoredRequest, target: CardTarget): Promise<CardActivity> {
    const card = await this.renderer.render(request, target.role);
    if (target.role === 'queue') {
      const queue = await this.store.getQueue(target.queueId);
      if (!queue) throw new Error(`queue ${target.queueId} is not registered`);
      this.throttle(queue.channelId);
      const created = await this.withConnector(queue.serviceUrl, queue.channelId, queue.tenantId, (client) =>
        client.conversations.createConversation({
          isGroup: true,
          bot: { id: this.botAppId, name: 'Doorman' },
          tenantId: queue.tenantId,
          channelData: { channel: { id: queue.channelId }, tenant: { id: queue.tenantId } },
          activity: cardMessage(card) as Activity,
        }),
      );
      return {
        requestId: request.id,
        role: 'queue',
        conversationId: created.id,
        activityId: created.activityId ?? '',
        serviceUrl: queue.serviceUrl,
        threadId: created.id,
      };
    }
    const chat = await this.store.getPersonalConversation(target.userId);
    if (!chat) throw new Error('the person has no personal chat with Doorman yet');
    this.throttle(chat.conversationId);
    // Straight to the conversation: a turn's sendActivity would make it a reply to the synthetic continuation event.
    const sent = await this.withConnector(chat.serviceUrl, chat.conversationId, chat.tenantId, (client) =>
      client.conversations.sendToConversation(chat.conversationId, cardMessage(card) as Activity),
    );
    if (!sent.id) throw new Error('the Bot Connector did not return the id of the posted card');
    return {
      requestId: request.id,
      role: target.role,
      conversationId: chat.conversationId,
      activityId: sent.id,
      serviceUrl: chat.serviceUrl,
      threadId: null,
    };
  }

  /** Overwrites each card with the request's current render, drawn once per role; a repeat is harmless. */
  async updateCards(request: StoredRequest, cards: readonly CardActivity[]): Promise<void> {
    const renders = new Map<CardActivity['role'], AdaptiveCard>();
    for (const card of cards) {
      const rendered = renders.get(card.role) ?? (await this.renderer.render(request, card.role));
      renders.set(card.role, rendered);
      this.throttle(card.conversationId);
      await this.withConnector(card.serviceUrl, card.conversationId, null, (client) =>
        client.conversations.updateActivity(card.conversationId, card.activityId, {
          ...cardMessage(rendered),
          id: card.activityId,
          conversation: { id: card.conversationId },
        } as Activity),
      );
    }
  }

  /** Posts a notice card into the person's personal chat. */
  async notify(userId: string, notice: ChatNotice, request: StoredRequest | null): Promise<void> {
    const chat = await this.store.getPersonalConversation(userId);
    if (!chat) throw new Error('the person has no personal chat with Doorman yet');
    // Told in the person's own time zone (the access window, above all), as Teams reported it on their last message.
    const card = this.renderer.renderNotice(notice, request, chat.timeZone ?? undefined);
    this.throttle(chat.conversationId);
    await this.withConnector(chat.serviceUrl, chat.conversationId, chat.tenantId, (client) =>
      client.conversations.sendToConversation(chat.conversationId, cardMessage(card) as Activity),
    );
  }

  /** Replies in the queue thread and @mentions the assignee: edits notify nobody, a new reply does. */
  async mentionInThread(
    request: StoredRequest,
    card: CardActivity,
    event: 'customerWaiting' | 'customerReady',
  ): Promise<void> {
    if (request.kind !== 'session') return;
    const thread = card.threadId ?? card.conversationId;
    const who = request.customerName ? escapeMarkdown(request.customerName) : 'The customer';
    const news =
      event === 'customerWaiting'
        ? `${who} (tag ${request.tag}) opened the link and is waiting.`
        : `${who} (tag ${request.tag}) granted access and is ready to be admitted.`;
    const message = MessageFactory.text(news);
    if (request.assignee) {
      const mentionText = `<at>${escapeMarkdown(request.assignee.name)}</at>`;
      message.text = `${mentionText} ${news}`;
      message.entities = [
        { type: 'mention', text: mentionText, mentioned: { id: request.assignee.aadObjectId, name: request.assignee.name } },
      ];
    }
    this.throttle(thread);
    await this.withConnector(card.serviceUrl, thread, null, (client) =>
      client.conversations.sendToConversation(thread, message as Activity),
    );
  }

  private throttle(conversationId: string): void {
    const waitMs = this.limiter.reserve(conversationId);
    if (waitMs > 0) throw new RetryableError('Teams per-thread limit reached', waitMs);
  }

  private async continueIn<T>(
    serviceUrl: string,
    conversationId: string,
    tenantId: string | null,
    logic: (context: TurnContext) => Promise<T>,
  ): Promise<T | undefined> {
    let result: T | undefined;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference(serviceUrl, conversationId, tenantId, this.botAppId), async (context) => {
        result = await logic(context);
      });
    } catch (error) {
      throw asRetryable(error);
    }
    return result;
  }

  private async withConnector<T>(
    serviceUrl: string,
    conversationId: string,
    tenantId: string | null,
    call: (client: ConnectorClient) => Promise<T>,
  ): Promise<T> {
    let result: T | undefined;
    await this.continueIn(serviceUrl, conversationId, tenantId, async (context) => {
      // The turn's own connector client is already authenticated for this service URL.
      const client = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
      result = await call(client);
    });
    if (result === undefined) throw new Error('the Bot Connector returned nothing');
    return result;
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

/** Throttling and server errors from the Bot Connector are retried; Retry-After is honoured. */
function asRetryable(error: unknown): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  if (status === 429 || (status !== undefined && status >= 500) || code === 'ECONNREFUSED' || code === 'ECONNRESET') {
    const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
    const retryAfter = Number(headers?.get?.('retry-after'));
    return new RetryableError(`Bot Connector answered ${status ?? code}`, Number.isFinite(retryAfter) ? retryAfter * 1000 : null);
  }
  return error;
}
