import { AuditEvent } from '../../domain/audit';
import { assistSummary } from '../assist/assistEffects';
import { invitationSummary } from '../invitation/invitationEffects';
import { lockboxSummary } from '../lockbox/lockboxEffects';
import { StoredRequest } from '../ports';

/**
 * The link-free, name-free view of any request that the tab, the REST list and the CSV export show; `erased` says
 * its personal data was erased (its people read as a pseudonym).
 */
export function requestSummary(request: StoredRequest): Record<string, unknown> {
  return { ...kindSummary(request), erased: request.erasedAs !== undefined };
}

function kindSummary(request: StoredRequest): Record<string, unknown> {
  if (request.kind === 'lockbox') {
    return { ...lockboxSummary(request), owner: request.requester.aadObjectId, assignee: null, deadline: request.decideBy.toISOString() };
  }
  if (request.kind === 'assist') {
    const deadline = request.state === 'requested' ? request.answerBy : request.state === 'accepted' ? request.allowBy : null;
    return { ...assistSummary(request), owner: request.requester.aadObjectId, assignee: request.helper?.aadObjectId ?? null, deadline: deadline?.toISOString() ?? null };
  }
  if (request.kind === 'invitation') {
    const deadline = request.state === 'pending' ? request.answerBy.toISOString() : null;
    return { ...invitationSummary(request), owner: request.inviter.aadObjectId, assignee: request.invitee.aadObjectId, deadline };
  }
  return {
    id: request.id,
    kind: 'session',
    state: request.state,
    version: request.version,
    owner: request.createdBy.aadObjectId,
    assignee: request.assignee?.aadObjectId ?? null,
    queueId: request.queueId,
    scheduledFor: request.scheduledFor?.toISOString() ?? null,
    deadline: request.expiresAt.toISOString(),
    closedReason: request.closedReason,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** One audit event as systems read it: ids and codes, no prose. */
export function trailEntry(event: AuditEvent): Record<string, unknown> {
  return {
    action: event.action,
    from: event.fromState,
    to: event.toState,
    actor: event.actorId,
    actorType: event.actorType,
    source: event.source,
    reason: event.reason,
    at: event.at.toISOString(),
  };
}

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = ['id', 'kind', 'state', 'createdAt', 'updatedAt', 'owner', 'assignee', 'deadline'] as const;

/** The CSV export as data: a header row, then one row of raw cell values per request (the presenter escapes). */
export function csvRows(requests: readonly StoredRequest[]): unknown[][] {
  const rows = requests.map(requestSummary);
  return [[...CSV_COLUMNS], ...rows.map((row) => CSV_COLUMNS.map((column) => row[column]))];
}
