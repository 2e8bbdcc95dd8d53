import { Language } from '../../domain/language';
import { PermissionProfile } from '../../domain/invitation';
import { DeliveryFailure } from '../../domain/deliveryFailures';
import { Person } from '../../domain/people';
import { ChatNotice } from './outboxStore';
import { PersonalConversation } from './conversationStore';
import { Queue } from './queueStore';
import { CardTarget, ThreadMentionEvent } from './outboxStore';
import { CardActivity, StoredRequest } from './requestStore';

/** Everything a request's cards show besides the request: the renderer draws from this and reads nothing else. */
export interface RequestCardView {
  request: StoredRequest;
  /** The session's queue name, when it has one. */
  queueName: string | null;
  /** Agents a connected session or assistance request can invite (Invite a colleague); absent otherwise. */
  agents?: Person[];
  /** Entra object ids of the people who can act on a lockbox request now (its deciders, never the requester). */
  deciderIds: string[];
  /** `refresh.userIds` of a lockbox card: those deciders as Teams user MRIs, at most 60 (cardViews.ts says the order). */
  refreshUserIds?: string[];
  /** The label of the API key a lockbox request was made through (`requestedVia` is `key:<id>`), when known. */
  requestedViaLabel?: string | null;
  /** Messages about the request that were given up, newest last, with the person's name where one was not reached. */
  notReached?: NotReached[];
  /** Local mode: the people the stand-in activity feed notified about the request (the cards say so). */
  notified?: string[];
  /**
   * Assist: `refresh.userIds` of each of its cards (user MRIs, at most 60), only who can act on that card now: the
   * agents on the queue card while nobody answered, the user on their own card while the helper waits, the helper.
   */
  refreshUserIdsByRole?: Partial<Record<CardActivity['role'], string[]>>;
  /** Assist: where devices come from, and whether Restart / Sync can be offered (else the buttons are absent). */
  devices?: { source: 'intune' | 'local'; actions: boolean };
  /**
   * Names to show instead of the ones the request recorded, by object id: someone who has left the tenant
   * ("Finn Approver (former member)"), or someone recorded without a name. Absent: the recorded names are right.
   */
  shownNames?: Readonly<Record<string, string>>;
  /**
   * Invitation: the permission profiles to pick from (the invite form, Edit, Change profile), and on a connected
   * session's or assistance card the colleagues invited into it now, with their profile.
   */
  profiles?: PermissionProfile[];
  invited?: InvitedColleague[];
}

/** A colleague invited into a running session, as its cards list them (pending, or joined with a profile). */
export interface InvitedColleague {
  invitationId: string;
  version: number;
  inviteeId: string;
  name: string;
  profile: string;
  state: 'pending' | 'accepted';
}

/** A given-up message as a card says it: what it was, and who was not reached. */
export type NotReached = DeliveryFailure & { name: string | null };

/** Where cards go: a registered channel, a person's personal chat (the notifier's address book). */
export interface CardAddresses {
  channel(queueId: string): Promise<Queue | null>;
  personalChat(aadObjectId: string): Promise<PersonalConversation | null>;
  /**
   * A service URL and tenant Teams gave Doorman (a registered channel's, with its id for the roster, else a recorded
   * chat's), for a chat opened for someone who never wrote; null when none is known yet.
   */
  serviceEndpoint?(): Promise<{ serviceUrl: string; tenantId: string; channelId?: string } | null>;
  /** The person's time zone from the directory (the Entra mailbox's), for someone Teams has not reported one for. */
  directoryTimeZone?(aadObjectId: string): Promise<string | null>;
  /** The language to write to a person in (personLanguage.ts); absent: English. */
  personLanguage?(aadObjectId: string): Promise<Language>;
  /** The language of a queue channel's cards (an admin's setting); absent: English. */
  queueLanguage?(queueId: string): Promise<Language>;
}

/** Delivers cards and messages to Teams. Adapters render views into cards. */
export interface Notifier {
  /** Posts the request's card for `target` as a new message (a new thread in a queue channel). */
  postCard(view: RequestCardView, target: CardTarget): Promise<CardActivity>;
  /** Replaces each stored card with the request's current render for its role (idempotent). */
  updateCards(view: RequestCardView, cards: readonly CardActivity[]): Promise<void>;
  /** Posts a notice card into a person's personal chat (decisions, reminders, setting changes). */
  notify(userId: string, notice: ChatNotice, request: StoredRequest | null): Promise<void>;
  /** Replies in a queue thread, @mentioning the assignee when there is one, else `people` (assist: on-call agents). */
  mentionInThread(request: StoredRequest, card: CardActivity, event: ThreadMentionEvent, people?: readonly Person[]): Promise<void>;
}

/** Delivers signed webhooks (`X-Doorman-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`). */
export interface WebhookSender {
  send(url: string, body: string): Promise<void>;
}
