import { AuditEvent, DecisionContext, auditEvent } from './audit';
import { DeliveryFailure, withDeliveryFailure, withPersonReached } from './deliveryFailures';
import { DoormanError, problemLine } from './errors';
import { AssistRequest } from './assist';
import { Actor, Person } from './people';
import { StateMove, stateMoveOf } from './stateMoves';
import { SessionRequest } from './session';

/** States of a direct invitation into a running session or assistance request (DESIGN.md §1). */
export type InvitationState = 'pending' | 'accepted' | 'rejected' | 'cancelled' | 'expired' | 'removed' | 'ended';

/** Everything people and the system do to an invitation. */
export type InvitationAction = 'accept' | 'reject' | 'cancel' | 'edit' | 'expire' | 'changeProfile' | 'remove' | 'end';

/**
 * Who may act: `invitee` (the colleague invited), `host` (the inviter, or the parent's agent: the session's assignee
 * or creator, the assistance helper), or the system (the two-minute timer; ending with the parent, once the parent is
 * no longer connected).
 */
export type InvitationPerformer = 'invitee' | 'host' | 'system';

/** The transition table: performer, legal states and where each leads. */
export const INVITATION_TRANSITIONS: Readonly<Record<InvitationAction, { by: InvitationPerformer; from: Partial<Record<InvitationState, InvitationState>> }>> = {
  accept: { by: 'invitee', from: { pending: 'accepted' } },
  reject: { by: 'invitee', from: { pending: 'rejected' } },
  cancel: { by: 'host', from: { pending: 'cancelled' } },
  edit: { by: 'host', from: { pending: 'pending' } },
  expire: { by: 'system', from: { pending: 'expired' } },
  changeProfile: { by: 'host', from: { accepted: 'accepted' } },
  remove: { by: 'host', from: { accepted: 'removed' } },
  end: { by: 'system', from: { pending: 'ended', accepted: 'ended' } },
};

/** Every invitation state, in lifecycle order. */
export const INVITATION_STATES: readonly InvitationState[] = ['pending', 'accepted', 'rejected', 'cancelled', 'expired', 'removed', 'ended'];

/** States after which nothing more happens. */
export const INVITATION_FINAL_STATES: readonly InvitationState[] = ['rejected', 'cancelled', 'expired', 'removed', 'ended'];

/** The time an invitee has to answer (AnyDesk's direct invitation: two minutes). */
export const INVITATION_ANSWER_MS = 2 * 60_000;

/** The Teams meeting roles a permission profile maps to (onlineMeeting `participants.attendees[].role`). */
export type InvitationMeetingRole = 'attendee' | 'presenter' | 'coorganizer';

/** An admin-defined permission profile: what an invited colleague may do during the session. */
export interface PermissionProfile {
  /** The profile's name, unique (case-insensitive); cards and the audit trail name it. */
  name: string;
  /** One sentence saying what the profile allows, shown to the inviter and the invitee. */
  sentence: string;
  role: InvitationMeetingRole;
}

/** The profiles before an admin changes them in `settings`. */
export const DEFAULT_PERMISSION_PROFILES: readonly PermissionProfile[] = [
  { name: 'View only', sentence: 'Sees and hears the session; cannot share or take control.', role: 'attendee' },
  { name: 'Collaborate', sentence: 'Can talk, present and share their screen.', role: 'presenter' },
  { name: 'Full control', sentence: 'Everything the host can do: admit, remove and manage the meeting.', role: 'coorganizer' },
];

/** The running request an invitation brings a colleague into, as the domain needs to see it. */
export interface InvitationParent {
  id: string;
  kind: 'session' | 'assist';
  /** True while the parent is connected (the only time a colleague can join it). */
  connected: boolean;
  /** The parent's agents: who may invite and change profiles besides the inviter (session assignee or creator, helper). */
  hostIds: readonly string[];
  /** What the session is about, for the invitee's card: never the customer's link. */
  summary: string;
}

/** Where the accepted colleague joins. */
export interface InvitationMeeting {
  provider: 'local' | 'teams';
  /** The meeting the participant is added to (local: the parent request's id, the local room's key). */
  meetingId: string;
  /** Teams join URL, or the local room page; only on the invitee's own card. */
  joinUrl: string | null;
}

/** A direct invitation of a colleague into a running session, with a permission profile. */
export interface InvitationRequest {
  kind: 'invitation';
  id: string;
  version: number;
  state: InvitationState;
  parentId: string;
  parentKind: 'session' | 'assist';
  /** The parent's summary when invited (a session's comments or an assistance problem), never the customer's link. */
  summary: string;
  inviter: Person;
  invitee: Person;
  profile: PermissionProfile;
  /** Unanswered by then: expired. A profile edit while pending does not restart the two minutes. */
  answerBy: Date;
  meeting: InvitationMeeting;
  /** The last messages about this invitation that were given up. */
  deliveryFailures?: DeliveryFailure[];
  createdAt: Date;
  updatedAt: Date;
}

/** What inviting needs (validated by the application). */
export interface NewInvitation {
  id: string;
  invitee: Person;
  profile: PermissionProfile;
  meeting: InvitationMeeting;
}

/** Inputs an action needs beyond actor and time. */
export type InvitationCommand =
  | { action: 'accept' | 'reject' | 'cancel' | 'expire' | 'remove' | 'end' }
  | { action: 'edit' | 'changeProfile'; profile: PermissionProfile };

/** A decided invitation transition. */
export interface InvitationDecided {
  request: InvitationRequest;
  event: AuditEvent;
}

/** Why an invitation cannot be made, said next to the invitee field. */
export type InvitationRefusal = 'self' | 'alreadyIn' | 'notConnected';

/**
 * A host invites a colleague into a connected parent. Refused: inviting yourself, someone already in the session (an
 * accepted invitation for the same person and parent, or one of its agents), a parent that is not connected.
 */
export function createInvitation(
  input: NewInvitation,
  parent: InvitationParent,
  joined: readonly InvitationRequest[],
  context: DecisionContext,
): InvitationDecided {
  const { actor } = context;
  if (actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED', 'only people invite');
  if (!parent.hostIds.includes(actor.person.aadObjectId)) throw new DoormanError('AUTH.NOT_PERMITTED', 'only the session’s agent invites');
  const refusal = invitationRefusal(input.invitee, parent, joined, actor.person);
  if (refusal === 'notConnected') throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'the session is not connected');
  if (refusal) throw new DoormanError('INPUT.INVALID', `invitee: ${refusal}`, [{ field: 'invitee', problem: refusal }]);
  const request: InvitationRequest = {
    kind: 'invitation',
    id: input.id,
    version: 1,
    state: 'pending',
    parentId: parent.id,
    parentKind: parent.kind,
    summary: parent.summary,
    inviter: actor.person,
    invitee: input.invitee,
    profile: input.profile,
    answerBy: new Date(context.now.getTime() + INVITATION_ANSWER_MS),
    meeting: input.meeting,
    createdAt: context.now,
    updatedAt: context.now,
  };
  return { request, event: auditEvent(request, 'create', null, 'pending', { ...context, reason: `${input.invitee.name} as ${input.profile.name}` }) };
}

/** Why `invitee` cannot be invited into `parent` by `inviter`, or null. */
export function invitationRefusal(
  invitee: Person,
  parent: InvitationParent,
  joined: readonly InvitationRequest[],
  inviter: Person,
): InvitationRefusal | null {
  if (!parent.connected) return 'notConnected';
  if (invitee.aadObjectId === inviter.aadObjectId) return 'self';
  if (parent.hostIds.includes(invitee.aadObjectId)) return 'alreadyIn';
  const inSession = joined.some((other) => other.parentId === parent.id && other.state === 'accepted' && other.invitee.aadObjectId === invitee.aadObjectId);
  return inSession ? 'alreadyIn' : null;
}

/** True when the invitation still waits for an answer past its two minutes. */
export function isInvitationOverdue(request: InvitationRequest, now: Date): boolean {
  return request.state === 'pending' && now.getTime() >= request.answerBy.getTime();
}

/** Whether `actor` is the colleague invited. */
export function isInvitee(request: InvitationRequest, actor: Actor): boolean {
  return actor.type === 'person' && actor.person.aadObjectId === request.invitee.aadObjectId;
}

/** Whether `actor` may act for the session: the inviter, or one of the parent's agents now. */
export function isInvitationHost(request: InvitationRequest, parent: InvitationParent, actor: Actor): boolean {
  if (actor.type !== 'person') return false;
  return actor.person.aadObjectId === request.inviter.aadObjectId || parent.hostIds.includes(actor.person.aadObjectId);
}

/**
 * Decides one action: who acts (from the signed activity, never card data), what the table allows, the two minutes.
 * Only the invitee answers; only a host edits, cancels, changes the profile or removes; the system expires.
 */
export function decideInvitation(
  request: InvitationRequest,
  parent: InvitationParent,
  command: InvitationCommand,
  context: DecisionContext,
): InvitationDecided {
  const rule = INVITATION_TRANSITIONS[command.action];
  checkPerformer(request, parent, rule.by, context.actor);
  const to = rule.from[request.state];
  if (to === undefined) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', `${command.action} in ${request.state}`);
  if (command.action === 'expire') {
    if (!isInvitationOverdue(request, context.now)) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'expire before the deadline');
  } else if (isInvitationOverdue(request, context.now)) {
    throw new DoormanError('REQUEST.EXPIRED');
  }
  if (command.action === 'accept' && !parent.connected) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'the session is no longer connected');
  // An invitation ends with its parent only: while the session runs, only its people end an invitation.
  if (command.action === 'end' && parent.connected) throw new DoormanError('REQUEST.ILLEGAL_TRANSITION', 'the session is still connected');
  const profile = 'profile' in command ? command.profile : request.profile;
  const next: InvitationRequest = { ...request, profile, state: to, version: request.version + 1, updatedAt: context.now };
  const reason = context.reason ?? reasonOf(request, command);
  return { request: next, event: auditEvent(next, command.action, request.state, to, { ...context, reason }) };
}

function reasonOf(request: InvitationRequest, command: InvitationCommand): string | null {
  if ('profile' in command) return `${request.profile.name} → ${command.profile.name}`;
  if (command.action === 'expire') return 'not answered in two minutes';
  if (command.action === 'accept') return `joined as ${request.profile.name}`;
  if (command.action === 'end') return request.parentKind === 'assist' ? 'the assistance request ended' : 'the session ended';
  return null;
}

function checkPerformer(request: InvitationRequest, parent: InvitationParent, by: InvitationPerformer, actor: Actor): void {
  switch (by) {
    case 'system':
      if (actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'invitee':
      if (!isInvitee(request, actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
    case 'host':
      if (!isInvitationHost(request, parent, actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
      return;
  }
}

/** Facts the system records on an invitation without moving its state. */
export type InvitationSideCommand =
  | { action: 'delivery.failed'; failure: DeliveryFailure }
  | { action: 'delivery.reached'; aadObjectId: string };

/** Records a side transition (the system only): a card given up, or a later card reaching the person. */
export function recordInvitationSide(request: InvitationRequest, command: InvitationSideCommand, context: DecisionContext): InvitationDecided {
  if (context.actor.type !== 'system') throw new DoormanError('AUTH.NOT_PERMITTED');
  const deliveryFailures =
    command.action === 'delivery.failed'
      ? withDeliveryFailure(request.deliveryFailures, command.failure)
      : withPersonReached(request.deliveryFailures, command.aadObjectId);
  const reason = command.action === 'delivery.failed' ? `${command.failure.type} given up: ${problemLine(command.failure)}` : 'a later card reached them';
  const next: InvitationRequest = { ...request, deliveryFailures, version: request.version + 1, updatedAt: context.now };
  return { request: next, event: auditEvent(next, command.action, request.state, request.state, { ...context, reason }) };
}

/** What an invitation deadline stands for. */
export type InvitationDeadlineKind = 'expire';

/** Deadlines now: the two minutes while pending. */
export function invitationDeadlines(request: InvitationRequest): { kind: InvitationDeadlineKind; dueAt: Date }[] {
  return request.state === 'pending' ? [{ kind: 'expire', dueAt: request.answerBy }] : [];
}

/** The people an invitation is about: the inviter and the invitee. */
export function invitationParties(request: InvitationRequest): string[] {
  return [request.inviter.aadObjectId, request.invitee.aadObjectId];
}

/** Every problem with a list of permission profiles an admin saves: a name, a sentence, a known role, names unique. */
export function permissionProfileProblems(profiles: readonly PermissionProfile[]): string[] {
  const problems: string[] = [];
  if (profiles.length === 0) problems.push('at least one profile');
  const names = new Set<string>();
  for (const profile of profiles) {
    const name = profile.name.trim().toLowerCase();
    if (name === '' || profile.name.length > 40) problems.push(`name "${profile.name}"`);
    if (profile.sentence.trim() === '' || profile.sentence.length > 200) problems.push(`sentence of "${profile.name}"`);
    if (!['attendee', 'presenter', 'coorganizer'].includes(profile.role)) problems.push(`role of "${profile.name}"`);
    if (names.has(name)) problems.push(`"${profile.name}" twice`);
    names.add(name);
  }
  return problems;
}

/** A session or assistance request as an invitation sees it: connected or not, its agents, its summary. */
export function invitationParentOf(parent: SessionRequest | AssistRequest): InvitationParent {
  if (parent.kind === 'assist') {
    return {
      id: parent.id,
      kind: 'assist',
      connected: parent.state === 'connected',
      hostIds: parent.helper ? [parent.helper.aadObjectId] : [],
      summary: parent.problem,
    };
  }
  const hosts = [parent.assignee?.aadObjectId, parent.createdBy.aadObjectId].filter((id): id is string => typeof id === 'string');
  return {
    id: parent.id,
    kind: 'session',
    connected: parent.state === 'connected',
    hostIds: [...new Set(hosts)],
    // The agent's own words about the session; the recipient's e-mail and the link are never part of it.
    summary: parent.comments.trim() === '' ? `Session with ${parent.customerName ?? parent.recipient.name}` : parent.comments.trim(),
  };
}

/** The deadlines whose transition changes nothing but the state (expiry keeps the profile): made set-wise by a sweeper. */
export const INVITATION_DEADLINE_MOVES: Readonly<Partial<Record<InvitationDeadlineKind, StateMove>>> = {
  expire: stateMoveOf('invitation', INVITATION_TRANSITIONS, 'expire'),
};
