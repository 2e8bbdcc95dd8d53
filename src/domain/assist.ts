import { AuditEvent, DecisionContext, auditEvent } from './audit';
import { DeliveryFailure, withDeliveryFailure, withPersonReached } from './deliveryFailures';
import { DoormanError, FieldProblem, Problem, problemLine } from './errors';
import { Actor, Person, hasRole } from './people';
import { StateMove, stateMoveOf } from './stateMoves';

/** States of an assistance request (DESIGN.md §1). */
export type AssistState = 'requested' | 'accepted' | 'allowed' | 'connected' | 'closed' | 'cancelled' | 'expired';

/** Everything people and the system do to an assistance request. */
export type AssistAction =
  | 'accept'
  | 'decline'
  | 'allowControl'
  | 'refuseControl'
  /** The meeting for the two of them is ready (Teams, or the local room): both get their join button. */
  | 'connect'
  | 'cancel'
  | 'close'
  | 'expire'
  | 'restartDevice'
  | 'syncDevice';

/**
 * Who may act: `requester` (the person who asked), `agent` (agent role, never the requester), `helper` (the agent
 * who accepted), `party` (requester or helper), or the system (timers, the dispatcher).
 */
export type AssistPerformer = 'requester' | 'agent' | 'helper' | 'party' | 'system';

/** The transition table: performer, legal states and where each leads. */
export const ASSIST_TRANSITIONS: Readonly<Record<AssistAction, { by: AssistPerformer; from: Partial<Record<AssistState, AssistState>> }>> = {
  accept: { by: 'agent', from: { requested: 'accepted' } },
  decline: { by: 'agent', from: { requested: 'closed' } },
  allowControl: { by: 'requester', from: { accepted: 'allowed' } },
  refuseControl: { by: 'requester', from: { accepted: 'closed' } },
  connect: { by: 'system', from: { allowed: 'connected' } },
  cancel: { by: 'requester', from: { requested: 'cancelled' } },
  close: { by: 'party', from: { accepted: 'closed', allowed: 'closed', connected: 'closed' } },
  expire: { by: 'system', from: { requested: 'expired', accepted: 'expired' } },
  restartDevice: { by: 'helper', from: { allowed: 'allowed', connected: 'connected' } },
  syncDevice: { by: 'helper', from: { allowed: 'allowed', connected: 'connected' } },
};

/** Every assist state, in lifecycle order. */
export const ASSIST_STATES: readonly AssistState[] = ['requested', 'accepted', 'allowed', 'connected', 'closed', 'cancelled', 'expired'];

/** States after which nothing more happens. */
export const ASSIST_FINAL_STATES: readonly AssistState[] = ['closed', 'cancelled', 'expired'];

/** How urgent the user says it is. */
export type AssistUrgency = 'low' | 'normal' | 'high';

/** Every urgency, least urgent first. */
export const ASSIST_URGENCIES: readonly AssistUrgency[] = ['low', 'normal', 'high'];

/** Why an assistance request ended in `closed`. */
export type AssistClosedReason = 'declined' | 'refused' | 'closedByRequester' | 'closedByHelper';

/** The device the user asked about: one Intune (or stand-in) device, or what they typed when none can be listed. */
export interface AssistDevice {
  /** The managed device's id; null when the user typed the device's name. */
  id: string | null;
  name: string;
  source: 'intune' | 'local' | 'typed';
}

/** Where the two meet once the user allowed control. */
export interface AssistMeeting {
  provider: 'local' | 'teams';
  /** Teams join URL; only on the helper's and the user's own cards, never on the queue card. */
  joinUrl: string | null;
  meetingId: string | null;
  /** Why the Teams meeting could not be made (the local room is used instead). */
  problem: Problem | null;
}

/** A device action the helper can start (Intune `rebootNow`, `syncDevice`). */
export type AssistDeviceActionName = 'rebootNow' | 'syncDevice';

/** Where a device action stands: `requested` until the service accepted it, then Intune's `actionState`. */
export type AssistDeviceActionState = 'requested' | 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';

/** One device action and its latest known status. */
export interface AssistDeviceAction {
  id: string;
  action: AssistDeviceActionName;
  by: Person;
  requestedAt: Date;
  state: AssistDeviceActionState;
  startedAt: Date | null;
  lastUpdatedAt: Date | null;
  /** Why the action could not be started or its status read (a missing permission, the device gone). */
  problem: Problem | null;
}

/** The states after which a device action's status is no longer refreshed. */
export const SETTLED_DEVICE_ACTION_STATES: readonly AssistDeviceActionState[] = ['done', 'failed', 'canceled', 'notSupported'];

/** True once a device action will not change any more (or could not be started). */
export function isDeviceActionSettled(action: AssistDeviceAction): boolean {
  return action.problem !== null || SETTLED_DEVICE_ACTION_STATES.includes(action.state);
}

/** A Teams user's request for remote assistance. */
export interface AssistRequest {
  kind: 'assist';
  id: string;
  version: number;
  state: AssistState;
  requester: Person;
  problem: string;
  urgency: AssistUrgency;
  /** Personal data: erasable. */
  phone: string | null;
  device: AssistDevice;
  /** The assistance channel the request was posted to. */
  queueId: string;
  /** The agent who accepted. */
  helper: Person | null;
  /** Not accepted by then: expired unanswered. */
  answerBy: Date;
  /** Minutes the user has to allow control once a helper accepted (the admin's setting when asked). */
  allowMinutes: number;
  /** Accepted but not allowed by then: expired. Set on accept. */
  allowBy: Date | null;
  closedReason: AssistClosedReason | null;
  /** What the person who refused or closed said, if anything. */
  closedComment: string | null;
  meeting: AssistMeeting | null;
  deviceActions: AssistDeviceAction[];
  /** The last messages about this request that were given up (cards say who was not reached). */
  deliveryFailures?: DeliveryFailure[];
  createdAt: Date;
  updatedAt: Date;
}

/** The shortest and longest time an admin may give agents to answer, in hours (default 4, as Intune's). */
export const ASSIST_UNANSWERED_HOURS = { min: 1, max: 72, default: 4 } as const;

/** The shortest and longest time an admin may give users to allow control, in minutes. */
export const ASSIST_ALLOW_MINUTES = { min: 1, max: 120, default: 15 } as const;

/** The assistance deadlines an admin sets. */
export interface AssistLimits {
  assistUnansweredHours: number;
  assistAllowMinutes: number;
}

/** Every assistance limit outside its range, by field; refused, never clamped. */
export function assistLimitProblems(limits: AssistLimits): FieldProblem[] {
  const within = (value: number, range: { min: number; max: number }) => Number.isInteger(value) && value >= range.min && value <= range.max;
  const problems: FieldProblem[] = [];
  if (!within(limits.assistUnansweredHours, ASSIST_UNANSWERED_HOURS)) problems.push({ field: 'assistUnansweredHours', problem: 'range' });
  if (!within(limits.assistAllowMinutes, ASSIST_ALLOW_MINUTES)) problems.push({ field: 'assistAllowMinutes', problem: 'range' });
  return problems;
}

/** What asking for assistance needs (validated). */
export interface NewAssist {
  id: string;
  problem: string;
  urgency: AssistUrgency;
  phone: string | null;
  device: AssistDevice;
  queueId: string;
  unansweredHours: number;
  allowMinutes: number;
}

/** Inputs an action needs beyond actor and time. */
export type AssistCommand =
  | { action: 'accept' | 'decline' | 'allowControl' | 'cancel' | 'expire' }
  | { action: 'refuseControl' | 'close'; comment: string | null }
  | { action: 'connect'; meeting: AssistMeeting }
  | { action: 'restartDevice' | 'syncDevice'; actionId: string };

/** A decided assist transition. */
export interface AssistDecided {
  request: AssistRequest;
  event: AuditEvent;
}

/** Any person in the tenant asks for help (no role needed); agents are alerted in the assistance channel. */
export function createAssist(input: NewAssist, context: DecisionContext): AssistDecided {
  if (context.actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED', 'only people ask for assistance');
  const request: AssistRequest = {
    kind: 'assist',
    id: input.id,
    version: 1,
    state: 'requested',
    requester: context.actor.person,
    problem: input.problem,
    urgency: input.urgency,
    phone: input.phone,
    device: input.device,
    queueId: input.queueId,
    helper: null,
    answerBy: new Date(context.now.getTime() + input.unansweredHours * 3600_000),
    allowMinutes: input.allowMinutes,
    allowBy: null,
    closedReason: null,
    closedComment: null,
    meeting: null,
    deviceActions: [],
    createdAt: context.now,
    updatedAt: context.now,
  };
  return { request, event: auditEvent(request, 'create', null, 'requested', context) };
}

/** True when the request still waits for an answer (or for the user's consent) past its deadline. */
export function isAssistOverdue(request: AssistRequest, now: Date): boolean {
  if (request.state === 'requested') return now.getTime() >= request.answerBy.getTime();
  if (request.state === 'accepted') return request.allowBy !== null && now.getTime() >= request.allowBy.getTime();
  return false;
}

/** Whether `actor` is the person who asked. */
export function isAssistRequester(request: AssistRequest, actor: Actor): boolean {
  return actor.type === 'person' && actor.person.aadObjectId === request.requester.aadObjectId;
}

/** Whether `actor` is the agent who accepted. */
export function isAssistHelper(request: AssistRequest, actor: Actor): boolean {
  return actor.type === 'person' && request.helper !== null && actor.person.aadObjectId === request.helper.aadObjectId;
}

/**
 * Decides one action: who acts (from the signed activity, never card data), what the table allows, the deadline.
 * Only agents accept, never their own request; only the requester allows control; only the helper acts on the device.
 */
export function decideAssist(request: AssistRequest, command: AssistCommand, context: DecisionContext): AssistDecided {
  const rule = ASSIST_TRANSITIONS[command.action];
  checkPerformer(request, rule.by, context.actor);
  const to = rule.from[request.state];
  if (to === undefined) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  if (command.action === 'expire') {
    if (!isAssistOverdue(request, context.now)) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'expire before the deadline');
  } else if (isAssistOverdue(request, context.now)) {
    throw new DoormanError('REQUEST.EXPIRED');
  }
  const next: AssistRequest = { ...request, ...changesFor(request, command, context), state: to, version: request.version + 1, updatedAt: context.now };
  const reason = context.reason ?? reasonOf(request, command);
  return { request: next, event: auditEvent(next, command.action, request.state, to, { ...context, reason }) };
}

function reasonOf(request: AssistRequest, command: AssistCommand): string | null {
  if ('comment' in command) return command.comment;
  if (command.action === 'expire') return request.state === 'requested' ? 'nobody answered in time' : 'control not allowed in time';
  if (command.action === 'restartDevice' || command.action === 'syncDevice') return request.device.name;
  return null;
}

function checkPerformer(request: AssistRequest, by: AssistPerformer, actor: Actor): void {
  switch (by) {
    case 'system':
      if (actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'requester':
      if (!isAssistRequester(request, actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'helper':
      if (!isAssistHelper(request, actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'party':
      if (!isAssistRequester(request, actor) && !isAssistHelper(request, actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'agent':
      if (isAssistRequester(request, actor)) throw new DoormanError('AUTH.SELF_APPROVAL');
      if (actor.type !== 'person' || !hasRole(actor, 'agent')) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
  }
}

function changesFor(request: AssistRequest, command: AssistCommand, context: DecisionContext): Partial<AssistRequest> {
  const { actor, now } = context;
  switch (command.action) {
    case 'accept':
      return { helper: actor.type === 'person' ? actor.person : null, allowBy: new Date(now.getTime() + request.allowMinutes * 60_000) };
    case 'decline':
      return { closedReason: 'declined', helper: actor.type === 'person' ? actor.person : null };
    case 'refuseControl':
      return { closedReason: 'refused', closedComment: command.comment };
    case 'close':
      return { closedReason: isAssistRequester(request, actor) ? 'closedByRequester' : 'closedByHelper', closedComment: command.comment };
    case 'connect':
      return { meeting: command.meeting };
    case 'restartDevice':
    case 'syncDevice': {
      if (request.device.id === null) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'the device is not managed');
      const by = actor.type === 'person' ? actor.person : request.helper ?? request.requester;
      const action: AssistDeviceAction = {
        id: command.actionId,
        action: command.action === 'restartDevice' ? 'rebootNow' : 'syncDevice',
        by,
        requestedAt: now,
        state: 'requested',
        startedAt: null,
        lastUpdatedAt: null,
        problem: null,
      };
      return { deviceActions: [...request.deviceActions, action] };
    }
    default:
      return {};
  }
}

/** Facts the system records on an assistance request without moving its state. */
export type AssistSideCommand =
  /** The device service accepted the action, or refused it (problem). */
  | { action: 'device.started'; actionId: string; at: Date | null; problem: Problem | null }
  /** The action's status as the device service reports it now. */
  | { action: 'device.result'; actionId: string; state: AssistDeviceActionState; startedAt: Date | null; lastUpdatedAt: Date | null; problem: Problem | null }
  | { action: 'delivery.failed'; failure: DeliveryFailure }
  | { action: 'delivery.reached'; aadObjectId: string };

/** The side transitions: the states each is legal in, what it changes, and the audit reason. */
export const ASSIST_SIDE_TRANSITIONS: {
  readonly [A in AssistSideCommand['action']]: {
    from: readonly AssistState[];
    changes(request: AssistRequest, command: Extract<AssistSideCommand, { action: A }>): Partial<AssistRequest>;
    reason(command: Extract<AssistSideCommand, { action: A }>): string | null;
  };
} = {
  // A device action started while connected keeps being reported after the request closed: the user's card says so.
  'device.started': {
    from: ASSIST_STATES,
    changes: (request, command) => ({
      deviceActions: withDeviceAction(request, command.actionId, (action) => ({
        ...action,
        state: command.problem ? action.state : 'pending',
        startedAt: command.at,
        problem: command.problem,
      })),
    }),
    reason: (command) => (command.problem ? problemLine(command.problem) : null),
  },
  'device.result': {
    from: ASSIST_STATES,
    changes: (request, command) => ({
      deviceActions: withDeviceAction(request, command.actionId, (action) => ({
        ...action,
        state: command.state,
        startedAt: command.startedAt ?? action.startedAt,
        lastUpdatedAt: command.lastUpdatedAt,
        problem: command.problem,
      })),
    }),
    reason: (command) => (command.problem ? problemLine(command.problem) : command.state),
  },
  'delivery.failed': {
    from: ASSIST_STATES,
    changes: (request, command) => ({ deliveryFailures: withDeliveryFailure(request.deliveryFailures, command.failure) }),
    reason: (command) => `${command.failure.type} given up: ${problemLine(command.failure)}`,
  },
  'delivery.reached': {
    from: ASSIST_STATES,
    changes: (request, command) => ({ deliveryFailures: withPersonReached(request.deliveryFailures, command.aadObjectId) }),
    reason: () => 'a later card reached them',
  },
};

function withDeviceAction(
  request: AssistRequest,
  actionId: string,
  change: (action: AssistDeviceAction) => AssistDeviceAction,
): AssistDeviceAction[] {
  if (!request.deviceActions.some((action) => action.id === actionId)) {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `no device action ${actionId}`);
  }
  return request.deviceActions.map((action) => (action.id === actionId ? change(action) : action));
}

/** Records a side transition (the system only). */
export function recordAssistSide(request: AssistRequest, command: AssistSideCommand, context: DecisionContext): AssistDecided {
  if (context.actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
  const rule = ASSIST_SIDE_TRANSITIONS[command.action] as {
    from: readonly AssistState[];
    changes(request: AssistRequest, command: AssistSideCommand): Partial<AssistRequest>;
    reason(command: AssistSideCommand): string | null;
  };
  if (!rule.from.includes(request.state)) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  const next: AssistRequest = { ...request, ...rule.changes(request, command), version: request.version + 1, updatedAt: context.now };
  return { request: next, event: auditEvent(next, command.action, request.state, request.state, { ...context, reason: rule.reason(command) }) };
}

/** What an assist deadline stands for: nobody answered, or the user did not allow control in time. */
export type AssistDeadlineKind = 'expire';

/** Deadlines now: unanswered expiry while requested, the allow timeout while accepted. */
export function assistDeadlines(request: AssistRequest): { kind: AssistDeadlineKind; dueAt: Date }[] {
  if (request.state === 'requested') return [{ kind: 'expire', dueAt: request.answerBy }];
  if (request.state === 'accepted' && request.allowBy) return [{ kind: 'expire', dueAt: request.allowBy }];
  return [];
}

/** The people an assistance request is about: the requester and, once accepted, the helper. */
export function assistParties(request: AssistRequest): string[] {
  return [request.requester.aadObjectId, ...(request.helper ? [request.helper.aadObjectId] : [])];
}

/** The deadlines whose transition changes nothing but the state (expiry: see changesFor): made set-wise by a sweeper. */
export const ASSIST_DEADLINE_MOVES: Readonly<Partial<Record<AssistDeadlineKind, StateMove>>> = {
  expire: stateMoveOf('assist', ASSIST_TRANSITIONS, 'expire'),
};
