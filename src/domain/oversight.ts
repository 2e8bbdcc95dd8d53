import { ASSIST_TRANSITIONS, AssistRequest, assistParties } from './assist';
import { InvitationRequest, invitationParties } from './invitation';
import { LOCKBOX_TRANSITIONS, LockboxRequest, lockboxParties } from './lockbox';
import { Actor, hasRole } from './people';
import { lockboxViewerOf, mayWorkSessions } from './policy';
import { SESSION_TRANSITIONS, SessionRequest } from './session';

/** Who may see what of the requests, and which actions the Requests tab offers: the tab, chat and REST API ask here. */

/** A request of any kind, as oversight looks at it. */
export type OverseenRequest = SessionRequest | LockboxRequest | AssistRequest | InvitationRequest;

/** The request kinds. */
export const REQUEST_KINDS = ['session', 'lockbox', 'assist', 'invitation'] as const;

/** One of the request kinds. */
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * What a viewer may see: the requests of these people (as creator, requester, assignee, helper, inviter or invitee),
 * of these queues, and every request of these kinds. Nothing else.
 */
export interface RequestVisibility {
  people: string[];
  queueIds: string[];
  kinds: RequestKind[];
}

/**
 * A person's visibility: everyone sees their own requests; agents also those of the queues they work (sessions and
 * assistance queues of their tenant); approvers and admins every lockbox request. A system sees what its key may act for.
 */
export function visibilityOf(actor: Actor, workQueueIds: readonly string[]): RequestVisibility {
  if (actor.type !== 'person') return { people: [], queueIds: [], kinds: [] };
  return {
    people: [actor.person.aadObjectId],
    queueIds: mayWorkSessions(actor) ? [...workQueueIds] : [],
    kinds: hasRole(actor, 'approver') || hasRole(actor, 'admin') ? ['lockbox'] : [],
  };
}

/** A system's visibility: everyone's requests (`*`), or only those of the people it acts for. */
export function systemVisibility(onBehalfOf: readonly string[]): RequestVisibility {
  if (onBehalfOf.includes('*')) return { people: [], queueIds: [], kinds: [...REQUEST_KINDS] };
  return { people: [...onBehalfOf], queueIds: [], kinds: [] };
}

/** The people a request belongs to (those who see it as their own). */
export function partiesOf(request: OverseenRequest): string[] {
  if (request.kind === 'lockbox') return lockboxParties(request);
  if (request.kind === 'assist') return assistParties(request);
  if (request.kind === 'invitation') return invitationParties(request);
  return [request.createdBy.aadObjectId, ...(request.assignee ? [request.assignee.aadObjectId] : [])];
}

/** True when the visibility includes the request: the rule the store applies to lists, applied to one request. */
export function maySee(visibility: RequestVisibility, request: OverseenRequest): boolean {
  if (visibility.kinds.includes(request.kind)) return true;
  if (partiesOf(request).some((person) => visibility.people.includes(person))) return true;
  // An invitation's place is its parent request, not a queue.
  return request.kind !== 'invitation' && request.queueId !== null && visibility.queueIds.includes(request.queueId);
}

/** The actions the Requests tab offers; each runs the same use case as the card button of that name. */
export type TabAction = 'approve' | 'deny' | 'close' | 'cancel';

/**
 * What the viewer may do to the request from the tab: Approve/Deny a pending lockbox request (approvers, never the
 * requester; whoever passed the lead review only denies), Close a session (agents), Cancel their own request while
 * the kind's table allows it. The use case decides again when the button is pressed.
 */
export function tabActionsFor(request: OverseenRequest, actor: Actor): TabAction[] {
  if (actor.type !== 'person') return [];
  const me = actor.person.aadObjectId;
  switch (request.kind) {
    case 'lockbox': {
      const viewer = lockboxViewerOf(request, actor);
      if (viewer === 'approver' && request.state in LOCKBOX_TRANSITIONS.approve.from) return ['approve', 'deny'];
      if (viewer === 'pastReviewer' && request.state in LOCKBOX_TRANSITIONS.deny.from) return ['deny'];
      if (viewer === 'requester' && request.state in LOCKBOX_TRANSITIONS.cancel.from) return ['cancel'];
      return [];
    }
    case 'session':
      return mayWorkSessions(actor) && request.state in SESSION_TRANSITIONS.close.from ? ['close'] : [];
    case 'assist':
      return request.requester.aadObjectId === me && request.state in ASSIST_TRANSITIONS.cancel.from ? ['cancel'] : [];
    case 'invitation':
      // Invitations are answered and withdrawn on their cards (h/inv's flow); the tab shows them read-only.
      return [];
    default:
      return unreachable(request);
  }
}

function unreachable(request: never): never {
  throw new Error(`unknown request kind: ${String((request as { kind?: unknown }).kind)}`);
}
