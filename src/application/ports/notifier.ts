import { ChatNotice } from './outboxStore';
import { CardActivity, CardTarget, StoredRequest } from './requestStore';

/** Delivers cards and messages to Teams. Adapters render views into cards. */
export interface Notifier {
  /** Posts the request's card for `target` as a new message (a new thread in a queue channel). */
  postCard(request: StoredRequest, target: CardTarget): Promise<CardActivity>;
  /** Replaces each stored card with the request's current render for its role (idempotent). */
  updateCards(request: StoredRequest, cards: readonly CardActivity[]): Promise<void>;
  /** Posts a notice card into a person's personal chat (decisions, reminders, setting changes). */
  notify(userId: string, notice: ChatNotice, request: StoredRequest | null): Promise<void>;
  /** Replies in a queue thread, @mentioning the assignee when there is one. */
  mentionInThread(request: StoredRequest, card: CardActivity, event: 'customerWaiting' | 'customerReady'): Promise<void>;
}

/** Delivers signed webhooks (`X-Doorman-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`). */
export interface WebhookSender {
  send(url: string, body: string): Promise<void>;
}
