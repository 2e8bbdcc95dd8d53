import { DoormanError } from '../../domain/errors';
import { AuditEvent } from '../../domain/audit';
import { lockboxParties } from '../../domain/lockbox';
import { RequestFilter, StoredRequest } from '../ports';
import { UseCaseDeps } from './useCaseDeps';

/**
 * Whose requests a system may read: everyone's (`*` keys, Entra app tokens, whose trust is the admin who granted
 * the app role), or only those of the people it may act for. Reads are scoped like writes.
 */
export type ReadScope = { everyone: true } | { everyone: false; people: readonly string[] };

/** The scope of a caller that may act for `onBehalfOf` (object ids, or `*` for anyone). */
export function readScopeFor(onBehalfOf: readonly string[]): ReadScope {
  return onBehalfOf.includes('*') ? { everyone: true } : { everyone: false, people: onBehalfOf };
}

/** The people a request belongs to: a session's creator and assignee, a lockbox request's requester. */
export function requestParties(request: StoredRequest): string[] {
  if (request.kind === 'lockbox') return lockboxParties(request);
  return [request.createdBy.aadObjectId, ...(request.assignee ? [request.assignee.aadObjectId] : [])];
}

/** True when the scope may read the request. */
export function mayRead(scope: ReadScope, request: StoredRequest): boolean {
  return scope.everyone || requestParties(request).some((person) => scope.people.includes(person));
}

/** The requests matching `filter` that the scope may read (the store filters, so the limit counts only those). */
export function listReadableRequests(deps: UseCaseDeps, scope: ReadScope, filter: RequestFilter): Promise<StoredRequest[]> {
  return deps.requests.listRequests(scope.everyone ? filter : { ...filter, involvingAnyOf: scope.people });
}

/** One request and its audit trail; another's request is REQUEST.NOT_FOUND, so its existence does not leak. */
export async function readRequest(deps: UseCaseDeps, scope: ReadScope, requestId: string): Promise<{ request: StoredRequest; events: AuditEvent[] }> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || !mayRead(scope, request)) throw new DoormanError('REQUEST.NOT_FOUND');
  return { request, events: await deps.requests.eventsOf(request.id) };
}
