import { AssistRequest } from '../../domain/assist';
import { InvitationRequest } from '../../domain/invitation';
import { AuditEvent } from '../../domain/audit';
import { LockboxRequest } from '../../domain/lockbox';
import { SessionRequest } from '../../domain/session';
import { Deadline } from './deadlineStore';
import { OutboxMessage } from './outboxStore';

/** Every request kind the store holds. Later kinds join this union. */
export type StoredRequest = SessionRequest | LockboxRequest | AssistRequest | InvitationRequest;

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

/** Requests with their audit trail and cards; `commit` writes a change with its outbox rows and deadlines at once. */
export interface RequestStore {
  /** Commits a change atomically; throws REQUEST.STALE_VERSION when the version moved on. */
  commit(change: Change): Promise<void>;
  /**
   * Commits many changes in one transaction, each on its own (a savepoint): one that loses its compare-and-set writes
   * nothing and does not stop the others. Returns, per change, null when written or the error that refused it.
   */
  commitAll(changes: readonly Change[]): Promise<(Error | null)[]>;
  getRequest(id: string): Promise<StoredRequest | null>;
  findSessionByLinkHash(linkHash: string): Promise<SessionRequest | null>;
  /** The id of the request whose link with this hash was replaced by a newer one, or null. */
  findReplacedLink(linkHash: string): Promise<string | null>;
  listRequests(filter: RequestFilter): Promise<StoredRequest[]>;
  eventsOf(requestId: string): Promise<AuditEvent[]>;
  cardActivitiesOf(requestId: string): Promise<CardActivity[]>;
  saveCardActivity(card: CardActivity): Promise<void>;
  /** Erases personal data of a request (names, e-mail addresses); the audit trail stays. */
  erasePersonalData(requestId: string): Promise<void>;
  /** Requests changed after `since` (by their own `updatedAt`), oldest change first, up to `limit`: the change feed. */
  changedSince(since: Date, limit: number): Promise<{ id: string; updatedAt: Date }[]>;
  /** The requests with these ids that exist, in one read, in no particular order (a sweeper batch reads them so). */
  getRequests(ids: readonly string[]): Promise<StoredRequest[]>;
}
