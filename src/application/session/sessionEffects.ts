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
    }
    return effects;
  }
  effects.push({ type: 'card.update', requestId: after.id, version: after.version });
  if (action === 'arrive') effects.push({ type: 'thread.mention', requestId: after.id, event: 'customerWaiting' });
  if (action === 'allow') effects.push({ type: 'thread.mention', requestId: after.id, event: 'customerReady' });
  if (
    action === 'assign' &&
    after.assignee !== null &&
    after.assignee.aadObjectId !== before.assignee?.aadObjectId &&
    after.assignee.aadObjectId !== after.createdBy.aadObjectId
  ) {
    effects.push({ type: 'card.post', requestId: after.id, target: { role: 'agent', userId: after.assignee.aadObjectId } });
  }
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
