import { Actor, Role } from '../../domain/people';
import { StoredRequest } from '../ports';
import { lockboxParties } from '../../domain/lockbox';
import { assistParties } from '../../domain/assist';
import { invitationParties } from '../../domain/invitation';

/**
 * Whose requests a system may read: everyone's (`*` keys, Entra app tokens, whose trust is the admin who granted
 * the app role), or only those of the people it may act for. Reads are scoped like writes.
 */
export type ReadScope = { everyone: true } | { everyone: false; people: readonly string[] };

/** A person signed in to the tab with Teams SSO: object id and tenant, as the verified token says. */
export interface TabViewer {
  oid: string;
  tid: string;
}

/** The scope of a caller that may act for `onBehalfOf` (object ids, or `*` for anyone). */
export function readScopeFor(onBehalfOf: readonly string[]): ReadScope {
  return onBehalfOf.includes('*') ? { everyone: true } : { everyone: false, people: onBehalfOf };
}

/** The people a request belongs to: a session's creator and assignee, a lockbox request's requester, an assist's requester and helper. */
export function requestParties(request: StoredRequest): string[] {
  if (request.kind === 'lockbox') return lockboxParties(request);
  if (request.kind === 'assist') return assistParties(request);
  if (request.kind === 'invitation') return invitationParties(request);
  return [request.createdBy.aadObjectId, ...(request.assignee ? [request.assignee.aadObjectId] : [])];
}

/** True when the scope may read the request. */
export function mayRead(scope: ReadScope, request: StoredRequest): boolean {
  return scope.everyone || requestParties(request).some((person) => scope.people.includes(person));
}

/** The tab's viewer as an actor holding the roles the directory gives them, for the domain's policy to judge. */
export function viewerActor(viewer: TabViewer, roles: readonly Role[]): Actor {
  return { type: 'person', person: { aadObjectId: viewer.oid, name: '' }, roles: [...roles] };
}
