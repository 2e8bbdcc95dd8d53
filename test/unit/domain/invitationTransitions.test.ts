import {
  DEFAULT_PERMISSION_PROFILES,
  INVITATION_STATES,
  INVITATION_TRANSITIONS,
  InvitationAction,
  InvitationCommand,
  InvitationParent,
  InvitationRequest,
  InvitationState,
  createInvitation,
  decideInvitation,
  invitationDeadlines,
  permissionProfileProblems,
} from '../../../src/domain/invitation';
import { Actor } from '../../../src/domain/people';

const start = new Date('2030-03-04T09:00:00.000Z');
const inTime = new Date('2030-03-04T09:01:30.000Z');
const late = new Date('2030-03-04T09:02:00.000Z');

const bea = { aadObjectId: 'bea', name: 'Bea Agent' };
const cleo = { aadObjectId: 'cleo', name: 'Cleo Agent' };
const inviter: Actor = { type: 'person', person: bea, roles: ['agent'] };
const invitee: Actor = { type: 'person', person: cleo, roles: ['agent'] };
const sessionAgent: Actor = { type: 'person', person: { aadObjectId: 'sam', name: 'Sam Agent' }, roles: ['agent'] };
const stranger: Actor = { type: 'person', person: { aadObjectId: 'carl', name: 'Carl' }, roles: ['agent', 'admin'] };
const system: Actor = { type: 'system', name: 'sweeper' };
const [viewOnly, collaborate] = DEFAULT_PERMISSION_PROFILES;

const parent: InvitationParent = { id: 'se-1', kind: 'session', connected: true, hostIds: ['bea', 'sam'], summary: 'Printer on floor 3' };
const meeting = { provider: 'local' as const, meetingId: 'se-1', joinUrl: null };
// The parent as `end` sees it: closed, so its invitations end with it.
const closedParent: InvitationParent = { ...parent, connected: false };
const parentFor = (action: InvitationAction): InvitationParent => (action === 'end' ? closedParent : parent);

function anInvitation(overrides: Partial<InvitationRequest> = {}): InvitationRequest {
  const { request } = createInvitation({ id: 'in-1', invitee: cleo, profile: viewOnly, meeting }, parent, [], { actor: inviter, now: start, source: 'card' });
  return { ...request, ...overrides };
}

// The table written out a second time: [action, from, to, performer].
const EXPECTED: [InvitationAction, InvitationState, InvitationState, 'invitee' | 'host' | 'system'][] = [
  ['accept', 'pending', 'accepted', 'invitee'],
  ['reject', 'pending', 'rejected', 'invitee'],
  ['cancel', 'pending', 'cancelled', 'host'],
  ['edit', 'pending', 'pending', 'host'],
  ['expire', 'pending', 'expired', 'system'],
  ['changeProfile', 'accepted', 'accepted', 'host'],
  ['remove', 'accepted', 'removed', 'host'],
  ['end', 'pending', 'ended', 'system'],
  ['end', 'accepted', 'ended', 'system'],
];

function commandOf(action: InvitationAction): InvitationCommand {
  return action === 'edit' || action === 'changeProfile' ? { action, profile: collaborate } : { action };
}

function performer(by: 'invitee' | 'host' | 'system'): Actor {
  return by === 'invitee' ? invitee : by === 'host' ? inviter : system;
}

describe('invitation transition table', () => {
  it('is exactly the table written out again', () => {
    const actual = Object.entries(INVITATION_TRANSITIONS).flatMap(([action, rule]) =>
      Object.entries(rule.from).map(([from, to]) => [action, from, to, rule.by]),
    );
    expect(actual.sort()).toEqual([...EXPECTED].sort());
  });

  describe.each(EXPECTED)('%s from %s', (action, from, to, by) => {
    it(`leads to ${to} with a new version and one audit event`, () => {
      const now = action === 'expire' ? late : inTime;
      const { request, event } = decideInvitation(anInvitation({ state: from }), parentFor(action), commandOf(action), { actor: performer(by), now, source: 'card' });
      expect(request).toMatchObject({ state: to, version: 2 });
      expect(event).toMatchObject({ action, fromState: from, toState: to, kind: 'invitation' });
    });
  });

  const illegal = (Object.keys(INVITATION_TRANSITIONS) as InvitationAction[]).flatMap((action) =>
    INVITATION_STATES.filter((state) => !EXPECTED.some(([a, from]) => a === action && from === state)).map((state) => [action, state] as const),
  );

  it.each(illegal)('%s in %s is an illegal transition', (action, state) => {
    const by = EXPECTED.find(([a]) => a === action)![3];
    const now = action === 'expire' ? late : inTime;
    expect(() => decideInvitation(anInvitation({ state }), parentFor(action), commandOf(action), { actor: performer(by), now, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
  });

  it('end: only with the parent no longer connected, only by the system (the parent’s close), with the reason', () => {
    for (const state of ['pending', 'accepted'] as const) {
      expect(() => decideInvitation(anInvitation({ state }), parent, { action: 'end' }, { actor: system, now: inTime, source: 'timer' })).toThrow(
        expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
      );
      for (const actor of [inviter, invitee, sessionAgent]) {
        expect(() => decideInvitation(anInvitation({ state }), closedParent, { action: 'end' }, { actor, now: inTime, source: 'card' })).toThrow(
          expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
        );
      }
    }
    const ended = decideInvitation(anInvitation({ state: 'accepted', parentKind: 'assist' }), closedParent, { action: 'end' }, { actor: system, now: inTime, source: 'timer' });
    expect(ended.event).toMatchObject({ action: 'end', fromState: 'accepted', toState: 'ended', reason: 'the assistance request ended' });
  });
});

describe('who may act on an invitation', () => {
  it.each(['cancel', 'edit'] as const)('%s: the inviter and the session’s agent may, the invitee and a stranger may not', (action) => {
    for (const actor of [inviter, sessionAgent]) {
      expect(decideInvitation(anInvitation(), parent, commandOf(action), { actor, now: inTime, source: 'card' }).request.state).toBeDefined();
    }
    for (const actor of [invitee, stranger, system]) {
      expect(() => decideInvitation(anInvitation(), parent, commandOf(action), { actor, now: inTime, source: 'card' })).toThrow(
        expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
      );
    }
  });

  it.each(['accept', 'reject'] as const)('%s: only the invitee', (action) => {
    for (const actor of [inviter, sessionAgent, stranger, system]) {
      expect(() => decideInvitation(anInvitation(), parent, { action }, { actor, now: inTime, source: 'card' })).toThrow(
        expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
      );
    }
  });

  it.each(['changeProfile', 'remove'] as const)('%s after accept: a host, never the invitee', (action) => {
    const joined = anInvitation({ state: 'accepted' });
    expect(decideInvitation(joined, parent, commandOf(action), { actor: sessionAgent, now: late, source: 'card' }).request.version).toBe(2);
    expect(() => decideInvitation(joined, parent, commandOf(action), { actor: invitee, now: late, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }),
    );
  });

  it('expires only from the system and only once the two minutes are over', () => {
    expect(() => decideInvitation(anInvitation(), parent, { action: 'expire' }, { actor: system, now: inTime, source: 'timer' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
    expect(() => decideInvitation(anInvitation(), parent, { action: 'accept' }, { actor: invitee, now: late, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.EXPIRED' }),
    );
  });

  it('edit keeps it pending with the new profile and the same two minutes', () => {
    const { request, event } = decideInvitation(anInvitation(), parent, { action: 'edit', profile: collaborate }, { actor: inviter, now: inTime, source: 'card' });
    expect(request).toMatchObject({ state: 'pending', version: 2, profile: collaborate, answerBy: new Date('2030-03-04T09:02:00.000Z') });
    expect(event.reason).toBe('View only → Collaborate');
    expect(invitationDeadlines(request)).toEqual([{ kind: 'expire', dueAt: request.answerBy }]);
    expect(invitationDeadlines({ ...request, state: 'accepted' })).toEqual([]);
  });

  it('accept is refused once the session is no longer connected', () => {
    expect(() => decideInvitation(anInvitation(), { ...parent, connected: false }, { action: 'accept' }, { actor: invitee, now: inTime, source: 'card' })).toThrow(
      expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }),
    );
  });
});

describe('creating an invitation', () => {
  const create = (who: typeof cleo, over: Partial<InvitationParent> = {}, joined: InvitationRequest[] = [], actor: Actor = inviter) =>
    createInvitation({ id: 'in-2', invitee: who, profile: viewOnly, meeting }, { ...parent, ...over }, joined, { actor, now: start, source: 'card' });

  it('is pending for two minutes', () => {
    expect(create(cleo).request).toMatchObject({ state: 'pending', version: 1, inviter: bea, invitee: cleo, answerBy: late, summary: 'Printer on floor 3' });
  });

  it('refuses inviting yourself', () => {
    expect(() => create(bea)).toThrow(expect.objectContaining({ code: 'INPUT.INVALID', fields: [{ field: 'invitee', problem: 'self' }] }));
  });

  it('refuses someone already in the session: an accepted invitation for the same parent, or its agent', () => {
    const joined = anInvitation({ state: 'accepted' });
    expect(() => create(cleo, {}, [joined])).toThrow(expect.objectContaining({ fields: [{ field: 'invitee', problem: 'alreadyIn' }] }));
    expect(() => create({ aadObjectId: 'sam', name: 'Sam Agent' })).toThrow(expect.objectContaining({ fields: [{ field: 'invitee', problem: 'alreadyIn' }] }));
    // Another session's guest, or one who was removed, may be invited.
    expect(create(cleo, {}, [anInvitation({ state: 'accepted', parentId: 'se-2' }), anInvitation({ state: 'removed' })]).request.state).toBe('pending');
  });

  it('refuses a parent that is not connected, and anyone but its agents', () => {
    expect(() => create(cleo, { connected: false })).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION' }));
    expect(() => create(cleo, {}, [], stranger)).toThrow(expect.objectContaining({ code: 'AUTH.NOT_PERMITTED' }));
  });
});

describe('permission profiles', () => {
  it('accepts the defaults and refuses empty, duplicate or unknown-role profiles', () => {
    expect(permissionProfileProblems(DEFAULT_PERMISSION_PROFILES)).toEqual([]);
    expect(DEFAULT_PERMISSION_PROFILES.map((profile) => [profile.name, profile.role])).toEqual([
      ['View only', 'attendee'],
      ['Collaborate', 'presenter'],
      ['Full control', 'coorganizer'],
    ]);
    expect(permissionProfileProblems([])).toEqual(['at least one profile']);
    expect(permissionProfileProblems([viewOnly, { ...viewOnly, name: 'view ONLY' }])).toEqual(['"view ONLY" twice']);
    expect(permissionProfileProblems([{ name: ' ', sentence: '', role: 'owner' as never }])).toHaveLength(3);
  });
});
