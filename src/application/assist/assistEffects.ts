import { AssistRequest } from '../../domain/assist';
import { AuditEvent } from '../../domain/audit';
import { OutboxMessage } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** A public summary of an assistance request: the REST API's body and every webhook's payload (no phone, no names). */
export function assistSummary(request: AssistRequest): Record<string, unknown> {
  return {
    id: request.id,
    kind: 'assist',
    state: request.state,
    version: request.version,
    requester: request.requester.aadObjectId,
    helper: request.helper?.aadObjectId ?? null,
    urgency: request.urgency,
    device: { id: request.device.id, name: request.device.name, source: request.device.source },
    queueId: request.queueId,
    answerBy: request.answerBy.toISOString(),
    allowBy: request.allowBy?.toISOString() ?? null,
    closedReason: request.closedReason,
    deviceActions: request.deviceActions.map((action) => ({
      action: action.action,
      by: action.by.aadObjectId,
      state: action.state,
      requestedAt: action.requestedAt.toISOString(),
      lastUpdatedAt: action.lastUpdatedAt?.toISOString() ?? null,
      problem: action.problem?.code ?? null,
    })),
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** Transitions only the cards show (no notice, no webhook). */
const CARD_ONLY_ACTIONS: readonly string[] = ['delivery.failed', 'delivery.reached', 'device.result'];

/** What each transition tells the requester or the helper in their personal chat. */
const TOLD: Readonly<Record<string, (request: AssistRequest) => string | null>> = {
  accept: (request) => request.requester.aadObjectId,
  decline: (request) => request.requester.aadObjectId,
  expire: (request) => request.requester.aadObjectId,
  refuseControl: (request) => request.helper?.aadObjectId ?? null,
  connect: (request) => request.helper?.aadObjectId ?? null,
};

/**
 * The cards, thread mention, notices, meeting and device work and webhooks one assist transition causes. A new
 * request's queue card and the mention of the on-call agents are posted here; the requester's card is the use case's.
 */
export function assistEffects(deps: Pick<UseCaseDeps, 'settings'>, before: AssistRequest | null, after: AssistRequest, events: readonly AuditEvent[]): OutboxMessage[] {
  const actions = events.map((event) => event.action);
  if (before === null) {
    return [
      { type: 'card.post', requestId: after.id, target: { role: 'queue', queueId: after.queueId } },
      { type: 'thread.mention', requestId: after.id, event: 'assistRequested' },
      ...webhooks(deps, after, events),
    ];
  }
  const effects: OutboxMessage[] = [{ type: 'card.update', requestId: after.id, version: after.version }];
  if (actions.every((action) => CARD_ONLY_ACTIONS.includes(action))) return effects;
  for (const event of events) {
    const told = TOLD[event.action]?.(after);
    if (told) effects.push({ type: 'chat.notify', requestId: after.id, userId: told, notice: { kind: 'assistUpdate', about: event.action } });
    if (event.action === 'close' && after.helper) {
      // The other side is told: the user when the helper closed, the helper when the user did.
      const other = after.closedReason === 'closedByHelper' ? after.requester.aadObjectId : after.helper.aadObjectId;
      effects.push({ type: 'chat.notify', requestId: after.id, userId: other, notice: { kind: 'assistUpdate', about: 'close' } });
    }
  }
  if (actions.includes('accept') && after.helper) {
    effects.push({ type: 'card.post', requestId: after.id, target: { role: 'agent', userId: after.helper.aadObjectId } });
    effects.push({ type: 'activity.notify', requestId: after.id, userId: after.requester.aadObjectId, activity: 'helperWantsToConnect' });
  }
  if (actions.includes('allowControl')) effects.push({ type: 'meeting.create', requestId: after.id, generation: 1 });
  // Colleagues invited into the assistance leave with it (ended by the dispatcher, each on its own version).
  if (before.state === 'connected' && after.state !== 'connected') effects.push({ type: 'invitations.end', requestId: after.id });
  if (after.meeting?.provider === 'teams' && after.meeting.meetingId && before.state !== after.state && ['closed', 'expired'].includes(after.state)) {
    effects.push({ type: 'meeting.delete', requestId: after.id, generation: 1, meetingId: after.meeting.meetingId });
  }
  const started = after.deviceActions.filter((action) => !before.deviceActions.some((old) => old.id === action.id));
  for (const action of started) effects.push({ type: 'device.action', requestId: after.id, actionId: action.id });
  if (actions.includes('device.started')) {
    for (const action of after.deviceActions) {
      const was = before.deviceActions.find((old) => old.id === action.id);
      if (was?.state === 'requested' && action.state === 'pending') effects.push({ type: 'device.status', requestId: after.id, actionId: action.id });
    }
  }
  return [...effects, ...webhooks(deps, after, events)];
}

function webhooks(deps: Pick<UseCaseDeps, 'settings'>, after: AssistRequest, events: readonly AuditEvent[]): OutboxMessage[] {
  return events
    .filter((event) => !CARD_ONLY_ACTIONS.includes(event.action) && event.action !== 'device.started')
    .flatMap((event) => {
      const body = JSON.stringify({ type: `assist.${event.action}`, at: event.at.toISOString(), request: assistSummary(after) });
      return deps.settings.webhookUrls.map((url) => ({ type: 'webhook' as const, requestId: after.id, url, body }));
    });
}
