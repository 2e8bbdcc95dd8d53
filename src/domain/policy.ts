import { LockboxRequest, lockboxParties, passedReview, remindedRole } from './lockbox';
import { Actor, Role, hasRole } from './people';

/** Who may run which chat command and card verb. Use cases ask here; adapters never check roles. */

/** `new session` and every session card button: agents. */
export function mayWorkSessions(actor: Actor): boolean {
  return hasRole(actor, 'agent');
}

/** Accepting requests for help and seeing the unanswered ones (the tab): agents. Asking needs no role. */
export function mayHelp(actor: Actor): boolean {
  return hasRole(actor, 'agent');
}

/** `lockbox` (the form) and asking through it: engineers; systems ask through the REST API with a key or token. */
export function mayAskLockbox(actor: Actor): boolean {
  return actor.type === 'service' || hasRole(actor, 'engineer');
}

/** `settings`, `doctor`, `register …`: admins. */
export function mayAdminister(actor: Actor): boolean {
  return hasRole(actor, 'admin');
}

/** The roles a person holds (none for anyone else), as `help` and `whoami` show them. */
export function rolesOf(actor: Actor): Role[] {
  return actor.type === 'person' ? [...actor.roles] : [];
}

/** Whether `requests` shows a lockbox list: to engineers always, to others when they have lockbox requests. */
export function seesLockboxList(actor: Actor, hasLockboxes: boolean): boolean {
  return hasLockboxes || hasRole(actor, 'engineer');
}

/** Whether `requests` shows a session list: to everyone but engineers without sessions. */
export function seesSessionList(actor: Actor, hasSessions: boolean): boolean {
  return hasSessions || !hasRole(actor, 'engineer');
}

/**
 * Who looks at a lockbox card: the buttons depend on it; the server decides, never the card. `approver` (approver
 * role, not the requester), `pastReviewer` (an approver who passed the lead review: deny and revoke, never approve),
 * `reviewer` (support lead while in review), `requester`, or `readOnly` (everyone else, and the base card posted to
 * the queue channel).
 */
export type LockboxViewer = 'approver' | 'pastReviewer' | 'requester' | 'reviewer' | 'readOnly';

/** The lockbox view a person gets: the requester their own, an approver (never the requester) the decision buttons. */
export function lockboxViewerOf(request: LockboxRequest, actor: Actor | null): LockboxViewer {
  if (!actor || actor.type !== 'person') return 'readOnly';
  if (lockboxParties(request).includes(actor.person.aadObjectId)) return 'requester';
  if (request.state === 'review' && hasRole(actor, 'admin')) return 'reviewer';
  const isBackup = (request.escalatedTo ?? []).includes(actor.person.aadObjectId);
  if (request.state !== 'review' && (hasRole(actor, 'approver') || isBackup)) {
    return passedReview(request, actor.person.aadObjectId) ? 'pastReviewer' : 'approver';
  }
  return 'readOnly';
}

/** The role whose holders decide a lockbox request now (and get its card refreshed with their buttons). */
export function decidingRole(request: LockboxRequest): Role {
  return remindedRole(request);
}

/**
 * The audit export and erasing a person's personal data: admins in Teams; through the REST API, a system that acts
 * for anyone (a `*` key, an Entra app whose role an admin granted), never a key limited to some people.
 */
export function mayOverseeAll(actor: Actor, actsForAnyone = false): boolean {
  if (actor.type === 'person') return hasRole(actor, 'admin');
  return actor.type === 'service' && actsForAnyone;
}
