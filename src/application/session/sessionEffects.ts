import { AuditEvent } from '../../domain/audit';
import { SessionRequest } from '../../domain/session';
import { OutboxMessage } from '../ports';

/** The cards and messages a session transition causes, besides any the use case adds itself. */
export function sessionEffects(before: SessionRequest | null, after: SessionRequest, events: readonly AuditEvent[]): OutboxMessage[] {
  const action = events[events.length - 1]?.action;
  const effects: OutboxMessage[] = [];
  if (before === null) {
    if (after.queueId) effects.push({ type: 'card.post', requestId: after.id, target: { role: 'queue', queueId: after.queueId } });
    effects.push({ type: 'card.post', requestId: after.id, target: { role: 'agent', userId: after.createdBy.aadObjectId } });
    if (after.assignee && after.assignee.aadObjectId !== after.createdBy.aadObjectId) {
      effects.push({ type: 'card.post', requestId: after.id, target: { role: 'agent', userId: after.assignee.aadObjectId } });
      effects.push({ type: 'activity.notify', requestId: after.id, userId: after.assignee.aadObjectId, activity: 'requestAssigned' });
    }
    return effects;
  }
  effects.push({ type: 'card.update', requestId: after.id, version: after.version });
  if (action === 'arrive' || action === 'allow') {
    const event = action === 'arrive' ? 'customerWaiting' : 'customerReady';
    effects.push({ type: 'thread.mention', requestId: after.id, event });
    const agent = agentToTell(after);
    if (agent) effects.push({ type: 'activity.notify', requestId: after.id, userId: agent, activity: event });
  }
  const newAssignee = action === 'assign' && after.assignee !== null && after.assignee.aadObjectId !== before.assignee?.aadObjectId ? after.assignee.aadObjectId : null;
  if (newAssignee !== null && newAssignee !== after.createdBy.aadObjectId) {
    effects.push({ type: 'card.post', requestId: after.id, target: { role: 'agent', userId: newAssignee } });
  }
  // Someone who takes a request knows it already; only a person handed it by someone else is told.
  if (newAssignee !== null && newAssignee !== events[events.length - 1]?.actorId) {
    effects.push({ type: 'activity.notify', requestId: after.id, userId: newAssignee, activity: 'requestAssigned' });
  }
  // Colleagues invited into the session leave with it (ended by the dispatcher, each on its own version).
  if (before.state === 'connected' && after.state !== 'connected') effects.push({ type: 'invitations.end', requestId: after.id });
  if (after.meeting?.provider === 'teams' && after.meeting.meetingId && ['closed', 'expired'].includes(after.state)) {
    effects.push({
      type: 'meeting.delete',
      requestId: after.id,
      generation: after.generation,
      meetingId: after.meeting.meetingId,
    });
  }
  return effects;
}

/**
 * Who must hear that the customer is waiting or ready: the assignee (a queue thread's @mention is easily missed in a
 * busy channel; the feed is theirs alone); without one, the agent who made a request no queue thread tells anyone of.
 */
function agentToTell(request: SessionRequest): string | null {
  if (request.assignee) return request.assignee.aadObjectId;
  return request.queueId === null ? request.createdBy.aadObjectId : null;
}
