import { AuditEvent } from '../../domain/audit';
import { CardActivity, Deadline, OutboxMessage, StoredRequest } from '../ports';
import { commitRulesOf } from './requestKinds';
import { UseCaseDeps } from './useCaseDeps';

/** The deadline rows a request has in its current state, by its kind's rules. */
export function deadlinesOf(request: StoredRequest): Deadline[] {
  return commitRulesOf(request).deadlines(request).map((deadline) => ({ requestId: request.id, ...deadline }));
}

/** The link a reopen replaced: its hash is kept so the old link can say it was replaced, not unknown. */
function replacedLinkHash(before: StoredRequest | null, after: StoredRequest): string | undefined {
  if (before?.kind !== 'session' || after.kind !== 'session' || before.linkHash === after.linkHash) return undefined;
  return before.linkHash;
}

/**
 * The one commit path for every kind: writes a transition, its audit events, its deadlines and its outbox (the
 * kind's effects, then `extra.outbox` from the use case) in one transaction, compare-and-set on the version read;
 * then tells live pages and wakes the dispatcher.
 */
export async function commitRequest<R extends StoredRequest>(
  deps: UseCaseDeps,
  before: R | null,
  after: R,
  events: AuditEvent[],
  extra: { outbox?: OutboxMessage[]; cardActivities?: CardActivity[] } = {},
): Promise<void> {
  await deps.requests.commit({
    request: after,
    expectedVersion: before === null ? null : before.version,
    events,
    outbox: [...commitRulesOf(after).effects(deps, before, after, events), ...(extra.outbox ?? [])],
    deadlines: deadlinesOf(after),
    cardActivities: extra.cardActivities,
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
