import { randomBytes } from 'node:crypto';
import { SessionRequest } from '../../src/domain/session';
import { LockboxRequest } from '../../src/domain/lockbox';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { APPROVALS_CHANNEL, PEOPLE, QUEUE_CHANNEL, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

const TIER2_CHANNEL = '19:tier2@thread.tacv2';
const personalChat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

/** Channels serve one purpose each (issue 9, defect 3; issue 15): nothing lands in a channel of another purpose. */
describe('channels registered for a purpose', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    for (const who of ['alex', 'dana', 'carl'] as const) await t.message(who, 'hi');
  });
  afterEach(() => t.stop());

  /** The card the bot answered with last in a conversation. */
  const lastCardIn = (conversationId: string) => {
    const posts = t.connector.postsIn(conversationId);
    return BotConnectorDouble.cardOf(posts[posts.length - 1]);
  };

  /** A message said in another channel of the team (the harness's own channel is Tier 1). */
  const sayIn = (channelId: string, text: string, who: keyof typeof PEOPLE = 'alex') =>
    t.post({
      type: 'message',
      id: `msg-${randomBytes(4).toString('hex')}`,
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId, name: PEOPLE[who].name },
      recipient: { id: '28:doorman', name: 'Doorman' },
      conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: channelId } },
      text: `<at>Doorman</at> ${text}`,
    });

  const newSession = async (assignTo = 'me') => {
    const response = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo });
    expect(response.body.statusCode).toBe(200);
    const sessions = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    return sessions[0];
  };

  it('registers sessions, approvals and assistance channels, and says so in each', async () => {
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.registerApprovals();
    await sayIn('19:assist@thread.tacv2', 'register assistance');

    const byChannel = Object.fromEntries((await t.store.listQueues()).map((queue) => [queue.channelId, queue]));
    expect(byChannel[QUEUE_CHANNEL]).toMatchObject({ name: 'Tier 1', purpose: 'sessions' });
    expect(byChannel[APPROVALS_CHANNEL]).toMatchObject({ purpose: 'approvals', isDefault: true });
    expect(byChannel['19:assist@thread.tacv2']).toMatchObject({ purpose: 'assistance', isDefault: true });
    expect(String(getById(lastCardIn(APPROVALS_CHANNEL), 'queueRegistered').text)).toMatch(/lockbox approval requests/);
    expect(String(getById(lastCardIn(QUEUE_CHANNEL), 'queueRegistered').text)).toMatch(/default queue/);
  });

  it('registering channels is for admins', async () => {
    await sayIn(TIER2_CHANNEL, 'register approvals', 'dana');
    expect(findById(lastCardIn(TIER2_CHANNEL), 'notPermitted')).toBeTruthy();
    expect(await t.store.listQueues()).toEqual([]);
  });

  it('with several sessions queues and no default, "Me" goes to no queue (not the alphabetically first) and the form says so', async () => {
    await sayIn(TIER2_CHANNEL, 'register queue Alpha');
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');

    await t.message('alex', 'new session');
    expect(String(getById(lastCardIn(personalChat('alex')), 'queueNote').text)).toMatch(/No default queue is set/);
    expect((await newSession()).queueId).toBeNull();
  });

  it('the default queue set by an admin takes requests nobody routed, and the form names it', async () => {
    await sayIn(TIER2_CHANNEL, 'register queue Alpha');
    await t.message('alex', '<at>Doorman</at> register queue Tier 1 default', 'channel');
    const tier1 = (await t.store.listQueues()).find((queue) => queue.channelId === QUEUE_CHANNEL);
    expect(tier1).toMatchObject({ name: 'Tier 1', isDefault: true });

    await t.message('alex', 'new session');
    expect(getById(lastCardIn(personalChat('alex')), 'queueNote').text).toBe(
      'Unless you pick a queue, the request also goes to **Tier 1** (the default queue).',
    );
    expect((await newSession('unassigned')).queueId).toBe(tier1?.id);

    // Moving the default: the other queue loses it.
    await sayIn(TIER2_CHANNEL, 'register queue Alpha default');
    const defaults = (await t.store.listQueues()).filter((queue) => queue.isDefault).map((queue) => queue.name);
    expect(defaults).toEqual(['Alpha']);
  });

  it('a session request never goes to the approvals channel, even when it is the only channel', async () => {
    await t.registerApprovals();
    await t.message('alex', 'new session');
    const form = lastCardIn(personalChat('alex'));
    expect(String(getById(form, 'queueNote').text)).toMatch(/No queue is registered for sessions/);
    expect(JSON.stringify(getById(form, 'assignTo'))).not.toContain('queue:');

    const approvals = (await t.store.listQueues())[0];
    const picked = await t.invoke('alex', 'session.create', { recipientName: 'Chris', assignTo: `queue:${approvals.id}` });
    expect(findById(picked.body.value, 'assignToError')).toBeTruthy();
    expect((await newSession()).queueId).toBeNull();
    await t.deliver();
    expect(t.connector.callsOf('createConversation')).toHaveLength(0);
  });

  it('without an approvals channel, lockbox requests are refused in chat, on the form and through the REST API, and doctor says so', async () => {
    await t.message('alex', '<at>Doorman</at> register queue Approvers', 'channel');

    await t.message('dana', 'lockbox');
    expect(String(getById(lastCardIn(personalChat('dana')), 'noApprovalsQueue').text)).toMatch(/register approvals/);

    const form = await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: '60' });
    expect(String(getById(form.body.value, 'formError').text)).toMatch(/No channel is registered for approvals/);
    expect(getById(form.body.value, 'resource').value).toBe('Contoso mailbox');

    const key = `dk_${randomBytes(32).toString('base64url')}`;
    await t.store.saveApiKey({ id: 'k', name: 'ticketing', onBehalfOf: ['*'], hash: t.doorman.deps.secrets.hash(key), createdAt: t.clock.now(), revokedAt: null });
    const api = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: 60 }),
    });
    expect(api.status).toBe(409);
    expect(((await api.json()) as any).error.code).toBe('QUEUE.NONE');
    expect(await t.store.listRequests({ kind: 'lockbox' })).toHaveLength(0);

    await t.message('alex', 'doctor');
    const doctor = String(getById(lastCardIn(personalChat('alex')), 'doctor').text);
    expect(doctor).toMatch(/No channel is registered for approvals/);
    expect(doctor).toMatch(/Sessions: Approvers/);
  });

  it('says at start-up that lockbox requests are refused while no approvals channel is registered', async () => {
    const warning = t.logs.map((line) => JSON.parse(line)).find((entry) => entry.code === 'QUEUE.NONE');
    expect(warning?.msg).toMatch(/register approvals/);
  });

  it('a lockbox request goes to the approvals channel, never to a sessions queue that sorts first', async () => {
    await sayIn(TIER2_CHANNEL, 'register queue Aardvark');
    await t.registerApprovals();
    const approvals = (await t.store.listQueues()).find((queue) => queue.purpose === 'approvals');

    const response = await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: '60' });
    expect(response.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(request.queueId).toBe(approvals?.id);
    await t.deliver();
    const posts = t.connector.callsOf('createConversation');
    expect(posts.map((call) => call.conversationId.split(';')[0])).toEqual([APPROVALS_CHANNEL]);
  });
});
