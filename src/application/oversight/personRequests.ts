import { DoormanError, ErrorCode } from '../../domain/errors';
import { RequestVisibility, TabAction, tabActionsFor, visibilityOf } from '../../domain/oversight';
import { Actor, Role } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';
import { Queue, StoredRequest } from '../ports';
import { actorDisplayName, apiKeyLabels, displayNames, namesInRequest, trailLine } from '../people/auditTrail';
import { decideOnAssist } from '../assist/assistRequests';
import { decideOnLockbox } from '../lockbox/lockboxRequests';
import { closeSession } from '../session/actOnSession';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { RequestPage, RequestPageQuery, RequestRow, pageOfRows, personName, rowsOf, visibleRequest } from './requestPages';
import { TabViewer, viewerActor } from './viewers';

/** What the Requests tab lists: a page of rows, and what its filters offer this viewer. */
export interface PersonRequestList extends RequestPage {
  /** The channel tab's queue, when the tab is one and the queue still exists in the viewer's tenant. */
  queue: { id: string; name: string } | null;
  /** The queues the queue filter offers: those of the viewer's tenant. */
  queues: { id: string; name: string }[];
  /** The people the person filter offers (the viewer first); only the viewer for people without a role. */
  people: { id: string; name: string }[];
  roles: Role[];
  /** What the viewer sees, in words the page turns into a sentence. */
  sees: { own: true; queues: boolean; allLockbox: boolean };
  /** Admins get the audit export (issue 16 §4): the tab shows its link where this is true. */
  mayExport: boolean;
}

/** A request as its timeline shows it: the row, details, every event named, and the actions the viewer may take. */
export interface RequestTimeline {
  request: RequestRow & { details: { label: string; value: string }[] };
  events: { at: string; text: string; actorName: string; source: string; reason: string | null; from: string | null; to: string }[];
  actions: TabAction[];
}

/** The viewer as an actor, and what they may see: their own, their tenant's work queues (agents), every lockbox request (approvers, admins). */
export async function viewerScope(deps: UseCaseDeps, viewer: TabViewer): Promise<{ actor: Actor; roles: Role[]; visibility: RequestVisibility; tenantQueues: Queue[] }> {
  const roles = await deps.directory.rolesOf(viewer.oid);
  const actor = viewerActor(viewer, roles);
  const tenantQueues = (await deps.queues.listQueues()).filter((queue) => queue.tenantId === viewer.tid);
  const workQueues = tenantQueues.filter((queue) => queue.purpose === 'sessions' || queue.purpose === 'assistance').map((queue) => queue.id);
  return { actor, roles, visibility: visibilityOf(actor, workQueues), tenantQueues };
}

/** The Requests tab's list: one page of what the viewer may see, filtered, newest first. */
export async function requestsForPerson(deps: UseCaseDeps, viewer: TabViewer, query: RequestPageQuery & { channelQueue?: string }): Promise<PersonRequestList> {
  const { actor, roles, visibility, tenantQueues } = await viewerScope(deps, viewer);
  const ownQueue = (id: string | undefined) => (id ? tenantQueues.find((queue) => queue.id === id) ?? null : null);
  const channelQueue = ownQueue(query.channelQueue);
  // Another tenant's queue id matches nothing rather than telling that it exists.
  const queueFilter = query.queue === undefined ? undefined : ownQueue(query.queue)?.id ?? 'not-a-queue-of-this-tenant';
  const page = await pageOfRows(deps, visibility, { ...query, queue: queueFilter });
  return {
    ...page,
    queue: channelQueue ? { id: channelQueue.id, name: channelQueue.name } : null,
    queues: tenantQueues.map((queue) => ({ id: queue.id, name: queue.name })),
    people: await peopleToFilterBy(deps, actor, roles),
    roles,
    sees: { own: true, queues: visibility.queueIds.length > 0, allLockbox: visibility.kinds.includes('lockbox') },
    mayExport: mayAdminister(actor),
  };
}

/** A request's timeline for the tab, if the viewer may see it (else REQUEST.NOT_FOUND). */
export async function requestTimeline(deps: UseCaseDeps, viewer: TabViewer, requestId: string): Promise<RequestTimeline> {
  const { actor, visibility } = await viewerScope(deps, viewer);
  const request = await visibleRequest(deps, visibility, requestId);
  return timelineOf(deps, request, actor);
}

/**
 * An action from the tab, through the same use case as the card button (Approve/Deny, Close, Cancel), compare-and-set
 * on the version the viewer saw. A refusal (stale version, not permitted, no longer legal) is thrown with its code.
 */
export async function actOnRequestFromTab(
  deps: UseCaseDeps,
  viewer: TabViewer,
  requestId: string,
  input: { action: TabAction; version: number; comment: string | null },
): Promise<RequestTimeline> {
  const { actor, visibility } = await viewerScope(deps, viewer);
  const request = await visibleRequest(deps, visibility, requestId);
  const pointer = { requestId: request.id, version: input.version };
  const refused = await runTabAction(deps, actor, request, pointer, input);
  if (refused) throw new DoormanError(refused);
  const after = await visibleRequest(deps, visibility, requestId).catch(() => request);
  return timelineOf(deps, after, actor);
}

async function runTabAction(
  deps: UseCaseDeps,
  actor: Actor,
  request: StoredRequest,
  pointer: { requestId: string; version: number },
  input: { action: TabAction; comment: string | null },
): Promise<ErrorCode | null> {
  switch (request.kind) {
    case 'lockbox':
      return input.action === 'close' ? 'REQUEST.ILLEGAL_TRANSITION' : (await decideOnLockbox(deps, actor, pointer, input.action, input.comment, 'tab')).refused;
    case 'session':
      return input.action === 'close' ? (await closeSession(deps, actor, pointer, 'tab')).refused : 'REQUEST.ILLEGAL_TRANSITION';
    case 'assist':
      return input.action === 'cancel' ? (await decideOnAssist(deps, actor, pointer, 'cancel', null, 'tab')).refused : 'REQUEST.ILLEGAL_TRANSITION';
    default:
      return 'REQUEST.ILLEGAL_TRANSITION';
  }
}

async function timelineOf(deps: UseCaseDeps, request: StoredRequest, actor: Actor): Promise<RequestTimeline> {
  const [row] = await rowsOf(deps, [request]);
  const events = await deps.requests.eventsOf(request.id);
  // An erased request's trail keeps who acted (object ids) but names them all by the pseudonym, as its cards do.
  const people = await namesInRequest(deps.directory, request, events.filter((event) => event.actorType === 'person').map((event) => event.actorId));
  if (events.some((event) => event.actorId.startsWith('service:key:'))) {
    for (const [client, label] of await apiKeyLabels(deps)) people.set(`service:${client}`, label);
  }
  return {
    request: { ...row, details: detailsOf(request) },
    events: events.map((event) => {
      const actorName = actorDisplayName(event, people);
      const line = trailLine(event, actorName);
      return { at: event.at.toISOString(), text: line.text, actorName, source: event.source, reason: line.reason, from: event.fromState, to: event.toState };
    }),
    actions: tabActionsFor(request, actor),
  };
}

/** The facts of a request beyond its row, labelled; never a link, a link code or an e-mail address. */
function detailsOf(request: StoredRequest): { label: string; value: string }[] {
  const lines: [string, string | null | undefined][] = [];
  switch (request.kind) {
    case 'lockbox':
      lines.push(['Resource', request.resource], ['Access scope', request.scope?.name], ['Reason', request.reason], ['Ticket', request.ticket], ['Duration', `${request.durationMinutes} minutes`]);
      break;
    case 'assist':
      lines.push(['Problem', request.problem], ['Device', request.device.name], ['Urgency', request.urgency]);
      break;
    case 'invitation':
      lines.push(['Permission profile', request.profile.name], ['About', request.summary]);
      break;
    default:
      lines.push(['Customer', request.customerName ?? request.recipient.name], ['Verification tag', request.tag], ['Comments', request.comments], ['Scheduled for', request.scheduledFor?.toISOString()], ['Closed because', request.closedReason]);
  }
  return lines.filter((line): line is [string, string] => typeof line[1] === 'string' && line[1] !== '').map(([label, value]) => ({ label, value }));
}

/** The person filter's choices: the viewer, and for people with a role the colleagues who hold one. */
async function peopleToFilterBy(deps: UseCaseDeps, actor: Actor, roles: readonly Role[]): Promise<{ id: string; name: string }[]> {
  if (actor.type !== 'person') return [];
  const me = actor.person.aadObjectId;
  const names = await displayNames(deps.directory, [me]);
  const people = new Map<string, string>([[me, personName(names, { aadObjectId: me, name: '' })]]);
  if (roles.length > 0) {
    for (const role of ['agent', 'engineer', 'approver'] as const) {
      for (const person of await deps.directory.listByRole(role)) if (!people.has(person.aadObjectId)) people.set(person.aadObjectId, person.name);
    }
  }
  return [...people].map(([id, name]) => ({ id, name }));
}

/** Rows `requests` lists in a channel; a chat is no report (the tab pages through the rest). */
export const CHANNEL_LIST_ROWS = 15;

/** What `requests` answers in a channel: that channel's queue and its newest requests the caller may see, or no queue. */
export interface ChannelRequestList {
  queue: { id: string; name: string; purpose: Queue['purpose'] } | null;
  requests: RequestRow[];
  more: boolean;
  now: Date;
}

/**
 * `requests` typed in a channel: the requests of the queue registered for that channel (as far as the caller may
 * see them), never the caller's private list, which would be read by the whole channel.
 */
export async function requestsInChannel(deps: UseCaseDeps, actor: Actor, channelId: string): Promise<ChannelRequestList> {
  const queues = await deps.queues.listQueues();
  const queue = queues.find((candidate) => candidate.channelId === channelId) ?? null;
  const now = deps.clock.now();
  if (!queue) return { queue: null, requests: [], more: false, now };
  const workQueues = queues.filter((other) => other.tenantId === queue.tenantId && (other.purpose === 'sessions' || other.purpose === 'assistance'));
  const visibility = visibilityOf(actor, workQueues.map((other) => other.id));
  const page = await pageOfRows(deps, visibility, { queue: queue.id, limit: CHANNEL_LIST_ROWS });
  return { queue: { id: queue.id, name: queue.name, purpose: queue.purpose }, requests: page.requests, more: page.next !== null, now };
}
