import { AssistRequest } from '../../domain/assist';
import { DecisionContext } from '../../domain/audit';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import {
  DEFAULT_PERMISSION_PROFILES,
  InvitationCommand,
  InvitationDeadlineKind,
  InvitationMeeting,
  InvitationParent,
  InvitationRequest,
  PermissionProfile,
  createInvitation,
  decideInvitation,
  invitationParentOf,
  isInvitationOverdue,
} from '../../domain/invitation';
import { Actor, Person } from '../../domain/people';
import { SessionRequest } from '../../domain/session';
import { LockboxSettings, RetryableError } from '../ports';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** The result of a click: the invitation now, and why nothing happened if it was refused. */
export interface InvitationActionResult {
  request: InvitationRequest;
  refused: ErrorCode | null;
}

/** The pointer a card action carries. */
export interface InvitationPointer {
  requestId: string;
  version: number;
}

/** What the inviter picked on the parent's card. */
export interface InvitationAsk {
  /** The colleague's Entra object id (the ChoiceSet's value). */
  invitee: string;
  /** The permission profile's name. */
  permissionProfile: string;
}

const SWEEPER: Actor = { type: 'system', name: 'sweeper' };
const ENDED_WITH_PARENT: Actor = { type: 'system', name: 'dispatcher' };

/** The permission profiles an inviter picks from: the admin's, else the defaults. */
export function permissionProfilesOf(settings: Pick<LockboxSettings, 'permissionProfiles'>): PermissionProfile[] {
  return settings.permissionProfiles && settings.permissionProfiles.length > 0 ? settings.permissionProfiles : DEFAULT_PERMISSION_PROFILES.map((profile) => ({ ...profile }));
}

/** Loads an invitation or fails with REQUEST.NOT_FOUND. */
export async function loadInvitation(deps: UseCaseDeps, requestId: string): Promise<InvitationRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.kind !== 'invitation') throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/** The session or assistance request an invitation belongs to. */
export async function loadInvitationParent(deps: UseCaseDeps, parentId: string): Promise<SessionRequest | AssistRequest> {
  const parent = await deps.requests.getRequest(parentId);
  if (!parent || (parent.kind !== 'session' && parent.kind !== 'assist')) throw new DoormanError('REQUEST.NOT_FOUND');
  return parent;
}

/** Every invitation into `parentId` (stored under the parent's id in the `queue_id` column). */
export async function invitationsOf(deps: Pick<UseCaseDeps, 'requests'>, parentId: string): Promise<InvitationRequest[]> {
  const found = await deps.requests.listRequests({ kind: 'invitation', queueId: parentId });
  return found.filter((request): request is InvitationRequest => request.kind === 'invitation');
}

/** The colleagues in a parent's meeting now, with their profile (the parent's cards list them). */
export async function joinedColleagues(deps: Pick<UseCaseDeps, 'requests'>, parentId: string): Promise<{ person: Person; profile: string }[]> {
  return (await invitationsOf(deps, parentId))
    .filter((invitation) => invitation.state === 'accepted')
    .map((invitation) => ({ person: invitation.invitee, profile: invitation.profile.name }));
}

/** Where an invited colleague joins: the parent's Teams meeting, else its local room. */
function meetingOf(deps: UseCaseDeps, parent: SessionRequest | AssistRequest): InvitationMeeting {
  if (parent.meeting?.provider === 'teams' && parent.meeting.meetingId) {
    return { provider: 'teams', meetingId: parent.meeting.meetingId, joinUrl: parent.meeting.joinUrl };
  }
  // The session's local room is the customer's link page (never shown); the assistance room is open by request id.
  const joinUrl = parent.kind === 'assist' ? `${deps.settings.publicBaseUrl}/assist/${encodeURIComponent(parent.id)}/room` : null;
  return { provider: 'local', meetingId: parent.id, joinUrl };
}

/**
 * The inviter (the parent's agent) invites a colleague with a permission profile. Refused with a reason next to the
 * field: an unknown profile, a person the directory does not know or who has left, yourself, someone already in.
 */
export async function inviteColleague(deps: UseCaseDeps, actor: Actor, parentId: string, ask: InvitationAsk): Promise<InvitationRequest> {
  const parent = await loadInvitationParent(deps, parentId);
  const profiles = permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings());
  const profile = profiles.find((candidate) => candidate.name === ask.permissionProfile);
  if (!profile) throw new DoormanError('INPUT.INVALID', 'unknown permission profile', [{ field: 'permissionProfile', problem: 'unknown' }]);
  const known = await deps.directory.profileOf(ask.invitee);
  if (!known || known.state === 'left') throw new DoormanError('INPUT.INVALID', 'invitee: unreachable', [{ field: 'invitee', problem: 'unreachable' }]);
  const invitee: Person = { aadObjectId: ask.invitee, name: known.displayName };
  const context: DecisionContext = { actor, now: deps.clock.now(), source: 'card' };
  const { request, event } = createInvitation(
    { id: deps.secrets.newRequestId(), invitee, profile, meeting: meetingOf(deps, parent) },
    invitationParentOf(parent),
    await invitationsOf(deps, parent.id),
    context,
  );
  await commitRequest(deps, null, request, [event]);
  return request;
}

/**
 * The story of every click on an invitation card: load, refuse a stale card, expire an overdue invitation, let the
 * domain decide who acts and what the table allows, commit compare-and-set on the version. Accept, reject, cancel and
 * the two-minute expiry racing each other: one commit wins, the others get the current card.
 */
export async function actOnInvitation(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: InvitationPointer,
  command: InvitationCommand,
): Promise<InvitationActionResult> {
  const request = await loadInvitation(deps, pointer.requestId);
  if (request.version !== pointer.version) return { request, refused: 'REQUEST.STALE_VERSION' };
  const now = deps.clock.now();
  if (isInvitationOverdue(request, now)) return { request: await expireInvitation(deps, request), refused: 'REQUEST.EXPIRED' };
  try {
    const parent = invitationParentOf(await loadInvitationParent(deps, request.parentId));
    const decided = decideInvitation(request, parent, command, { actor, now, source: 'card' });
    await commitRequest(deps, request, decided.request, [decided.event]);
    return { request: decided.request, refused: null };
  } catch (error) {
    if (isDoormanError(error) && error.code !== 'INPUT.INVALID') return { request: await loadInvitation(deps, pointer.requestId), refused: error.code };
    throw error;
  }
}

/** The verbs people use on an invitation card. */
export type InvitationVerb = 'accept' | 'reject' | 'cancel' | 'edit' | 'changeProfile' | 'remove';

/** Runs a person's click; `edit` and `changeProfile` name the new profile. */
export async function decideOnInvitation(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: InvitationPointer,
  verb: InvitationVerb,
  profileName: string | null = null,
): Promise<InvitationActionResult> {
  if (verb === 'edit' || verb === 'changeProfile') {
    const profile = permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings()).find((candidate) => candidate.name === profileName);
    if (!profile) throw new DoormanError('INPUT.INVALID', 'unknown permission profile', [{ field: 'permissionProfile', problem: 'unknown' }]);
    return actOnInvitation(deps, actor, pointer, { action: verb, profile });
  }
  return actOnInvitation(deps, actor, pointer, { action: verb });
}

/** Two minutes without an answer: the invitation expires (sweeper, or on the next click). */
export async function expireInvitation(deps: UseCaseDeps, request: InvitationRequest): Promise<InvitationRequest> {
  try {
    const parent: InvitationParent = invitationParentOf(await loadInvitationParent(deps, request.parentId));
    const { request: after, event } = decideInvitation(request, parent, { action: 'expire' }, { actor: SWEEPER, now: deps.clock.now(), source: 'timer' });
    await commitRequest(deps, request, after, [event]);
    return after;
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION') || isDoormanError(error, 'REQUEST.ILLEGAL_TRANSITION')) return loadInvitation(deps, request.id);
    throw error;
  }
}

/**
 * The dispatcher's part of `participant.set` / `participant.remove`: the meeting lists the colleague with their
 * profile's role while the invitation is accepted, and not once it is removed. Reads the invitation now, so a late
 * message never undoes a later change.
 */
export async function syncParticipant(deps: UseCaseDeps, invitationId: string): Promise<void> {
  const request = await loadInvitation(deps, invitationId);
  const parent = await loadInvitationParent(deps, request.parentId);
  const organizer = parent.kind === 'assist' ? parent.helper ?? parent.requester : parent.assignee ?? parent.createdBy;
  if (request.state === 'accepted') {
    await deps.participants.setParticipant(request.meeting.meetingId, organizer, { person: request.invitee, role: request.profile.role });
  } else if (request.state === 'removed' || request.state === 'ended') {
    await deps.participants.removeParticipant(request.meeting.meetingId, organizer, request.invitee);
  }
}

/**
 * The dispatcher's part of `invitations.end`, written in the same transaction as the parent's close: every invitation
 * still pending or joined ends with the parent (an overdue one expires instead). Each is its own compare-and-set
 * commit; one that moved meanwhile is read again, so a retry finishes the rest and repeats nothing.
 */
export async function endInvitationsWithParent(deps: UseCaseDeps, parentId: string): Promise<void> {
  const parent = await deps.requests.getRequest(parentId);
  if (!parent || (parent.kind !== 'session' && parent.kind !== 'assist')) return;
  const asParent = invitationParentOf(parent);
  // Connected again by the time this is delivered (reopened and admitted): its colleagues stay.
  if (asParent.connected) return;
  for (let read = 1; ; read += 1) {
    const open = (await invitationsOf(deps, parentId)).filter((invitation) => invitation.state === 'pending' || invitation.state === 'accepted');
    if (open.length === 0) return;
    if (read > 3) break;
    for (const invitation of open) {
      try {
        if (isInvitationOverdue(invitation, deps.clock.now())) {
          await expireInvitation(deps, invitation);
          continue;
        }
        const { request: after, event } = decideInvitation(invitation, asParent, { action: 'end' }, { actor: ENDED_WITH_PARENT, now: deps.clock.now(), source: 'timer' });
        await commitRequest(deps, invitation, after, [event]);
      } catch (error) {
        if (!isDoormanError(error, 'REQUEST.STALE_VERSION')) throw error;
      }
    }
  }
  // Still moving after three reads: the dispatcher tries again later (no attempt is lost on a busy invitation).
  throw new RetryableError('invitations kept changing while they were ended', 0);
}

/** What each invitation deadline runs when it falls due (the sweeper's table). */
export const INVITATION_DEADLINE_HANDLERS: Record<InvitationDeadlineKind, (deps: UseCaseDeps, request: InvitationRequest) => Promise<unknown>> = {
  expire: expireInvitation,
};
