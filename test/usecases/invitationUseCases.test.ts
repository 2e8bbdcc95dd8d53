import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { decideOnInvitation, endInvitationsWithParent, inviteColleague, syncParticipant } from '../../src/application/invitation/invitationRequests';
import { closeSession } from '../../src/application/session/actOnSession';
import { cardViewOf } from '../../src/application/shared/cardViews';
import { InvitationRequest } from '../../src/domain/invitation';
import { Actor } from '../../src/domain/people';
import { SessionRequest } from '../../src/domain/session';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

const alexPerson = { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' };
const beaPerson = { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' };
const alex: Actor = { type: 'person', person: alexPerson, roles: ['admin', 'agent'] };
const bea: Actor = { type: 'person', person: beaPerson, roles: ['agent'] };
const carl: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000c003', name: 'Carl Approver' }, roles: ['approver'] };

describe('invitation use cases (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  /** A session Alex runs, connected to its customer now. */
  async function connectedSession(overrides: Partial<SessionRequest> = {}): Promise<SessionRequest> {
    const now = t.clock.now();
    const session = aSessionRequest({
      state: 'connected',
      createdBy: alexPerson,
      comments: 'Printer on floor 3 jams',
      customerName: 'Chris Customer',
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 3600_000),
      ...overrides,
    });
    await t.deps.requests.commit({ request: session, expectedVersion: null, events: [], outbox: [], deadlines: [] });
    return session;
  }

  const invite = (parentId: string, invitee = beaPerson.aadObjectId, permissionProfile = 'Collaborate') =>
    inviteColleague(t.deps, alex, parentId, { invitee, permissionProfile });
  const current = async (id: string) => (await t.deps.requests.getRequest(id)) as InvitationRequest;
  const pointer = (request: InvitationRequest) => ({ requestId: request.id, version: request.version });

  it('invites a colleague with a profile: pending for two minutes, the invitee and the inviter get their cards, audited', async () => {
    const session = await connectedSession();
    const invitation = await invite(session.id);
    expect(invitation).toMatchObject({
      state: 'pending',
      inviter: alexPerson,
      invitee: beaPerson,
      profile: { name: 'Collaborate', role: 'presenter' },
      summary: 'Printer on floor 3 jams',
      answerBy: new Date(t.clock.now().getTime() + 120_000),
      meeting: { provider: 'local', meetingId: session.id, joinUrl: null },
    });
    // The summary never carries the customer's link: the session stores only its hash, and the invitation none of it.
    expect(JSON.stringify(invitation)).not.toContain(session.linkHash);
    const trail = await t.deps.requests.eventsOf(invitation.id);
    expect(trail).toMatchObject([{ action: 'create', toState: 'pending', actorId: alexPerson.aadObjectId, reason: 'Bea Agent as Collaborate' }]);
    const view = await cardViewOf(t.deps, session);
    expect(view.invited).toEqual([{ invitationId: invitation.id, version: 1, inviteeId: beaPerson.aadObjectId, name: 'Bea Agent', profile: 'Collaborate', state: 'pending' }]);
    expect(view.profiles?.map((profile) => profile.name)).toEqual(['View only', 'Collaborate', 'Full control']);
  });

  it('refuses yourself, someone already in, someone the directory does not know, an unknown profile, a session not connected', async () => {
    const session = await connectedSession();
    await expect(invite(session.id, alexPerson.aadObjectId)).rejects.toMatchObject({ code: 'INPUT.INVALID', fields: [{ field: 'invitee', problem: 'self' }] });
    await expect(invite(session.id, 'nobody-we-know')).rejects.toMatchObject({ fields: [{ field: 'invitee', problem: 'unreachable' }] });
    await expect(invite(session.id, beaPerson.aadObjectId, 'Root')).rejects.toMatchObject({ fields: [{ field: 'permissionProfile', problem: 'unknown' }] });
    const first = await invite(session.id);
    await decideOnInvitation(t.deps, bea, pointer(first), 'accept');
    await expect(invite(session.id)).rejects.toMatchObject({ fields: [{ field: 'invitee', problem: 'alreadyIn' }] });
    const waiting = await connectedSession({ state: 'waiting' });
    await expect(invite(waiting.id)).rejects.toMatchObject({ code: 'REQUEST.ILLEGAL_TRANSITION' });
    await expect(inviteColleague(t.deps, carl, session.id, { invitee: beaPerson.aadObjectId, permissionProfile: 'View only' })).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
  });

  it('accept adds the colleague to the meeting with the profile’s role; change profile re-roles, remove takes them out', async () => {
    const session = await connectedSession();
    const invitation = await invite(session.id);
    const accepted = await decideOnInvitation(t.deps, bea, pointer(invitation), 'accept');
    expect(accepted).toMatchObject({ refused: null, request: { state: 'accepted' } });
    await syncParticipant(t.deps, invitation.id);
    expect(await t.deps.participants.participantsOf(session.id, alexPerson)).toEqual([{ person: beaPerson, role: 'presenter' }]);
    expect((await cardViewOf(t.deps, session)).invited).toMatchObject([{ name: 'Bea Agent', profile: 'Collaborate', state: 'accepted' }]);

    // The invitee cannot change their own profile; the session's agent can.
    expect((await decideOnInvitation(t.deps, bea, pointer(accepted.request), 'changeProfile', 'Full control')).refused).toBe('AUTH.NOT_PERMITTED');
    const changed = await decideOnInvitation(t.deps, alex, pointer(accepted.request), 'changeProfile', 'View only');
    expect(changed).toMatchObject({ refused: null, request: { state: 'accepted', profile: { name: 'View only', role: 'attendee' } } });
    await syncParticipant(t.deps, invitation.id);
    expect(await t.deps.participants.participantsOf(session.id, alexPerson)).toEqual([{ person: beaPerson, role: 'attendee' }]);

    const removed = await decideOnInvitation(t.deps, alex, pointer(changed.request), 'remove');
    expect(removed.request.state).toBe('removed');
    await syncParticipant(t.deps, invitation.id);
    expect(await t.deps.participants.participantsOf(session.id, alexPerson)).toEqual([]);
    const trail = (await t.deps.requests.eventsOf(invitation.id)).map((event) => [event.action, event.reason]);
    expect(trail).toEqual([
      ['create', 'Bea Agent as Collaborate'],
      ['accept', 'joined as Collaborate'],
      ['changeProfile', 'Collaborate → View only'],
      ['remove', null],
    ]);
  });

  it('edit while pending changes the profile in place (new version, same two minutes); cancel retires it', async () => {
    const session = await connectedSession();
    const invitation = await invite(session.id, beaPerson.aadObjectId, 'View only');
    t.clock.advance(30_000);
    const edited = await decideOnInvitation(t.deps, alex, pointer(invitation), 'edit', 'Full control');
    expect(edited.request).toMatchObject({ state: 'pending', version: 2, profile: { name: 'Full control' }, answerBy: invitation.answerBy });
    // The old card's Accept is stale now.
    expect((await decideOnInvitation(t.deps, bea, pointer(invitation), 'accept')).refused).toBe('REQUEST.STALE_VERSION');
    const cancelled = await decideOnInvitation(t.deps, alex, pointer(edited.request), 'cancel');
    expect(cancelled.request.state).toBe('cancelled');
    expect((await decideOnInvitation(t.deps, bea, pointer(cancelled.request), 'accept')).refused).toBe('REQUEST.ILLEGAL_TRANSITION');
  });

  it('expires after two minutes by the sweeper (not a second before); a late accept is refused', async () => {
    const session = await connectedSession();
    const invitation = await invite(session.id);
    const sweeper = new DeadlineSweeper(t.deps);
    t.clock.advance(119_000);
    expect(await sweeper.sweep()).toBe(0);
    expect((await current(invitation.id)).state).toBe('pending');
    t.clock.advance(1_000);
    expect(await sweeper.sweep()).toBe(1);
    expect((await current(invitation.id)).state).toBe('expired');
    const late = await decideOnInvitation(t.deps, bea, { requestId: invitation.id, version: invitation.version }, 'accept');
    expect(late.refused).not.toBeNull();
    const trail = await t.deps.requests.eventsOf(invitation.id);
    expect(trail[trail.length - 1]).toMatchObject({ action: 'expire', actorId: 'system:sweeper', reason: 'not answered in two minutes' });
  });

  it('a click at the two minutes expires it rather than accepting', async () => {
    const session = await connectedSession();
    const invitation = await invite(session.id);
    t.clock.advance(120_000);
    const late = await decideOnInvitation(t.deps, bea, pointer(invitation), 'accept');
    expect(late).toMatchObject({ refused: 'REQUEST.EXPIRED', request: { state: 'expired' } });
  });

  it('the session’s close ends its invitations in the same transaction (outbox): joined → ended and out of the room, pending → ended, an overdue one expires', async () => {
    const session = await connectedSession();
    const joined = await invite(session.id);
    await decideOnInvitation(t.deps, bea, pointer(joined), 'accept');
    await syncParticipant(t.deps, joined.id);
    // One colleague per session here: a second connected session holds the pending invitation, a third an overdue one.
    const other = await connectedSession();
    const waiting = await invite(other.id);
    const overdueSession = await connectedSession();
    const overdue = await invite(overdueSession.id);

    await t.deps.outbox.claimOutbox(t.clock.now(), 1000, 60_000);
    const closed = await closeSession(t.deps, alex, { requestId: session.id, version: session.version });
    expect(closed.refused).toBeNull();
    const written = (await t.deps.outbox.claimOutbox(t.clock.now(), 1000, 60_000)).map((item) => item.message);
    expect(written).toContainEqual({ type: 'invitations.end', requestId: session.id });
    expect((await current(joined.id)).state).toBe('accepted');

    await endInvitationsWithParent(t.deps, session.id);
    expect(await current(joined.id)).toMatchObject({ state: 'ended' });
    const effects = (await t.deps.outbox.claimOutbox(t.clock.now(), 1000, 60_000)).map((item) => item.message);
    expect(effects).toContainEqual({ type: 'participant.remove', requestId: joined.id, meetingId: session.id });
    await syncParticipant(t.deps, joined.id);
    expect(await t.deps.participants.participantsOf(session.id, alexPerson)).toEqual([]);
    expect((await t.deps.requests.eventsOf(joined.id)).pop()).toMatchObject({ action: 'end', reason: 'the session ended' });
    // Delivered twice (a retry): nothing more happens.
    await endInvitationsWithParent(t.deps, session.id);
    expect((await t.deps.requests.eventsOf(joined.id)).filter((event) => event.action === 'end')).toHaveLength(1);

    const otherClosed = await closeSession(t.deps, alex, { requestId: other.id, version: other.version });
    expect(otherClosed.refused).toBeNull();
    await endInvitationsWithParent(t.deps, other.id);
    expect((await current(waiting.id)).state).toBe('ended');
    expect((await t.deps.outbox.claimOutbox(t.clock.now(), 1000, 60_000)).map((item) => item.message)).not.toContainEqual(expect.objectContaining({ type: 'participant.remove', requestId: waiting.id }));

    // Delivered while the parent is connected (again): nothing ends.
    await endInvitationsWithParent(t.deps, overdueSession.id);
    expect((await current(overdue.id)).state).toBe('pending');

    t.clock.advance(120_000);
    await closeSession(t.deps, alex, { requestId: overdueSession.id, version: overdueSession.version });
    await endInvitationsWithParent(t.deps, overdueSession.id);
    expect((await current(overdue.id)).state).toBe('expired');
  });

  it.each([
    ['in time', 119_999],
    ['at the two minutes', 120_000],
  ])('accept, cancel and expiry racing %s: exactly one outcome, one audit event', async (_when, after) => {
    const session = await connectedSession();
    const invitation = await invite(session.id);
    t.clock.advance(after);
    const sweeper = new DeadlineSweeper(t.deps);
    const [accept, cancel] = await Promise.all([
      decideOnInvitation(t.deps, bea, pointer(invitation), 'accept'),
      decideOnInvitation(t.deps, alex, pointer(invitation), 'cancel'),
      sweeper.sweep(),
    ]);
    const stored = await current(invitation.id);
    expect(['accepted', 'cancelled', 'expired']).toContain(stored.state);
    expect(stored.version).toBe(2);
    const moves = (await t.deps.requests.eventsOf(invitation.id)).filter((event) => event.action !== 'create');
    expect(moves).toHaveLength(1);
    expect(moves[0].toState).toBe(stored.state);
    const winners = [accept, cancel].filter((result) => result.refused === null);
    expect(winners.length).toBe(stored.state === 'expired' ? 0 : 1);
    for (const result of [accept, cancel]) expect(result.request.state).toBe(stored.state);
  });
});
