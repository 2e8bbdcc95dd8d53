import { DecisionContext } from '../../../src/domain/audit';
import { Actor } from '../../../src/domain/people';
import { SESSION_SIDE_TRANSITIONS, SESSION_STATES, SessionSideAction, SessionSideCommand, recordSessionSide } from '../../../src/domain/session';
import { aSessionRequest } from '../../support/sessionBuilder';

const dispatcher: Actor = { type: 'system', name: 'dispatcher' };
const agent: Actor = { type: 'person', person: { aadObjectId: 'agent-1', name: 'Alex' }, roles: ['agent'] };
// Past the request's deadline: a side transition records a fact whatever the deadline says.
const context: DecisionContext = { actor: dispatcher, now: new Date('2030-03-09T09:00:00Z'), source: 'timer' };
const problem = { code: 'GRAPH.FORBIDDEN', detail: 'grant OnlineMeetings.ReadWrite.All' };
const meeting = { provider: 'teams' as const, status: 'ready' as const, joinUrl: 'https://teams.example/join', meetingId: 'm-1', problem: null };

/** Each side action, with what it must change (written out independently of the table). */
const expected: Record<SessionSideAction, { command: SessionSideCommand; changed: Record<string, unknown>; reason: string | null }> = {
  'lobby.close': { command: { action: 'lobby.close' }, changed: { lobbyOpenUntil: null }, reason: 'lobby bypass window over' },
  'meeting.ready': { command: { action: 'meeting.ready', meeting }, changed: { meeting }, reason: null },
  'meeting.failed': {
    command: { action: 'meeting.failed', meeting: { ...meeting, provider: 'local', joinUrl: null, meetingId: null, problem } },
    changed: { meeting: { ...meeting, provider: 'local', joinUrl: null, meetingId: null, problem } },
    reason: 'GRAPH.FORBIDDEN: grant OnlineMeetings.ReadWrite.All',
  },
  'mail.failed': { command: { action: 'mail.failed', problem }, changed: { mailProblem: problem }, reason: 'GRAPH.FORBIDDEN: grant OnlineMeetings.ReadWrite.All' },
  'delivery.failed': {
    command: { action: 'delivery.failed', failure: { type: 'card.post', target: { kind: 'channel' }, code: 'RetryableError', detail: '503' } },
    changed: { deliveryFailures: [{ type: 'card.post', target: { kind: 'channel' }, code: 'RetryableError', detail: '503' }] },
    reason: 'card.post given up: RetryableError: 503',
  },
  'delivery.reached': { command: { action: 'delivery.reached', aadObjectId: 'agent-2' }, changed: { deliveryFailures: [] }, reason: 'a later card reached them' },
};

describe('session side transitions', () => {
  it('covers every side action', () => {
    expect(Object.keys(SESSION_SIDE_TRANSITIONS).sort()).toEqual(Object.keys(expected).sort());
  });

  const cases = (Object.keys(expected) as SessionSideAction[]).flatMap((action) => SESSION_STATES.map((state) => [action, state] as const));
  it.each(cases)('%s in %s keeps the state, moves the version and records why', (action, state) => {
    const request = aSessionRequest({ state, lobbyOpenUntil: new Date('2030-03-04T09:01:30Z') });
    const { request: after, event } = recordSessionSide(request, expected[action].command, context);
    expect(after).toMatchObject({ state, version: request.version + 1, updatedAt: context.now, ...expected[action].changed });
    expect(event).toMatchObject({ action, fromState: state, toState: state, version: after.version, reason: expected[action].reason });
  });

  it.each(Object.keys(expected) as SessionSideAction[])('%s by a person is refused with AUTH.NOT_PERMITTED', (action) => {
    expect(() => recordSessionSide(aSessionRequest(), expected[action].command, { ...context, actor: agent })).toThrow(
      expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
    );
  });
});
