import { AuditEvent, DecisionContext, auditEvent } from './audit';
import { DeliveryFailure, withDeliveryFailure, withPersonReached } from './deliveryFailures';
import { DoormanError, Problem, problemLine } from './errors';
import { Language } from './language';
import { Person, hasRole } from './people';
import { StateMove, stateMoveOf } from './stateMoves';

/** States of a support session request (DESIGN.md §1). */
export type SessionState = 'open' | 'waiting' | 'ready' | 'connected' | 'closed' | 'expired';

/** Everything that can happen to a session request. */
export type SessionAction =
  | 'arrive'
  | 'allow'
  | 'refuse'
  | 'admit'
  | 'deny'
  | 'close'
  | 'leave'
  | 'expire'
  | 'reopen'
  | 'assign'
  | 'rebind'
  /** The dispatcher learnt whether the assignee's card reached them (their personal chat with Doorman). */
  | 'reach';

/** Why a session ended in `closed`. */
export type ClosedReason = 'denied' | 'cancelled' | 'refused' | 'left' | 'ended';

/** Who may perform an action: the customer behind the link, an agent, or the deadline sweeper. */
type Performer = 'customer' | 'agent' | 'system';

/** The transition table: for each action, the states it is legal in and the state it leads to. */
export const SESSION_TRANSITIONS: Readonly<
  Record<SessionAction, { by: Performer; from: Partial<Record<SessionState, SessionState>> }>
> = {
  arrive: { by: 'customer', from: { open: 'waiting' } },
  allow: { by: 'customer', from: { waiting: 'ready' } },
  refuse: { by: 'customer', from: { waiting: 'closed' } },
  leave: { by: 'customer', from: { waiting: 'closed', ready: 'closed', connected: 'closed' } },
  admit: { by: 'agent', from: { ready: 'connected' } },
  deny: { by: 'agent', from: { waiting: 'closed', ready: 'closed' } },
  close: { by: 'agent', from: { open: 'closed', waiting: 'closed', ready: 'closed', connected: 'closed' } },
  reopen: { by: 'agent', from: { closed: 'open', expired: 'open' } },
  assign: { by: 'agent', from: { open: 'open', waiting: 'waiting', ready: 'ready', connected: 'connected' } },
  rebind: { by: 'agent', from: { waiting: 'open', ready: 'open' } },
  expire: { by: 'system', from: { open: 'expired', waiting: 'expired', ready: 'expired' } },
  reach: { by: 'system', from: { open: 'open', waiting: 'waiting', ready: 'ready', connected: 'connected' } },
};

/** Facts the system records on a session without moving its state: legal in every state, deadline or not. */
export type SessionSideAction = 'lobby.close' | 'meeting.ready' | 'meeting.failed' | 'mail.failed' | 'delivery.failed' | 'delivery.reached';

/** What a side transition records. */
export type SessionSideCommand =
  | { action: 'lobby.close' }
  | { action: 'meeting.ready'; meeting: SessionMeeting }
  | { action: 'meeting.failed'; meeting: SessionMeeting }
  | { action: 'mail.failed'; problem: Problem }
  /** The dispatcher gave up on a card, notice, mention, mail or webhook of this request. */
  | { action: 'delivery.failed'; failure: DeliveryFailure }
  /** A later card reached a person something was given up for: the cards stop saying they were not told. */
  | { action: 'delivery.reached'; aadObjectId: string };

/**
 * The side transitions: each says what it changes and why the audit line says so. The state stays; the version
 * moves, so a card or a page drawn from the old version is stale like after any transition.
 */
export const SESSION_SIDE_TRANSITIONS: {
  readonly [A in SessionSideAction]: (
    request: SessionRequest,
    command: Extract<SessionSideCommand, { action: A }>,
  ) => { changes: Partial<SessionRequest>; reason: string | null };
} = {
  'lobby.close': () => ({ changes: { lobbyOpenUntil: null }, reason: 'lobby bypass window over' }),
  'meeting.ready': (_request, command) => ({ changes: { meeting: command.meeting }, reason: null }),
  'meeting.failed': (_request, command) => ({ changes: { meeting: command.meeting }, reason: problemReason(command.meeting.problem) }),
  'mail.failed': (_request, command) => ({ changes: { mailProblem: command.problem }, reason: problemReason(command.problem) }),
  'delivery.failed': (request, command) => ({
    changes: { deliveryFailures: withDeliveryFailure(request.deliveryFailures, command.failure) },
    reason: `${command.failure.type} given up: ${problemLine(command.failure)}`,
  }),
  'delivery.reached': (request, command) => ({
    changes: { deliveryFailures: withPersonReached(request.deliveryFailures, command.aadObjectId) },
    reason: 'a later card reached them',
  }),
};

function problemReason(problem: Problem | null): string | null {
  return problem === null ? null : problemLine(problem);
}

/** Records a side transition; only the system (sweeper, dispatcher) records them. */
export function recordSessionSide(request: SessionRequest, command: SessionSideCommand, context: DecisionContext): SessionDecision {
  if (context.actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
  const rule = SESSION_SIDE_TRANSITIONS[command.action] as (request: SessionRequest, command: SessionSideCommand) => {
    changes: Partial<SessionRequest>;
    reason: string | null;
  };
  const { changes, reason } = rule(request, command);
  const next: SessionRequest = { ...request, ...changes, version: request.version + 1, updatedAt: context.now };
  return { request: next, event: auditEvent(next, command.action, request.state, request.state, { ...context, reason }) };
}

/** Every session state, in lifecycle order. */
export const SESSION_STATES: readonly SessionState[] = ['open', 'waiting', 'ready', 'connected', 'closed', 'expired'];

/** States in which the request still waits for a connection and its deadline runs. */
export const SESSION_PENDING_STATES: readonly SessionState[] = ['open', 'waiting', 'ready'];

/** Where the customer will meet the agent once admitted. */
export interface SessionMeeting {
  provider: 'local' | 'teams';
  /** A meeting Graph could not make is recorded as the local room, ready, with its `problem`. */
  status: 'preparing' | 'ready';
  /** Teams join URL; shown only to the bound browser and on the agent's own card. Null for the local room. */
  joinUrl: string | null;
  meetingId: string | null;
  /** Why the Teams meeting could not be made (for example GRAPH.FORBIDDEN), shown to the agent. */
  problem: Problem | null;
}

/** A support session with one external customer, reached through a one-time link. */
export interface SessionRequest {
  kind: 'session';
  id: string;
  version: number;
  /** Increments on every reopen: a new link, tag, deadline and meeting. */
  generation: number;
  state: SessionState;
  createdBy: Person;
  assignee: Person | null;
  queueId: string | null;
  /** Personal data: erasable. */
  recipient: { name: string; email: string | null };
  /** Personal data: the name the customer typed at the portal. */
  customerName: string | null;
  /** Internal comments: never shown to the customer. */
  comments: string;
  scheduledFor: Date | null;
  expiresAt: Date;
  /** The customer's language chosen by the agent; null: the customer's browser decides (Accept-Language). */
  language: Language | null;
  sendEmail: boolean;
  /** The 4-digit verification tag shown on the portal page and on the cards. */
  tag: string;
  /** Hash of the one-time link code; the code itself is never stored. */
  linkHash: string;
  /** Hash of the secret in the bound browser's cookie, set on arrival. */
  bindingHash: string | null;
  /** Hash of the binding Switch device released, so that browser can be told why it was let go. */
  releasedBindingHash?: string | null;
  closedReason: ClosedReason | null;
  meeting: SessionMeeting | null;
  /** While set, the Teams lobby is open to everyone (optional 90 s after Admit); a deadline closes it again. */
  lobbyOpenUntil: Date | null;
  /**
   * The assignee was not told of the request: they have no personal chat with Doorman (`noChat`, known when it
   * was assigned) or delivering their card was given up (`deliveryFailed`). Cleared once their card reaches them.
   */
  assigneeNotTold?: AssigneeNotTold | null;
  /** Why the invitation mail could not be sent (code, and what the admin must grant), shown on the agent's card. */
  mailProblem?: Problem | null;
  /** The last messages about this request that were given up (cards say who was not reached). */
  deliveryFailures?: DeliveryFailure[];
  createdAt: Date;
  updatedAt: Date;
}

/** Why an assignee has not been told of a request they were given. */
export interface AssigneeNotTold {
  aadObjectId: string;
  reason: 'noChat' | 'deliveryFailed';
}

/** What an agent fills in to create a session request (already validated). */
export interface NewSession {
  id: string;
  recipient: { name: string; email: string | null };
  assignee: Person | null;
  queueId: string | null;
  comments: string;
  scheduledFor: Date | null;
  expiresAt: Date;
  /** The customer's language chosen by the agent; null: the customer's browser decides (Accept-Language). */
  language: Language | null;
  sendEmail: boolean;
  tag: string;
  linkHash: string;
  /** False when the assignee (someone other than the creator) has no personal chat with Doorman to be told in. */
  assigneeReachable?: boolean;
}

/** The inputs an action needs beyond the actor and time. */
export type SessionCommand =
  | { action: 'arrive'; customerName: string; bindingHash: string }
  | { action: 'allow' | 'refuse' | 'leave' | 'admit' | 'deny' | 'close' | 'expire' | 'rebind' }
  | { action: 'reopen'; linkHash: string; tag: string; expiresAt: Date; scheduledFor: Date | null }
  | { action: 'assign'; assignee: Person | null; queueId?: string | null; assigneeReachable?: boolean }
  | { action: 'reach'; aadObjectId: string; reached: boolean };

/** A decided transition: the request as it is now and the event that records it. */
export interface SessionDecision {
  request: SessionRequest;
  event: AuditEvent;
}

/** Creates a session request in `open`; only agents may. */
export function createSession(input: NewSession, context: DecisionContext): SessionDecision {
  if (!hasRole(context.actor, 'agent') || context.actor.type !== 'person') {
    throw new DoormanError('AUTH.NOT_PERMITTED', 'only agents create session requests');
  }
  checkSchedule(input.scheduledFor, input.expiresAt, context.now);
  const request: SessionRequest = {
    kind: 'session',
    id: input.id,
    version: 1,
    generation: 1,
    state: 'open',
    createdBy: context.actor.person,
    assignee: input.assignee,
    queueId: input.queueId,
    recipient: input.recipient,
    customerName: null,
    comments: input.comments,
    scheduledFor: input.scheduledFor,
    expiresAt: input.expiresAt,
    language: input.language,
    sendEmail: input.sendEmail,
    tag: input.tag,
    linkHash: input.linkHash,
    bindingHash: null,
    closedReason: null,
    meeting: null,
    lobbyOpenUntil: null,
    assigneeNotTold: notToldOf(input.assignee, context.actor.person, input.assigneeReachable),
    createdAt: context.now,
    updatedAt: context.now,
  };
  return { request, event: auditEvent(request, 'create', null, 'open', context) };
}

/** Who was not told at assignment: an assignee other than the one assigning, without a chat to be told in. */
function notToldOf(assignee: Person | null, assigner: Person | null, reachable: boolean | undefined): AssigneeNotTold | null {
  if (assignee === null || reachable !== false || assignee.aadObjectId === assigner?.aadObjectId) return null;
  return { aadObjectId: assignee.aadObjectId, reason: 'noChat' };
}

/** True when the request still waits for a connection but its deadline has passed. */
export function isPastDeadline(request: SessionRequest, now: Date): boolean {
  return SESSION_PENDING_STATES.includes(request.state) && now.getTime() >= request.expiresAt.getTime();
}

/** True before the scheduled start of a scheduled session. */
export function startsLater(request: SessionRequest, now: Date): boolean {
  return request.scheduledFor !== null && now.getTime() < request.scheduledFor.getTime();
}

/**
 * Decides one action on a session request: checks who acts, that the table allows it, and the deadline,
 * then returns the next version of the request. Throws a DoormanError when the action is not allowed.
 */
export function decideSession(
  request: SessionRequest,
  command: SessionCommand,
  context: DecisionContext,
): SessionDecision {
  const rule = SESSION_TRANSITIONS[command.action];
  checkPerformer(rule.by, context);
  const to = rule.from[request.state];
  if (to === undefined) {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  }
  if (command.action === 'expire') {
    if (!isPastDeadline(request, context.now)) {
      throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'expire before the deadline');
    }
  } else if (isPastDeadline(request, context.now)) {
    throw new DoormanError(rule.by === 'customer' ? 'LINK.EXPIRED' : 'REQUEST.EXPIRED');
  }
  if (command.action === 'arrive' && startsLater(request, context.now)) {
    throw new DoormanError('LINK.NOT_YET');
  }

  const next: SessionRequest = {
    ...request,
    ...changesFor(request, command, context),
    state: to,
    version: request.version + 1,
    updatedAt: context.now,
  };
  return { request: next, event: auditEvent(next, command.action, request.state, to, context) };
}

function checkPerformer(by: Performer, context: DecisionContext): void {
  const { actor } = context;
  const allowed =
    (by === 'customer' && actor.type === 'customer') ||
    (by === 'system' && actor.type === 'system') ||
    (by === 'agent' && hasRole(actor, 'agent'));
  if (!allowed) throw new DoormanError('AUTH.NOT_PERMITTED');
}

function checkSchedule(scheduledFor: Date | null, expiresAt: Date, now: Date): void {
  if (expiresAt.getTime() <= now.getTime()) {
    throw new DoormanError('INPUT.INVALID', 'deadline in the past', [{ field: 'expiresAt', problem: 'past' }]);
  }
  if (scheduledFor !== null && expiresAt.getTime() <= scheduledFor.getTime()) {
    throw new DoormanError('INPUT.INVALID', 'deadline before start', [
      { field: 'expiresAt', problem: 'beforeSchedule' },
    ]);
  }
}

function changesFor(
  request: SessionRequest,
  command: SessionCommand,
  context: DecisionContext,
): Partial<SessionRequest> {
  switch (command.action) {
    case 'arrive':
      return { customerName: command.customerName, bindingHash: command.bindingHash };
    case 'refuse':
      return { closedReason: 'refused' };
    case 'leave':
      return { closedReason: 'left' };
    case 'deny':
      return { closedReason: 'denied' };
    case 'close':
      return { closedReason: request.state === 'connected' ? 'ended' : 'cancelled' };
    case 'rebind':
      return { customerName: null, bindingHash: null, releasedBindingHash: request.bindingHash };
    case 'assign':
      return {
        assignee: command.assignee,
        queueId: command.queueId === undefined ? request.queueId : command.queueId,
        assigneeNotTold: notToldOf(command.assignee, context.actor.type === 'person' ? context.actor.person : null, command.assigneeReachable),
      };
    case 'reach':
      // Only about the current assignee: a late answer about someone the request was taken from changes nothing.
      if (request.assignee?.aadObjectId !== command.aadObjectId) return {};
      return { assigneeNotTold: command.reached ? null : { aadObjectId: command.aadObjectId, reason: 'deliveryFailed' } };
    case 'reopen':
      checkSchedule(command.scheduledFor, command.expiresAt, context.now);
      return {
        generation: request.generation + 1,
        linkHash: command.linkHash,
        tag: command.tag,
        expiresAt: command.expiresAt,
        scheduledFor: command.scheduledFor,
        customerName: null,
        bindingHash: null,
        releasedBindingHash: null,
        closedReason: null,
        meeting: null,
        lobbyOpenUntil: null,
      };
    default:
      return {};
  }
}

/** What a session deadline stands for: expiry of a pending request, or closing an opened lobby again. */
export type SessionDeadlineKind = 'expire' | 'lobby.close';

/** The deadlines a session request has now: while pending it expires at `expiresAt`; an opened lobby closes. */
export function sessionDeadlines(request: SessionRequest): { kind: SessionDeadlineKind; dueAt: Date }[] {
  const deadlines: { kind: SessionDeadlineKind; dueAt: Date }[] = [];
  if (SESSION_PENDING_STATES.includes(request.state)) deadlines.push({ kind: 'expire', dueAt: request.expiresAt });
  if (request.lobbyOpenUntil) deadlines.push({ kind: 'lobby.close', dueAt: request.lobbyOpenUntil });
  return deadlines;
}

/**
 * The deadlines whose transition changes nothing but the state (expiry: see changesFor), so a sweeper may have them
 * made set-wise; closing the lobby changes a field and is written request by request.
 */
export const SESSION_DEADLINE_MOVES: Readonly<Partial<Record<SessionDeadlineKind, StateMove>>> = {
  expire: stateMoveOf('session', SESSION_TRANSITIONS, 'expire'),
};
