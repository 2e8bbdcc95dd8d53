import { AuditEvent } from '../../domain/audit';
import { LockboxRequest, scopeOf } from '../../domain/lockbox';
import { OutboxMessage } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** A public, link-free summary of a lockbox request: the REST API's body and every webhook's payload. */
export function lockboxSummary(request: LockboxRequest): Record<string, unknown> {
  const lastDecision = request.decisions[request.decisions.length - 1] ?? null;
  return {
    id: request.id,
    kind: 'lockbox',
    state: request.state,
    version: request.version,
    requester: request.requester.aadObjectId,
    requestedVia: request.requestedVia,
    scope: scopeOf(request),
    resource: request.resource,
    ticket: request.ticket,
    durationMinutes: request.durationMinutes,
    decideBy: request.decideBy.toISOString(),
    decision: lastDecision
      ? { action: lastDecision.action, by: lastDecision.byId, at: lastDecision.at.toISOString(), comment: lastDecision.comment }
      : null,
    access: {
      status: request.access.status,
      grantedAt: request.access.grantedAt?.toISOString() ?? null,
      endsAt: request.access.endsAt?.toISOString() ?? null,
      removedAt: request.access.removedAt?.toISOString() ?? null,
      membership: request.access.membership ?? null,
      kept: request.access.kept ?? null,
      problem: request.access.problem ?? null,
      reconciled: request.access.reconciled ?? null,
    },
    ending: request.ending ? { reason: request.ending.reason, by: request.ending.byId, at: request.ending.at.toISOString() } : null,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** Transitions nobody sees on a card or a webhook: the approvers' reminder only sends its chat notices. */
const QUIET_ACTIONS: readonly string[] = ['remind'];

/** Transitions only the cards show. */
const CARD_ONLY_ACTIONS: readonly string[] = ['delivery.failed', 'delivery.reached'];

/**
 * The cards, chat notices, access work and webhooks one lockbox transition causes. A new request's queue card is
 * posted here; the requester's card and the approvers' mail are the use case's (they depend on where it was asked).
 */
export function lockboxEffects(
  deps: Pick<UseCaseDeps, 'settings'>,
  before: LockboxRequest | null,
  after: LockboxRequest,
  events: readonly AuditEvent[],
): OutboxMessage[] {
  const actions = events.map((event) => event.action);
  if (actions.every((action) => QUIET_ACTIONS.includes(action))) return [];
  // A message given up shows on the cards only: a webhook about it would be one more message that may fail.
  if (actions.every((action) => CARD_ONLY_ACTIONS.includes(action))) return [{ type: 'card.update', requestId: after.id, version: after.version }];
  const effects: OutboxMessage[] =
    before !== null
      ? [{ type: 'card.update', requestId: after.id, version: after.version }]
      : after.queueId
        ? [{ type: 'card.post', requestId: after.id, target: { role: 'queue', queueId: after.queueId } }]
        : [];
  const requester = after.requester.aadObjectId;
  // "Approved" is said once the grant is confirmed, with the real window; a refusal is said at once.
  if (actions.some((action) => ['confirmGrant', 'deny', 'expire'].includes(action))) {
    effects.push({ type: 'chat.notify', requestId: after.id, userId: requester, notice: { kind: 'lockboxDecision' } });
  }
  if (actions.includes('failGrant')) {
    const approvers = after.decisions.filter((decision) => decision.action === 'approve').map((decision) => decision.byId);
    for (const userId of new Set([requester, ...approvers])) {
      effects.push({ type: 'chat.notify', requestId: after.id, userId, notice: { kind: 'lockboxGrantFailed' } });
    }
  }
  if (actions.includes('approve') || actions.includes('autoApprove')) effects.push({ type: 'access.grant', requestId: after.id });
  // A grant given up may have added the membership after all: the same step checks and removes what Doorman added.
  if (actions.some((action) => ['resolve', 'revoke', 'elapse', 'failGrant'].includes(action))) {
    effects.push({ type: 'access.revoke', requestId: after.id });
  }
  if (actions.includes('end')) {
    effects.push({ type: 'chat.notify', requestId: after.id, userId: requester, notice: { kind: 'lockboxEnded' } });
  }
  for (const event of events) {
    const body = JSON.stringify({ type: `lockbox.${event.action}`, at: event.at.toISOString(), request: lockboxSummary(after) });
    for (const url of deps.settings.webhookUrls) effects.push({ type: 'webhook', requestId: after.id, url, body });
  }
  return effects;
}
