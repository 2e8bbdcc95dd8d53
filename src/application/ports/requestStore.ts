import { Language } from '../../domain/language';
import { AssistRequest } from '../../domain/assist';
import { InvitationRequest } from '../../domain/invitation';
import { AuditEvent } from '../../domain/audit';
import { LockboxRequest } from '../../domain/lockbox';
import { SessionRequest } from '../../domain/session';
import { StateMove } from '../../domain/stateMoves';
import { ErasureRequest, PersonKey } from '../../domain/erasure';

export type { ErasureRequest, PersonKey };
import { Deadline } from './deadlineStore';
import { OutboxMessage } from './outboxStore';

/** Every request kind the store holds. Later kinds join this union. */
export type StoredRequest = (SessionRequest | LockboxRequest | AssistRequest | InvitationRequest) & ErasureMark;

/** What a request read back after its personal data was erased carries: the pseudonym its people read as. */
export interface ErasureMark {
  erasedAs?: string;
}

/** A card Teams holds for a request, updated in place on every transition. */
export interface CardActivity {
  requestId: string;
  role: 'queue' | 'agent' | 'invitation' | 'requester';
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  /** The queue thread's conversation id, used for replies in the thread. */
  threadId: string | null;
  /** The language the card was posted in: a channel's card is updated in it (absent on cards posted before). */
  language?: Language | null;
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
  /**
   * Set when the change is this move of the request at `expectedVersion` and nothing else (its state, version and
   * time): `commitAll` may then write it with the others of the same move in one `UPDATE … WHERE state IN (…)`.
   */
  move?: StateMove;
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
  /** Keyset paging: only requests after this one in the list's order (newest first: created_at, then id, descending). */
  before?: PageCursor;
  /** Words from a search box; a request matches when its searchable text contains every one (case-insensitive). */
  search?: string;
  /** Who may see what, as rows: requests of these people, of these queues, or of these whole kinds; nothing else. */
  visibleTo?: Visibility;
}

/** Where a page of requests ended: the last row's creation time and id. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** The rows a viewer may see: their own (creator or assignee column), their queues', and every request of some kinds. */
export interface Visibility {
  people: readonly string[];
  queueIds: readonly string[];
  kinds: readonly string[];
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
  /**
   * Erases personal data of a request (names, e-mail and phone, free text; unsent mail is dropped): its people read as
   * the erasure's pseudonym, its events' reasons as "(erased)", and the erasure is appended to its audit trail. True
   * when this call erased it; false when it was already erased (nothing is written twice).
   */
  erasePersonalData(requestId: string, erasure: Erasure): Promise<boolean>;
  /**
   * Requests changed after `since` (by their own `updatedAt`), oldest change first, up to `limit`: the change feed.
   * With `afterId`, after the cursor (`since`, `afterId`) in (updatedAt, id) order instead: also the rest of the rows
   * changed at `since` itself, so a page ending inside one set-wise update (rows sharing their updatedAt) reads on.
   */
  changedSince(since: Date, limit: number, afterId?: string): Promise<{ id: string; updatedAt: Date }[]>;
  /**
   * One page of the audit export: events with `from <= at < to` in order of time (then of writing), after `cursor`
   * (null: from the start), at most `limit`; `next` is null on the last page.
   */
  auditEventsPage(range: { from: Date; to: Date }, cursor: string | null, limit: number): Promise<{ events: AuditEvent[]; next: string | null }>;
  /** Ids of every request a person is party to: by object id (creator or assignee), or a session's customer by e-mail. */
  requestIdsOfPerson(person: PersonKey): Promise<string[]>;
  /** Ids of requests not yet erased that sit in one of `ended` (kind → final states) since before `endedBefore`, oldest first. */
  requestsEndedBefore(ended: Readonly<Record<string, readonly string[]>>, endedBefore: Date, limit: number): Promise<string[]>;
  /** Records an admin's erasure of a person, waiting for Confirm. */
  saveErasureRequest(erasure: ErasureRequest): Promise<void>;
  getErasureRequest(id: string): Promise<ErasureRequest | null>;
  /** Compare-and-set on `version`: false when it moved on (a second click, another instance). */
  updateErasureRequest(erasure: ErasureRequest, expectedVersion: number): Promise<boolean>;
  /** Erasures confirmed but not finished (an instance stopped half-way), oldest first. */
  unfinishedErasureRequests(): Promise<ErasureRequest[]>;
  /** The requests with these ids that exist, in one read, in no particular order (a sweeper batch reads them so). */
  getRequests(ids: readonly string[]): Promise<StoredRequest[]>;
}

/** One erasure as its request's audit trail records it, and the pseudonym the request's people read as afterwards. */
export interface Erasure {
  pseudonym: string;
  actorId: string;
  actorType: AuditEvent['actorType'];
  source: AuditEvent['source'];
  at: Date;
  /** Why (retention, or an admin's erasure of a person), for the trail. */
  reason: string;
}
