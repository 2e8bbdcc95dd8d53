import { AuditEvent } from '../../domain/audit';
import { lockboxDeadlines } from '../../domain/lockbox';
import { sessionDeadlines } from '../../domain/session';
import { CardActivity, Deadline, OutboxMessage, StoredRequest } from '../ports';
import { UseCaseDeps } from './useCaseDeps';

/** The deadline rows a request has in its current state, whatever its kind. */
export function deadlinesOf(request: StoredRequest): Deadline[] {
  const due = request.kind === 'session' ? sessionDeadlines(request) : lockboxDeadlines(request);
  return due.map((deadline) => ({ requestId: request.id, ...deadline }));
}

/** The link a reopen replaced: its hash is kept so the old link can say it was replaced, not unknown. */
function replacedLinkHash(before: StoredRequest | null, after: StoredRequest): string | undefined {
  if (before?.kind !== 'session' || after.kind !== 'session' || before.linkHash === after.linkHash) return undefined;
  return before.linkHash;
}

/**
 * Writes a transition, its audit events, its deadlines and its outbox in one transaction (compare-and-set on the
 * version read), then tells live pages and wakes the dispatcher.
 */
export async function commitRequest(
  deps: UseCaseDeps,
  before: StoredRequest | null,
  after: StoredRequest,
  events: AuditEvent[],
  outbox: OutboxMessage[],
  cardActivities?: CardActivity[],
): Promise<void> {
  await deps.requests.commit({
    request: after,
    expectedVersion: before === null ? null : before.version,
    events,
    outbox,
    deadlines: deadlinesOf(after),
    cardActivities,
    replacedLinkHash: replacedLinkHash(before, after),
  });
  for (const event of events) {
    deps.logger.info(
      { requestId: after.id, kind: after.kind, action: event.action, from: event.fromState, to: event.toState, source: event.source },
      'request transition',
    );
  }
  deps.changes.publish(after.id);
  deps.wakeDispatcher();
}
