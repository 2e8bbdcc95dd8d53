import { DoormanError } from '../../domain/errors';
import { Role } from '../../domain/people';
import { lockboxViewerOf, mayHelp, mayWorkSessions } from '../../domain/policy';
import { Queue, StoredRequest } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { lockboxSummary } from '../lockbox/lockboxEffects';
import { UNKNOWN_PERSON, actorDisplayName, apiKeyLabels, displayNames } from '../people/auditTrail';
import { AuditEvent } from '../../domain/audit';
import { csvRows, requestSummary, trailEntry } from './requestSummary';
import { ReadScope, TabViewer, mayRead, viewerActor } from './viewers';

const MAX_ROWS = 500;

/** What the tab asks for: a kind, states (comma-separated), and the queue a channel tab shows. */
export interface TabQuery {
  kind?: 'session' | 'lockbox' | 'assist' | 'invitation';
  state?: string;
  queue?: string;
}

/** What the REST API filters by. */
export interface SystemQuery {
  kind?: 'session' | 'lockbox' | 'assist' | 'invitation';
  states?: readonly string[];
  assignee?: string;
  from?: Date;
  to?: Date;
}

/** The tab's list: the person's rows, the queue it shows (if theirs), and their roles (the page adapts to them). */
export interface TabList {
  requests: Record<string, unknown>[];
  queue: { id: string; name: string } | null;
  roles: Role[];
}

/**
 * What the tab lists for one person: their own requests, the sessions of a queue of their tenant when they work
 * sessions, the unanswered requests for help when they are agents, and the pending lockbox requests they would decide. The domain's policy decides both.
 */
export async function requestsForPerson(deps: UseCaseDeps, viewer: TabViewer, query: TabQuery): Promise<TabList> {
  const roles = await deps.directory.rolesOf(viewer.oid);
  const actor = viewerActor(viewer, roles);
  const states = query.state ? query.state.split(',') : undefined;
  const wants = (kind: 'session' | 'lockbox' | 'assist' | 'invitation') => query.kind === undefined || query.kind === kind;
  const stateAllowed = (state: string) => states === undefined || states.includes(state);
  const found = new Map<string, StoredRequest>();
  const add = (requests: StoredRequest[]) => requests.forEach((request) => found.set(request.id, request));

  // `involving` matches the creator or the assignee of a session, and the requester of a lockbox request.
  if (wants('session')) add(await deps.requests.listRequests({ kind: 'session', states, involving: viewer.oid, limit: MAX_ROWS }));
  if (wants('lockbox')) add(await deps.requests.listRequests({ kind: 'lockbox', states, involving: viewer.oid, limit: MAX_ROWS }));
  if (wants('assist')) add(await deps.requests.listRequests({ kind: 'assist', states, involving: viewer.oid, limit: MAX_ROWS }));
  // Invitations: the inviter's and the invitee's (creator and assignee columns).
  if (wants('invitation')) add(await deps.requests.listRequests({ kind: 'invitation', states, involving: viewer.oid, limit: MAX_ROWS }));

  let queue: Queue | null = query.queue ? await deps.queues.getQueue(query.queue) : null;
  if (queue && queue.tenantId !== viewer.tid) queue = null;
  if (queue && mayWorkSessions(actor) && wants('session')) {
    add(await deps.requests.listRequests({ kind: 'session', states, queueId: queue.id, limit: MAX_ROWS }));
  }
  // Agents see the requests for help nobody has answered yet, as the assistance channel does.
  if (wants('assist') && stateAllowed('requested') && mayHelp(actor)) {
    add(await deps.requests.listRequests({ kind: 'assist', states: ['requested'], limit: MAX_ROWS }));
  }
  if (wants('lockbox') && stateAllowed('pending')) {
    const pending = await deps.requests.listRequests({ kind: 'lockbox', states: ['pending'], limit: MAX_ROWS });
    add(pending.filter((request) => request.kind === 'lockbox' && lockboxViewerOf(request, actor) === 'approver'));
  }

  const listed = [...found.values()]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, MAX_ROWS);
  const names = await displayNames(deps.directory, listed.flatMap(peopleOf));
  const requests = listed.map((request) => ({ ...requestSummary(request), ...namesOf(request, names) }));
  return { requests, queue: queue ? { id: queue.id, name: queue.name } : null, roles };
}

/** The queues of the person's tenant, for the channel tab's configuration page; other tenants' names stay hidden. */
export async function queuesForPerson(deps: UseCaseDeps, viewer: TabViewer): Promise<{ queues: { id: string; name: string; channelId: string }[] }> {
  return {
    queues: (await deps.queues.listQueues())
      .filter((queue) => queue.tenantId === viewer.tid)
      .map((queue) => ({ id: queue.id, name: queue.name, channelId: queue.channelId })),
  };
}

/** The requests matching `query` that the scope may read (the store filters, so the limit counts only those). */
export function requestsForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<StoredRequest[]> {
  const filter = { ...query, limit: MAX_ROWS };
  return deps.requests.listRequests(scope.everyone ? filter : { ...filter, involvingAnyOf: scope.people });
}

/** The REST list: summaries of the requests the scope may read. */
export async function requestListForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<{ requests: Record<string, unknown>[] }> {
  return { requests: (await requestsForSystem(deps, scope, query)).map(requestSummary) };
}

/** The CSV export as rows of data (header first). */
export async function requestCsvForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<unknown[][]> {
  return csvRows(await requestsForSystem(deps, scope, query));
}

/** A request the scope may read; another's request (or one of another kind) is REQUEST.NOT_FOUND, so it does not leak. */
export async function readableRequest(deps: UseCaseDeps, scope: ReadScope, requestId: string, kind?: 'lockbox'): Promise<StoredRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || !mayRead(scope, request) || (kind !== undefined && request.kind !== kind)) throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/** One request's summary with its audit trail; each id a person stands behind comes with their name next to it. */
export async function requestWithTrail(deps: UseCaseDeps, scope: ReadScope, requestId: string): Promise<Record<string, unknown>> {
  const request = await readableRequest(deps, scope, requestId);
  const events = await deps.requests.eventsOf(request.id);
  const names = await trailNames(deps, request, events);
  return { ...requestSummary(request), ...namesOf(request, names), events: await namedTrail(deps, events, names) };
}

/** One lockbox request's summary with its audit trail, names next to ids. */
export async function lockboxWithTrail(deps: UseCaseDeps, scope: ReadScope, requestId: string): Promise<Record<string, unknown>> {
  const request = await readableRequest(deps, scope, requestId, 'lockbox');
  if (request.kind !== 'lockbox') throw new DoormanError('REQUEST.NOT_FOUND');
  const events = await deps.requests.eventsOf(request.id);
  const names = await trailNames(deps, request, events);
  return { ...lockboxSummary(request), erased: request.erasedAs !== undefined, ...namesOf(request, names), events: await namedTrail(deps, events, names) };
}

/** The people a summary names by id: owner and assignee of a session, requester and deciding approvers of a lockbox. */
function peopleOf(request: StoredRequest): string[] {
  if (request.kind === 'lockbox') {
    return [request.requester.aadObjectId, ...request.decisions.filter((decision) => decision.action !== 'autoApprove').map((decision) => decision.byId)];
  }
  if (request.kind === 'assist') return [request.requester.aadObjectId, ...(request.helper ? [request.helper.aadObjectId] : [])];
  if (request.kind === 'invitation') return [request.inviter.aadObjectId, request.invitee.aadObjectId];
  return [request.createdBy.aadObjectId, ...(request.assignee ? [request.assignee.aadObjectId] : [])];
}

/**
 * A person's name next to their id: the directory's (someone who left reads as a former member), else the name the
 * request recorded when it is one, else "someone no longer in the directory"; never the id.
 */
function nameOf(names: ReadonlyMap<string, string | null>, id: string, recorded: string | null): string {
  return names.get(id) ?? (recorded && recorded !== id ? recorded : UNKNOWN_PERSON);
}

/** The names that go next to a summary's ids (additive fields: `ownerName`, `assigneeName`, `requesterName`, …). */
function namesOf(request: StoredRequest, directoryNames: ReadonlyMap<string, string | null>): Record<string, unknown> {
  // An erased request's people read as its pseudonym, never as the directory's names for their ids.
  const names = request.erasedAs !== undefined ? new Map<string, string | null>() : directoryNames;
  if (request.kind === 'lockbox') {
    const last = request.decisions[request.decisions.length - 1] ?? null;
    return {
      requesterName: nameOf(names, request.requester.aadObjectId, request.requester.name),
      ownerName: nameOf(names, request.requester.aadObjectId, request.requester.name),
      decisionByName: last ? (last.action === 'autoApprove' ? 'the approval setting' : nameOf(names, last.byId, last.byName)) : null,
    };
  }
  if (request.kind === 'assist') {
    return {
      requesterName: nameOf(names, request.requester.aadObjectId, request.requester.name),
      ownerName: nameOf(names, request.requester.aadObjectId, request.requester.name),
      assigneeName: request.helper ? nameOf(names, request.helper.aadObjectId, request.helper.name) : null,
      helperName: request.helper ? nameOf(names, request.helper.aadObjectId, request.helper.name) : null,
    };
  }
  if (request.kind === 'invitation') {
    return {
      ownerName: nameOf(names, request.inviter.aadObjectId, request.inviter.name),
      assigneeName: nameOf(names, request.invitee.aadObjectId, request.invitee.name),
    };
  }
  return {
    ownerName: nameOf(names, request.createdBy.aadObjectId, request.createdBy.name),
    assigneeName: request.assignee ? nameOf(names, request.assignee.aadObjectId, request.assignee.name) : null,
  };
}

/** The trail as systems read it, each event with `actorName` next to `actor`, as the cards name them. */
async function namedTrail(deps: UseCaseDeps, events: readonly AuditEvent[], names: Map<string, string | null>): Promise<Record<string, unknown>[]> {
  const people = new Map(names);
  if (events.some((event) => event.actorId.startsWith('service:key:'))) {
    for (const [client, label] of await apiKeyLabels(deps)) people.set(`service:${client}`, label);
  }
  return events.map((event) => ({ ...trailEntry(event), actorName: actorDisplayName(event, people) }));
}

/** The names next to a trail's ids: the directory's, or for an erased request its pseudonym for every person. */
async function trailNames(deps: UseCaseDeps, request: StoredRequest, events: readonly AuditEvent[]): Promise<Map<string, string | null>> {
  const people = [...peopleOf(request), ...events.filter((event) => event.actorType === 'person').map((event) => event.actorId)];
  if (request.erasedAs !== undefined) return new Map(people.map((id) => [id, request.erasedAs ?? null]));
  return displayNames(deps.directory, people);
}
