import { DecisionContext } from '../../../src/domain/audit';
import { DoormanError } from '../../../src/domain/errors';
import { Actor } from '../../../src/domain/people';
import {
  SESSION_STATES,
  SESSION_TRANSITIONS,
  SessionAction,
  SessionCommand,
  SessionState,
  createSession,
  decideSession,
  sessionDeadlines,
} from '../../../src/domain/session';
import { aSessionRequest } from '../../support/sessionBuilder';

const agent: Actor = { type: 'person', person: { aadObjectId: 'agent-1', name: 'Alex' }, roles: ['agent'] };
const stranger: Actor = { type: 'person', person: { aadObjectId: 'user-9', name: 'Eve' }, roles: [] };
const customer: Actor = { type: 'customer' };
const sweeper: Actor = { type: 'system', name: 'sweeper' };
const created = new Date('2030-03-04T09:00:00.000Z');
const beforeDeadline = new Date('2030-03-04T10:00:00.000Z');
const afterDeadline = new Date('2030-03-05T09:00:00.000Z');

const commandFor: Record<SessionAction, SessionCommand> = {
  arrive: { action: 'arrive', customerName: 'Chris', bindingHash: 'binding' },
  allow: { action: 'allow' },
  refuse: { action: 'refuse' },
  leave: { action: 'leave' },
  admit: { action: 'admit' },
  deny: { action: 'deny' },
  close: { action: 'close' },
  reopen: { action: 'reopen', linkHash: 'new-hash', tag: '0042', expiresAt: new Date('2030-03-06T09:00:00Z'), scheduledFor: null },
  assign: { action: 'assign', assignee: { aadObjectId: 'agent-2', name: 'Bea' } },
  rebind: { action: 'rebind' },
  expire: { action: 'expire' },
  reach: { action: 'reach', aadObjectId: 'agent-2', reached: false },
};

const performer: Record<SessionAction, Actor> = {
  arrive: customer,
  allow: customer,
  refuse: customer,
  leave: customer,
  admit: agent,
  deny: agent,
  close: agent,
  reopen: agent,
  assign: agent,
  rebind: agent,
  expire: sweeper,
  reach: sweeper,
};

/** The table the product promises (DESIGN.md §1), written out independently of SESSION_TRANSITIONS. */
const expected: Record<SessionAction, Partial<Record<SessionState, SessionState>>> = {
  arrive: { open: 'waiting' },
  allow: { waiting: 'ready' },
  refuse: { waiting: 'closed' },
  leave: { waiting: 'closed', ready: 'closed', connected: 'closed' },
  admit: { ready: 'connected' },
  deny: { waiting: 'closed', ready: 'closed' },
  close: { open: 'closed', waiting: 'closed', ready: 'closed', connected: 'closed' },
  reopen: { closed: 'open', expired: 'open' },
  assign: { open: 'open', waiting: 'waiting', ready: 'ready', connected: 'connected' },
  rebind: { waiting: 'open', ready: 'open' },
  expire: { open: 'expired', waiting: 'expired', ready: 'expired' },
  reach: { open: 'open', waiting: 'waiting', ready: 'ready', connected: 'connected' },
};

const actions = Object.keys(SESSION_TRANSITIONS) as SessionAction[];
const cases = actions.flatMap((action) => SESSION_STATES.map((state) => [action, state] as const));

function contextFor(action: SessionAction, actor: Actor = performer[action]): DecisionContext {
  return { actor, now: action === 'expire' ? afterDeadline : beforeDeadline, source: 'card' };
}

describe('session transition table', () => {
  it('covers every action of the product table and nothing else', () => {
    expect(actions.sort()).toEqual((Object.keys(expected) as SessionAction[]).sort());
  });

  it.each(cases)('%s in %s', (action, state) => {
    const request = aSessionRequest({ state, bindingHash: state === 'open' ? null : 'binding' });
    const to = expected[action][state];
    if (to === undefined) {
      expect(() => decideSession(request, commandFor[action], contextFor(action))).toThrow(
        expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
      );
      return;
    }
    const { request: after, event } = decideSession(request, commandFor[action], contextFor(action));
    expect(after.state).toBe(to);
    expect(after.version).toBe(request.version + 1);
    expect(event).toMatchObject({ action, fromState: state, toState: to, requestId: request.id, version: after.version });
  });

  it.each(actions)('%s by someone who may not is refused with AUTH.NOT_PERMITTED', (action) => {
    const wrong = performer[action] === agent ? [stranger, customer, sweeper] : performer[action] === customer ? [agent, sweeper] : [agent, customer];
    const legalState = Object.keys(expected[action])[0] as SessionState;
    for (const actor of wrong) {
      expect(() => decideSession(aSessionRequest({ state: legalState }), commandFor[action], contextFor(action, actor))).toThrow(
        expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
      );
    }
  });
});

describe('session deadlines and schedule', () => {
  it('refuses agent actions past the deadline with REQUEST.EXPIRED and customer actions with LINK.EXPIRED', () => {
    const ready = aSessionRequest({ state: 'ready', bindingHash: 'b' });
    expect(() => decideSession(ready, { action: 'admit' }, { actor: agent, now: afterDeadline, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.EXPIRED' }),
    );
    const open = aSessionRequest({ state: 'open' });
    expect(() => decideSession(open, commandFor.arrive, { actor: customer, now: afterDeadline, source: 'portal' })).toThrow(
      expect.objectContaining({ code: 'LINK.EXPIRED' }),
    );
  });

  it('does not expire before the deadline', () => {
    expect(() => decideSession(aSessionRequest(), { action: 'expire' }, { actor: sweeper, now: beforeDeadline, source: 'timer' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
  });

  it('refuses arrival before the scheduled start with LINK.NOT_YET', () => {
    const scheduled = aSessionRequest({ scheduledFor: new Date('2030-03-04T12:00:00Z') });
    expect(() => decideSession(scheduled, commandFor.arrive, { actor: customer, now: beforeDeadline, source: 'portal' })).toThrow(
      expect.objectContaining({ code: 'LINK.NOT_YET' }),
    );
    const later = decideSession(scheduled, commandFor.arrive, { actor: customer, now: new Date('2030-03-04T12:00:00Z'), source: 'portal' });
    expect(later.request.state).toBe('waiting');
  });

  it('records why a session closed', () => {
    const reasons: [SessionState, SessionAction, string][] = [
      ['waiting', 'refuse', 'refused'],
      ['ready', 'deny', 'denied'],
      ['ready', 'leave', 'left'],
      ['open', 'close', 'cancelled'],
      ['connected', 'close', 'ended'],
    ];
    for (const [state, action, reason] of reasons) {
      const { request } = decideSession(aSessionRequest({ state, bindingHash: 'b' }), commandFor[action], contextFor(action));
      expect(request.closedReason).toBe(reason);
    }
  });

  it('reopen issues a new generation, link, tag and deadline and forgets the old binding', () => {
    const closed = aSessionRequest({ state: 'closed', closedReason: 'left', customerName: 'Chris', bindingHash: 'old' });
    const { request } = decideSession(closed, commandFor.reopen, contextFor('reopen'));
    expect(request).toMatchObject({ state: 'open', generation: 2, linkHash: 'new-hash', tag: '0042', customerName: null, bindingHash: null, releasedBindingHash: null, closedReason: null });
  });

  it('rebind releases the browser binding', () => {
    const { request } = decideSession(aSessionRequest({ state: 'ready', customerName: 'Chris', bindingHash: 'b' }), commandFor.rebind, contextFor('rebind'));
    expect(request).toMatchObject({ state: 'open', bindingHash: null, customerName: null, releasedBindingHash: 'b' });
  });

  it('has an expiry deadline only while pending', () => {
    for (const state of SESSION_STATES) {
      const deadlines = sessionDeadlines(aSessionRequest({ state }));
      expect(deadlines.length).toBe(['open', 'waiting', 'ready'].includes(state) ? 1 : 0);
    }
  });
});

describe('an assignee who cannot be told (issue 9, defect 4)', () => {
  const bea = { aadObjectId: 'agent-2', name: 'Bea' };
  const assign = (assigneeReachable: boolean, assignee = bea) =>
    decideSession(aSessionRequest({ state: 'open' }), { action: 'assign', assignee, assigneeReachable }, contextFor('assign')).request;

  it('is recorded at assignment when the assignee has no chat with Doorman, and not otherwise', () => {
    expect(assign(false).assigneeNotTold).toEqual({ aadObjectId: 'agent-2', reason: 'noChat' });
    expect(assign(true).assigneeNotTold).toBeNull();
    // Whoever assigns to themselves is looking at the card.
    expect(assign(false, { aadObjectId: 'agent-1', name: 'Alex' }).assigneeNotTold).toBeNull();
  });

  it('becomes "delivery failed" or is cleared once the dispatcher knows, only for the current assignee', () => {
    const assigned = assign(false);
    const context = { actor: sweeper, now: beforeDeadline, source: 'timer' as const };
    expect(decideSession(assigned, { action: 'reach', aadObjectId: 'agent-2', reached: false }, context).request.assigneeNotTold).toEqual({
      aadObjectId: 'agent-2',
      reason: 'deliveryFailed',
    });
    expect(decideSession(assigned, { action: 'reach', aadObjectId: 'agent-2', reached: true }, context).request.assigneeNotTold).toBeNull();
    expect(decideSession(assigned, { action: 'reach', aadObjectId: 'agent-9', reached: true }, context).request.assigneeNotTold).toEqual({
      aadObjectId: 'agent-2',
      reason: 'noChat',
    });
  });

  it('is recorded at creation for an assignee other than the creator', () => {
    const input = {
      id: 'r1', recipient: { name: 'Chris', email: null }, assignee: bea, queueId: null, comments: '', scheduledFor: null,
      expiresAt: new Date('2030-03-05T09:00:00Z'), language: null, sendEmail: false, tag: '1234', linkHash: 'h',
    };
    expect(createSession({ ...input, assigneeReachable: false }, { actor: agent, now: created, source: 'card' }).request.assigneeNotTold).toEqual({
      aadObjectId: 'agent-2',
      reason: 'noChat',
    });
    expect(createSession({ ...input, assigneeReachable: true }, { actor: agent, now: created, source: 'card' }).request.assigneeNotTold).toBeNull();
  });
});

describe('creating a session', () => {
  const input = {
    id: 'r1',
    recipient: { name: 'Chris', email: null },
    assignee: null,
    queueId: null,
    comments: '',
    scheduledFor: null,
    expiresAt: new Date('2030-03-05T09:00:00Z'),
    language: 'en' as const,
    sendEmail: false,
    tag: '1234',
    linkHash: 'h',
  };

  it('is open, version 1, created by the agent', () => {
    const { request, event } = createSession(input, { actor: agent, now: created, source: 'card' });
    expect(request).toMatchObject({ state: 'open', version: 1, generation: 1, createdBy: { aadObjectId: 'agent-1' } });
    expect(event).toMatchObject({ action: 'create', fromState: null, toState: 'open', actorId: 'agent-1' });
  });

  it('is refused to people without the agent role', () => {
    expect(() => createSession(input, { actor: stranger, now: created, source: 'card' })).toThrow(DoormanError);
  });

  it('refuses a deadline before the scheduled start', () => {
    expect(() =>
      createSession({ ...input, scheduledFor: new Date('2030-03-06T09:00:00Z') }, { actor: agent, now: created, source: 'card' }),
    ).toThrow(expect.objectContaining({ code: 'INPUT.INVALID' }));
  });
});
