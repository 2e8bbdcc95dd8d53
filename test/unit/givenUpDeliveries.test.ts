import { deliveryFailureOf } from '../../src/application/delivery/givenUpDeliveries';
import { OutboxMessage, PermanentError, PersonUnreachableError } from '../../src/application/ports';
import { DoormanError } from '../../src/domain/errors';

const mail = { to: [], subject: '', html: '', text: '' } as unknown as Extract<OutboxMessage, { type: 'mail.send' }>['mail'];

/** Every message type, with what its giving up means for the request (written out independently of the code). */
const expected: Record<OutboxMessage['type'], { message: OutboxMessage; target: unknown }> = {
  'card.post': { message: { type: 'card.post', requestId: 'r', target: { role: 'queue', queueId: 'q' } }, target: { kind: 'channel' } },
  'chat.notify': {
    message: { type: 'chat.notify', requestId: 'r', userId: 'u', notice: { kind: 'lockboxDecision' } },
    target: { kind: 'person', aadObjectId: 'u' },
  },
  'thread.mention': { message: { type: 'thread.mention', requestId: 'r', event: 'customerWaiting' }, target: { kind: 'channel' } },
  'mail.send': { message: { type: 'mail.send', requestId: 'r', mail }, target: { kind: 'system' } },
  webhook: { message: { type: 'webhook', requestId: 'r', url: 'https://hooks.example/x', body: '{}' }, target: { kind: 'system' } },
  'card.update': { message: { type: 'card.update', requestId: 'r', version: 2 }, target: null },
  'meeting.create': { message: { type: 'meeting.create', requestId: 'r', generation: 1 }, target: null },
  'meeting.delete': { message: { type: 'meeting.delete', requestId: 'r', generation: 1, meetingId: 'm' }, target: null },
  'meeting.lobby': { message: { type: 'meeting.lobby', requestId: 'r', meetingId: 'm', open: true }, target: null },
  'access.grant': { message: { type: 'access.grant', requestId: 'r' }, target: null },
  'access.revoke': { message: { type: 'access.revoke', requestId: 'r' }, target: null },
  'activity.notify': { message: { type: 'activity.notify', requestId: 'r', userId: 'u', activity: 'approvalNeeded' }, target: { kind: 'person', aadObjectId: 'u' } },
  // Opening a chat concerns a person, not a request: its giving up is recorded as why they cannot be reached.
  'chat.install': { message: { type: 'chat.install', requestId: null, userId: 'u' }, target: null },
  'chat.open': { message: { type: 'chat.open', requestId: null, userId: 'u' }, target: null },
  'device.action': { message: { type: 'device.action', requestId: 'r', actionId: '1' }, target: null },
  'device.status': { message: { type: 'device.status', requestId: 'r', actionId: '1' }, target: null },
  'participant.set': { message: { type: 'participant.set', requestId: 'r', version: 2 }, target: null },
  'participant.remove': { message: { type: 'participant.remove', requestId: 'r' }, target: null },
  'invitations.end': { message: { type: 'invitations.end', requestId: 'r' }, target: null },
};

describe('what a given-up message means for its request', () => {
  it.each(Object.keys(expected) as OutboxMessage['type'][])('%s', (type) => {
    const failure = deliveryFailureOf(expected[type].message, new PermanentError('gone'));
    if (expected[type].target === null) expect(failure).toBeNull();
    else expect(failure).toEqual({ type, target: expected[type].target, code: 'PermanentError', detail: 'gone' });
  });

  it('names a person for a card posted to them, and keeps an error code when there is one', () => {
    const message: OutboxMessage = { type: 'card.post', requestId: 'r', target: { role: 'requester', userId: 'dana' } };
    expect(deliveryFailureOf(message, new DoormanError('GRAPH.FORBIDDEN', 'grant Mail.Send'))).toMatchObject({
      target: { kind: 'person', aadObjectId: 'dana' },
      code: 'GRAPH.FORBIDDEN',
    });
  });

  it('says why a person could not be reached (the problem), not the error class', () => {
    const message: OutboxMessage = { type: 'chat.notify', requestId: 'r', userId: 'carl', notice: { kind: 'lockboxReminder' } };
    expect(deliveryFailureOf(message, new PersonUnreachableError({ code: 'REACH.NO_APP_ID', detail: 'TEAMS_APP_ID is not set' }))).toEqual({
      type: 'chat.notify',
      target: { kind: 'person', aadObjectId: 'carl' },
      code: 'REACH.NO_APP_ID',
      detail: 'TEAMS_APP_ID is not set',
    });
  });

  it('records nothing for a notice that concerns no request', () => {
    expect(deliveryFailureOf({ type: 'chat.notify', requestId: null, userId: 'u', notice: { kind: 'lockboxReminder' } }, new Error('x'))).toBeNull();
  });
});
