import { AuditEvent } from '../../domain/audit';
import { InvitationRequest } from '../../domain/invitation';
import { OutboxMessage } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** A public summary of an invitation: the REST API's body and every webhook's payload (ids, never names or the summary). */
export function invitationSummary(request: InvitationRequest): Record<string, unknown> {
  return {
    id: request.id,
    kind: 'invitation',
    state: request.state,
    version: request.version,
    parentId: request.parentId,
    parentKind: request.parentKind,
    inviter: request.inviter.aadObjectId,
    invitee: request.invitee.aadObjectId,
    profile: { name: request.profile.name, role: request.profile.role },
    answerBy: request.answerBy.toISOString(),
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** Transitions only the cards show (no notice, no webhook). */
const CARD_ONLY_ACTIONS: readonly string[] = ['delivery.failed', 'delivery.reached'];

/** Who each transition tells in their personal chat, besides their card changing in place. */
const TOLD: Readonly<Record<string, (request: InvitationRequest) => string>> = {
  reject: (request) => request.inviter.aadObjectId,
  expire: (request) => request.inviter.aadObjectId,
  remove: (request) => request.invitee.aadObjectId,
  end: (request) => request.invitee.aadObjectId,
};

/**
 * The cards, notices, meeting participant changes and webhooks one invitation transition causes. A new invitation
 * posts the invitee's card (Accept / Reject) and the inviter's (pending, Edit / Cancel).
 */
export function invitationEffects(
  deps: Pick<UseCaseDeps, 'settings'>,
  before: InvitationRequest | null,
  after: InvitationRequest,
  events: readonly AuditEvent[],
): OutboxMessage[] {
  if (before === null) {
    return [
      { type: 'card.post', requestId: after.id, target: { role: 'requester', userId: after.invitee.aadObjectId } },
      { type: 'card.post', requestId: after.id, target: { role: 'agent', userId: after.inviter.aadObjectId } },
      // Two minutes are short: the invitee's feed says so too, where a chat message is easily missed.
      { type: 'activity.notify', requestId: after.id, userId: after.invitee.aadObjectId, activity: 'invitationReceived' },
      // The parent's cards list the colleagues invited (waiting for an answer, or joined with their profile).
      { type: 'card.update', requestId: after.parentId, version: after.version },
      ...webhooks(deps, after, events),
    ];
  }
  const effects: OutboxMessage[] = [{ type: 'card.update', requestId: after.id, version: after.version }];
  const actions = events.map((event) => event.action);
  if (actions.every((action) => CARD_ONLY_ACTIONS.includes(action))) return effects;
  for (const action of actions) {
    const told = TOLD[action]?.(after);
    if (told) effects.push({ type: 'chat.notify', requestId: after.id, userId: told, notice: { kind: 'invitationUpdate', about: action } });
  }
  // The meeting's id keys the dispatcher's lane: each change reads and rewrites the meeting's whole attendee list.
  const meetingId = after.meeting.meetingId;
  if (actions.includes('accept') || actions.includes('changeProfile')) effects.push({ type: 'participant.set', requestId: after.id, version: after.version, meetingId });
  // A colleague in the meeting leaves it with the parent; one still asked was never added.
  if (actions.includes('remove') || (actions.includes('end') && before.state === 'accepted')) effects.push({ type: 'participant.remove', requestId: after.id, meetingId });
  effects.push({ type: 'card.update', requestId: after.parentId, version: after.version });
  return [...effects, ...webhooks(deps, after, events)];
}

function webhooks(deps: Pick<UseCaseDeps, 'settings'>, after: InvitationRequest, events: readonly AuditEvent[]): OutboxMessage[] {
  return events
    .filter((event) => !CARD_ONLY_ACTIONS.includes(event.action))
    .flatMap((event) => {
      const body = JSON.stringify({ type: `invitation.${event.action}`, at: event.at.toISOString(), request: invitationSummary(after) });
      return deps.settings.webhookUrls.map((url) => ({ type: 'webhook' as const, requestId: after.id, url, body }));
    });
}
