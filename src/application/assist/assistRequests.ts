import { DecisionContext } from '../../domain/audit';
import {
  AssistCommand,
  AssistDeadlineKind,
  AssistDevice,
  AssistMeeting,
  AssistRequest,
  AssistSideCommand,
  AssistUrgency,
  createAssist,
  decideAssist,
  isAssistOverdue,
  recordAssistSide,
} from '../../domain/assist';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import { Actor, Person } from '../../domain/people';
import { defaultQueueOf } from '../../domain/queues';
import { OutboxMessage, Queue } from '../ports';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What a user asks (validated). */
export interface AssistAsk {
  problem: string;
  urgency: AssistUrgency;
  phone: string | null;
  device: AssistDevice;
}

/** The result of a click: the request now, and why nothing happened if it was refused. */
export interface AssistActionResult {
  request: AssistRequest;
  refused: ErrorCode | null;
}

/** The pointer a card action carries. */
export interface AssistPointer {
  requestId: string;
  version: number;
}

/** Where a form card was answered: it becomes the requester's card. */
export interface AssistCardPlace {
  conversationId: string;
  activityId: string;
  serviceUrl: string;
}

const SWEEPER: Actor = { type: 'system', name: 'sweeper' };
const DISPATCHER: Actor = { type: 'system', name: 'dispatcher' };

/** The channel registered for assistance, or null (then nobody would see a request: QUEUE.NONE). */
export async function assistanceQueue(deps: UseCaseDeps): Promise<Queue | null> {
  return defaultQueueOf(await deps.queues.listQueues(), 'assistance')?.queue ?? null;
}

/** Loads an assistance request or fails with REQUEST.NOT_FOUND. */
export async function loadAssist(deps: UseCaseDeps, requestId: string): Promise<AssistRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.kind !== 'assist') throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/**
 * Any person in the tenant asks for help. The card goes to the assistance channel as a new thread (with an @mention
 * of the on-call agents), and the form the user filled in becomes their own card that follows the request.
 */
export async function askForAssistance(deps: UseCaseDeps, actor: Actor, ask: AssistAsk, place: AssistCardPlace | null): Promise<AssistRequest> {
  if (actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED');
  const queue = await assistanceQueue(deps);
  if (!queue) throw new DoormanError('QUEUE.NONE', 'no channel is registered for assistance');
  const settings = await deps.lockboxSettings.getLockboxSettings();
  const { request, event } = createAssist(
    {
      id: deps.secrets.newRequestId(),
      ...ask,
      queueId: queue.id,
      unansweredHours: settings.assistUnansweredHours,
      allowMinutes: settings.assistAllowMinutes,
    },
    { actor, now: deps.clock.now(), source: 'chat' },
  );
  // On-call agents hear it in their activity feed as well: a thread's @mention is easily missed.
  const feed: OutboxMessage[] = (await onCallAgents(deps, request)).map((agent) => ({
    type: 'activity.notify',
    requestId: request.id,
    userId: agent.aadObjectId,
    activity: 'assistRequested',
  }));
  await commitRequest(deps, null, request, [event], {
    outbox: [...(place ? [] : [{ type: 'card.post' as const, requestId: request.id, target: { role: 'requester' as const, userId: request.requester.aadObjectId } }]), ...feed],
    cardActivities: place ? [{ requestId: request.id, role: 'requester', ...place, threadId: null }] : [],
  });
  return request;
}

/**
 * The story of every click on an assistance card: load, refuse a stale card, expire an overdue request, let the
 * domain decide who acts and what the table allows, commit compare-and-set on the version. A second agent accepting
 * at the same moment loses the compare-and-set and gets the current card ("already taken by …").
 */
export async function actOnAssist(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: AssistPointer,
  command: (request: AssistRequest) => AssistCommand,
  source: 'card' | 'tab' = 'card',
): Promise<AssistActionResult> {
  const request = await loadAssist(deps, pointer.requestId);
  if (request.version !== pointer.version) return { request, refused: 'REQUEST.STALE_VERSION' };
  const now = deps.clock.now();
  if (isAssistOverdue(request, now)) return { request: await expireAssist(deps, request), refused: 'REQUEST.EXPIRED' };
  try {
    const decided = decideAssist(request, command(request), { actor, now, source });
    await commitRequest(deps, request, decided.request, [decided.event]);
    return { request: decided.request, refused: null };
  } catch (error) {
    if (isDoormanError(error) && error.code !== 'INPUT.INVALID') return { request: await loadAssist(deps, pointer.requestId), refused: error.code };
    throw error;
  }
}

/** The verbs people use on an assistance card, by the action they stand for. */
export type AssistVerb = 'accept' | 'decline' | 'allowControl' | 'refuseControl' | 'cancel' | 'close' | 'restartDevice' | 'syncDevice';

/** Runs a person's click: accept / decline (agents), allow / refuse / cancel (the requester), close, device actions (the helper). */
export async function decideOnAssist(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: AssistPointer,
  verb: AssistVerb,
  comment: string | null = null,
  source: 'card' | 'tab' = 'card',
): Promise<AssistActionResult> {
  // Without device actions (no Intune permission) the buttons are absent; a crafted click is refused the same way.
  if ((verb === 'restartDevice' || verb === 'syncDevice') && !deps.devices.capabilities().actions) {
    return { request: await loadAssist(deps, pointer.requestId), refused: 'GRAPH.FORBIDDEN' };
  }
  return actOnAssist(deps, actor, pointer, (request) => {
    switch (verb) {
      case 'refuseControl':
      case 'close':
        return { action: verb, comment };
      case 'restartDevice':
      case 'syncDevice':
        return { action: verb, actionId: `${request.deviceActions.length + 1}` };
      default:
        return { action: verb };
    }
  }, source);
}

/** Nobody answered (or the user did not allow control) in time: the request expires (sweeper, or on the next click). */
export async function expireAssist(deps: UseCaseDeps, request: AssistRequest): Promise<AssistRequest> {
  try {
    const { request: after, event } = decideAssist(request, { action: 'expire' }, { actor: SWEEPER, now: deps.clock.now(), source: 'timer' });
    await commitRequest(deps, request, after, [event]);
    return after;
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) return loadAssist(deps, request.id);
    throw error;
  }
}

/** The meeting is made (or the local room is used): both get their join button. The dispatcher retries on a race. */
export async function connectAssist(deps: UseCaseDeps, request: AssistRequest, meeting: AssistMeeting): Promise<void> {
  const context: DecisionContext = { actor: DISPATCHER, now: deps.clock.now(), source: 'timer' };
  const { request: after, event } = decideAssist(request, { action: 'connect', meeting }, context);
  await commitRequest(deps, request, after, [event]);
}

/** Records what the device service said about an action (started, refused, its latest status). */
export async function recordDeviceNews(deps: UseCaseDeps, requestId: string, command: AssistSideCommand): Promise<AssistRequest> {
  const request = await loadAssist(deps, requestId);
  const { request: after, event } = recordAssistSide(request, command, { actor: DISPATCHER, now: deps.clock.now(), source: 'timer' });
  await commitRequest(deps, request, after, [event]);
  return after;
}

/** What each assist deadline runs when it falls due (the sweeper's table). */
export const ASSIST_DEADLINE_HANDLERS: Record<AssistDeadlineKind, (deps: UseCaseDeps, request: AssistRequest) => Promise<unknown>> = {
  expire: expireAssist,
};

/**
 * Who is told when a request arrives, @mentioned in its thread and in their activity feed: the agents (not the
 * requester). The seam for on-call rosters: one replaces this list, nothing else changes.
 */
export async function onCallAgents(deps: UseCaseDeps, request: AssistRequest): Promise<Person[]> {
  const agents = await deps.directory.listByRole('agent');
  return agents
    .filter((agent) => agent.aadObjectId !== request.requester.aadObjectId)
    .slice(0, MAX_MENTIONS)
    .map(({ aadObjectId, name }) => ({ aadObjectId, name }));
}

/** Teams shows at most this many mentions in one message well; a longer roster belongs in a tag. */
const MAX_MENTIONS = 20;
