import {
  ASSIST_STATES,
  ASSIST_TRANSITIONS,
  AssistAction,
  AssistCommand,
  AssistRequest,
  AssistState,
  assistDeadlines,
  assistLimitProblems,
  createAssist,
  decideAssist,
} from '../../../src/domain/assist';
import { Actor } from '../../../src/domain/people';

const start = new Date('2030-03-04T09:00:00.000Z');
const inTime = new Date('2030-03-04T09:05:00.000Z');

const eve = { aadObjectId: 'eve', name: 'Eve User' };
const bea = { aadObjectId: 'bea', name: 'Bea Agent' };
const requester: Actor = { type: 'person', person: eve, roles: [] };
const helper: Actor = { type: 'person', person: bea, roles: ['agent'] };
const otherAgent: Actor = { type: 'person', person: { aadObjectId: 'alex', name: 'Alex Agent' }, roles: ['agent', 'admin'] };
const stranger: Actor = { type: 'person', person: { aadObjectId: 'carl', name: 'Carl' }, roles: ['approver'] };
const system: Actor = { type: 'system', name: 'sweeper' };

function anAssist(overrides: Partial<AssistRequest> = {}): AssistRequest {
  const { request } = createAssist(
    {
      id: 'as-1',
      problem: 'Outlook will not start',
      urgency: 'high',
      phone: null,
      device: { id: 'dev-1', name: 'LAPTOP-1', source: 'intune' },
      queueId: 'q-assist',
      unansweredHours: 4,
      allowMinutes: 15,
    },
    { actor: requester, now: start, source: 'chat' },
  );
  return { ...request, ...overrides };
}

/** A request in `state` with what that state implies (a helper from `accepted` on; a deadline still ahead). */
function inState(state: AssistState): AssistRequest {
  const accepted = { helper: bea, allowBy: new Date(start.getTime() + 15 * 60_000) };
  return state === 'requested' ? anAssist() : anAssist({ state, ...accepted });
}

const commandFor: Record<AssistAction, AssistCommand> = {
  accept: { action: 'accept' },
  decline: { action: 'decline' },
  allowControl: { action: 'allowControl' },
  refuseControl: { action: 'refuseControl', comment: 'not now' },
  connect: { action: 'connect', meeting: { provider: 'local', joinUrl: 'https://d.example/assist/as-1/room', meetingId: null, problem: null } },
  cancel: { action: 'cancel' },
  close: { action: 'close', comment: null },
  expire: { action: 'expire' },
  restartDevice: { action: 'restartDevice', actionId: '1' },
  syncDevice: { action: 'syncDevice', actionId: '1' },
};

/** Who performs each action in the legal-pair test (the helper for actions of the agent who accepted). */
const performer: Record<AssistAction, Actor> = {
  accept: otherAgent,
  decline: otherAgent,
  allowControl: requester,
  refuseControl: requester,
  connect: { type: 'system', name: 'dispatcher' },
  cancel: requester,
  close: helper,
  expire: system,
  restartDevice: helper,
  syncDevice: helper,
};

/** The product's table (DESIGN.md §1 and issue 12), written out independently of ASSIST_TRANSITIONS. */
const EXPECTED: Record<AssistAction, Partial<Record<AssistState, AssistState>>> = {
  accept: { requested: 'accepted' },
  decline: { requested: 'closed' },
  allowControl: { accepted: 'allowed' },
  refuseControl: { accepted: 'closed' },
  connect: { allowed: 'connected' },
  cancel: { requested: 'cancelled' },
  close: { accepted: 'closed', allowed: 'closed', connected: 'closed' },
  expire: { requested: 'expired', accepted: 'expired' },
  restartDevice: { allowed: 'allowed', connected: 'connected' },
  syncDevice: { allowed: 'allowed', connected: 'connected' },
};

const pairs = (Object.keys(EXPECTED) as AssistAction[]).flatMap((action) => ASSIST_STATES.map((state) => [action, state] as const));

describe('assist transition table', () => {
  it('matches the table written out independently', () => {
    for (const [action, state] of pairs) expect([action, state, ASSIST_TRANSITIONS[action].from[state]]).toEqual([action, state, EXPECTED[action][state]]);
  });

  it.each(pairs)('%s in %s', (action, state) => {
    const request = inState(state);
    // Expiry is legal only once its deadline has passed; every other action only before it.
    const now = action === 'expire' ? new Date(start.getTime() + 5 * 3600_000) : inTime;
    const decide = () => decideAssist(request, commandFor[action], { actor: performer[action], now, source: 'card' });
    const to = EXPECTED[action][state];
    if (to === undefined) {
      // Before anyone accepted there is no helper, so the helper's actions are not theirs to take at all.
      const helperOnly = ['close', 'restartDevice', 'syncDevice'].includes(action) && state === 'requested';
      expect(decide).toThrow(expect.objectContaining({ code: helperOnly ? 'AUTH.NOT_PERMITTED' : 'REQUEST.ILLEGAL_TRANSITION' }));
      return;
    }
    const { request: after, event } = decide();
    expect(after.state).toBe(to);
    expect(after.version).toBe(request.version + 1);
    expect(event).toMatchObject({ action, fromState: state, toState: to, version: after.version });
  });
});

describe('who may act on an assistance request', () => {
  const cases: Array<[AssistAction, AssistState, Actor, string | null]> = [
    ['accept', 'requested', otherAgent, null],
    ['accept', 'requested', stranger, 'AUTH.NOT_PERMITTED'],
    ['accept', 'requested', { ...requester, roles: ['agent'] } as Actor, 'AUTH.SELF_APPROVAL'],
    ['decline', 'requested', stranger, 'AUTH.NOT_PERMITTED'],
    ['allowControl', 'accepted', requester, null],
    ['allowControl', 'accepted', helper, 'AUTH.NOT_PERMITTED'],
    ['allowControl', 'accepted', otherAgent, 'AUTH.NOT_PERMITTED'],
    ['refuseControl', 'accepted', helper, 'AUTH.NOT_PERMITTED'],
    ['cancel', 'requested', otherAgent, 'AUTH.NOT_PERMITTED'],
    ['close', 'connected', requester, null],
    ['close', 'connected', helper, null],
    ['close', 'connected', otherAgent, 'AUTH.NOT_PERMITTED'],
    ['restartDevice', 'connected', otherAgent, 'AUTH.NOT_PERMITTED'],
    ['restartDevice', 'connected', requester, 'AUTH.NOT_PERMITTED'],
    ['syncDevice', 'allowed', helper, null],
    ['connect', 'allowed', helper, 'AUTH.NOT_PERMITTED'],
    ['expire', 'requested', requester, 'AUTH.NOT_PERMITTED'],
  ];
  it.each(cases)('%s in %s by %j', (action, state, actor, code) => {
    const now = action === 'expire' ? new Date(start.getTime() + 5 * 3600_000) : inTime;
    const decide = () => decideAssist(inState(state), commandFor[action], { actor, now, source: 'card' });
    if (code === null) expect(decide().request.state).toBe(EXPECTED[action][state]);
    else expect(decide).toThrow(expect.objectContaining({ code }));
  });
});

describe('assist deadlines and changes', () => {
  it('expires unanswered after 4 h and not before', () => {
    const request = anAssist();
    expect(assistDeadlines(request)).toEqual([{ kind: 'expire', dueAt: new Date('2030-03-04T13:00:00.000Z') }]);
    expect(() => decideAssist(request, { action: 'expire' }, { actor: system, now: new Date('2030-03-04T12:59:59.999Z'), source: 'timer' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
    const { event } = decideAssist(request, { action: 'expire' }, { actor: system, now: new Date('2030-03-04T13:00:00.000Z'), source: 'timer' });
    expect(event.reason).toBe('nobody answered in time');
  });

  it('accepting names the helper and starts the allow timeout; a click after it is REQUEST.EXPIRED', () => {
    const { request } = decideAssist(anAssist(), { action: 'accept' }, { actor: helper, now: inTime, source: 'card' });
    expect(request.helper).toEqual(bea);
    expect(assistDeadlines(request)).toEqual([{ kind: 'expire', dueAt: new Date('2030-03-04T09:20:00.000Z') }]);
    expect(() => decideAssist(request, { action: 'allowControl' }, { actor: requester, now: new Date('2030-03-04T09:20:00.000Z'), source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.EXPIRED' }),
    );
  });

  it('no deadline once control is allowed or the request is over', () => {
    for (const state of ['allowed', 'connected', 'closed', 'cancelled', 'expired'] as const) expect(assistDeadlines(inState(state))).toEqual([]);
  });

  it('a device action is recorded with who and when; a typed device cannot be acted on', () => {
    const { request } = decideAssist(inState('connected'), { action: 'restartDevice', actionId: '1' }, { actor: helper, now: inTime, source: 'card' });
    expect(request.deviceActions).toEqual([
      { id: '1', action: 'rebootNow', by: bea, requestedAt: inTime, state: 'requested', startedAt: null, lastUpdatedAt: null, problem: null },
    ]);
    const typed = { ...inState('connected'), device: { id: null, name: 'my pc', source: 'typed' as const } };
    expect(() => decideAssist(typed, { action: 'syncDevice', actionId: '1' }, { actor: helper, now: inTime, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
  });

  it('refusing closes with the reason; closing says who closed', () => {
    const refused = decideAssist(inState('accepted'), { action: 'refuseControl', comment: 'not now' }, { actor: requester, now: inTime, source: 'card' });
    expect(refused.request).toMatchObject({ state: 'closed', closedReason: 'refused', closedComment: 'not now' });
    expect(refused.event.reason).toBe('not now');
    expect(decideAssist(inState('connected'), { action: 'close', comment: null }, { actor: requester, now: inTime, source: 'card' }).request.closedReason).toBe('closedByRequester');
    expect(decideAssist(inState('connected'), { action: 'close', comment: null }, { actor: helper, now: inTime, source: 'card' }).request.closedReason).toBe('closedByHelper');
  });

  it('admin limits are refused out of range, never clamped', () => {
    expect(assistLimitProblems({ assistUnansweredHours: 4, assistAllowMinutes: 15 })).toEqual([]);
    expect(assistLimitProblems({ assistUnansweredHours: 0, assistAllowMinutes: 121 })).toEqual([
      { field: 'assistUnansweredHours', problem: 'range' },
      { field: 'assistAllowMinutes', problem: 'range' },
    ]);
    expect(assistLimitProblems({ assistUnansweredHours: 1.5, assistAllowMinutes: 1 })).toEqual([{ field: 'assistUnansweredHours', problem: 'range' }]);
  });
});
