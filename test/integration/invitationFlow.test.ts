import { MeetingParticipant } from '../../src/application/ports';
import { LocalMeetingParticipants } from '../../src/adapters/local/localMeetingParticipants';
import { AssistRequest } from '../../src/domain/assist';
import { Person } from '../../src/domain/people';
import { InvitationRequest } from '../../src/domain/invitation';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, QUEUE_CHANNEL, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, validateCard } from '../support/validateCard';

const ask = { problem: 'Outlook will not start since this morning', urgency: 'high', phone: '', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` };

// Each test starts a Doorman and walks many HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(60_000);

describe('invitations into a connected assistance request, through the HTTP server (local mode)', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['alex', 'bea', 'eve', 'carl'] as const) await t.message(who, 'hi');
    t.connector.calls.length = 0;
  });
  afterEach(() => t.stop());

  const chat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;
  const cardsIn = (who: keyof typeof PEOPLE) =>
    t.connector.calls.filter((call) => call.conversationId === chat(who) && ['send', 'reply', 'update'].includes(call.kind)).map((call) => BotConnectorDouble.cardOf(call));
  const lastCardIn = (who: keyof typeof PEOPLE) => cardsIn(who)[cardsIn(who).length - 1];
  // The helper's card of the request, as last drawn in their chat.
  const helperCard = () => cardsIn('bea').filter((card) => JSON.stringify(card).includes('Helping Eve User')).pop();
  const invitation = async (id: string) => (await t.store.getRequest(id)) as InvitationRequest;
  const pointer = (request: { id: string; version: number }) => ({ requestId: request.id, version: request.version });
  /** Delivers everything, also what the per-conversation rate limit moved a few seconds on (the fake clock moves). */
  const settle = async () => {
    await t.deliver();
    t.clock.advance(5_000);
    await t.deliver();
  };

  /** Eve asks for help, Bea accepts, Eve allows: connected in the local room. */
  async function connectedAssist(): Promise<AssistRequest> {
    await t.invoke('eve', 'assist.create', ask);
    const [asked] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', pointer(asked), 'channel');
    const accepted = (await t.store.getRequest(asked.id)) as AssistRequest;
    await t.invoke('eve', 'assist.allowControl', pointer(accepted));
    await t.deliver();
    const connected = (await t.store.getRequest(asked.id)) as AssistRequest;
    expect(connected.state).toBe('connected');
    return connected;
  }

  it('Bea invites Alex as Collaborate; Alex accepts, joins the local room as presenter; Bea re-roles and removes him', async () => {
    const parent = await connectedAssist();
    // The helper's card offers Invite a colleague once connected, with the agents and the profiles.
    const offered = helperCard();
    validateCard(offered as never);
    expect(findById(offered, 'inviteColleague')).toBeTruthy();

    const sent = await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Collaborate' });
    expect(sent.body.statusCode).toBe(200);
    validateCard(sent.body.value);
    const [created] = (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    expect(created).toMatchObject({ state: 'pending', parentId: parent.id, invitee: { name: 'Alex Agent' }, profile: { name: 'Collaborate' } });
    await t.deliver();

    const alexCard = lastCardIn('alex');
    validateCard(alexCard as never);
    expect(JSON.stringify(alexCard)).toContain('Bea Agent invites you into a session');
    expect(JSON.stringify(alexCard)).toContain('Outlook will not start');
    expect(findById(alexCard, 'accept')).toBeTruthy();
    expect(findById(lastCardIn('bea'), 'cancel')).toBeTruthy();

    // Only the invitee answers: Bea's crafted Accept is refused on her card.
    const crafted = await t.invoke('bea', 'invitation.accept', pointer(created));
    expect(findById(crafted.body.value, 'notice')).toBeTruthy();
    expect((await invitation(created.id)).state).toBe('pending');

    const accepted = await t.invoke('alex', 'invitation.accept', pointer(created));
    expect(accepted.body.statusCode).toBe(200);
    expect(findById(accepted.body.value, 'join')).toMatchObject({ url: expect.stringContaining(`/assist/${parent.id}/room`) });
    await settle();
    expect(await t.doorman.deps.participants.participantsOf(parent.id, PEOPLE.bea)).toEqual([{ person: PEOPLE.alex, role: 'presenter' }]);
    // The request's cards say who joined with which profile.
    expect(JSON.stringify(helperCard())).toContain('Alex Agent — Collaborate (joined)');
    // The local room lists the colleague with their meeting role.
    const room = await fetch(`${t.doorman.url}/assist/${parent.id}/room`);
    expect(await room.text()).toContain('<li>Alex Agent (presenter)</li>');

    const joined = await invitation(created.id);
    const changed = await t.invoke('bea', 'invitation.changeProfile', { ...pointer(joined), [`permissionProfile-${joined.id}`]: 'View only' });
    expect(changed.body.statusCode).toBe(200);
    await t.deliver();
    expect(await t.doorman.deps.participants.participantsOf(parent.id, PEOPLE.bea)).toEqual([{ person: PEOPLE.alex, role: 'attendee' }]);

    const removed = await t.invoke('bea', 'invitation.remove', pointer(await invitation(created.id)));
    expect(removed.body.statusCode).toBe(200);
    await settle();
    expect(await t.doorman.deps.participants.participantsOf(parent.id, PEOPLE.bea)).toEqual([]);
    expect(JSON.stringify(cardsIn('alex'))).toContain('no longer includes you');
    expect(JSON.stringify(helperCard())).not.toContain('Alex Agent —');
    const trail = (await t.store.eventsOf(created.id)).map((event) => event.action);
    expect(trail).toEqual(['create', 'accept', 'changeProfile', 'remove']);
  });

  it('inviting yourself or an unknown profile is refused on the card, nothing created; a malformed click is a 400', async () => {
    const parent = await connectedAssist();
    // The picker's search answers `user:<id>` (as Assign…'s does): the same person.
    const self = await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: `user:${PEOPLE.bea.aadObjectId}`, permissionProfile: 'View only' });
    expect(self.body.statusCode).toBe(200);
    expect(JSON.stringify(findById(self.body.value, 'notice'))).toContain('You cannot invite yourself');
    const unknown = await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Root' });
    expect(JSON.stringify(findById(unknown.body.value, 'notice'))).toContain('permission profile');
    const stranger = await t.invoke('eve', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'View only' });
    expect(stranger.body.statusCode).toBe(403);
    expect((await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: 42 })).body.statusCode).toBe(400);
    expect(await t.store.listRequests({ kind: 'invitation' })).toEqual([]);
  });

  it('closing the assistance ends its invitations: the joined colleague leaves the meeting, the pending one is withdrawn, both cards say why', async () => {
    const parent = await connectedAssist();
    await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Collaborate' });
    const [joinedOne] = (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    await t.invoke('alex', 'invitation.accept', pointer(joinedOne));
    await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.carl.aadObjectId, permissionProfile: 'View only' });
    const pendingOne = ((await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[]).find((request) => request.state === 'pending')!;
    await settle();
    expect(await t.doorman.deps.participants.participantsOf(parent.id, PEOPLE.bea)).toEqual([{ person: PEOPLE.alex, role: 'presenter' }]);

    const closed = await t.invoke('bea', 'assist.close', pointer((await t.store.getRequest(parent.id)) as AssistRequest));
    expect(closed.body.statusCode).toBe(200);
    // The close wrote the ending into its own transaction: it is in the outbox before anything is delivered.
    expect((await invitation(joinedOne.id)).state).toBe('accepted');
    await settle();
    await settle();

    expect((await invitation(joinedOne.id)).state).toBe('ended');
    expect((await invitation(pendingOne.id)).state).toBe('ended');
    expect(await t.doorman.deps.participants.participantsOf(parent.id, PEOPLE.bea)).toEqual([]);
    expect(JSON.stringify(lastCardIn('carl'))).toContain('Ended — the assistance request was closed');
    expect(JSON.stringify(cardsIn('alex'))).toContain('Ended — the assistance request was closed');
    expect(JSON.stringify(cardsIn('alex'))).toContain('your invitation into it ended with it');
    const inviterCards = cardsIn('bea').filter((card) => JSON.stringify(card).includes('Invitation for'));
    expect(JSON.stringify(inviterCards.filter((card) => JSON.stringify(card).includes('Invitation for Alex')).pop())).toContain('Ended — the assistance request was closed');
    expect(JSON.stringify(inviterCards.filter((card) => JSON.stringify(card).includes('Invitation for Carl')).pop())).toContain('Ended — the assistance request was closed');
    for (const id of [joinedOne.id, pendingOne.id]) {
      expect((await t.store.eventsOf(id)).pop()).toMatchObject({ action: 'end', toState: 'ended', actorId: 'system:dispatcher', reason: 'the assistance request ended' });
    }
    // A late Accept of the ended invitation changes nothing.
    const late = await t.invoke('carl', 'invitation.accept', pointer(pendingOne));
    expect(findById(late.body.value, 'accept')).toBeUndefined();
    expect((await invitation(pendingOne.id)).state).toBe('ended');
  });

  /** `text` typed by `who` in `conversationId` (a channel thread or their chat), @mentioning `mentions` besides Doorman. */
  function typed(who: keyof typeof PEOPLE, text: string, conversationId: string, mentions: { id: string; name: string }[] = []) {
    const personal = conversationId.startsWith('a:personal');
    return t.post({
      type: 'message',
      id: `typed-${Math.random()}`,
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      timestamp: t.clock.now().toISOString(),
      from: { id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId, name: PEOPLE[who].name },
      recipient: { id: '28:doorman', name: 'Doorman' },
      conversation: personal ? { id: conversationId, conversationType: 'personal', tenantId: TENANT } : { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: TENANT },
      channelData: personal ? { tenant: { id: TENANT } } : { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: QUEUE_CHANNEL } },
      text: personal ? text : `<at>Doorman</at> ${text}`,
      entities: [
        ...(personal ? [] : [{ type: 'mention', mentioned: { id: '28:doorman', name: 'Doorman' }, text: '<at>Doorman</at>' }]),
        ...mentions.map((person) => ({ type: 'mention', mentioned: person, text: `<at>${person.name}</at>` })),
      ],
    });
  }
  const lastPostIn = (conversationId: string) => BotConnectorDouble.cardOf(t.connector.postsIn(conversationId).pop()!);
  const mentionOf = (who: keyof typeof PEOPLE) => ({ id: `29:teams-${who}`, name: PEOPLE[who].name });

  it('`invite @Name` in the request’s thread answers the invite form with the colleague filled in; Send invitation invites them', async () => {
    const parent = await connectedAssist();
    const thread = (await t.store.cardActivitiesOf(parent.id)).find((card) => card.role === 'queue')!.conversationId;
    expect(thread).toContain(';messageid=');

    await typed('bea', 'invite <at>Alex Agent</at>', thread, [mentionOf('alex')]);
    const form = lastPostIn(thread);
    validateCard(form as never);
    expect(JSON.stringify(findById(form, 'title'))).toContain('Invite Alex Agent');
    // The profile is still to pick: no preselected value.
    expect(findById(form, 'permissionProfile')).not.toHaveProperty('value');
    const send = findById(form, 'sendInvitation') as unknown as { verb: string; data: Record<string, unknown> };
    expect(send.data).toMatchObject({ requestId: parent.id, invitee: PEOPLE.alex.aadObjectId });

    const sent = await t.invoke('bea', send.verb, { ...send.data, permissionProfile: 'Full control' }, 'channel');
    expect(sent.body.statusCode).toBe(200);
    expect(JSON.stringify(findById(sent.body.value, 'invitationSent'))).toContain('Alex Agent is invited as Full control');
    const [created] = (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    expect(created).toMatchObject({ state: 'pending', parentId: parent.id, invitee: PEOPLE.alex, profile: { name: 'Full control' } });
    await t.invoke('alex', 'invitation.accept', pointer(created));

    // The card's reasons: already in, yourself, someone the directory does not know; and no one mentioned.
    const refusalIn = async (text: string, mentions: { id: string; name: string }[]) => {
      await typed('bea', text, thread, mentions);
      return JSON.stringify(findById(lastPostIn(thread), 'inviteRefused'));
    };
    expect(await refusalIn('invite <at>Alex Agent</at>', [mentionOf('alex')])).toContain('already in this session');
    expect(await refusalIn('invite <at>Bea Agent</at>', [mentionOf('bea')])).toContain('cannot invite yourself');
    expect(await refusalIn('invite <at>Nobody Known</at>', [{ id: '29:nobody', name: 'Nobody Known' }])).toContain('cannot be reached');
    expect(await refusalIn('invite', [])).toContain('invite @Name');
  });

  it('`invite` where no request of yours can be found says how it is used; in your chat it takes your one connected request; before connected it says so', async () => {
    // A thread of no request, before anything is connected.
    await typed('bea', 'invite <at>Alex Agent</at>', `${QUEUE_CHANNEL};messageid=42`, [mentionOf('alex')]);
    expect(JSON.stringify(findById(lastPostIn(`${QUEUE_CHANNEL};messageid=42`), 'inviteRefused'))).toContain('in the thread of a session or assistance request you run');

    await t.invoke('eve', 'assist.create', ask);
    const [asked] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', pointer(asked), 'channel');
    await typed('bea', 'invite Alex Agent', chat('bea'));
    expect(JSON.stringify(findById(lastPostIn(chat('bea')), 'inviteRefused'))).toContain('only while the session is connected');

    await t.invoke('eve', 'assist.allowControl', pointer((await t.store.getRequest(asked.id)) as AssistRequest));
    await t.deliver();
    // A personal chat cannot @mention people: the name typed is looked up.
    await typed('bea', 'invite Alex Agent', chat('bea'));
    const form = lastPostIn(chat('bea'));
    expect(JSON.stringify(findById(form, 'title'))).toContain('Invite Alex Agent');
    // Someone who is no host of the request (Alex) finds no request of theirs there.
    await typed('alex', 'invite Carl Approver', chat('alex'));
    expect(JSON.stringify(findById(lastPostIn(chat('alex')), 'inviteRefused'))).toContain('invite @Name');
  });

  it('two minutes without an answer: expired on both cards, the inviter is told, a late Accept is refused', async () => {
    const parent = await connectedAssist();
    await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE.carl.aadObjectId, permissionProfile: 'View only' });
    const [created] = (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    await t.deliver();
    // The helper's card of the request lists the invitation while it waits.
    expect(JSON.stringify(helperCard())).toContain('Carl Approver — View only (invited, waiting for an answer)');
    t.clock.advance(120_000);
    await t.doorman.sweeper.sweep();
    await t.deliver();
    expect((await invitation(created.id)).state).toBe('expired');
    expect(JSON.stringify(cardsIn('carl'))).toContain('Expired — not answered in two minutes');
    expect(JSON.stringify(cardsIn('bea'))).toContain('did not answer');
    expect(JSON.stringify(helperCard())).not.toContain('Carl Approver');
    const late = await t.invoke('carl', 'invitation.accept', pointer(created));
    expect(findById(late.body.value, 'accept')).toBeUndefined();
  });
});

/** The local room, watched: how many changes to one meeting were in flight at once. */
class WatchedParticipants extends LocalMeetingParticipants {
  private readonly running = new Map<string, number>();
  readonly mostAtOnce = new Map<string, number>();

  override async setParticipant(meetingId: string, organizer: Person, participant: MeetingParticipant): Promise<void> {
    await this.watched(meetingId, () => super.setParticipant(meetingId, organizer, participant));
  }

  override async removeParticipant(meetingId: string, organizer: Person, person: Person): Promise<void> {
    await this.watched(meetingId, () => super.removeParticipant(meetingId, organizer, person));
  }

  private async watched(meetingId: string, change: () => Promise<void>): Promise<void> {
    const now = (this.running.get(meetingId) ?? 0) + 1;
    this.running.set(meetingId, now);
    this.mostAtOnce.set(meetingId, Math.max(now, this.mostAtOnce.get(meetingId) ?? 0));
    // A read-modify-write of the attendee list takes a few turns of the event loop (Graph: a GET, then a PATCH).
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    await change();
    this.running.set(meetingId, (this.running.get(meetingId) ?? 1) - 1);
  }
}

describe('meeting participant changes of one meeting, within an instance', () => {
  let t: TestDoorman;
  const participants = new WatchedParticipants();

  beforeEach(async () => {
    t = await startTestDoorman({ participants });
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['alex', 'bea', 'eve', 'carl', 'dana'] as const) await t.message(who, 'hi');
  });
  afterEach(() => t.stop());

  const pointer = (request: { id: string; version: number }) => ({ requestId: request.id, version: request.version });

  it('run one after another (the outbox lane is the meeting, not the invitation): three colleagues accepted at once all end up listed', async () => {
    await t.invoke('eve', 'assist.create', ask);
    const [asked] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', pointer(asked), 'channel');
    await t.invoke('eve', 'assist.allowControl', pointer((await t.store.getRequest(asked.id)) as AssistRequest));
    await t.deliver();
    const parent = (await t.store.getRequest(asked.id)) as AssistRequest;
    for (const who of ['alex', 'carl', 'dana'] as const) {
      await t.invoke('bea', 'invitation.create', { ...pointer(parent), invitee: PEOPLE[who].aadObjectId, permissionProfile: 'View only' });
    }
    await t.deliver();
    for (const invitation of (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[]) {
      const who = (Object.keys(PEOPLE) as (keyof typeof PEOPLE)[]).find((key) => PEOPLE[key].aadObjectId === invitation.invitee.aadObjectId)!;
      expect((await t.invoke(who, 'invitation.accept', pointer(invitation))).body.statusCode).toBe(200);
    }
    await t.deliver();
    expect(participants.mostAtOnce.get(parent.id)).toBe(1);
    expect((await participants.participantsOf(parent.id)).map((participant) => participant.person.name).sort()).toEqual(['Alex Agent', 'Carl Approver', 'Dana Engineer']);
  });
});
