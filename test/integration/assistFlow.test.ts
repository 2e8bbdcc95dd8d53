import { LOCAL_ACTION_SECONDS } from '../../src/adapters/local/localDeviceManagement';
import { AssistRequest } from '../../src/domain/assist';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, validateCard } from '../support/validateCard';

const EVE_LAPTOP = `local-${PEOPLE.eve.aadObjectId}-laptop`;
const ask = { problem: 'Outlook will not start since this morning', urgency: 'high', phone: '+49 30 1234567', deviceId: EVE_LAPTOP };

// Each test starts a Doorman and walks several HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(30_000);

describe('assistance requests through the HTTP server (local device stand-in)', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['alex', 'bea', 'eve'] as const) await t.message(who, 'hi');
    t.connector.calls.length = 0;
  });
  afterEach(() => t.stop());

  const current = async (id: string) => (await t.store.getRequest(id)) as AssistRequest;
  const chat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;
  const lastCardIn = (conversationId: string) => {
    const posts = t.connector.postsIn(conversationId);
    return BotConnectorDouble.cardOf(posts[posts.length - 1]);
  };

  async function asked(): Promise<AssistRequest> {
    const response = await t.invoke('eve', 'assist.create', ask);
    expect(response.body.statusCode).toBe(200);
    validateCard(response.body.value);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    return request;
  }

  it('help me shows the form with the user’s stand-in devices, labelled; without an assistance channel it says so', async () => {
    await t.message('eve', 'help me');
    const form = lastCardIn(chat('eve'));
    validateCard(form as never);
    expect(JSON.stringify(findById(form, 'deviceId'))).toContain(EVE_LAPTOP);
    expect(findById(form, 'standInNote')).toBeTruthy();

    const bare = await startTestDoorman();
    try {
      await bare.message('eve', 'assist');
      const posts = bare.connector.postsIn(chat('eve'));
      expect(findById(BotConnectorDouble.cardOf(posts[posts.length - 1]), 'noAssistanceQueue')).toBeTruthy();
      const refused = await bare.invoke('eve', 'assist.create', ask);
      expect(findById(refused.body.value, 'formError')).toBeTruthy();
      expect(await bare.store.listRequests({ kind: 'assist' })).toEqual([]);
    } finally {
      await bare.stop();
    }
  });

  it('bad input is answered field by field and nothing is created', async () => {
    const response = await t.invoke('eve', 'assist.create', { problem: '  ', urgency: 'whenever', phone: 'call me', deviceId: 'someone-elses-pc' });
    const card = response.body.value;
    for (const id of ['problemError', 'urgencyError', 'phoneError', 'deviceIdError']) expect(findById(card, id)).toBeTruthy();
    expect(await t.store.listRequests({ kind: 'assist' })).toEqual([]);
  });

  it('the queue is alerted with a mention; an agent accepts, the user allows, both get the local room; the helper restarts the PC', async () => {
    const request = await asked();
    expect(request).toMatchObject({ state: 'requested', device: { id: EVE_LAPTOP, source: 'local' }, urgency: 'high' });
    await t.deliver();
    const [thread] = t.connector.callsOf('createConversation');
    const queueCard = BotConnectorDouble.cardOf(thread);
    expect(JSON.stringify(queueCard)).toContain('Outlook will not start');
    expect(findById(queueCard, 'accept')).toBeTruthy();
    expect(findById(queueCard, 'standInNote')).toBeTruthy();
    const mention = t.connector.calls.find((call) => call.kind !== 'createConversation' && JSON.stringify(call.body).includes('asked for help'));
    expect(JSON.stringify(mention?.body)).toContain(PEOPLE.bea.aadObjectId);

    const accepted = await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    expect(accepted.body.statusCode).toBe(200);
    expect((await current(request.id)).helper?.name).toBe('Bea Agent');
    await t.deliver();
    expect(JSON.stringify(t.connector.postsIn(chat('eve')).map((call) => call.body))).toContain('wants to connect');
    expect(findById(lastCardIn(chat('bea')), 'close')).toBeTruthy();

    const mine = await current(request.id);
    const allowed = await t.invoke('eve', 'assist.allowControl', { requestId: mine.id, version: mine.version });
    expect(allowed.body.statusCode).toBe(200);
    await t.deliver();
    const connected = await current(request.id);
    expect(connected.state).toBe('connected');
    expect(connected.meeting).toMatchObject({ provider: 'local', joinUrl: expect.stringContaining(`/assist/${request.id}/room`) });

    const restart = await t.invoke('bea', 'assist.restartDevice', { requestId: connected.id, version: connected.version, confirmed: true });
    expect(restart.body.statusCode).toBe(200);
    await t.deliver();
    expect((await current(request.id)).deviceActions[0]).toMatchObject({ action: 'rebootNow', state: 'pending', by: { name: 'Bea Agent' } });
    t.clock.advance(LOCAL_ACTION_SECONDS * 1000);
    await t.deliver();
    expect((await current(request.id)).deviceActions[0].state).toBe('done');
    const trail = (await t.store.eventsOf(request.id)).map((event) => event.action);
    expect(trail).toEqual(['create', 'accept', 'allowControl', 'connect', 'restartDevice', 'device.started', 'device.result', 'device.result']);
  });

  it('the thread reply that @mentions the agents speaks the channel’s language, urgency included', async () => {
    await t.message('alex', '<at>Doorman</at> language de', 'channel');
    await asked();
    await t.deliver();
    const mention = t.connector.calls.find((call) => call.kind !== 'createConversation' && JSON.stringify(call.body).includes('<at>Bea Agent</at>'));
    const text = String((mention?.body as { text?: string } | undefined)?.text);
    expect(text).toContain('Eve User bittet um Hilfe');
    expect(text).toContain('Hoch – ich kann nicht arbeiten');
    expect(text).not.toContain('asked for help');
  });

  it('the user cancels from their own card while nobody answered: the channel card loses Accept, agents can no longer take it', async () => {
    const response = await t.invoke('eve', 'assist.create', ask);
    // The form becomes the user's own card, which follows the request.
    expect(findById(response.body.value, 'cancel')).toMatchObject({ verb: 'assist.cancel' });
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.deliver();
    expect((await t.invoke('bea', 'assist.cancel', { requestId: request.id, version: request.version }, 'channel')).body.statusCode).toBe(200);
    expect((await current(request.id)).state).toBe('requested');
    const cancelled = await t.invoke('eve', 'assist.cancel', { requestId: request.id, version: request.version });
    expect(cancelled.body.statusCode).toBe(200);
    expect(findById(cancelled.body.value, 'cancel')).toBeUndefined();
    expect(await current(request.id)).toMatchObject({ state: 'cancelled' });
    await t.deliver();
    const channelUpdate = t.connector.callsOf('update').find((call) => call.conversationId !== chat('eve'));
    expect(findById(BotConnectorDouble.cardOf(channelUpdate!), 'accept')).toBeUndefined();
    const late = await current(request.id);
    const accept = await t.invoke('bea', 'assist.accept', { requestId: late.id, version: late.version }, 'channel');
    expect(findById(accept.body.value, 'notice')).toBeTruthy();
    expect((await current(request.id)).state).toBe('cancelled');
  });

  it('two agents press Accept at once: one owns the request, the other’s card says who took it', async () => {
    const request = await asked();
    await t.deliver();
    const pointer = { requestId: request.id, version: request.version };
    const answers = await Promise.all([t.invoke('alex', 'assist.accept', pointer, 'channel'), t.invoke('bea', 'assist.accept', pointer, 'channel')]);
    const stored = await current(request.id);
    expect(stored).toMatchObject({ state: 'accepted', version: 2 });
    const notices = answers.map((answer) => findById(answer.body.value, 'notice'));
    expect(notices.filter((notice) => notice === undefined)).toHaveLength(1);
    expect(String(notices.find((notice) => notice !== undefined)?.text)).toBe(`Already taken by ${stored.helper!.name} — this is the current state.`);
    expect((await t.store.eventsOf(request.id)).filter((event) => event.action === 'accept')).toHaveLength(1);
  });

  it('an admin sets the expiry in `settings`: 2 h unanswered; out of range is answered on the field and nothing changes', async () => {
    const settings = { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' };
    await t.message('alex', 'settings');
    const card = lastCardIn(chat('alex'));
    expect(findById(card, 'assistUnansweredHours')).toMatchObject({ value: 4 });
    expect(findById(card, 'assistAllowMinutes')).toMatchObject({ value: 15 });
    const refused = await t.invoke('alex', 'settings.save', { ...settings, assistUnansweredHours: '0', assistAllowMinutes: '15' });
    expect(findById(refused.body.value, 'assistUnansweredHoursError')).toBeTruthy();
    expect(await t.doorman.deps.lockboxSettings.getLockboxSettings()).toMatchObject({ assistUnansweredHours: 4 });
    const saved = await t.invoke('alex', 'settings.save', { ...settings, assistUnansweredHours: '2', assistAllowMinutes: '5' });
    expect(saved.body.statusCode).toBe(200);

    const request = await asked();
    await t.deliver();
    t.clock.advance(2 * 3600_000 - 1000);
    await t.doorman.sweeper.sweep();
    expect((await current(request.id)).state).toBe('requested');
    t.clock.advance(1000);
    await t.doorman.sweeper.sweep();
    expect((await current(request.id)).state).toBe('expired');
  });

  it('a device action without the confirmation is a 400; another agent cannot act on the device', async () => {
    const request = await asked();
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    const connected = await current(request.id);
    expect((await t.invoke('bea', 'assist.syncDevice', { requestId: connected.id, version: connected.version })).body.statusCode).toBe(400);
    const intruder = await t.invoke('alex', 'assist.syncDevice', { requestId: connected.id, version: connected.version, confirmed: true });
    expect(findById(intruder.body.value, 'notice')).toBeTruthy();
    expect((await current(request.id)).deviceActions).toEqual([]);
  });

  it('unanswered for 4 h: the queue card collapses to one line, the user is told and offered to ask again', async () => {
    const request = await asked();
    await t.deliver();
    t.clock.advance(4 * 3600_000);
    await t.doorman.sweeper.sweep();
    await t.deliver();
    expect((await current(request.id)).state).toBe('expired');
    const updates = t.connector.callsOf('update');
    const queueUpdate = updates.find((call) => call.conversationId !== chat('eve'));
    const collapsed = BotConnectorDouble.cardOf(queueUpdate!);
    expect(findById(collapsed, 'collapsed')).toBeTruthy();
    expect(findById(collapsed, 'accept')).toBeUndefined();
    const notice = lastCardIn(chat('eve'));
    expect(JSON.stringify(notice)).toContain('Nobody answered');
    const askAgain = findById(notice, 'askAgain') as { verb: string; data: Record<string, unknown> };
    expect(askAgain.verb).toBe('assist.create');

    // Ask again: a new request with what the user asked before, back in the queue with a fresh 4 h.
    expect((await t.invoke('eve', askAgain.verb, askAgain.data)).body.statusCode).toBe(200);
    const again = ((await t.store.listRequests({ kind: 'assist' })) as AssistRequest[]).find((other) => other.id !== request.id);
    expect(again).toMatchObject({ state: 'requested', problem: ask.problem, urgency: 'high', phone: ask.phone, device: { id: EVE_LAPTOP } });
  });

  it('the local room, the REST API (kind=assist, one request with its trail) and `requests` cover assist', async () => {
    const request = await asked();
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    const connected = await current(request.id);
    const room = await fetch(`${t.doorman.url}${new URL(connected.meeting!.joinUrl!).pathname}`);
    expect(room.status).toBe(200);
    expect(await room.text()).toContain('not a Teams meeting');
    expect((await fetch(`${t.doorman.url}/assist/no-such-request/room`)).status).toBe(404);

    const key = await t.issueApiKey({ id: 'k-all', name: 'reporting', onBehalfOf: ['*'] });
    const headers = { authorization: `Bearer ${key}` };
    const list = (await (await fetch(`${t.doorman.url}/api/v1/requests?kind=assist`, { headers })).json()) as { requests: Record<string, unknown>[] };
    expect(list.requests).toEqual([expect.objectContaining({ id: request.id, kind: 'assist', state: 'connected', owner: PEOPLE.eve.aadObjectId, assignee: PEOPLE.bea.aadObjectId })]);
    expect(JSON.stringify(list)).not.toContain('+49 30');
    const one = (await (await fetch(`${t.doorman.url}/api/v1/requests/${request.id}`, { headers })).json()) as { events: { action: string }[] };
    expect(one.events.map((event) => event.action)).toEqual(['create', 'accept', 'allowControl', 'connect']);

    t.connector.calls.length = 0;
    await t.message('eve', 'requests');
    const cards = t.connector.postsIn(chat('eve')).map((call) => BotConnectorDouble.cardOf(call));
    const mine = cards.find((card) => findById(card, 'assistTitle'));
    expect(JSON.stringify(mine)).toContain('Bea Agent accepted and wants to connect');
  });

  it('names people as the directory does and tells times in each reader’s zone: the user’s card in theirs, the REST API with helperName', async () => {
    await t.message('dana', 'hi'); // Teams reports New York for Dana
    const asked = await t.invoke('dana', 'assist.create', { ...ask, deviceId: `local-${PEOPLE.dana.aadObjectId}-laptop` });
    expect(asked.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.deliver();
    expect((await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel')).body.statusCode).toBe(200);
    await t.deliver();

    const zoneOf = (call: { body: unknown }) => /Times in ([A-Za-z_/]+)\./.exec(JSON.stringify(call.body).replace(/\\/g, ''))?.[1];
    const danasCards = t.connector.callsOf('update', chat('dana'));
    expect(danasCards.length).toBeGreaterThan(0);
    expect(danasCards.map(zoneOf)).toEqual(danasCards.map(() => 'America/New_York'));
    expect(t.connector.postsIn(chat('bea')).map(zoneOf)).toContain('Europe/Berlin');

    const key = await t.issueApiKey({ id: 'k-names', name: 'reporting', onBehalfOf: ['*'] });
    const one = (await (await fetch(`${t.doorman.url}/api/v1/requests/${request.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ requester: PEOPLE.dana.aadObjectId, requesterName: PEOPLE.dana.name, helper: PEOPLE.bea.aadObjectId, helperName: PEOPLE.bea.name });
  });
});
