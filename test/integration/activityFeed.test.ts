import { AssistRequest } from '../../src/domain/assist';
import { LockboxRequest } from '../../src/domain/lockbox';
import { SessionRequest } from '../../src/domain/session';
import { InvitationRequest } from '../../src/domain/invitation';
import { aSessionRequest } from '../support/sessionBuilder';
import { requestDeepLink } from '../../src/adapters/graph/graphActivityFeed';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

// Teams activity-feed notifications for the moments a person must act, delivered through the outbox dispatcher:
// against the stateful Graph double (Graph mode, TEAMS_APP_ID set) and with the local stand-in (console and cards).

const TEAMS_APP_ID = '03c80289-9068-4332-b2da-cd6a300c7f50';
const ask = { resource: 'Contoso mailbox', reason: 'Case 4711: mail flow broken', ticket: 'T-4711', durationMinutes: '60' };

/** The customer opens the link and enters a name (→ waiting); returns their browser's cookie. */
async function arrive(t: TestDoorman, code: string): Promise<string> {
  const response = await fetch(`${t.doorman.url}/j/${code}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chloé' }) });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** The customer grants access (→ ready). */
async function allow(t: TestDoorman, code: string, cookie: string): Promise<void> {
  const response = await fetch(`${t.doorman.url}/j/${code}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
  expect(response.status).toBe(200);
}

async function createSession(t: TestDoorman, assignTo: string): Promise<{ code: string; request: SessionRequest }> {
  const response = await t.invoke('alex', 'session.create', { recipientName: 'Chloé', recipientEmail: 'chloe@example.fr', assignTo, sendEmail: 'false' });
  expect(response.body.statusCode).toBe(200);
  const text = (findById(response.body.value, 'inviteText') as { value: string }).value;
  const code = /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
  const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
  return { code, request };
}

describe('activity-feed notifications through Microsoft Graph (stateful double)', () => {
  let graph: GraphDouble;
  let t: TestDoorman;

  async function start(roles: string[]): Promise<void> {
    graph = await startGraphDouble({ roles });
    for (const person of Object.values(PEOPLE)) graph.addUser({ id: person.aadObjectId, displayName: person.name });
    graph.addUser({ id: 'support-mailbox', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
    t = await startTestDoorman({
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        MAIL: 'graph',
        MAIL_SENDER: 'support@contoso.com',
        ...graph.graphEnv(),
        TEAMS_APP_ID,
      },
    });
    for (const who of ['alex', 'bea', 'carl', 'dana', 'finn'] as const) await t.message(who, 'hi');
  }

  afterEach(async () => {
    await t.stop();
    await graph.close();
  });

  const feedOf = (who: keyof typeof PEOPLE) => graph.activityNotifications.get(PEOPLE[who].aadObjectId) ?? [];

  it('tells the assigned agent when their customer is waiting and when ready, even with no queue thread to mention in; a click opens the request', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    const { code, request } = await createSession(t, 'me');
    expect(request.queueId).toBeNull();
    await t.deliver();
    expect(feedOf('alex')).toEqual([]);

    const cookie = await arrive(t, code);
    await t.deliver();
    await allow(t, code, cookie);
    await t.deliver();

    expect(feedOf('alex').map((n) => n.activityType)).toEqual(['customerWaiting', 'customerReady']);
    expect(feedOf('alex')[1]).toEqual({
      topic: { source: 'text', value: 'Session with Chloé', webUrl: requestDeepLink(TEAMS_APP_ID, request.id) },
      activityType: 'customerReady',
      previewText: { content: expect.stringContaining('Chloé granted access') },
      templateParameters: [{ name: 'customer', value: 'Chloé' }],
      teamsAppId: TEAMS_APP_ID,
    });
    expect(feedOf('bea')).toEqual([]);
  });

  it('tells a newly assigned agent, but not an agent who takes the request themselves', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    const { request } = await createSession(t, `user:${PEOPLE.bea.aadObjectId}`);
    await t.deliver();
    expect(feedOf('bea').map((n) => n.activityType)).toEqual(['requestAssigned']);

    const current = (await t.store.getRequest(request.id)) as SessionRequest;
    const taken = await t.invoke('alex', 'session.assign', { requestId: request.id, version: current.version, assignTo: 'me' });
    expect(taken.body.statusCode).toBe(200);
    await t.deliver();
    expect(feedOf('alex')).toEqual([]);

    const again = (await t.store.getRequest(request.id)) as SessionRequest;
    await t.invoke('alex', 'session.assign', { requestId: request.id, version: again.version, assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    await t.deliver();
    expect(feedOf('bea').map((n) => n.activityType)).toEqual(['requestAssigned', 'requestAssigned']);
  });

  it('tells each approver (never the requester) that a lockbox request needs them, and again one hour before it expires', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    await t.registerApprovals();
    expect((await t.invoke('dana', 'lockbox.create', ask)).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    await t.deliver();
    expect(feedOf('carl').map((n) => n.activityType)).toEqual(['approvalNeeded']);
    expect(feedOf('finn').map((n) => n.activityType)).toEqual(['approvalNeeded']);
    expect(feedOf('dana')).toEqual([]);
    expect(feedOf('carl')[0]).toMatchObject({ templateParameters: [{ name: 'resource', value: 'Contoso mailbox' }] });
    expect(feedOf('carl')[0].topic.webUrl).toBe(requestDeepLink(TEAMS_APP_ID, request.id));

    t.clock.advance(11 * 3600_000);
    await t.doorman.sweeper.sweep();
    await t.deliver();
    expect(feedOf('carl').map((n) => n.activityType)).toEqual(['approvalNeeded', 'approvalReminder']);
    expect(feedOf('finn').map((n) => n.activityType)).toEqual(['approvalNeeded', 'approvalReminder']);
    expect(feedOf('dana')).toEqual([]);
  });

  it('with a lead review: the admins first, then the approvers once the lead passes it on', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    await t.registerApprovals();
    const saved = await t.invoke('alex', 'settings.save', { approvalRequired: 'true', leadReview: 'true', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    expect(saved.body.statusCode).toBe(200);
    await t.invoke('dana', 'lockbox.create', ask);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(request.state).toBe('review');
    await t.deliver();
    expect(feedOf('alex').map((n) => n.activityType)).toEqual(['approvalNeeded']);
    expect(feedOf('carl')).toEqual([]);

    const passed = await t.invoke('alex', 'lockbox.approve', { requestId: request.id, version: request.version, stage: 'review' }, 'channel');
    expect(passed.body.statusCode).toBe(200);
    await t.deliver();
    expect(feedOf('carl').map((n) => n.activityType)).toEqual(['approvalNeeded']);
    expect(feedOf('finn').map((n) => n.activityType)).toEqual(['approvalNeeded']);
    expect(feedOf('dana')).toEqual([]);
  });

  it('a throttled notification waits without spending an attempt and arrives later', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    await t.registerApprovals();
    graph.failNext(1, { status: 429, retryAfter: '30' }, { path: /sendActivityNotification$/ });
    await t.invoke('dana', 'lockbox.create', ask);
    await t.deliver();
    const counts = [feedOf('carl').length, feedOf('finn').length].sort();
    expect(counts).toEqual([0, 1]);
    t.clock.advance(30_000);
    await t.deliver();
    expect([feedOf('carl').length, feedOf('finn').length]).toEqual([1, 1]);
    expect(await t.store.failedOutbox(10)).toEqual([]);
  });

  it('tells the on-call agents (never the requester) that someone asks for help, and the user that the helper wants to connect; a click opens the request', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    await t.message('eve', 'hi');
    const asked = await t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    expect(asked.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.deliver();
    expect(feedOf('alex').map((n) => n.activityType)).toEqual(['assistRequested']);
    expect(feedOf('bea')[0]).toEqual({
      topic: { source: 'text', value: expect.stringContaining('Eve User'), webUrl: requestDeepLink(TEAMS_APP_ID, request.id) },
      activityType: 'assistRequested',
      previewText: { content: expect.stringContaining('Eve User asks for help') },
      templateParameters: [{ name: 'requester', value: 'Eve User' }],
      teamsAppId: TEAMS_APP_ID,
    });
    expect(feedOf('eve')).toEqual([]);

    const accepted = await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    expect(accepted.body.statusCode).toBe(200);
    await t.deliver();
    expect(feedOf('eve')).toEqual([
      expect.objectContaining({
        activityType: 'helperWantsToConnect',
        topic: expect.objectContaining({ webUrl: requestDeepLink(TEAMS_APP_ID, request.id) }),
        templateParameters: [{ name: 'helper', value: 'Bea Agent' }],
      }),
    ]);
    expect(feedOf('bea').map((n) => n.activityType)).toEqual(['assistRequested']);
  });

  it('tells the invited colleague (only them, only while pending) that someone invites them; a click opens the invitation', async () => {
    await start(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
    const now = t.clock.now();
    const session = aSessionRequest({ state: 'connected', createdBy: PEOPLE.alex, comments: 'Printer on floor 3 jams', createdAt: now, updatedAt: now, expiresAt: new Date(now.getTime() + 3600_000) });
    await t.store.commit({ request: session, expectedVersion: null, events: [], outbox: [], deadlines: [] });
    const sent = await t.invoke('alex', 'invitation.create', { requestId: session.id, version: session.version, invitee: PEOPLE.bea.aadObjectId, permissionProfile: 'Collaborate' });
    expect(sent.body.statusCode).toBe(200);
    const [invitation] = (await t.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    await t.deliver();
    expect(feedOf('bea')).toEqual([
      {
        topic: { source: 'text', value: 'Session · Printer on floor 3 jams', webUrl: requestDeepLink(TEAMS_APP_ID, invitation.id) },
        activityType: 'invitationReceived',
        previewText: { content: expect.stringContaining('Alex Agent invites you into the session “Printer on floor 3 jams” as Collaborate') },
        templateParameters: [{ name: 'inviter', value: 'Alex Agent' }],
        teamsAppId: TEAMS_APP_ID,
      },
    ]);
    expect(feedOf('alex')).toEqual([]);
    expect(JSON.stringify(feedOf('bea'))).not.toContain('/j/');
  });

  it('without TeamsActivity.Send: given up at once, and the request card names the permission (never silent)', async () => {
    await start(['Mail.Send', 'User.Read.All']);
    const { code, request } = await createSession(t, 'me');
    await arrive(t, code);
    await t.deliver();
    const failed = (await t.store.failedOutbox(10)).filter((row) => row.type === 'activity.notify');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 1, error: expect.stringContaining('TeamsActivity.Send') });
    await t.deliver();
    const after = (await t.store.getRequest(request.id)) as SessionRequest;
    expect(after.deliveryFailures).toEqual([
      expect.objectContaining({ type: 'activity.notify', code: 'GRAPH.FORBIDDEN', target: { kind: 'person', aadObjectId: PEOPLE.alex.aadObjectId } }),
    ]);
    const cards = t.connector.callsOf('update').map((call) => JSON.stringify(call.body));
    expect(cards.some((card) => card.includes('got no Teams activity notification') && card.includes('TeamsActivity.Send'))).toBe(true);
  });
});

describe('activity-feed notifications in local mode (console and cards)', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', 'hi');
  });
  afterEach(() => t.stop());

  it('writes one readable line per notification and says "🔔 Notified <name>" on the request cards', async () => {
    const { code } = await createSession(t, 'me');
    await t.deliver();
    t.connector.calls.length = 0;
    await arrive(t, code);
    await t.deliver();
    const lines = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => String(line.msg).startsWith('🔔'));
    expect(lines).toEqual([expect.objectContaining({ to: PEOPLE.alex.name, activity: 'customerWaiting', msg: `🔔 activity feed (local stand-in): ${PEOPLE.alex.name}` })]);
    const cards = t.connector.callsOf('update').map((call) => JSON.stringify(call.body));
    expect(cards.some((card) => card.includes(`🔔 Notified ${PEOPLE.alex.name}`))).toBe(true);
  });

  it('says "🔔 Notified <agents>" on the assistance queue card when someone asks for help', async () => {
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    await t.message('eve', 'hi');
    expect((await t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` })).body.statusCode).toBe(200);
    await t.deliver();
    expect(t.logs.filter((line) => line.includes('🔔 activity feed (local stand-in)') && line.includes('assistRequested'))).toHaveLength(2);
    const drawn = t.connector.calls.filter((call) => call.kind === 'createConversation' || call.kind === 'update');
    const queueCards = drawn.map((call) => BotConnectorDouble.cardOf(call)).filter((card) => JSON.stringify(card).includes('Help requested'));
    const notified = queueCards.map((card) => String((findById(card, 'notified') as { text?: string } | undefined)?.text ?? ''));
    expect(notified.at(-1)).toContain(`🔔 Notified ${PEOPLE.alex.name}, ${PEOPLE.bea.name}`);
  });

  it('never redraws the invitation card (its one-time link is shown once) when it marks a notification on the cards', async () => {
    await createSession(t, `user:${PEOPLE.bea.aadObjectId}`);
    const invitation = (await t.store.cardActivitiesOf((await t.store.listRequests({ kind: 'session' }))[0].id)).find((card) => card.role === 'invitation');
    expect(invitation).toBeDefined();
    await t.deliver();
    expect(t.logs.some((line) => line.includes('🔔 activity feed (local stand-in): Bea Agent'))).toBe(true);
    expect(t.connector.callsOf('update').filter((call) => call.activityId === invitation?.activityId)).toEqual([]);
  });
});
