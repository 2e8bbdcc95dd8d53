import { DoormanError } from '../../domain/errors';
import { StoredRequest } from '../ports';
import { pageOfRequests } from './requestPages';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { lockboxSummary } from '../lockbox/lockboxEffects';
import { UNKNOWN_PERSON, actorDisplayName, apiKeyLabels, namesInRequest } from '../people/auditTrail';
import { AuditEvent } from '../../domain/audit';
import { csvRows, requestSummary, trailEntry } from './requestSummary';
import { ReadScope, TabViewer, mayRead, scopeVisibility } from './viewers';

const MAX_ROWS = 500;

/** What the REST API filters by. */
export interface SystemQuery {
  kind?: 'session' | 'lockbox' | 'assist' | 'invitation';
  states?: readonly string[];
  assignee?: string;
  from?: Date;
  to?: Date;
  /** Paging and the tab's other filters (additive): the REST list pages like the tab. */
  queue?: string;
  person?: string;
  search?: string;
  cursor?: string;
  limit?: number;
}

/** The queues of the person's tenant, for the channel tab's configuration page; other tenants' names stay hidden. */
export async function queuesForPerson(deps: UseCaseDeps, viewer: TabViewer): Promise<{ queues: { id: string; name: string; channelId: string }[] }> {
  return {
    queues: (await deps.queues.listQueues())
      .filter((queue) => queue.tenantId === viewer.tid)
      .map((queue) => ({ id: queue.id, name: queue.name, channelId: queue.channelId })),
  };
}

/** The requests matching `query` that the scope may read, a page at a time: the same use case as the tab's list. */
export function requestsForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<{ requests: StoredRequest[]; next: string | null }> {
  return pageOfRequests(deps, scopeVisibility(scope), { ...query, limit: query.limit ?? MAX_ROWS }, MAX_ROWS);
}

/** The REST list: summaries of the requests the scope may read, and the cursor of the next page (null: none). */
export async function requestListForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<{ requests: Record<string, unknown>[]; next: string | null }> {
  const page = await requestsForSystem(deps, scope, query);
  return { requests: page.requests.map(requestSummary), next: page.next };
}

/** The CSV export as rows of data (header first). */
export async function requestCsvForSystem(deps: UseCaseDeps, scope: ReadScope, query: SystemQuery): Promise<unknown[][]> {
  return csvRows((await requestsForSystem(deps, scope, query)).requests);
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

/** The names that go next to a summary's ids (additive fields: `ownerName`, `assigneeName`, `requesterName`, `inviterName`, …). */
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
    const inviterName = nameOf(names, request.inviter.aadObjectId, request.inviter.name);
    const inviteeName = nameOf(names, request.invitee.aadObjectId, request.invitee.name);
    return { ownerName: inviterName, assigneeName: inviteeName, inviterName, inviteeName };
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
  return namesInRequest(deps.directory, request, people);
}
