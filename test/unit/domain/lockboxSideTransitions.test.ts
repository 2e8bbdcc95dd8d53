import { DecisionContext } from '../../../src/domain/audit';
import { LOCKBOX_DEFAULT_POLICY, LOCKBOX_STATES, createLockbox, decideLockbox, lockboxDeadlines, lockboxLimitProblems, recordLockboxSide, remindedRole } from '../../../src/domain/lockbox';
import { Actor } from '../../../src/domain/people';
import { aLockboxRequest } from '../../support/lockboxBuilder';

const sweeper: Actor = { type: 'system', name: 'sweeper' };
const dispatcher: Actor = { type: 'system', name: 'dispatcher' };
const context: DecisionContext = { actor: sweeper, now: new Date('2030-03-04T20:00:00Z'), source: 'timer' };

describe('lockbox side transition "remind"', () => {
  it.each(LOCKBOX_STATES)('in %s: legal only while a decision is awaited and the reminder is unsent', (state) => {
    const request = aLockboxRequest({ state });
    if (state !== 'pending' && state !== 'review') {
      expect(() => recordLockboxSide(request, 'remind', context)).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
      return;
    }
    const { request: after, event } = recordLockboxSide(request, 'remind', context);
    expect(after).toMatchObject({ state, remindAt: null, version: request.version + 1, updatedAt: context.now });
    expect(event).toMatchObject({ action: 'remind', fromState: state, toState: state, reason: '1 hour left', version: after.version });
  });

  it('is moot once sent, and only the system sends it', () => {
    expect(() => recordLockboxSide(aLockboxRequest({ remindAt: null }), 'remind', context)).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
    const approver: Actor = { type: 'person', person: { aadObjectId: 'carl', name: 'Carl' }, roles: ['approver'] };
    expect(() => recordLockboxSide(aLockboxRequest(), 'remind', { ...context, actor: approver })).toThrow(
      expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
    );
  });

  it('reminds admins while a lead reviews, approvers otherwise', () => {
    expect(remindedRole(aLockboxRequest({ state: 'review' }))).toBe('admin');
    expect(remindedRole(aLockboxRequest({ state: 'pending' }))).toBe('approver');
  });
});

describe('lockbox side transition "delivery.failed"', () => {
  const failure = (n: number) => ({ type: 'chat.notify' as const, target: { kind: 'person' as const, aadObjectId: `p-${n}` }, code: 'RetryableError', detail: null });

  it.each(LOCKBOX_STATES)('in %s: records the failure, keeps the state, moves the version', (state) => {
    const request = aLockboxRequest({ state });
    const { request: after, event } = recordLockboxSide(request, { action: 'delivery.failed', failure: failure(1) }, { ...context, actor: dispatcher });
    expect(after).toMatchObject({ state, version: request.version + 1, deliveryFailures: [failure(1)] });
    expect(event).toMatchObject({ action: 'delivery.failed', fromState: state, toState: state, reason: 'chat.notify given up: RetryableError' });
  });

  it('keeps the newest failure per type and target, and only the last three', () => {
    let request = aLockboxRequest();
    for (const n of [1, 2, 1, 3, 4]) request = recordLockboxSide(request, { action: 'delivery.failed', failure: failure(n) }, context).request;
    expect(request.deliveryFailures).toEqual([failure(1), failure(3), failure(4)]);
  });

  it('"delivery.reached" forgets only what was given up for that person', () => {
    const channel = { type: 'card.post' as const, target: { kind: 'channel' as const }, code: 'RetryableError', detail: null };
    let request = aLockboxRequest();
    for (const failure1 of [failure(1), channel, failure(2)]) request = recordLockboxSide(request, { action: 'delivery.failed', failure: failure1 }, context).request;
    const { request: after, event } = recordLockboxSide(request, { action: 'delivery.reached', aadObjectId: 'p-1' }, context);
    expect(after.deliveryFailures).toEqual([channel, failure(2)]);
    expect(event).toMatchObject({ action: 'delivery.reached', version: request.version + 1, reason: 'a later card reached them' });
  });

  it('is recorded by the system only', () => {
    const approver: Actor = { type: 'person', person: { aadObjectId: 'carl', name: 'Carl' }, roles: ['approver'] };
    expect(() => recordLockboxSide(aLockboxRequest(), { action: 'delivery.failed', failure: failure(1) }, { ...context, actor: approver })).toThrow(
      expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
    );
  });
});

describe('lockbox default policy', () => {
  it('is approval required, 4 h by default, 24 h at most, 12 h to decide, and within its own ranges', () => {
    expect(LOCKBOX_DEFAULT_POLICY).toEqual({ approvalRequired: true, leadReview: false, defaultDurationMinutes: 240, maxDurationMinutes: 1440, decisionHours: 12, escalationHours: 0 });
    expect(lockboxLimitProblems(LOCKBOX_DEFAULT_POLICY)).toEqual([]);
  });
});

describe('lockbox side transition "escalate" (issue 15)', () => {
  const due = { escalateAt: new Date('2030-03-04T13:00:00Z'), escalatedTo: [] };

  it.each(LOCKBOX_STATES)('in %s: legal only while a decision is awaited and escalation is due', (state) => {
    const request = aLockboxRequest({ state, ...due });
    if (state !== 'pending' && state !== 'review') {
      expect(() => recordLockboxSide(request, { action: 'escalate', backupIds: ['alex'] }, context)).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
      return;
    }
    const { request: after, event } = recordLockboxSide(request, { action: 'escalate', backupIds: ['alex'] }, context);
    expect(after).toMatchObject({ state, escalateAt: null, escalatedTo: ['alex'], version: request.version + 1 });
    expect(event).toMatchObject({ action: 'escalate', fromState: state, toState: state });
    expect(event.reason).toContain('alex');
  });

  it('is moot once escalated or when off; a backup may then decide like an approver, never on their own request', () => {
    expect(() => recordLockboxSide(aLockboxRequest({ escalateAt: null }), { action: 'escalate', backupIds: [] }, context)).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
    const admin: Actor = { type: 'person', person: { aadObjectId: 'alex', name: 'Alex' }, roles: ['admin'] };
    const pending = aLockboxRequest({ ...due });
    expect(() => decideLockbox(pending, { action: 'approve', comment: null }, { ...context, actor: admin, now: new Date('2030-03-04T14:00:00Z'), source: 'card' })).toThrow(
      expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
    );
    const escalated = recordLockboxSide(pending, { action: 'escalate', backupIds: ['alex'] }, context).request;
    const approved = decideLockbox(escalated, { action: 'approve', comment: null }, { ...context, actor: admin, now: new Date('2030-03-04T14:00:00Z'), source: 'card' });
    expect(approved.request.state).toBe('approved');
  });

  it('is scheduled only when shorter than the decision time, and is a deadline while undecided', () => {
    const make = (escalationHours: number) =>
      createLockbox(
        { id: 'x', requester: { aadObjectId: 'dana', name: 'Dana' }, requestedVia: null, resource: 'r', reason: 'why', ticket: '', durationMinutes: 60, decisionHours: 12, escalationHours, leadReview: false, queueId: null },
        { actor: sweeper, now: new Date('2030-03-04T09:00:00Z'), source: 'chat' },
      ).request;
    expect(make(0).escalateAt).toBeNull();
    expect(make(12).escalateAt).toBeNull();
    expect(make(4).escalateAt).toEqual(new Date('2030-03-04T13:00:00Z'));
    expect(lockboxDeadlines(make(4)).map((deadline) => deadline.kind).sort()).toEqual(['escalate', 'expire', 'remind']);
    expect(lockboxLimitProblems({ ...LOCKBOX_DEFAULT_POLICY, escalationHours: 12 })).toEqual([{ field: 'escalationHours', problem: 'aboveMax' }]);
    expect(lockboxLimitProblems({ ...LOCKBOX_DEFAULT_POLICY, escalationHours: -1 })).toEqual([{ field: 'escalationHours', problem: 'range' }]);
  });
});
