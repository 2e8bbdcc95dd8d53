import { DoormanError } from '../../domain/errors';
import { REQUEST_KINDS, RequestKind, RequestVisibility, maySee } from '../../domain/oversight';
import { PageCursor, Queue, RequestFilter, StoredRequest } from '../ports';
import { UNKNOWN_PERSON, displayNames } from '../people/auditTrail';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** Rows per page when the caller names none, and the most a caller may ask for. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** The filters every list of requests takes (tab, chat, REST API); all optional, all combined with AND. */
export interface RequestPageQuery {
  kind?: RequestKind;
  states?: readonly string[];
  queue?: string;
  /** A person's object id: requests they created, asked for or are assigned to. */
  person?: string;
  /** Requests assigned to this person (the REST API's filter). */
  assignee?: string;
  from?: Date;
  to?: Date;
  search?: string;
  /** Where the previous page ended (its `next`); absent: the first page. */
  cursor?: string;
  limit?: number;
}

/** One row of a list: what the request is and who it is about, by display names (never ids). */
export interface RequestRow {
  id: string;
  kind: RequestKind;
  state: string;
  version: number;
  /** The session's customer (the name typed at the portal, else the one the agent entered); null for other kinds. */
  customer: string | null;
  /** What the request is about: a lockbox request's resource and scope, an assistance request's device, an invitation's profile. */
  subject: string | null;
  requesterName: string;
  assigneeName: string | null;
  queueName: string | null;
  /** The deadline of a request still waiting for someone (ISO), or null. */
  deadline: string | null;
  /** A lockbox request's access window while or once access was granted (ISO), or null. */
  window: { from: string; to: string | null } | null;
  createdAt: string;
  updatedAt: string;
  /** Its personal data was erased: every person in it reads as the erasure's pseudonym, never the directory's name. */
  erased: boolean;
}

/** A page of rows, newest first, and the cursor of the next page (null: this was the last). */
export interface RequestPage {
  requests: RequestRow[];
  next: string | null;
}

/**
 * One page of the requests `visibility` may see that match `query`, newest first, paged by keyset (created_at, id)
 * so a page costs the same at 100,000 rows as at 1,000. The store applies the visibility; nothing is filtered after.
 */
export async function pageOfRequests(
  deps: Pick<UseCaseDeps, 'requests'>,
  visibility: RequestVisibility,
  query: RequestPageQuery,
  maxLimit = MAX_PAGE_SIZE,
): Promise<{ requests: StoredRequest[]; next: string | null }> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_SIZE, 1), maxLimit);
  const filter: RequestFilter = {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.states && query.states.length > 0 ? { states: query.states } : {}),
    ...(query.queue ? { queueId: query.queue } : {}),
    ...(query.person ? { involving: query.person } : {}),
    ...(query.assignee ? { assignee: query.assignee } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.search && query.search.trim() !== '' ? { search: query.search.trim() } : {}),
    ...(query.cursor ? { before: parseCursor(query.cursor) } : {}),
    // One more than a page tells whether there is a next one.
    limit: limit + 1,
  };
  // A viewer who sees every request of the kinds asked for needs no visibility clause, so the kind's index serves alone.
  const kindsAsked = query.kind ? [query.kind] : REQUEST_KINDS;
  const seesAll = kindsAsked.every((kind) => visibility.kinds.includes(kind));
  const found = await deps.requests.listRequests(seesAll ? filter : { ...filter, visibleTo: visibility });
  const requests = found.slice(0, limit);
  const last = requests[requests.length - 1];
  return { requests, next: found.length > limit && last ? cursorOf({ createdAt: last.createdAt, id: last.id }) : null };
}

/** A page as rows with display names and queue names. */
export async function pageOfRows(deps: UseCaseDeps, visibility: RequestVisibility, query: RequestPageQuery): Promise<RequestPage> {
  const page = await pageOfRequests(deps, visibility, query);
  return { requests: await rowsOf(deps, page.requests), next: page.next };
}

/** Rows for requests: each person's directory name (a recorded name when the directory no longer knows them). */
export async function rowsOf(deps: UseCaseDeps, requests: readonly StoredRequest[]): Promise<RequestRow[]> {
  const names = await displayNames(deps.directory, requests.flatMap((request) => requesterAndAssignee(request).flatMap((person) => (person ? [person.aadObjectId] : []))));
  const queues = new Map((await deps.queues.listQueues()).map((queue): [string, Queue] => [queue.id, queue]));
  return requests.map((request) => rowOf(request, names, queues));
}

/** A request the visibility includes; any other (or none) is REQUEST.NOT_FOUND, so its existence does not leak. */
export async function visibleRequest(deps: UseCaseDeps, visibility: RequestVisibility, requestId: string): Promise<StoredRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || !maySee(visibility, request)) throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/** The opaque cursor of a page's last row. */
export function cursorOf(position: PageCursor): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`, 'utf8').toString('base64url');
}

/** Reads a cursor; anything else than one this module wrote is INPUT.INVALID on the field `cursor`. */
export function parseCursor(cursor: string): PageCursor {
  const invalid = new DoormanError('INPUT.INVALID', 'cursor', [{ field: 'cursor', problem: 'invalid' }]);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid;
  const match = /^(\d{1,15})\.([A-Za-z0-9_:-]{1,100})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalid;
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

type Named = { aadObjectId: string; name: string } | null;

function requesterAndAssignee(request: StoredRequest): [Named, Named] {
  switch (request.kind) {
    case 'lockbox':
      return [request.requester, null];
    case 'assist':
      return [request.requester, request.helper];
    case 'invitation':
      return [request.inviter, request.invitee];
    default:
      return [request.createdBy, request.assignee];
  }
}

/** A person's name: the directory's, else the name the request recorded, else "someone no longer in the directory". */
export function personName(names: ReadonlyMap<string, string | null>, person: { aadObjectId: string; name: string }): string {
  return names.get(person.aadObjectId) ?? (person.name && person.name !== person.aadObjectId ? person.name : UNKNOWN_PERSON);
}

function rowOf(request: StoredRequest, names: ReadonlyMap<string, string | null>, queues: ReadonlyMap<string, Queue>): RequestRow {
  const [requester, assignee] = requesterAndAssignee(request);
  const queueId = request.kind === 'invitation' ? null : request.queueId;
  // An erased request names nobody: the directory would give the real name back for the same object id.
  const nameOf = (person: { aadObjectId: string; name: string }): string => request.erasedAs ?? personName(names, person);
  return {
    id: request.id,
    kind: request.kind,
    state: request.state,
    version: request.version,
    customer: request.kind === 'session' ? request.customerName ?? request.recipient.name : null,
    subject: subjectOf(request),
    requesterName: requester ? nameOf(requester) : UNKNOWN_PERSON,
    assigneeName: assignee ? nameOf(assignee) : null,
    queueName: queueId ? queues.get(queueId)?.name ?? null : null,
    deadline: deadlineOf(request)?.toISOString() ?? null,
    window: windowOf(request),
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
    erased: request.erasedAs !== undefined,
  };
}

function subjectOf(request: StoredRequest): string | null {
  switch (request.kind) {
    case 'lockbox':
      return request.scope ? `${request.resource} (${request.scope.name})` : request.resource;
    case 'assist':
      // The problem the user described stays on the cards and in the timeline, not in every list.
      return request.device.name;
    case 'invitation':
      return request.profile.name;
    default:
      return null;
  }
}

/** The moment someone must act by, while the request waits for them. */
function deadlineOf(request: StoredRequest): Date | null {
  switch (request.kind) {
    case 'lockbox':
      return request.state === 'pending' || request.state === 'review' ? request.decideBy : null;
    case 'assist':
      return request.state === 'requested' ? request.answerBy : request.state === 'accepted' ? request.allowBy : null;
    case 'invitation':
      return request.state === 'pending' ? request.answerBy : null;
    default:
      return request.state === 'open' || request.state === 'waiting' || request.state === 'ready' ? request.expiresAt : null;
  }
}

function windowOf(request: StoredRequest): RequestRow['window'] {
  if (request.kind !== 'lockbox' || !request.access.grantedAt) return null;
  const to = request.access.removedAt ?? request.access.endsAt;
  return { from: request.access.grantedAt.toISOString(), to: to?.toISOString() ?? null };
}
