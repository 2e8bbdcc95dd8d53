import { AuditEvent, DecisionContext, auditEvent } from './audit';
import { DeliveryFailure, withDeliveryFailure, withPersonReached } from './deliveryFailures';
import { DoormanError, FieldProblem, Problem, problemLine } from './errors';
import { Actor, Person, Role, actorId, hasRole } from './people';
import { StateMove } from './stateMoves';

/** States of a lockbox request (DESIGN.md §1); `review` only when a support lead reviews first. */
export type LockboxState = 'review' | 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled' | 'ended';

/** Everything that can happen to a lockbox request. */
export type LockboxAction =
  | 'passReview'
  | 'approve'
  | 'autoApprove'
  | 'deny'
  | 'cancel'
  | 'expire'
  | 'confirmGrant'
  | 'failGrant'
  | 'resolve'
  | 'revoke'
  | 'elapse'
  | 'end';

/** Why access ended. */
export type LockboxEndReason = 'window elapsed' | 'resolved' | 'revoked' | 'grant failed';

/**
 * Who may act: `requester` (the engineer, the person a system asked for, or the system itself), a role that must not
 * be the requester (separation of duties), or the system (timers, the dispatcher, an approval-off setting).
 */
type LockboxPerformer = 'requester' | { role: Role; notRequester: true } | 'system';

/** The transition table: performer, legal states and where each leads. */
export const LOCKBOX_TRANSITIONS: Readonly<
  Record<LockboxAction, { by: LockboxPerformer; from: Partial<Record<LockboxState, LockboxState>> }>
> = {
  passReview: { by: { role: 'admin', notRequester: true }, from: { review: 'pending' } },
  approve: { by: { role: 'approver', notRequester: true }, from: { pending: 'approved' } },
  autoApprove: { by: 'system', from: { pending: 'approved' } },
  deny: { by: { role: 'approver', notRequester: true }, from: { pending: 'denied', review: 'denied' } },
  cancel: { by: 'requester', from: { pending: 'cancelled', review: 'cancelled' } },
  expire: { by: 'system', from: { pending: 'expired', review: 'expired' } },
  confirmGrant: { by: 'system', from: { approved: 'approved' } },
  failGrant: { by: 'system', from: { approved: 'ended' } },
  resolve: { by: 'requester', from: { approved: 'approved' } },
  revoke: { by: { role: 'approver', notRequester: true }, from: { approved: 'approved' } },
  elapse: { by: 'system', from: { approved: 'approved' } },
  end: { by: 'system', from: { approved: 'ended' } },
};

/** Every lockbox state. */
export const LOCKBOX_STATES: readonly LockboxState[] = ['review', 'pending', 'approved', 'denied', 'expired', 'cancelled', 'ended'];

/** The hard cap on an access window: 24 hours. */
export const LOCKBOX_MAX_MINUTES = 24 * 60;

/** The shortest access window anyone may ask for or make the default, in minutes. */
export const LOCKBOX_MIN_MINUTES = 15;

/** The shortest and longest time approvers may be given to decide, in hours. */
export const LOCKBOX_DECISION_HOURS = { min: 1, max: 72 } as const;

/** The lockbox policy before an admin has saved anything: approval required, 4 h default, 24 h max, 12 h to decide. */
export const LOCKBOX_DEFAULT_POLICY = Object.freeze({
  approvalRequired: true,
  leadReview: false,
  defaultDurationMinutes: 240,
  maxDurationMinutes: LOCKBOX_MAX_MINUTES,
  decisionHours: 12,
  escalationHours: 0,
});

/** The limits an admin sets for lockbox requests. */
export interface LockboxLimits {
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  decisionHours: number;
  /** Hours undecided before backup approvers are added; 0 turns escalation off (must be shorter than decisionHours). */
  escalationHours?: number;
}

/**
 * Every limit outside its range, by field (`range`, or `aboveMax` for a default longer than the maximum). Values
 * out of range are refused, never clamped: the admin sees what was wrong next to the field and nothing is saved.
 */
export function lockboxLimitProblems(limits: LockboxLimits): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const within = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  const maxOk = within(limits.maxDurationMinutes, LOCKBOX_MIN_MINUTES, LOCKBOX_MAX_MINUTES);
  if (!maxOk) problems.push({ field: 'maxDurationMinutes', problem: 'range' });
  if (!within(limits.defaultDurationMinutes, LOCKBOX_MIN_MINUTES, LOCKBOX_MAX_MINUTES)) {
    problems.push({ field: 'defaultDurationMinutes', problem: 'range' });
  } else if (maxOk && limits.defaultDurationMinutes > limits.maxDurationMinutes) {
    problems.push({ field: 'defaultDurationMinutes', problem: 'aboveMax' });
  }
  if (!within(limits.decisionHours, LOCKBOX_DECISION_HOURS.min, LOCKBOX_DECISION_HOURS.max)) {
    problems.push({ field: 'decisionHours', problem: 'range' });
  }
  const escalation = limits.escalationHours ?? 0;
  if (!within(escalation, 0, LOCKBOX_DECISION_HOURS.max - 1)) {
    problems.push({ field: 'escalationHours', problem: 'range' });
  } else if (escalation > 0 && escalation >= limits.decisionHours) {
    problems.push({ field: 'escalationHours', problem: 'aboveMax' });
  }
  return problems;
}

/**
 * How the person came to hold the access: Doorman `added` the membership; they were `alreadyMember` before (Doorman
 * never removes that); or another running request of theirs for the same access already carries it (`shared`).
 */
export type LockboxMembership = 'added' | 'alreadyMember' | 'shared';

/** Why access was not removed when this request's window ended: another request still runs, or Doorman never added it. */
export type LockboxKept = 'otherRequest' | 'notAdded';

/**
 * What Doorman found after a grant it had begun was given up (the directory never answered, so the membership may or
 * may not have been added): it `removed` the membership, the person was not a member (`absent`: nothing to remove),
 * or another running request of theirs for the same scope now carries it and removes it when it ends (`otherRequest`).
 */
export type LockboxReconciled = 'removed' | 'absent' | 'otherRequest';

/**
 * An access scope an admin defines: what approving grants, in words people read. What carries it (an Entra group, the
 * local grant table) is configuration, not part of the request. A request keeps a copy, so its card stays true.
 */
export interface AccessScope {
  id: string;
  name: string;
  description: string;
}

/**
 * A scope an admin added in `settings` (after the configured ones, LOCKBOX_SCOPES): the Entra group that carries it,
 * or null where the local grant table does.
 */
export interface ScopeSetting extends AccessScope {
  groupId: string | null;
}

/** The scope of `LOCKBOX_ACCESS_GROUP_ID` (and of requests from before scopes existed). */
export const DEFAULT_LOCKBOX_SCOPE: AccessScope = Object.freeze({
  id: 'default',
  name: 'Customer content',
  description: 'the access the lockbox access group grants',
});

/** The scope a request grants (requests from before scopes existed grant the default one). */
export function scopeOf(request: LockboxRequest): AccessScope {
  return request.scope ?? DEFAULT_LOCKBOX_SCOPE;
}

/** Where granted access stands: Doorman only says "ended" once removal is confirmed (or the grant failed). */
export interface LockboxAccess {
  status: 'none' | 'granting' | 'granted' | 'removing' | 'removed' | 'failed';
  grantedAt: Date | null;
  endsAt: Date | null;
  removedAt: Date | null;
  /** Set when the grant is confirmed (requests from before this was recorded have none). */
  membership?: LockboxMembership | null;
  /** Set at the end when the membership was left in place, and why. */
  kept?: LockboxKept | null;
  /** Why the grant failed (status `failed`). */
  problem?: Problem | null;
  /** After a failed grant that may have added the membership: what Doorman found and did (absent: nothing to check). */
  reconciled?: LockboxReconciled | null;
}

/** A decision, with who took it and why (a person, or a setting when approval is off). */
export interface LockboxDecision {
  action: 'approve' | 'autoApprove' | 'deny' | 'passReview';
  byId: string;
  byName: string;
  at: Date;
  comment: string | null;
}

/** An engineer's (or a system's) request for access to customer content. */
export interface LockboxRequest {
  kind: 'lockbox';
  id: string;
  version: number;
  state: LockboxState;
  /** The person who asked in chat, or for whom a system asked. */
  requester: Person;
  /** The stable id of the system that asked on the requester's behalf (`key:<key id>`, `app:<client id>`), if any. */
  requestedVia: string | null;
  /** What approving grants (absent on requests from before scopes: the default scope). */
  scope?: AccessScope;
  resource: string;
  reason: string;
  ticket: string;
  durationMinutes: number;
  decideBy: Date;
  /** When approvers get their "1 hour left" reminder; cleared once sent. */
  remindAt: Date | null;
  /** When backup approvers are added if nobody decided; cleared once escalated (absent: no escalation). */
  escalateAt?: Date | null;
  /** The backup approvers added by the escalation: they may decide like approvers. */
  escalatedTo?: string[];
  decisions: LockboxDecision[];
  access: LockboxAccess;
  /** Set when access must end; the request reaches `ended` only when removal is confirmed. */
  ending: { reason: LockboxEndReason; byId: string; at: Date } | null;
  queueId: string | null;
  /** The last messages about this request that were given up (cards say who was not reached). */
  deliveryFailures?: DeliveryFailure[];
  createdAt: Date;
  updatedAt: Date;
}

/** What creating a lockbox request needs (validated). */
export interface NewLockbox {
  id: string;
  requester: Person;
  requestedVia: string | null;
  scope?: AccessScope;
  resource: string;
  reason: string;
  ticket: string;
  durationMinutes: number;
  decisionHours: number;
  /** Hours undecided before backup approvers are added; 0 (or not shorter than decisionHours): never. */
  escalationHours?: number;
  leadReview: boolean;
  queueId: string | null;
}

/** Inputs an action needs beyond actor and time. */
export type LockboxCommand =
  | { action: 'approve' | 'deny' | 'passReview'; comment: string | null }
  | { action: 'autoApprove'; setting: string }
  | { action: 'cancel' | 'expire' | 'resolve' | 'revoke' | 'elapse' }
  | { action: 'end'; kept?: LockboxKept | null }
  | { action: 'confirmGrant'; membership?: LockboxMembership }
  | { action: 'failGrant'; problem: Problem };

/** A decided lockbox transition. */
export interface LockboxDecided {
  request: LockboxRequest;
  event: AuditEvent;
}

/** Opens a lockbox request: pending (or in review), with 12 h (configurable) to decide and a reminder 1 h before. */
export function createLockbox(input: NewLockbox, context: DecisionContext): LockboxDecided {
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > LOCKBOX_MAX_MINUTES) {
    throw new DoormanError('INPUT.INVALID', 'duration out of range', [{ field: 'durationMinutes', problem: 'range' }]);
  }
  const decideBy = new Date(context.now.getTime() + input.decisionHours * 3600_000);
  const remindAt = input.decisionHours > 1 ? new Date(decideBy.getTime() - 3600_000) : null;
  const escalationHours = input.escalationHours ?? 0;
  const escalateAt = escalationHours > 0 && escalationHours < input.decisionHours ? new Date(context.now.getTime() + escalationHours * 3600_000) : null;
  const request: LockboxRequest = {
    kind: 'lockbox',
    id: input.id,
    version: 1,
    state: input.leadReview ? 'review' : 'pending',
    requester: input.requester,
    requestedVia: input.requestedVia,
    scope: input.scope ?? DEFAULT_LOCKBOX_SCOPE,
    resource: input.resource,
    reason: input.reason,
    ticket: input.ticket,
    durationMinutes: input.durationMinutes,
    decideBy,
    remindAt,
    escalateAt,
    escalatedTo: [],
    decisions: [],
    access: { status: 'none', grantedAt: null, endsAt: null, removedAt: null },
    ending: null,
    queueId: input.queueId,
    createdAt: context.now,
    updatedAt: context.now,
  };
  return { request, event: auditEvent(request, 'create', null, request.state, context) };
}

/** True when a decision is still awaited but its deadline has passed. */
export function isDecisionOverdue(request: LockboxRequest, now: Date): boolean {
  return (request.state === 'pending' || request.state === 'review') && now.getTime() >= request.decideBy.getTime();
}

/** The people a request is for: nobody among them may approve, deny or revoke it. */
export function lockboxParties(request: LockboxRequest): string[] {
  return [request.requester.aadObjectId];
}

/**
 * Decides one action: who acts (roles from the signed activity, never card data; never the requester), whether the
 * table allows it, and the deadline. Returns the next version or throws a DoormanError.
 */
export function decideLockbox(request: LockboxRequest, command: LockboxCommand, context: DecisionContext): LockboxDecided {
  const rule = LOCKBOX_TRANSITIONS[command.action];
  checkPerformer(request, rule.by, context.actor);
  if (command.action === 'approve') checkNotReviewer(request, context.actor);
  const to = rule.from[request.state];
  if (to === undefined) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  const now = context.now;
  if (command.action === 'expire') {
    if (!isDecisionOverdue(request, now)) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'expire before the deadline');
  } else if (isDecisionOverdue(request, now)) {
    throw new DoormanError('REQUEST.EXPIRED');
  }
  if (['resolve', 'revoke', 'elapse'].includes(command.action) && request.ending !== null) {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'access is already ending');
  }
  if (command.action === 'elapse' && (request.access.endsAt === null || now.getTime() < request.access.endsAt.getTime())) {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'the access window has not elapsed');
  }
  if ((command.action === 'confirmGrant' || command.action === 'failGrant') && request.access.status !== 'granting') {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'no grant in progress');
  }
  if (command.action === 'end' && request.access.status !== 'removed') {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'access removal is not confirmed');
  }
  const next: LockboxRequest = {
    ...request,
    ...changesFor(request, command, context),
    state: to,
    version: request.version + 1,
    updatedAt: now,
  };
  const reason =
    'comment' in command
      ? command.comment
      : 'setting' in command
        ? command.setting
        : 'problem' in command
          ? problemLine(command.problem)
          : command.action === 'confirmGrant'
            ? MEMBERSHIP_REASON[next.access.membership ?? 'added']
            : endingReason(next);
  return { request: next, event: auditEvent(next, command.action, request.state, to, { ...context, reason: context.reason ?? reason }) };
}

const STABLE_CLIENT_ID = /^(key|app):./;

function checkPerformer(request: LockboxRequest, by: LockboxPerformer, actor: Actor): void {
  if (by === 'system') {
    if (actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
    return;
  }
  if (by === 'requester') {
    const isRequester = actor.type === 'person' && lockboxParties(request).includes(actor.person.aadObjectId);
    // A system is known by its stable id (`key:<key id>`, `app:<client id>`), never by a name anyone could pick.
    const isRequestingService = actor.type === 'service' && STABLE_CLIENT_ID.test(actor.client) && actor.client === request.requestedVia;
    if (!isRequester && !isRequestingService) throw new DoormanError('AUTH.NOT_PERMITTED');
    return;
  }
  if (actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED');
  if (lockboxParties(request).includes(actor.person.aadObjectId)) throw new DoormanError('AUTH.SELF_APPROVAL');
  const isBackup = by.role === 'approver' && (request.escalatedTo ?? []).includes(actor.person.aadObjectId);
  if (!hasRole(actor, by.role) && !isBackup) throw new DoormanError('AUTH.NOT_PERMITTED');
}

/** Separation of duties across the two stages: whoever passed the lead review does not also approve. */
function checkNotReviewer(request: LockboxRequest, actor: Actor): void {
  if (passedReview(request, actorId(actor))) throw new DoormanError('AUTH.SAME_REVIEWER');
}

/** Whether this person (or client id) passed the request's lead review: they may deny or revoke, never approve. */
export function passedReview(request: LockboxRequest, id: string): boolean {
  return request.decisions.some((decision) => decision.action === 'passReview' && decision.byId === id);
}

/** What the trail says about the membership when a grant is confirmed: the auditor's "who added it". */
const MEMBERSHIP_REASON: Readonly<Record<LockboxMembership, string>> = {
  added: 'membership added by Doorman',
  alreadyMember: 'already a member before the request: not added, will not be removed',
  shared: 'membership already carried by another running request of the requester',
};

function endingReason(request: LockboxRequest): string | null {
  if (!request.ending) return null;
  const kept = request.access.kept;
  if (request.state === 'ended' && request.access.status === 'removed' && !kept) return `${request.ending.reason}; membership removed by Doorman`;
  if (request.state !== 'ended' || !kept) return request.ending.reason;
  return `${request.ending.reason}; membership kept: ${kept === 'otherRequest' ? 'another request still runs' : 'Doorman did not add it'}`;
}

function decisionBy(actor: Actor, action: LockboxDecision['action'], at: Date, comment: string | null): LockboxDecision {
  const byId = actorId(actor);
  const byName = actor.type === 'person' ? actor.person.name : byId;
  return { action, byId, byName, at, comment };
}

function changesFor(request: LockboxRequest, command: LockboxCommand, context: DecisionContext): Partial<LockboxRequest> {
  const { actor, now } = context;
  const ending = (reason: LockboxEndReason): Partial<LockboxRequest> => ({
    ending: { reason, byId: actorId(actor), at: now },
    access: { ...request.access, status: 'removing' },
  });
  switch (command.action) {
    case 'passReview':
    case 'deny':
      return {
        decisions: [...request.decisions, decisionBy(actor, command.action, now, command.comment)],
        remindAt: command.action === 'deny' ? null : request.remindAt,
        escalateAt: command.action === 'deny' ? null : request.escalateAt ?? null,
      };
    case 'approve':
      return {
        decisions: [...request.decisions, decisionBy(actor, 'approve', now, command.comment)],
        access: { ...request.access, status: 'granting' },
        remindAt: null,
        escalateAt: null,
      };
    case 'autoApprove':
      return {
        decisions: [...request.decisions, decisionBy(actor, 'autoApprove', now, command.setting)],
        access: { ...request.access, status: 'granting' },
        remindAt: null,
      };
    case 'cancel':
    case 'expire':
      return { remindAt: null, escalateAt: null };
    case 'confirmGrant':
      return {
        access: {
          status: 'granted',
          grantedAt: now,
          endsAt: new Date(now.getTime() + request.durationMinutes * 60_000),
          removedAt: null,
          membership: command.membership ?? 'added',
        },
      };
    case 'failGrant':
      return {
        access: { ...request.access, status: 'failed', problem: command.problem },
        ending: { reason: 'grant failed', byId: actorId(actor), at: now },
      };
    case 'resolve':
      return ending('resolved');
    case 'revoke':
      return ending('revoked');
    case 'elapse':
      return ending('window elapsed');
    case 'end':
      return command.kept ? { access: { ...request.access, kept: command.kept } } : {};
  }
}

/** Facts the system records on a lockbox request without moving its state. */
export type LockboxSideAction = 'remind' | 'escalate' | 'reconcile' | 'delivery.failed' | 'delivery.reached';

/** What a side transition records. */
export type LockboxSideCommand =
  | { action: 'remind' }
  /** Undecided too long: the backup approvers (resolved from the directory) are added and may decide. */
  | { action: 'escalate'; backupIds: string[] }
  /** A grant given up halfway: the membership Doorman may have added was checked in the directory (once). */
  | { action: 'reconcile'; outcome: LockboxReconciled }
  | { action: 'delivery.failed'; failure: DeliveryFailure }
  /** A later card reached a person something was given up for: the cards stop saying they were not told. */
  | { action: 'delivery.reached'; aadObjectId: string };

/** The side transitions: the states each is legal in, what must hold, what it changes, and the audit reason. */
export const LOCKBOX_SIDE_TRANSITIONS: {
  readonly [A in LockboxSideAction]: {
    from: readonly LockboxState[];
    holds(request: LockboxRequest): boolean;
    changes(request: LockboxRequest, command: Extract<LockboxSideCommand, { action: A }>): Partial<LockboxRequest>;
    reason(command: Extract<LockboxSideCommand, { action: A }>): string;
  };
} = {
  remind: { from: ['pending', 'review'], holds: (request) => request.remindAt !== null, changes: () => ({ remindAt: null }), reason: () => '1 hour left' },
  escalate: {
    from: ['pending', 'review'],
    holds: (request) => (request.escalateAt ?? null) !== null,
    changes: (request, command) => ({ escalateAt: null, escalatedTo: [...new Set([...(request.escalatedTo ?? []), ...command.backupIds])] }),
    reason: (command) => `undecided in time: ${command.backupIds.length} backup approver(s) added (${command.backupIds.join(', ')})`,
  },
  reconcile: {
    from: ['ended'],
    holds: (request) => request.access.status === 'failed' && (request.access.reconciled ?? null) === null,
    changes: (request, command) => ({ access: { ...request.access, reconciled: command.outcome } }),
    reason: (command) => RECONCILED_REASON[command.outcome],
  },
  'delivery.failed': {
    from: LOCKBOX_STATES,
    holds: () => true,
    changes: (request, command) => ({ deliveryFailures: withDeliveryFailure(request.deliveryFailures, command.failure) }),
    reason: (command) => `${command.failure.type} given up: ${problemLine(command.failure)}`,
  },
  'delivery.reached': {
    from: LOCKBOX_STATES,
    holds: () => true,
    changes: (request, command) => ({ deliveryFailures: withPersonReached(request.deliveryFailures, command.aadObjectId) }),
    reason: () => 'a later card reached them',
  },
};

/** What the trail says after a given-up grant was checked: the auditor's "who added and who removed it". */
const RECONCILED_REASON: Readonly<Record<LockboxReconciled, string>> = {
  removed: 'grant given up, yet the membership Doorman had begun adding was there: removed by Doorman',
  absent: 'grant given up: not a member, so Doorman has nothing to remove',
  otherRequest: 'grant given up: the membership Doorman had begun adding stays for another running request of the requester, which removes it when it ends',
};

/** Records a side transition (the system only); REQUEST.ILLEGAL_TRANSITION when it is moot (already sent, decided). */
export function recordLockboxSide(request: LockboxRequest, side: LockboxSideAction | LockboxSideCommand, context: DecisionContext): LockboxDecided {
  if (context.actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
  const command = (typeof side === 'string' ? { action: side } : side) as LockboxSideCommand;
  const rule = LOCKBOX_SIDE_TRANSITIONS[command.action] as {
    from: readonly LockboxState[];
    holds(request: LockboxRequest): boolean;
    changes(request: LockboxRequest, command: LockboxSideCommand): Partial<LockboxRequest>;
    reason(command: LockboxSideCommand): string;
  };
  if (!rule.from.includes(request.state) || !rule.holds(request)) {
    throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  }
  const next: LockboxRequest = { ...request, ...rule.changes(request, command), version: request.version + 1, updatedAt: context.now };
  return { request: next, event: auditEvent(next, command.action, request.state, request.state, { ...context, reason: rule.reason(command) }) };
}

/** Who is reminded that a decision is due: admins while a lead reviews, approvers otherwise. */
export function remindedRole(request: LockboxRequest): Role {
  return request.state === 'review' ? 'admin' : 'approver';
}

/** Marks the access as removed (the AccessGranter confirmed); `end` may follow. */
export function withAccessRemoved(request: LockboxRequest, now: Date): LockboxRequest {
  return { ...request, access: { ...request.access, status: 'removed', removedAt: now } };
}

/** What a lockbox deadline stands for. */
export type LockboxDeadlineKind = 'expire' | 'remind' | 'escalate' | 'elapse';

/** Deadlines now: decision expiry and the reminder while undecided; the end of the window while access runs. */
export function lockboxDeadlines(request: LockboxRequest): { kind: LockboxDeadlineKind; dueAt: Date }[] {
  const deadlines: { kind: LockboxDeadlineKind; dueAt: Date }[] = [];
  if (request.state === 'pending' || request.state === 'review') {
    deadlines.push({ kind: 'expire', dueAt: request.decideBy });
    if (request.remindAt) deadlines.push({ kind: 'remind', dueAt: request.remindAt });
    if (request.escalateAt) deadlines.push({ kind: 'escalate', dueAt: request.escalateAt });
  }
  if (request.state === 'approved' && request.access.status === 'granted' && request.ending === null && request.access.endsAt) {
    deadlines.push({ kind: 'elapse', dueAt: request.access.endsAt });
  }
  return deadlines;
}

/**
 * None of a lockbox request's deadlines only moves its state: expiry also ends the reminder and escalation, the others
 * record a decision or an ending. The sweeper writes them request by request.
 */
export const LOCKBOX_DEADLINE_MOVES: Readonly<Partial<Record<LockboxDeadlineKind, StateMove>>> = {};
