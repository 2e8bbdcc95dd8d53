import { sessionEffects } from '../../src/application/session/sessionEffects';
import { OutboxMessage } from '../../src/application/ports';
import { SessionRequest } from '../../src/domain/session';
import { anAuditEvent } from '../support/auditEvents';
import { aSessionRequest } from '../support/sessionBuilder';

// Which session transitions put a notification in whose Teams activity feed (written out independently of the code).

const ANNA = { aadObjectId: 'agent-anna', name: 'Anna Agent' };
const BEN = { aadObjectId: 'agent-ben', name: 'Ben Agent' };

function feedOf(before: SessionRequest | null, after: SessionRequest, action: string, actorId = ANNA.aadObjectId): { userId: string; activity: string }[] {
  const events = [anAuditEvent(after, action, before?.state ?? null, { actorId })];
  return sessionEffects(before, after, events)
    .filter((message): message is Extract<OutboxMessage, { type: 'activity.notify' }> => message.type === 'activity.notify')
    .map(({ userId, activity }) => ({ userId, activity }));
}

const cases: [string, SessionRequest | null, SessionRequest, string, string, { userId: string; activity: string }[]][] = [
  ['arrive, assigned: the assignee', aSessionRequest({ state: 'open', assignee: BEN, queueId: 'q' }), aSessionRequest({ state: 'waiting', assignee: BEN, queueId: 'q' }), 'arrive', 'customer', [{ userId: BEN.aadObjectId, activity: 'customerWaiting' }]],
  ['allow, assigned: the assignee', aSessionRequest({ state: 'waiting', assignee: BEN, queueId: 'q' }), aSessionRequest({ state: 'ready', assignee: BEN, queueId: 'q' }), 'allow', 'customer', [{ userId: BEN.aadObjectId, activity: 'customerReady' }]],
  ['allow, unassigned in a queue: nobody (the thread mention tells the team)', aSessionRequest({ state: 'waiting', queueId: 'q' }), aSessionRequest({ state: 'ready', queueId: 'q' }), 'allow', 'customer', []],
  ['allow, unassigned and no queue: the creator', aSessionRequest({ state: 'waiting' }), aSessionRequest({ state: 'ready' }), 'allow', 'customer', [{ userId: ANNA.aadObjectId, activity: 'customerReady' }]],
  ['created for another agent: that agent', null, aSessionRequest({ assignee: BEN }), 'create', ANNA.aadObjectId, [{ userId: BEN.aadObjectId, activity: 'requestAssigned' }]],
  ['created for oneself: nobody', null, aSessionRequest({ assignee: ANNA }), 'create', ANNA.aadObjectId, []],
  ['assigned by Anna to Ben: Ben', aSessionRequest({ assignee: ANNA }), aSessionRequest({ assignee: BEN }), 'assign', ANNA.aadObjectId, [{ userId: BEN.aadObjectId, activity: 'requestAssigned' }]],
  ['taken by Ben himself: nobody', aSessionRequest({ assignee: ANNA }), aSessionRequest({ assignee: BEN }), 'assign', BEN.aadObjectId, []],
  ['handed back to the creator by Ben: the creator', aSessionRequest({ assignee: BEN }), aSessionRequest({ assignee: ANNA }), 'assign', BEN.aadObjectId, [{ userId: ANNA.aadObjectId, activity: 'requestAssigned' }]],
  ['admit: nobody', aSessionRequest({ state: 'ready', assignee: BEN }), aSessionRequest({ state: 'connected', assignee: BEN }), 'admit', BEN.aadObjectId, []],
];

it.each(cases)('%s', (_name, before, after, action, actorId, expected) => {
  expect(feedOf(before, after, action, actorId)).toEqual(expected);
});
