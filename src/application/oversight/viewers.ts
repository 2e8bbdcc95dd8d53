import { Actor, Role } from '../../domain/people';
import { StoredRequest } from '../ports';
import { RequestVisibility, maySee, systemVisibility } from '../../domain/oversight';

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

/** True when the scope may read the request: the domain's visibility rule, as for lists. */
export function mayRead(scope: ReadScope, request: StoredRequest): boolean {
  return maySee(scopeVisibility(scope), request);
}

/** A system's read scope as the visibility the store and the domain apply. */
export function scopeVisibility(scope: ReadScope): RequestVisibility {
  return systemVisibility(scope.everyone ? ['*'] : scope.people);
}

/** The tab's viewer as an actor holding the roles the directory gives them, for the domain's policy to judge. */
export function viewerActor(viewer: TabViewer, roles: readonly Role[]): Actor {
  return { type: 'person', person: { aadObjectId: viewer.oid, name: '' }, roles: [...roles] };
}
