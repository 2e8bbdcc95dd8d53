import { DecisionContext } from '../../domain/audit';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import { Actor, Person } from '../../domain/people';
import { mayWorkSessions } from '../../domain/policy';
import { SessionCommand, SessionDeadlineKind, SessionRequest, decideSession, isPastDeadline, recordSessionSide } from '../../domain/session';
import { InvitationCardPlace, invitationCard, invitationFor, invitationMail, initialMeeting } from './createSessionRequest';
import { CardActivity, OutboxMessage } from '../ports';
import { canReachInChat } from '../people/personalChats';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** The outcome of an agent's click: the request as it is now, and why nothing happened when it was refused. */
export interface AgentActionResult {
  request: SessionRequest;
  refused: ErrorCode | null;
  /** Set by reopen: the new link, shown once on the card that was clicked. */
  invitation?: { link: string; inviteText: string };
}

/** The pointer a card action carries: which request, at which version the agent saw it. */
export interface CardPointer {
  requestId: string;
  version: number;
}

/** What an action adds to a decided transition: the final request, extra outbox work and cards to record. */
interface ActionExtras {
  request: SessionRequest;
  outbox?: OutboxMessage[];
  cardActivities?: CardActivity[];
}

/** Loads a session request or fails with REQUEST.NOT_FOUND. */
export async function loadSession(deps: UseCaseDeps, requestId: string): Promise<SessionRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.kind !== 'session') throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/**
 * The story of every agent action: load the request, refuse a stale card, expire it if its deadline has passed,
 * decide the transition (who may, which state), and commit it with its outbox — or return the current request.
 */
async function runAgentAction(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: CardPointer,
  command: (request: SessionRequest) => SessionCommand,
  extras: (after: SessionRequest) => ActionExtras = (after) => ({ request: after }),
  source: 'card' | 'tab' = 'card',
): Promise<AgentActionResult> {
  const request = await loadSession(deps, pointer.requestId);
  if (actor.type !== 'person' || !mayWorkSessions(actor)) return { request, refused: 'AUTH.NOT_PERMITTED' };
  if (request.version !== pointer.version) return { request, refused: 'REQUEST.STALE_VERSION' };
  const now = deps.clock.now();
  if (isPastDeadline(request, now)) {
    return { request: await expireSession(deps, request), refused: 'REQUEST.EXPIRED' };
  }
  const context: DecisionContext = { actor, now, source };
  try {
    const decided = decideSession(request, command(request), context);
    const { request: after, ...effects } = extras(decided.request);
    await commitRequest(deps, request, after, [decided.event], effects);
    return { request: after, refused: null };
  } catch (error) {
    if (isDoormanError(error) && error.code !== 'INPUT.INVALID') {
      return { request: await loadSession(deps, pointer.requestId), refused: error.code };
    }
    throw error;
  }
}

/**
 * The agent admits the customer who granted access: the bound browser is shown where to join. With the lobby
 * setting on, the Teams lobby opens to everyone for a moment so the customer walks in, and a deadline closes it.
 */
export function admitCustomer(deps: UseCaseDeps, actor: Actor, pointer: CardPointer): Promise<AgentActionResult> {
  return runAgentAction(deps, actor, pointer, () => ({ action: 'admit' }), (admitted) => {
    const meetingId = admitted.meeting?.provider === 'teams' ? admitted.meeting.meetingId : null;
    if (deps.settings.lobbyBypassSeconds <= 0 || !meetingId) return { request: admitted };
    const lobbyOpenUntil = new Date(deps.clock.now().getTime() + deps.settings.lobbyBypassSeconds * 1000);
    return {
      request: { ...admitted, lobbyOpenUntil },
      outbox: [{ type: 'meeting.lobby', requestId: admitted.id, meetingId, open: true }],
    };
  });
}

/** The lobby's open moment is over: it closes again to everyone but the agent. */
export async function closeLobby(deps: UseCaseDeps, request: SessionRequest): Promise<void> {
  const meetingId = request.meeting?.meetingId;
  if (!request.lobbyOpenUntil) return;
  const { request: after, event } = recordSessionSide(request, { action: 'lobby.close' }, {
    actor: { type: 'system', name: 'sweeper' },
    now: deps.clock.now(),
    source: 'timer',
  });
  await commitRequest(deps, request, after, [event], {
    outbox: meetingId ? [{ type: 'meeting.lobby', requestId: request.id, meetingId, open: false }] : [],
  });
}

/** The agent turns the customer away. */
export function denyCustomer(deps: UseCaseDeps, actor: Actor, pointer: CardPointer): Promise<AgentActionResult> {
  return runAgentAction(deps, actor, pointer, () => ({ action: 'deny' }));
}

/** The agent ends (or cancels) the session, from its card or the Requests tab; the link dies with it. */
export function closeSession(deps: UseCaseDeps, actor: Actor, pointer: CardPointer, source: 'card' | 'tab' = 'card'): Promise<AgentActionResult> {
  return runAgentAction(deps, actor, pointer, () => ({ action: 'close' }), undefined, source);
}

/** The agent releases the browser binding so the customer can continue on another device. */
export function rebindSession(deps: UseCaseDeps, actor: Actor, pointer: CardPointer): Promise<AgentActionResult> {
  return runAgentAction(deps, actor, pointer, () => ({ action: 'rebind' }));
}

/** Takes the request (`me`), hands it to another agent (`user:<id>`), or leaves it unassigned. */
export async function assignSession(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: CardPointer,
  assignTo: string,
): Promise<AgentActionResult> {
  const assignee = await resolveAssignee(deps, actor, assignTo);
  // Known at commit time: the assigner's card says at once when the assignee cannot be told (no chat with Doorman).
  const assigneeReachable = assignee === null || (await canReachInChat(deps, assignee.aadObjectId));
  return runAgentAction(deps, actor, pointer, () => ({ action: 'assign', assignee, assigneeReachable }));
}

async function resolveAssignee(deps: UseCaseDeps, actor: Actor, assignTo: string): Promise<Person | null> {
  if (assignTo === 'unassigned') return null;
  if ((assignTo === 'me' || assignTo === '') && actor.type === 'person') return actor.person;
  if (assignTo.startsWith('user:')) {
    const agent = await deps.directory.findAgent(assignTo.slice('user:'.length));
    if (agent) return agent;
  }
  throw new DoormanError('INPUT.INVALID', 'unknown assignee', [{ field: 'assignTo', problem: 'unknownAgent' }]);
}

/**
 * Reopens a closed or expired request with a new link, tag, deadline and meeting. The card that was clicked becomes
 * the invitation card showing the new link once; a fresh status card is posted below it.
 */
export async function reopenSession(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: CardPointer,
  place: InvitationCardPlace | null,
  timeZone: string,
): Promise<AgentActionResult> {
  const link = deps.secrets.newLinkCode();
  let invitation: AgentActionResult['invitation'];
  const result = await runAgentAction(
    deps,
    actor,
    pointer,
    () => {
      const now = deps.clock.now();
      return {
        action: 'reopen',
        linkHash: link.hash,
        tag: deps.secrets.newTag(),
        scheduledFor: null,
        expiresAt: new Date(now.getTime() + deps.settings.sessionDefaultHours * 3600_000),
      };
    },
    (decided) => {
      const after: SessionRequest = { ...decided, meeting: initialMeeting(deps) };
      const issued = invitationFor(deps, after, link.code, timeZone);
      invitation = { link: issued.link, inviteText: issued.inviteText };
      const agent = actor.type === 'person' ? actor.person.aadObjectId : after.createdBy.aadObjectId;
      return {
        request: after,
        outbox: [
          ...invitationMail(after, issued.mail),
          { type: 'card.post', requestId: after.id, target: { role: 'agent', userId: agent } },
        ],
        cardActivities: place ? [invitationCard(after.id, place)] : [],
      };
    },
  );
  return result.refused === null ? { ...result, invitation } : result;
}

/** The deadline passed before connection: the request expires (from the sweeper, or lazily on the next action). */
export async function expireSession(deps: UseCaseDeps, request: SessionRequest): Promise<SessionRequest> {
  const context: DecisionContext = {
    actor: { type: 'system', name: 'sweeper' },
    now: deps.clock.now(),
    source: 'timer',
    reason: 'deadline passed',
  };
  try {
    const { request: after, event } = decideSession(request, { action: 'expire' }, context);
    await commitRequest(deps, request, after, [event]);
    return after;
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) return loadSession(deps, request.id);
    throw error;
  }
}

/** What each session deadline runs when it falls due (the sweeper's table). */
export const SESSION_DEADLINE_HANDLERS: Record<SessionDeadlineKind, (deps: UseCaseDeps, request: SessionRequest) => Promise<unknown>> = {
  expire: expireSession,
  'lobby.close': closeLobby,
};
