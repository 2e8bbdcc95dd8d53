import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, QUEUE_CHANNEL, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

/** A browser: keeps its cookies, talks to the portal like portal.js does. */
class Browser {
  private cookie = '';
  constructor(private readonly base: string) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(this.cookie ? { Cookie: this.cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json, headers: response.headers };
  }
}

function textOf(card: unknown): string {
  return JSON.stringify(card);
}

describe('a session request, end to end through the HTTP server', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.message('alex', 'hello', 'personal');
  });

  afterEach(async () => {
    await t.stop();
  });

  async function createRequest(inputs: Record<string, unknown> = {}) {
    const response = await t.invoke('alex', 'session.create', {
      recipientName: 'Chris <b>Customer</b>',
      recipientEmail: 'chris@example.com',
      assignTo: 'me',
      comments: 'VIP — printer on fire',
      sendEmail: 'true',
      emailLanguage: 'de',
      ...inputs,
    });
    expect(response.status).toBe(200);
    expect(response.body.statusCode).toBe(200);
    const card = response.body.value;
    const inviteText = findById(card, 'inviteText') as { value: string };
    const link = /(http:\/\/\S+\/j\/[A-Za-z0-9_-]+)/.exec(inviteText.value)?.[1];
    if (!link) throw new Error('no link in the invitation card');
    const code = link.split('/j/')[1];
    const [request] = await t.store.listRequests({ kind: 'session' });
    return { card, link, code, request };
  }

  it('creates, posts cards, mails, lets the customer in and the agent admit', async () => {
    const { card, code, request } = await createRequest();
    expect(request.state).toBe('open');
    expect(textOf(card)).not.toContain('VIP');

    await t.deliver();
    const queuePosts = t.connector.callsOf('createConversation');
    expect(queuePosts).toHaveLength(1);
    const queueCard = BotConnectorDouble.cardOf(queuePosts[0]);
    expect(textOf(queueCard)).not.toContain('/j/');
    expect(textOf(queueCard)).toContain('Chris');
    const agentPosts = t.connector.postsIn(`a:personal-${PEOPLE.alex.aadObjectId}`).filter((call) => textOf(call.body).includes(request.id));
    expect(agentPosts).toHaveLength(1);
    expect(textOf(BotConnectorDouble.cardOf(agentPosts[0]))).not.toContain('/j/');

    const mails = readdirSync(join(t.dir, 'mail')).filter((name) => name.endsWith('.eml'));
    expect(mails).toHaveLength(1);
    const eml = readFileSync(join(t.dir, 'mail', mails[0]), 'utf8');
    expect(eml).toContain('Content-Language: de');
    expect(eml).not.toContain('VIP');

    const customer = new Browser(t.doorman.url);
    const page = await customer.call('GET', `/j/${code}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await t.store.getRequest(request.id))?.state).toBe('open');

    const arrived = await customer.call('POST', `/j/${code}/arrive`, { name: 'Chris' });
    expect(arrived.status).toBe(200);
    expect(arrived.json).toMatchObject({ state: 'waiting', boundToYou: true, name: 'Chris' });
    expect(arrived.json.tag).toMatch(/^\d{4}$/);
    const tag = arrived.json.tag as string;

    t.connector.calls.length = 0;
    await t.deliver();
    const updates = t.connector.callsOf('update');
    // Each card is updated for the transition, and once more when the local activity feed has notified Alex
    // (the cards then say "🔔 Notified Alex Agent").
    const cardsUpdated = [`a:personal-${PEOPLE.alex.aadObjectId}`, `a:personal-${PEOPLE.alex.aadObjectId}`, queuePosts[0].conversationId];
    expect(updates.map((call) => call.conversationId).sort()).toEqual([...cardsUpdated, ...cardsUpdated].sort());
    expect(textOf(BotConnectorDouble.cardOf(updates[updates.length - 1]))).toContain(`🔔 Notified ${PEOPLE.alex.name}`);
    for (const update of updates.filter((call) => call.conversationId === queuePosts[0].conversationId)) {
      expect(textOf(BotConnectorDouble.cardOf(update))).toContain(tag);
    }
    const mention = t.connector.postsIn(queuePosts[0].conversationId);
    expect(mention).toHaveLength(1);
    expect(mention[0].body.entities).toEqual([expect.objectContaining({ type: 'mention', mentioned: expect.objectContaining({ id: PEOPLE.alex.aadObjectId }) })]);

    const other = new Browser(t.doorman.url);
    const stolen = await other.call('POST', `/j/${code}/arrive`, { name: 'Mallory' });
    expect(stolen.status).toBe(409);
    expect(stolen.json.error.code).toBe('LINK.IN_USE');
    expect((await other.call('GET', `/j/${code}/state`)).json).toMatchObject({ inUse: true, name: null, tag: null });

    const ready = await customer.call('POST', `/j/${code}/consent`, { allow: true });
    expect(ready.json.state).toBe('ready');

    const current = await t.store.getRequest(request.id);
    const admitted = await t.invoke('alex', 'session.admit', { requestId: request.id, version: current?.version });
    expect(admitted.body.statusCode).toBe(200);
    expect(findById(admitted.body.value, 'state')).toBeTruthy();
    expect((await t.store.getRequest(request.id))?.state).toBe('connected');

    const state = await customer.call('GET', `/j/${code}/state`);
    expect(state.json).toMatchObject({ state: 'connected', join: { url: `/j/${code}/room`, isTeamsMeeting: false, joinAs: `Chris (${tag})` } });
    expect((await other.call('GET', `/j/${code}/state`)).json.join).toBeNull();
    expect((await customer.call('GET', `/j/${code}/room`)).status).toBe(200);
    expect((await other.call('GET', `/j/${code}/room`)).status).toBe(409);

    const again = await t.invoke('alex', 'session.admit', { requestId: request.id, version: current?.version });
    expect(again.body.statusCode).toBe(200);
    expect(JSON.stringify(findById(again.body.value, 'notice'))).toContain('Someone else acted first');
    const events = await t.store.eventsOf(request.id);
    expect(events.map((event) => event.action)).toEqual(['create', 'arrive', 'allow', 'admit']);
  });

  it('answers bad form input field by field and creates nothing', async () => {
    const response = await t.invoke('alex', 'session.create', { recipientName: '', recipientEmail: 'not-an-address', sendEmail: 'true', expiresAt: '2001-01-01', expiresAtTime: '10:00' });
    expect(response.body.statusCode).toBe(200);
    const card = response.body.value;
    expect(findById(card, 'recipientNameError')).toBeTruthy();
    expect(findById(card, 'recipientEmailError')).toBeTruthy();
    expect(findById(card, 'expiresAtError')).toBeTruthy();
    expect((findById(card, 'recipientEmail') as { value?: string }).value).toBe('not-an-address');
    expect(await t.store.listRequests({})).toHaveLength(0);
  });

  it('expires an unanswered request at its deadline and says so on the cards and the portal', async () => {
    const { code, request } = await createRequest({ sendEmail: 'false' });
    await t.deliver();
    t.connector.calls.length = 0;
    t.clock.advance(24 * 3600_000 + 1000);
    expect(await t.doorman.sweeper.sweep()).toBe(1);
    expect((await t.store.getRequest(request.id))?.state).toBe('expired');
    await t.deliver();
    expect(t.connector.callsOf('update').length).toBeGreaterThanOrEqual(2);
    const customer = new Browser(t.doorman.url);
    expect((await customer.call('GET', `/j/${code}/state`)).json.state).toBe('expired');
    const late = await customer.call('POST', `/j/${code}/arrive`, { name: 'Chris' });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('LINK.EXPIRED');
  });

  it('refuses actions past the deadline even before the sweeper ran', async () => {
    const { request } = await createRequest({ sendEmail: 'false' });
    t.clock.advance(25 * 3600_000);
    const response = await t.invoke('alex', 'session.close', { requestId: request.id, version: 1 });
    expect(JSON.stringify(findById(response.body.value, 'notice'))).toMatch(/deadline has passed/i);
    expect((await t.store.getRequest(request.id))?.state).toBe('expired');
  });

  it('lets a customer leave for good, and reopen gives a new link and tag', async () => {
    const { code, request } = await createRequest({ sendEmail: 'false' });
    const customer = new Browser(t.doorman.url);
    await customer.call('POST', `/j/${code}/arrive`, { name: 'Chris' });
    const left = await customer.call('POST', `/j/${code}/leave`);
    expect(left.json).toMatchObject({ state: 'closed', closedReason: 'left' });
    expect((await customer.call('POST', `/j/${code}/arrive`, { name: 'Chris' })).json.error.code).toBe('LINK.CLOSED');

    const closed = await t.store.getRequest(request.id);
    const reopened = await t.invoke('alex', 'session.reopen', { requestId: request.id, version: closed?.version });
    const newText = (findById(reopened.body.value, 'inviteText') as { value: string }).value;
    const newCode = /\/j\/([A-Za-z0-9_-]+)/.exec(newText)?.[1];
    expect(newCode).toBeDefined();
    expect(newCode).not.toBe(code);
    const oldLink = await customer.call('GET', `/j/${code}/state`);
    expect(oldLink).toMatchObject({ status: 410, json: { error: { code: 'LINK.REPLACED' } } });
    const oldPage = await fetch(`${t.doorman.url}/j/${code}`, { headers: { 'Accept-Language': 'de' } });
    expect(oldPage.status).toBe(410);
    expect(await oldPage.text()).toContain('durch einen neueren ersetzt');
    expect((await customer.call('GET', '/j/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/state')).status).toBe(404);
    const fresh = new Browser(t.doorman.url);
    expect((await fresh.call('POST', `/j/${newCode}/arrive`, { name: 'Chris' })).json.state).toBe('waiting');
    expect(((await t.store.getRequest(request.id)) as SessionRequest).generation).toBe(2);
  });

  it('reopen turns the clicked card into the new invitation card and keeps exactly one status card following', async () => {
    const { code, request } = await createRequest({ sendEmail: 'false' });
    await t.deliver();
    const agentCard = (await t.store.cardActivitiesOf(request.id)).find((card) => card.role === 'agent');
    if (!agentCard) throw new Error('no agent card');
    const customer = new Browser(t.doorman.url);
    await customer.call('POST', `/j/${code}/arrive`, { name: 'Chris' });
    await customer.call('POST', `/j/${code}/leave`);
    await t.deliver();
    const callsBefore = t.connector.calls.length;

    const closed = await t.store.getRequest(request.id);
    const reopened = await t.invoke('alex', 'session.reopen', { requestId: request.id, version: closed?.version }, 'personal', agentCard.activityId);
    expect(textOf(reopened.body.value)).toContain('/j/');
    await t.deliver();

    const after = t.connector.calls.slice(callsBefore).filter((call) => call.conversationId === agentCard.conversationId);
    // The clicked card keeps the new link: nothing overwrites it, and one new status card is posted below it.
    expect(after.filter((call) => call.kind === 'update' && call.activityId === agentCard.activityId)).toEqual([]);
    const posted = after.filter((call) => call.kind === 'send' || call.kind === 'reply');
    expect(posted).toHaveLength(1);
    const cards = await t.store.cardActivitiesOf(request.id);
    expect(cards.filter((card) => card.conversationId === agentCard.conversationId).map((card) => [card.role, card.activityId])).toEqual([
      ['invitation', agentCard.activityId],
      ['agent', posted[0].activityId],
    ]);
  });

  it('rebind lets the customer continue on another device', async () => {
    const { code, request } = await createRequest({ sendEmail: 'false' });
    const phone = new Browser(t.doorman.url);
    await phone.call('POST', `/j/${code}/arrive`, { name: 'Chris' });
    const laptop = new Browser(t.doorman.url);
    expect((await laptop.call('POST', `/j/${code}/arrive`, { name: 'Chris' })).status).toBe(409);
    const bound = await t.store.getRequest(request.id);
    await t.invoke('bea', 'session.rebind', { requestId: request.id, version: bound?.version }, 'channel');
    // The released browser is told why it went back to the start; nobody else learns anything.
    expect((await phone.call('GET', `/j/${code}/state`)).json).toMatchObject({ state: 'open', boundToYou: false, released: true });
    expect((await laptop.call('GET', `/j/${code}/state`)).json).toMatchObject({ state: 'open', released: false });
    expect((await laptop.call('POST', `/j/${code}/arrive`, { name: 'Chris' })).json).toMatchObject({ state: 'waiting', boundToYou: true, released: false });
    expect((await phone.call('GET', `/j/${code}/state`)).json).toMatchObject({ boundToYou: false, inUse: true, released: true, name: null, tag: null });
    expect((await new Browser(t.doorman.url).call('GET', `/j/${code}/state`)).json).toMatchObject({ inUse: true, released: false });
  });

  it('refuses a person without the agent role and changes nothing', async () => {
    const { request } = await createRequest({ sendEmail: 'false' });
    const response = await t.invoke('eve', 'session.close', { requestId: request.id, version: 1 }, 'channel');
    expect(JSON.stringify(findById(response.body.value, 'notice'))).toContain("agent role");
    expect((await t.store.getRequest(request.id))?.state).toBe('open');
  });

  it('answers unknown verbs and malformed data with 400, never a default card', async () => {
    expect((await t.invoke('alex', 'session.explode', {})).body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect((await t.invoke('alex', 'session.admit', { requestId: 42 })).body.statusCode).toBe(400);
    expect((await t.invoke('alex', 'session.admit', { requestId: 'nope', version: 1 })).body.statusCode).toBe(404);
  });

  it('refuses activities from another tenant', async () => {
    t.connector.calls.length = 0;
    const response = await t.post({
      type: 'message',
      text: 'help',
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: '29:x', aadObjectId: PEOPLE.alex.aadObjectId, name: 'Alex' },
      recipient: { id: '28:doorman' },
      conversation: { id: 'a:x', conversationType: 'personal', tenantId: 'someone-else' },
      channelData: { tenant: { id: 'someone-else' } },
    });
    expect(response.status).toBeLessThan(500);
    expect(t.connector.calls).toHaveLength(0);
  });

  it('never logs link codes', async () => {
    const { code } = await createRequest({ sendEmail: 'false' });
    await new Browser(t.doorman.url).call('GET', `/j/${code}`);
    await t.deliver();
    expect(t.logs.join('\n')).not.toContain(code);
    expect(QUEUE_CHANNEL).toBeTruthy();
  });
});
