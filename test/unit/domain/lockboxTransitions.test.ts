import { DecisionContext } from '../../../src/domain/audit';
import {
  LOCKBOX_STATES,
  LOCKBOX_TRANSITIONS,
  LockboxAction,
  LockboxCommand,
  LockboxRequest,
  LockboxState,
  createLockbox,
  decideLockbox,
  lockboxDeadlines,
  recordLockboxSide,
  withAccessRemoved,
} from '../../../src/domain/lockbox';
import { Actor } from '../../../src/domain/people';

const start = new Date('2030-03-04T09:00:00.000Z');
const inTime = new Date('2030-03-04T10:00:00.000Z');
const tooLate = new Date('2030-03-04T21:00:00.000Z');

const dana = { aadObjectId: 'dana', name: 'Dana Engineer' };
const engineer: Actor = { type: 'person', person: dana, roles: ['engineer', 'approver'] };
const approver: Actor = { type: 'person', person: { aadObjectId: 'carl', name: 'Carl' }, roles: ['approver'] };
const lead: Actor = { type: 'person', person: { aadObjectId: 'lea', name: 'Lea Lead' }, roles: ['admin'] };
const stranger: Actor = { type: 'person', person: { aadObjectId: 'eve', name: 'Eve' }, roles: [] };
const system: Actor = { type: 'system', name: 'sweeper' };
const requestingService: Actor = { type: 'service', client: 'key:k-ticketing' };
const otherService: Actor = { type: 'service', client: 'key:k-intruder' };
// What the REST API used to record: a key's name, which another key (or an `app:` look-alike) could share.
const serviceByName: Actor = { type: 'service', client: 'ticketing' };

function aLockbox(overrides: Partial<LockboxRequest> = {}): LockboxRequest {
  const { request } = createLockbox(
    { id: 'lb-1', requester: dana, requestedVia: 'key:k-ticketing', resource: 'Contoso mailbox', reason: 'case 42', ticket: 'T-42', durationMinutes: 60, decisionHours: 12, leadReview: false, queueId: null },
    { actor: engineer, now: start, source: 'chat' },
  );
  return { ...request, ...overrides };
}

/** A request in `state` with the access situation that state implies. */
function inState(state: LockboxState): LockboxRequest {
  const granted = { status: 'granted' as const, grantedAt: inTime, endsAt: new Date(inTime.getTime() + 3600_000), removedAt: null };
  switch (state) {
    case 'approved':
      return aLockbox({ state, access: granted });
    case 'ended':
      return aLockbox({ state, access: { ...granted, status: 'removed', removedAt: inTime } });
    default:
      return aLockbox({ state });
  }
}

const commandFor: Record<LockboxAction, LockboxCommand> = {
  passReview: { action: 'passReview', comment: null },
  approve: { action: 'approve', comment: 'ok' },
  autoApprove: { action: 'autoApprove', setting: 'approval off' },
  deny: { action: 'deny', comment: 'no' },
  cancel: { action: 'cancel' },
  expire: { action: 'expire' },
  confirmGrant: { action: 'confirmGrant' },
  failGrant: { action: 'failGrant', problem: { code: 'GRAPH.FORBIDDEN', detail: 'GroupMember.ReadWrite.All' } },
  resolve: { action: 'resolve' },
  revoke: { action: 'revoke' },
  elapse: { action: 'elapse' },
  end: { action: 'end' },
};

const performer: Record<LockboxAction, Actor> = {
  passReview: lead,
  approve: approver,
  autoApprove: system,
  deny: approver,
  cancel: engineer,
  expire: system,
  confirmGrant: system,
  failGrant: system,
  resolve: engineer,
  revoke: approver,
  elapse: system,
  end: system,
};

/** The product's table (DESIGN.md §1 and issue 4), written out independently of LOCKBOX_TRANSITIONS. */
const expected: Record<LockboxAction, Partial<Record<LockboxState, LockboxState>>> = {
  passReview: { review: 'pending' },
  approve: { pending: 'approved' },
  autoApprove: { pending: 'approved' },
  deny: { pending: 'denied', review: 'denied' },
  cancel: { pending: 'cancelled', review: 'cancelled' },
  expire: { pending: 'expired', review: 'expired' },
  confirmGrant: { approved: 'approved' },
  failGrant: { approved: 'ended' },
  resolve: { approved: 'approved' },
  revoke: { approved: 'approved' },
  elapse: { approved: 'approved' },
  end: { approved: 'ended' },
};

/** Preconditions some actions have beyond the state (a grant in progress, a removal confirmed, a window over). */
function prepared(action: LockboxAction, request: LockboxRequest): LockboxRequest {
  if (action === 'confirmGrant' || action === 'failGrant') return { ...request, access: { ...request.access, status: 'granting' } };
  if (action === 'end') return withAccessRemoved({ ...request, ending: { reason: 'resolved', byId: 'dana', at: inTime } }, inTime);
  return request;
}

function contextFor(action: LockboxAction, actor: Actor = performer[action]): DecisionContext {
  const now = action === 'expire' ? tooLate : action === 'elapse' ? new Date(inTime.getTime() + 2 * 3600_000) : inTime;
  return { actor, now, source: actor.type === 'system' ? 'timer' : 'card' };
}

const actions = Object.keys(LOCKBOX_TRANSITIONS) as LockboxAction[];

describe('lockbox transition table', () => {
  it('has exactly the actions of the product table', () => {
    expect([...actions].sort()).toEqual((Object.keys(expected) as LockboxAction[]).sort());
  });

  it.each(actions.flatMap((action) => LOCKBOX_STATES.map((state) => [action, state] as const)))('%s in %s', (action, state) => {
    const request = prepared(action, inState(state));
    const to = expected[action][state];
    if (to === undefined) {
      expect(() => decideLockbox(request, commandFor[action], contextFor(action))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
      return;
    }
    const { request: after, event } = decideLockbox(request, commandFor[action], contextFor(action));
    expect(after.state).toBe(to);
    expect(after.version).toBe(request.version + 1);
    expect(event).toMatchObject({ action, fromState: state, toState: to });
  });
});

describe('separation of duties', () => {
  it('the requester can never approve, deny or revoke, even holding the approver role', () => {
    expect(() => decideLockbox(inState('pending'), commandFor.approve, contextFor('approve', engineer))).toThrow(expect.objectContaining({ code: 'AUTH.SELF_APPROVAL' }));
    expect(() => decideLockbox(inState('pending'), commandFor.deny, contextFor('deny', engineer))).toThrow(expect.objectContaining({ code: 'AUTH.SELF_APPROVAL' }));
    expect(() => decideLockbox(inState('approved'), commandFor.revoke, contextFor('revoke', engineer))).toThrow(expect.objectContaining({ code: 'AUTH.SELF_APPROVAL' }));
  });

  it('separation of duties: whoever passed the lead review cannot also approve; another approver can', () => {
    const leadApprover: Actor = { type: 'person', person: { aadObjectId: 'lea', name: 'Lea Lead' }, roles: ['admin', 'approver'] };
    const reviewed = decideLockbox(aLockbox({ state: 'review' }), commandFor.passReview, contextFor('passReview', leadApprover)).request;
    expect(() => decideLockbox(reviewed, commandFor.approve, contextFor('approve', leadApprover))).toThrow(expect.objectContaining({ code: 'AUTH.SAME_REVIEWER' }));
    expect(decideLockbox(reviewed, commandFor.deny, contextFor('deny', leadApprover)).request.state).toBe('denied');
    expect(decideLockbox(reviewed, commandFor.approve, contextFor('approve', approver)).request.state).toBe('approved');
  });

  it('a failed grant ends the request with the problem, and the window never starts', () => {
    const granting = aLockbox({ state: 'approved', access: { status: 'granting', grantedAt: null, endsAt: null, removedAt: null } });
    const { request: failed, event } = decideLockbox(granting, commandFor.failGrant, contextFor('failGrant'));
    expect(failed).toMatchObject({ state: 'ended', ending: { reason: 'grant failed' }, access: { status: 'failed', grantedAt: null, problem: { code: 'GRAPH.FORBIDDEN' } } });
    expect(event.reason).toContain('GRAPH.FORBIDDEN');
    expect(() => decideLockbox(inState('approved'), commandFor.failGrant, contextFor('failGrant'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
  });

  it('the person a system asked for cannot approve it either', () => {
    const forDana = aLockbox({ requestedVia: 'key:k-ticketing' });
    expect(() => decideLockbox(forDana, commandFor.approve, contextFor('approve', engineer))).toThrow(expect.objectContaining({ code: 'AUTH.SELF_APPROVAL' }));
  });

  it('people without the approver role are refused', () => {
    for (const actor of [stranger, lead, requestingService, system]) {
      expect(() => decideLockbox(inState('pending'), commandFor.approve, contextFor('approve', actor))).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
    }
  });

  it('a system is recognised by its stable id only: a bare name never matches, even one equal to what a request recorded', () => {
    const recordedByName = { ...inState('approved'), requestedVia: 'ticketing' };
    expect(() => decideLockbox(recordedByName, commandFor.resolve, contextFor('resolve', serviceByName))).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
    const app: Actor = { type: 'service', client: 'app:ticketing-app' };
    const askedByApp = { ...inState('approved'), requestedVia: 'app:ticketing-app' };
    expect(decideLockbox(askedByApp, commandFor.resolve, contextFor('resolve', app)).request.ending?.reason).toBe('resolved');
  });

  it('only the requester or the system that asked may cancel or resolve', () => {
    expect(decideLockbox(inState('pending'), commandFor.cancel, contextFor('cancel', requestingService)).request.state).toBe('cancelled');
    for (const actor of [approver, stranger, otherService]) {
      expect(() => decideLockbox(inState('pending'), commandFor.cancel, contextFor('cancel', actor))).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
      expect(() => decideLockbox(inState('approved'), commandFor.resolve, contextFor('resolve', actor))).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
    }
  });

  it('timer actions are the system’s alone', () => {
    for (const action of ['expire', 'elapse', 'end', 'confirmGrant', 'failGrant', 'autoApprove'] as const) {
      expect(() => decideLockbox(prepared(action, inState(action === 'expire' || action === 'autoApprove' ? 'pending' : 'approved')), commandFor[action], contextFor(action, approver))).toThrow(
        expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
      );
    }
  });
});

describe('deadlines, double decisions and the end of access', () => {
  it('refuses approval after the decision deadline', () => {
    expect(() => decideLockbox(inState('pending'), commandFor.approve, { actor: approver, now: tooLate, source: 'card' })).toThrow(expect.objectContaining({ code: 'REQUEST.EXPIRED' }));
  });

  it('a second decision on a decided request is illegal', () => {
    const approved = decideLockbox(inState('pending'), commandFor.approve, contextFor('approve')).request;
    expect(() => decideLockbox(approved, commandFor.approve, contextFor('approve'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    expect(() => decideLockbox(approved, commandFor.deny, contextFor('deny'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
  });

  it('revoke after the end is illegal, and so is a second revoke while removal runs', () => {
    expect(() => decideLockbox(inState('ended'), commandFor.revoke, contextFor('revoke'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    const ending = decideLockbox(inState('approved'), commandFor.revoke, contextFor('revoke')).request;
    expect(ending).toMatchObject({ state: 'approved', ending: { reason: 'revoked' }, access: { status: 'removing' } });
    expect(() => decideLockbox(ending, commandFor.revoke, contextFor('revoke'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
  });

  it('ends only once removal is confirmed', () => {
    const ending = decideLockbox(inState('approved'), commandFor.resolve, contextFor('resolve')).request;
    expect(() => decideLockbox(ending, commandFor.end, contextFor('end'))).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    const ended = decideLockbox(withAccessRemoved(ending, inTime), commandFor.end, contextFor('end')).request;
    expect(ended).toMatchObject({ state: 'ended', ending: { reason: 'resolved' }, access: { status: 'removed' } });
  });

  it('the window does not elapse early', () => {
    expect(() => decideLockbox(inState('approved'), commandFor.elapse, { actor: system, now: inTime, source: 'timer' })).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
  });

  it('a confirmed grant starts the window for the requested duration', () => {
    const granting = decideLockbox(inState('pending'), commandFor.approve, contextFor('approve')).request;
    const granted = decideLockbox(granting, commandFor.confirmGrant, contextFor('confirmGrant')).request;
    expect(granted.access).toMatchObject({ status: 'granted', grantedAt: inTime, endsAt: new Date(inTime.getTime() + 60 * 60_000) });
  });

  it('deadline rows: decision expiry at 12 h and a reminder at 11 h while pending; the window end while granted', () => {
    expect(lockboxDeadlines(inState('pending'))).toEqual([
      { kind: 'expire', dueAt: new Date(start.getTime() + 12 * 3600_000) },
      { kind: 'remind', dueAt: new Date(start.getTime() + 11 * 3600_000) },
    ]);
    expect(lockboxDeadlines(inState('approved'))).toEqual([{ kind: 'elapse', dueAt: new Date(inTime.getTime() + 3600_000) }]);
    for (const state of ['denied', 'expired', 'cancelled', 'ended'] as const) expect(lockboxDeadlines(inState(state))).toEqual([]);
  });

  it('refuses windows longer than the 24 h hard cap', () => {
    expect(() =>
      createLockbox(
        { id: 'x', requester: dana, requestedVia: null, resource: 'r', reason: 'r', ticket: '', durationMinutes: 24 * 60 + 1, decisionHours: 12, leadReview: false, queueId: null },
        { actor: engineer, now: start, source: 'chat' },
      ),
    ).toThrow(expect.objectContaining({ code: 'INPUT.INVALID' }));
  });
});

describe('the trail answers "who added and who removed it" (issue 15)', () => {
  const granting = () => aLockbox({ state: 'approved', access: { status: 'granting', grantedAt: null, endsAt: null, removedAt: null } });
  const confirm = (membership: 'added' | 'alreadyMember' | 'shared') =>
    decideLockbox(granting(), { action: 'confirmGrant', membership }, { actor: system, now: inTime, source: 'timer' });

  it('says at the grant whether Doorman added the membership', () => {
    expect(confirm('added').event.reason).toBe('membership added by Doorman');
    expect(confirm('alreadyMember').event.reason).toBe('already a member before the request: not added, will not be removed');
    expect(confirm('shared').request.access.membership).toBe('shared');
  });

  it('says at the end whether Doorman removed it or why it was kept', () => {
    const ending = decideLockbox(confirm('added').request, commandFor.resolve, contextFor('resolve')).request;
    const removed = decideLockbox(withAccessRemoved(ending, inTime), { action: 'end', kept: null }, contextFor('end'));
    expect(removed.event.reason).toBe('resolved; membership removed by Doorman');
    const kept = decideLockbox(withAccessRemoved(ending, inTime), { action: 'end', kept: 'otherRequest' }, contextFor('end'));
    expect(kept.request.access.kept).toBe('otherRequest');
    expect(kept.event.reason).toBe('resolved; membership kept: another request still runs');
  });
});

describe('a grant given up halfway is checked once, and the trail says what Doorman found (issue 15)', () => {
  const failed = () =>
    decideLockbox(
      aLockbox({ state: 'approved', access: { status: 'granting', grantedAt: null, endsAt: null, removedAt: null } }),
      { action: 'failGrant', problem: { code: 'ACCESS.GIVEN_UP', detail: null } },
      { actor: system, now: inTime, source: 'timer' },
    ).request;
  const context = { actor: system, now: inTime, source: 'timer' } as const;

  it('records the outcome on the failed request, with who removed the membership', () => {
    const removed = recordLockboxSide(failed(), { action: 'reconcile', outcome: 'removed' }, context);
    expect(removed.request).toMatchObject({ state: 'ended', access: { status: 'failed', reconciled: 'removed' } });
    expect(removed.event).toMatchObject({ action: 'reconcile', fromState: 'ended', toState: 'ended' });
    expect(removed.event.reason).toContain('removed by Doorman');
    expect(recordLockboxSide(failed(), { action: 'reconcile', outcome: 'absent' }, context).event.reason).toContain('nothing to remove');
  });

  it('is refused a second time, on a request whose grant did not fail, and for anyone but the system', () => {
    const once = recordLockboxSide(failed(), { action: 'reconcile', outcome: 'absent' }, context).request;
    expect(() => recordLockboxSide(once, { action: 'reconcile', outcome: 'removed' }, context)).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    const ended = { ...failed(), access: { ...failed().access, status: 'removed' as const } };
    expect(() => recordLockboxSide(ended, { action: 'reconcile', outcome: 'absent' }, context)).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    expect(() => recordLockboxSide(inState('pending'), { action: 'reconcile', outcome: 'absent' }, context)).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    expect(() => recordLockboxSide(failed(), { action: 'reconcile', outcome: 'absent' }, { ...context, actor: approver })).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
  });
});
