import { AuditEvent } from '../domain/audit';
import { Language } from '../domain/language';
import { Person, Role } from '../domain/people';
import { LockboxRequest } from '../domain/lockbox';
import { QueuePurpose } from '../domain/queues';
import { SessionRequest } from '../domain/session';

/** Every request kind the store holds. Later kinds join this union. */
export type StoredRequest = SessionRequest | LockboxRequest;

/** A deadline row: claimed by the sweeper when `dueAt` has passed. */
export interface Deadline {
  requestId: string;
  kind: string;
  dueAt: Date;
}

/** Work the dispatcher delivers after the transaction that caused it has committed. */
export type OutboxMessage =
  | { type: 'card.post'; requestId: string; target: CardTarget }
  | { type: 'card.update'; requestId: string; version: number }
  | { type: 'thread.mention'; requestId: string; event: 'customerWaiting' | 'customerReady' }
  | { type: 'mail.send'; requestId: string; mail: OutgoingMail }
  | { type: 'meeting.create'; requestId: string; generation: number }
  | { type: 'meeting.delete'; requestId: string; generation: number; meetingId: string }
  | { type: 'meeting.lobby'; requestId: string; meetingId: string; open: boolean }
  /** A chat message (a card) into a person's personal chat: decisions for requesters, reminders for approvers. */
  | { type: 'chat.notify'; requestId: string | null; userId: string; notice: ChatNotice }
  | { type: 'access.grant'; requestId: string }
  | { type: 'access.revoke'; requestId: string }
  /** A signed webhook: the body is fixed at commit time so every retry sends the same bytes. */
  | { type: 'webhook'; requestId: string; url: string; body: string };

/** What a chat notification says; the Teams adapter renders it in the person's time zone. */
export type ChatNotice =
  | { kind: 'lockboxDecision' }
  | { kind: 'lockboxReminder' }
  | { kind: 'lockboxEnded' }
  | { kind: 'approvalSetting'; approvalRequired: boolean; changedBy: string; changedAt: string };

/** Lockbox settings an admin changes with the `settings` card; every change is audited. */
export interface LockboxSettings {
  approvalRequired: boolean;
  leadReview: boolean;
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  decisionHours: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** An API key for a system that asks for lockbox access on people's behalf; only its hash is stored. */
export interface ApiKey {
  id: string;
  name: string;
  /** Who the key may ask for: object ids, or `*` for anyone. */
  onBehalfOf: string[];
  hash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A grant of access as the local AccessGranter records it (production: Entra group membership). */
export interface AccessGrant {
  requestId: string;
  principalId: string;
  resource: string;
  grantedAt: Date;
  revokedAt: Date | null;
}

/** The outbox as an operator sees it (metrics, `doctor`): nothing given up may go unnoticed. */
export interface OutboxHealth {
  pending: number;
  /** Seconds the oldest pending row has waited since it was written; 0 when nothing is pending. */
  oldestPendingSeconds: number;
  /** Rows given up (status `failed`), by message type. */
  failedByType: Record<string, number>;
}

/** Messages for one person that cannot reach them: they have no personal chat with Doorman. */
export interface UnreachablePerson {
  userId: string;
  /** Cards and notices still being retried. */
  pending: number;
  /** Cards and notices given up. */
  failed: number;
}

/** An outbox row given up for good, as `doctor` shows it. */
export interface FailedDelivery {
  id: number;
  type: OutboxMessage['type'];
  requestId: string | null;
  attempts: number;
  error: string | null;
  failedAt: Date;
}

/** A stored outbox row as the dispatcher sees it. */
export interface OutboxItem {
  id: number;
  message: OutboxMessage;
  attempts: number;
  createdAt: Date;
}

/** Who a new card is posted for. */
export type CardTarget =
  | { role: 'queue'; queueId: string }
  | { role: 'agent'; userId: string }
  | { role: 'requester'; userId: string };

/** A card Teams holds for a request, updated in place on every transition. */
export interface CardActivity {
  requestId: string;
  role: 'queue' | 'agent' | 'invitation' | 'requester';
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  /** The queue thread's conversation id, used for replies in the thread. */
  threadId: string | null;
}

/** Everything one transition writes, committed in one transaction (transactional outbox). */
export interface Change {
  request: StoredRequest;
  /** Null when the request is new; otherwise the version read, compared-and-set. */
  expectedVersion: number | null;
  events: AuditEvent[];
  outbox: OutboxMessage[];
  /** The request's deadlines after the change; they replace the stored ones. */
  deadlines: Deadline[];
  /** Cards to record; a card (conversation + activity) holds one role, so recording it under a new role moves it. */
  cardActivities?: CardActivity[];
  /** The hash of a link this change replaced (reopen), remembered so the old link can say so. */
  replacedLinkHash?: string;
}

/**
 * A Teams channel registered for a purpose: `register queue <name>` (sessions), `register approvals`,
 * `register assistance`. At most one queue per purpose is the default.
 */
export interface Queue {
  id: string;
  name: string;
  purpose: QueuePurpose;
  /** The queue of its purpose used when nobody picks one; saving a default clears the previous one. */
  isDefault: boolean;
  teamId: string | null;
  channelId: string;
  serviceUrl: string;
  tenantId: string;
  registeredBy: string;
  registeredAt: Date;
}

/** How to reach a person's personal chat with the bot (from their last activity). */
export interface PersonalConversation {
  aadObjectId: string;
  conversationId: string;
  serviceUrl: string;
  tenantId: string;
  botId: string;
  userId: string;
  name: string;
  /** The IANA time zone Teams reported on the person's last message, for times told to them. */
  timeZone?: string | null;
}

/** Grants and removes access for approved lockbox requests; both are idempotent (retried from the outbox). */
export interface AccessGranter {
  grant(request: LockboxRequest): Promise<void>;
  revoke(request: LockboxRequest): Promise<void>;
}

/** Filter for listing requests. */
export interface RequestFilter {
  kind?: string;
  states?: readonly string[];
  involving?: string;
  /** Requests of any of these people (session creator or assignee, lockbox requester); empty matches nothing. */
  involvingAnyOf?: readonly string[];
  assignee?: string;
  queueId?: string;
  from?: Date;
  to?: Date;
  limit?: number;
}

/** The store: requests, their audit trail, cards, deadlines and the outbox. */
export interface RequestStore {
  /** Commits a change atomically; throws REQUEST.STALE_VERSION when the version moved on. */
  commit(change: Change): Promise<void>;
  getRequest(id: string): Promise<StoredRequest | null>;
  findSessionByLinkHash(linkHash: string): Promise<SessionRequest | null>;
  /** The id of the request whose link with this hash was replaced by a newer one, or null. */
  findReplacedLink(linkHash: string): Promise<string | null>;
  listRequests(filter: RequestFilter): Promise<StoredRequest[]>;
  eventsOf(requestId: string): Promise<AuditEvent[]>;

  cardActivitiesOf(requestId: string): Promise<CardActivity[]>;
  saveCardActivity(card: CardActivity): Promise<void>;

  /**
   * Claims up to `limit` due outbox rows for `leaseMs`, so that other instances skip them; each claim counts an
   * attempt. `types` limits the claim to those message types (access changes have their own lane).
   */
  claimOutbox(now: Date, limit: number, leaseMs: number, types?: readonly OutboxMessage['type'][]): Promise<OutboxItem[]>;
  completeOutbox(id: number): Promise<void>;
  /** A failed attempt: the row is due again at `nextAttemptAt`, the attempt stays counted. */
  retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void>;
  /**
   * Throttled, or handed back unfinished at shutdown: the row is due again at `nextAttemptAt` and the claim's attempt
   * is given back, so waiting never brings a message closer to being given up. The last real error is kept.
   */
  deferOutbox(id: number, nextAttemptAt: Date): Promise<void>;
  /** Gives up on a row (kept for inspection, never retried). */
  failOutbox(id: number, error: string): Promise<void>;
  /** The newest rows given up, newest first, with why: what `doctor` lists. */
  failedOutbox(limit: number): Promise<FailedDelivery[]>;
  pendingOutboxCount(): Promise<number>;
  /** The outbox as an operator sees it: backlog, age of the oldest waiting row, rows given up by message type. */
  outboxHealth(now: Date): Promise<OutboxHealth>;
  /** People with cards or notices waiting or given up who have no personal chat with Doorman (for `doctor`). */
  unreachablePeople(): Promise<UnreachablePerson[]>;

  /** Claims due deadlines for `leaseMs`; the commit of the resulting change removes them. */
  claimDeadlines(now: Date, limit: number, leaseMs: number): Promise<Deadline[]>;

  /** Saves a queue; a default clears the default flag of the other queues of its purpose, in one transaction. */
  saveQueue(queue: Queue): Promise<void>;
  getQueue(id: string): Promise<Queue | null>;
  listQueues(): Promise<Queue[]>;

  savePersonalConversation(conversation: PersonalConversation): Promise<void>;
  /** Records that a person or a team was greeted; true only the first time for `scope` (Teams repeats install events). */
  recordGreeting(scope: string, at: Date): Promise<boolean>;
  getPersonalConversation(aadObjectId: string): Promise<PersonalConversation | null>;

  getLockboxSettings(): Promise<LockboxSettings>;
  /**
   * Saves settings and appends the audit line of who changed what, in one transaction with the outbox rows.
   * `change` is auditTrail's encodeSettingChanges JSON (rows written before it read "key: a → b; …").
   */
  saveLockboxSettings(settings: LockboxSettings, audit: { actorId: string; at: Date; change: string }, outbox: OutboxMessage[]): Promise<void>;
  settingsEvents(): Promise<{ actorId: string; at: Date; change: string }[]>;

  saveApiKey(key: ApiKey): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKey | null>;
  listApiKeys(): Promise<ApiKey[]>;
  revokeApiKey(id: string, at: Date): Promise<boolean>;

  recordGrant(grant: AccessGrant): Promise<void>;
  recordRevoke(requestId: string, at: Date): Promise<void>;
  listGrants(): Promise<AccessGrant[]>;

  /** Erases personal data of a request (names, e-mail addresses); the audit trail stays. */
  erasePersonalData(requestId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The time, injected so tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

/** Fresh identifiers and secrets (CSPRNG in production). */
export interface Secrets {
  newRequestId(): string;
  /** A one-time link code (≥128 bits) and the hash that is stored instead of it. */
  newLinkCode(): { code: string; hash: string };
  /** A browser binding secret (cookie) and its hash. */
  newBindingSecret(): { secret: string; hash: string };
  /** Hashes a link code or binding secret the same way it was stored. */
  hash(value: string): string;
  /** Compares two hashes in constant time. */
  sameHash(a: string, b: string): boolean;
  /** A 4-digit verification tag. */
  newTag(): string;
}

/** Who people are and which roles they hold. */
export interface Directory {
  rolesOf(aadObjectId: string): Promise<Role[]>;
  /** Agents known by object id or name, for `assignTo`. */
  findAgent(idOrName: string): Promise<Person | null>;
  listAgents(): Promise<Person[]>;
  /** Everyone holding `role`, with a mail address where known. */
  listByRole(role: Role): Promise<(Person & { email: string | null })[]>;
  /** The name a person is shown by in trails and histories; null when the directory does not (or no longer) know them. */
  displayName(aadObjectId: string): Promise<string | null>;
}

/** A mail ready to send: every text already in the recipient's language. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  language: Language;
}

/** Sends mail (local: .eml files; production: Graph sendMail). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** A meeting for one generation of a session request. */
export interface MeetingDetails {
  provider: 'local' | 'teams';
  meetingId: string | null;
  joinUrl: string | null;
}

/** Creates and deletes the meeting a session's customer joins. */
export interface MeetingProvider {
  readonly provider: 'local' | 'teams';
  /** Idempotent per `externalId` (request id + generation): a retry never makes a second meeting. */
  createMeeting(request: SessionRequest, externalId: string): Promise<MeetingDetails>;
  deleteMeeting(meetingId: string, organizer: Person): Promise<void>;
  /** Opens the lobby to everyone for a moment after Admit, or closes it again (Teams meetings only). */
  setLobbyBypass?(meetingId: string, open: boolean): Promise<unknown>;
}

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

/** Structured logging (pino behind it); never log tokens, secrets, link codes or mail bodies. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A failure the dispatcher should retry later; `retryAfterMs` honours the service's Retry-After. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    /** A rate limit, not a failure: rescheduled after `retryAfterMs` without spending an attempt. */
    readonly throttled = false,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/**
 * A failure retrying cannot heal (a webhook target Doorman refuses to reach is a configuration problem): the
 * dispatcher fails the row at once, logs it at error and counts it among the rows given up (metrics, `doctor`).
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * A rate limit said "not yet" (Doorman's own per-thread limiter, or a 429 with Retry-After): the dispatcher
 * reschedules the message for `retryAfterMs` without spending an attempt. Throttling is waiting, not failing.
 */
export class ThrottledError extends RetryableError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs, true);
    this.name = 'ThrottledError';
  }
}

/** Something that changed a request; the portal's live pages listen for it. */
export interface RequestChanges {
  publish(requestId: string): void;
  subscribe(requestId: string, listener: () => void): () => void;
}
