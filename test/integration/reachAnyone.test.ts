import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssistRequest } from '../../src/domain/assist';
import { LockboxRequest } from '../../src/domain/lockbox';
import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { APPROVALS_CHANNEL, PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

/**
 * Issue 11 §4: people who never typed to Doorman are reached anyway. Their chat is recorded when they install the
 * app; otherwise Doorman installs itself for them (Graph `teamwork/installedApps`; a stand-in in local mode, where the
 * Playground's people have the app) and opens the one-to-one conversation through the Bot Connector, then delivers.
 * Where that is not allowed, notices with a mail form go by mail and the request's cards say who was not reached.
 */
const APP_ID = 'a1b2c3d4-0000-4000-8000-00000000d00a';
const BOT = { id: '28:doorman', name: 'Doorman' };
const ask = { resource: 'Contoso mailbox', reason: 'Case 4711: mail flow broken', ticket: 'T-4711', durationMinutes: '60' };
// TEAMS_APP_ID also turns on activity-feed notifications, so the Graph app holds TeamsActivity.Send too.
const ALL_ROLES = ['Mail.Send', 'User.Read.All', 'GroupMember.Read.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All', 'TeamsActivity.Send'];
// Graph mode takes people and roles from Entra: approvers through a group with a nested group, the rest by id.
const APPROVERS_GROUP = 'a1a1a1a1-0000-4000-8000-0000000a0001';
const ON_CALL_GROUP = 'a1a1a1a1-0000-4000-8000-0000000a0002';
const MAIL: Partial<Record<keyof typeof PEOPLE, string>> = { alex: 'alex@example.com', carl: 'carl@example.com', dana: 'dana@example.com', finn: 'finn@example.com' };

// Each test starts a Doorman (and in Graph mode the Graph double); on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(30_000);

type Mode = 'local' | 'graph';
type Who = keyof typeof PEOPLE;

interface Setup {
  t: TestDoorman;
  graph: GraphDouble | null;
}

/**
 * A test Doorman in local mode (roles file, install stand-in) or Graph mode (the Graph double: people, mail addresses
 * and roles from Entra with DIRECTORY=graph, Doorman in its app catalog, mail through sendMail).
 */
async function startIn(mode: Mode, options: { roles?: string[] } = {}): Promise<Setup> {
  if (mode === 'local') return { t: await startTestDoorman(), graph: null };
  const graph = await startGraphDouble({ roles: options.roles ?? ALL_ROLES });
  graph.addTeamsApp({ id: APP_ID, displayName: 'Doorman' });
  graph.addUser({ id: 'support-mailbox', displayName: 'Support', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
  for (const [key, person] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
    graph.addUser({ id: person.aadObjectId, displayName: person.name, ...(MAIL[key] ? { mail: MAIL[key] } : {}) });
  }
  // Carl is an approver only through On call, nested in Approvers; Finn and Dana are members of Approvers.
  graph.addGroup({ id: ON_CALL_GROUP, displayName: 'On call', members: [PEOPLE.carl.aadObjectId] });
  graph.addGroup({ id: APPROVERS_GROUP, displayName: 'Approvers', members: [ON_CALL_GROUP, PEOPLE.finn.aadObjectId, PEOPLE.dana.aadObjectId] });
  const t = await startTestDoorman({
    graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
    env: {
      DIRECTORY: 'graph',
      ROLES_FILE: '',
      ROLE_ADMINS: PEOPLE.alex.aadObjectId,
      ROLE_AGENTS: `${PEOPLE.alex.aadObjectId},${PEOPLE.bea.aadObjectId}`,
      ROLE_APPROVERS: `group:${APPROVERS_GROUP}`,
      ROLE_ENGINEERS: PEOPLE.dana.aadObjectId,
      MAIL: 'graph',
      MAIL_SENDER: 'support@contoso.com',
      TEAMS_APP_ID: APP_ID,
      ...graph.graphEnv(),
    },
  });
  // Teams refuses a one-to-one conversation with someone who does not have the app, as the real service does.
  t.connector.personalScope = (id) => graph.isInstalledFor(id, APP_ID);
  return { t, graph };
}

/** Teams' install events for a person's personal scope (no message from them): installationUpdate, then conversationUpdate. */
async function installedByThemselves(t: TestDoorman, who: Who): Promise<void> {
  const personal = {
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId },
    recipient: BOT,
    conversation: { id: `a:personal-${PEOPLE[who].aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
  };
  await t.post({ ...personal, type: 'installationUpdate', action: 'add', id: `install-${who}` });
  await t.post({ ...personal, type: 'conversationUpdate', id: `update-${who}`, membersAdded: [{ id: BOT.id }] });
}

const personalChat = (who: Who) => `a:personal-${PEOPLE[who].aadObjectId}`;
const cardsIn = (t: TestDoorman, who: Who) => t.connector.postsIn(personalChat(who)).map((call) => BotConnectorDouble.cardOf(call));
const textsIn = (t: TestDoorman, who: Who) => cardsIn(t, who).map((card) => JSON.stringify(card));

/** An assistance channel is registered and Eve asks for help from her chat (her form becomes her card). */
async function askedForHelp(t: TestDoorman): Promise<AssistRequest> {
  await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
  await t.message('eve', 'hi');
  const asked = await t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
  expect(asked.body.statusCode).toBe(200);
  await deliverAll(t);
  const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
  return request;
}

/** Delivers until nothing is waiting, moving the clock past the short waits for a chat being opened. */
async function deliverAll(t: TestDoorman): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    await t.deliver();
    if ((await t.store.pendingOutboxCount()) === 0) return;
    t.clock.advance(5_000);
  }
}

/** Mails Doorman sent, as decoded text: Graph's sendMail in Graph mode, the .eml files in local mode. */
function mailsTo(setup: Setup, address: string): string[] {
  if (setup.graph) return setup.graph.mails.filter((mail) => mail.to?.includes(address)).map((mail) => `${mail.subject}\n${mail.text}`);
  let names: string[] = [];
  try {
    names = readdirSync(join(setup.t.dir, 'mail'));
  } catch {
    return [];
  }
  return names
    .map((name) => readFileSync(join(setup.t.dir, 'mail', name), 'utf8'))
    .filter((mail) => mail.includes(address))
    .map((mail) => {
      const subject = /^Subject: (.*)$/m.exec(mail)?.[1] ?? '';
      const decodedSubject = subject.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_all, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
      const parts = mail.split(/--doorman-[^\r\n]*/).map((part) => part.split('\r\n\r\n').slice(1).join('').replace(/\s+/g, ''));
      return [decodedSubject, ...parts.map((part) => Buffer.from(part, 'base64').toString('utf8'))].join('\n');
    });
}

describe.each(['local', 'graph'] as const)('reaching people who never typed to Doorman (%s mode)', (mode) => {
  let setup: Setup;
  let t: TestDoorman;

  beforeEach(async () => {
    setup = await startIn(mode);
    t = setup.t;
    await t.registerApprovals();
    await t.message('alex', 'hi');
    t.connector.calls.length = 0;
  });
  afterEach(async () => {
    await t.stop();
    await setup.graph?.close();
  });

  it('an approver who only installed the app is told that approval was turned off; one who never opened it is reached too', async () => {
    await installedByThemselves(t, 'carl');
    const saved = await t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    expect(saved.body.statusCode).toBe(200);
    await deliverAll(t);

    for (const approver of ['carl', 'finn', 'dana'] as const) {
      expect(textsIn(t, approver).filter((text) => text.includes('Lockbox approval is turned off'))).toHaveLength(1);
    }
    expect(await t.store.unreachablePeople()).toEqual([]);
    if (setup.graph) {
      // The approvers came from Entra: Carl only through the nested group.
      expect(setup.graph.requests.some((seen) => seen.path.includes(`/groups/${APPROVERS_GROUP}/transitiveMembers`))).toBe(true);
      // Carl installed it himself and is never installed for again; Finn and Dana got it from Doorman.
      expect(setup.graph.isInstalledFor(PEOPLE.carl.aadObjectId)).toBe(false);
      expect(setup.graph.isInstalledFor(PEOPLE.finn.aadObjectId, APP_ID)).toBe(true);
    }
    const recorded = (await t.store.listAdminEvents()).filter((event) => event.action === 'chat.recorded');
    expect(recorded.find((event) => event.subjectId === PEOPLE.carl.aadObjectId)).toMatchObject({ actorType: 'person', source: 'chat' });
    expect(recorded.find((event) => event.subjectId === PEOPLE.finn.aadObjectId)).toMatchObject({ actorId: 'system:dispatcher', actorType: 'system' });
  });

  it('an approver who only installed the app, and one who never opened it, get the 1 h reminder', async () => {
    await installedByThemselves(t, 'carl');
    await t.message('dana', 'hi');
    expect((await t.invoke('dana', 'lockbox.create', ask)).body.statusCode).toBe(200);
    await deliverAll(t);
    t.connector.calls.length = 0;

    t.clock.advance(11 * 3600_000);
    await t.doorman.sweeper.sweep();
    await deliverAll(t);

    expect(textsIn(t, 'carl').filter((text) => /1 hour/i.test(text))).toHaveLength(1);
    expect(textsIn(t, 'finn').filter((text) => /1 hour/i.test(text))).toHaveLength(1);
    expect(textsIn(t, 'dana').some((text) => /1 hour/i.test(text))).toBe(false);
  });

  it('an agent assigned a request they never chatted about gets their card, and the assigner is told they were', async () => {
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    expect(created.body.statusCode).toBe(200);
    await deliverAll(t);

    const beasCards = cardsIn(t, 'bea').filter((card) => findById(card, 'facts'));
    expect(beasCards).toHaveLength(1);
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.assigneeNotTold).toBeNull();
    expect(request.deliveryFailures ?? []).toEqual([]);
    expect(await t.store.getPersonalConversation(PEOPLE.bea.aadObjectId)).toMatchObject({ conversationId: personalChat('bea'), name: 'Bea Agent' });
  });

  it('a helper who never chatted with Doorman accepts from the channel: their card and the user\'s answer wait for their chat', async () => {
    const request = await askedForHelp(t);
    const accepted = await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    expect(accepted.body.statusCode).toBe(200);
    await deliverAll(t);
    expect(cardsIn(t, 'bea').filter((card) => findById(card, 'close'))).toHaveLength(1);

    const now = (await t.store.getRequest(request.id)) as AssistRequest;
    expect((await t.invoke('eve', 'assist.refuseControl', { requestId: now.id, version: now.version, comment: 'not now' })).body.statusCode).toBe(200);
    await deliverAll(t);
    expect(textsIn(t, 'bea').filter((text) => text.includes('not now'))).not.toEqual([]);
    const done = (await t.store.getRequest(request.id)) as AssistRequest;
    // (Graph mode here has no TeamsActivity.Send: the activity-feed notifications are given up, visibly, apart.)
    expect((done.deliveryFailures ?? []).filter((failure) => failure.type !== 'activity.notify')).toEqual([]);
    expect(await t.store.getPersonalConversation(PEOPLE.bea.aadObjectId)).toMatchObject({ conversationId: personalChat('bea') });
  });

  it("opens the chat with the person's Teams user id when the channel's roster lists them", async () => {
    t.connector.roster = [{ id: '29:bea-teams-id', objectId: PEOPLE.bea.aadObjectId, name: 'Bea Agent' }];
    await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    await deliverAll(t);

    const [opened] = t.connector.calls.filter((call) => call.kind === 'createConversation' && call.body.isGroup === false);
    expect(opened.body.members).toEqual([{ id: '29:bea-teams-id', name: '' }]);
    expect(await t.store.getPersonalConversation(PEOPLE.bea.aadObjectId)).toMatchObject({ userId: '29:bea-teams-id', conversationId: 'a:personal-29:bea-teams-id' });
    expect(t.connector.postsIn('a:personal-29:bea-teams-id').filter((call) => findById(BotConnectorDouble.cardOf(call), 'facts'))).toHaveLength(1);
  });

  it('an engineer whose request came through the REST API gets their card and is told of the decision', async () => {
    await installedByThemselves(t, 'carl');
    const key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
    const response = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: 60 }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await deliverAll(t);
    // Delivery news (here: activity notifications given up without TeamsActivity.Send) moves the version on; the card has the current one.
    const { version } = (await t.store.getRequest(id)) as LockboxRequest;
    const approved = await t.invoke('carl', 'lockbox.approve', { requestId: id, version, comment: 'go ahead' }, 'channel');
    expect(approved.body.statusCode).toBe(200);
    await deliverAll(t);

    const texts = textsIn(t, 'dana');
    expect(texts.filter((text) => text.includes('Access to Contoso mailbox approved'))).toHaveLength(1);
    expect(cardsIn(t, 'dana').some((card) => findById(card, 'facts') || JSON.stringify(card).includes('Contoso mailbox'))).toBe(true);
    const failures = ((await t.store.getRequest(id)) as LockboxRequest).deliveryFailures ?? [];
    expect(failures.filter((failure) => failure.type !== 'activity.notify')).toEqual([]);
  });
});

describe('when Doorman may not reach a person in Teams', () => {
  let setup: Setup;
  let t: TestDoorman;

  afterEach(async () => {
    await t.stop();
    await setup.graph?.close();
  });

  async function reminderFor(): Promise<LockboxRequest> {
    await t.registerApprovals();
    await t.message('alex', 'hi');
    await t.message('dana', 'hi');
    expect((await t.invoke('dana', 'lockbox.create', ask)).body.statusCode).toBe(200);
    await deliverAll(t);
    t.clock.advance(11 * 3600_000);
    await t.doorman.sweeper.sweep();
    for (let round = 0; round < 30; round += 1) {
      t.clock.advance(60_000);
      await t.deliver();
    }
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    return request;
  }

  /** The newest render of the approvers' channel card of the request. */
  const channelCard = () => {
    const calls = t.connector.calls.filter((call) => call.conversationId.startsWith(APPROVALS_CHANNEL) && (call.kind === 'createConversation' || call.kind === 'update'));
    return BotConnectorDouble.cardOf(calls[calls.length - 1]);
  };

  it('install forbidden (Graph 403): the reminder goes by mail, the card says who was not reached and which permission to grant, doctor says why', async () => {
    setup = await startIn('graph', { roles: ['Mail.Send', 'User.Read.All', 'GroupMember.Read.All'] });
    t = setup.t;
    const request = await reminderFor();

    expect(textsIn(t, 'carl')).toEqual([]);
    const mails = mailsTo(setup, 'carl@example.com').filter((mail) => mail.startsWith('Reminder'));
    expect(mails).toHaveLength(1);
    // The reminder goes by mail beside the chat anyway (issue 15): no second mail for the chat notice that failed.
    expect(mails[0]).toMatch(/Reminder, 1 hour left: Access request: Contoso mailbox/);
    expect(mails[0]).toMatch(/1 hour is left/);
    expect(request.deliveryFailures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'chat.notify', target: { kind: 'person', aadObjectId: PEOPLE.carl.aadObjectId }, code: 'GRAPH.FORBIDDEN', fallback: 'mail' }),
      ]),
    );
    const notReached = String(getById(channelCard(), 'notReached').text);
    expect(notReached).toMatch(/Carl Approver could not be reached in Teams, so they were told by mail\./);
    expect(notReached).toMatch(/TeamsAppInstallation\.ReadWriteSelfForUser\.All/);

    await t.message('alex', 'doctor');
    const doctor = String(getById(BotConnectorDouble.cardOf(t.connector.postsIn(personalChat('alex')).at(-1)!), 'doctor').text);
    expect(doctor).toMatch(/Carl Approver \(install forbidden: Grant the application permission TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    expect(doctor).not.toMatch(/Carl Approver[^;]*no mail address/);
  });

  it('Teams refuses the chat (local mode): after the retries the reminder goes by mail and the card says so', async () => {
    setup = await startIn('local');
    t = setup.t;
    t.connector.personalScope = (id) => id !== PEOPLE.carl.aadObjectId;
    const request = await reminderFor();

    expect(textsIn(t, 'finn').filter((text) => text.includes('Decision due soon'))).toHaveLength(1);
    expect(mailsTo(setup, 'carl@example.com').filter((mail) => /1 hour is left/.test(mail))).toHaveLength(1);
    expect(request.deliveryFailures).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'chat.notify', code: 'REACH.FAILED', fallback: 'mail' })]),
    );
    expect(String(getById(channelCard(), 'notReached').text)).toMatch(/Carl Approver could not be reached in Teams, so they were told by mail/);
    expect(await t.store.unreachablePeople()).toEqual([
      expect.objectContaining({ userId: PEOPLE.carl.aadObjectId, pending: 0, failed: 0, reach: expect.objectContaining({ status: 'unreachable', problem: expect.objectContaining({ code: 'REACH.FAILED' }) }) }),
    ]);
  });

  it('a helper Teams will not open a chat with: their card and the user\'s answer (no mail form) are given up, and the cards say who was not reached', async () => {
    setup = await startIn('local');
    t = setup.t;
    t.connector.personalScope = (id) => id !== PEOPLE.bea.aadObjectId;
    await t.message('alex', 'hi');
    const request = await askedForHelp(t);
    expect((await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel')).body.statusCode).toBe(200);
    const accepted = (await t.store.getRequest(request.id)) as AssistRequest;
    expect((await t.invoke('eve', 'assist.refuseControl', { requestId: accepted.id, version: accepted.version, comment: 'not now' })).body.statusCode).toBe(200);
    for (let round = 0; round < 30; round += 1) {
      t.clock.advance(60_000);
      await t.deliver();
    }

    expect(cardsIn(t, 'bea')).toEqual([]);
    const closed = (await t.store.getRequest(request.id)) as AssistRequest;
    const toBea = { kind: 'person', aadObjectId: PEOPLE.bea.aadObjectId };
    expect(closed.deliveryFailures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'card.post', target: toBea, code: 'REACH.FAILED' }),
        expect.objectContaining({ type: 'chat.notify', target: toBea, code: 'REACH.FAILED' }),
      ]),
    );
    expect(closed.deliveryFailures?.some((failure) => failure.fallback === 'mail')).toBe(false);
    const queueCards = t.connector.calls.filter((call) => call.kind === 'update' && JSON.stringify(call.body).includes('Help requested'));
    expect(String(getById(BotConnectorDouble.cardOf(queueCards[queueCards.length - 1]), 'notReached').text)).toMatch(/Bea Agent/);
  });

  it('an opening whose record was lost (a crash after its steps gave up) does not hold notices forever: after 2 h they fall back', async () => {
    setup = await startIn('local');
    t = setup.t;
    await t.registerApprovals();
    await t.message('alex', 'hi');
    await t.store.startOpeningChat(PEOPLE.finn.aadObjectId, t.clock.now());
    const [install] = await t.store.claimOutbox(t.clock.now(), 10, 60_000, ['chat.install']);
    await t.store.failOutbox(install.id, 'lost with the process that gave up');
    await t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    await deliverAll(t);
    expect(mailsTo(setup, 'finn@example.com')).toEqual([]);

    t.clock.advance(2 * 3600_000);
    await deliverAll(t);

    expect(mailsTo(setup, 'finn@example.com').filter((mail) => mail.includes('Lockbox approval turned off'))).toHaveLength(1);
    expect(await t.store.chatReachOf(PEOPLE.finn.aadObjectId)).toMatchObject({ status: 'unreachable', problem: { code: 'REACH.FAILED' } });
  });

  it('with Graph configured but no TEAMS_APP_ID, nothing is retried in vain: the card names the missing setting at once', async () => {
    setup = await startIn('graph');
    await setup.t.stop();
    const graph = setup.graph as GraphDouble;
    t = await startTestDoorman({
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        MAIL: 'graph',
        MAIL_SENDER: 'support@contoso.com',
        ...graph.graphEnv(),
      },
    });
    setup = { t, graph };
    await t.registerApprovals();
    await t.message('alex', 'hi');
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    expect(created.body.statusCode).toBe(200);
    await deliverAll(t);

    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.assigneeNotTold).toEqual({ aadObjectId: PEOPLE.bea.aadObjectId, reason: 'deliveryFailed' });
    expect(request.deliveryFailures).toEqual([expect.objectContaining({ type: 'card.post', code: 'REACH.NO_APP_ID' })]);
    expect(graph.requests.some((seen) => seen.path.includes('/teamwork/'))).toBe(false);
    const alexsCards = t.connector.calls.filter((call) => call.conversationId === personalChat('alex') && (call.kind === 'send' || call.kind === 'update'));
    expect(String(getById(BotConnectorDouble.cardOf(alexsCards.at(-1)!), 'notReached').text)).toMatch(/Bea Agent was not told about this request\. .*TEAMS_APP_ID/);
  });
});

describe('a crash between installing Doorman for a person and opening their chat (Graph mode)', () => {
  let setup: Setup;
  afterEach(async () => {
    await setup.t.stop();
    await setup.graph?.close();
  });

  it('installs again (409: already installed, fine), opens the chat, and delivers the card once', async () => {
    setup = await startIn('graph');
    const { t } = setup;
    const graph = setup.graph as GraphDouble;
    // The process dies right after Graph installed the app, before the next step was written: the step is run again.
    const queueOutbox = t.store.queueOutbox.bind(t.store);
    let crashes = 0;
    t.store.queueOutbox = async (messages, at) => {
      if (crashes === 0 && messages.some((message) => message.type === 'chat.open')) {
        crashes += 1;
        throw new Error('simulated crash between install and open');
      }
      return queueOutbox(messages, at);
    };
    await t.registerApprovals();
    await t.message('alex', 'hi');
    await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    await deliverAll(t);

    expect(crashes).toBe(1);
    const installs = graph.requests.filter((seen) => seen.method === 'POST' && seen.path.endsWith(`/users/${PEOPLE.bea.aadObjectId}/teamwork/installedApps`));
    expect(installs).toHaveLength(2);
    expect(graph.installedApps.get(PEOPLE.bea.aadObjectId)?.size).toBe(1);
    expect(cardsIn(t, 'bea').filter((card) => findById(card, 'facts'))).toHaveLength(1);
    expect(t.connector.callsOf('createConversation', personalChat('bea'))).toHaveLength(1);
  });
});
