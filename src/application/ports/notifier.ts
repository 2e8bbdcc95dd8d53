import { DeliveryFailure } from '../../domain/deliveryFailures';
import { ChatNotice } from './outboxStore';
import { PersonalConversation } from './conversationStore';
import { Queue } from './queueStore';
import { CardTarget } from './outboxStore';
import { CardActivity, StoredRequest } from './requestStore';

/** Everything a request's cards show besides the request: the renderer draws from this and reads nothing else. */
export interface RequestCardView {
  request: StoredRequest;
  /** The session's queue name, when it has one. */
  queueName: string | null;
  /** Who gets a lockbox card's automatic refresh (and so their buttons): the deciders, never the requester. */
  deciderIds: string[];
  /** The label of the API key a lockbox request was made through (`requestedVia` is `key:<id>`), when known. */
  requestedViaLabel?: string | null;
  /** Messages about the request that were given up, newest last, with the person's name where one was not reached. */
  notReached?: NotReached[];
}

/** A given-up message as a card says it: what it was, and who was not reached. */
export type NotReached = DeliveryFailure & { name: string | null };

/** Where cards go: a registered channel, a person's personal chat (the notifier's address book). */
export interface CardAddresses {
  channel(queueId: string): Promise<Queue | null>;
  personalChat(aadObjectId: string): Promise<PersonalConversation | null>;
}

/** Delivers cards and messages to Teams. Adapters render views into cards. */
export interface Notifier {
  /** Posts the request's card for `target` as a new message (a new thread in a queue channel). */
  postCard(view: RequestCardView, target: CardTarget): Promise<CardActivity>;
  /** Replaces each stored card with the request's current render for its role (idempotent). */
  updateCards(view: RequestCardView, cards: readonly CardActivity[]): Promise<void>;
  /** Posts a notice card into a person's personal chat (decisions, reminders, setting changes). */
  notify(userId: string, notice: ChatNotice, request: StoredRequest | null): Promise<void>;
  /** Replies in a queue thread, @mentioning the assignee when there is one. */
  mentionInThread(request: StoredRequest, card: CardActivity, event: 'customerWaiting' | 'customerReady'): Promise<void>;
}

/** Delivers signed webhooks (`X-Doorman-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`). */
export interface WebhookSender {
  send(url: string, body: string): Promise<void>;
}
