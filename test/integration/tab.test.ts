import { ConfigError, loadConfig } from '../../src/config';
import { JwksDouble, signToken, signingKey } from '../support/entraDouble';
import { PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const APP_ID_URI = `api://doorman.contoso.example/${CLIENT_ID}`;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ENTRA_KEY = signingKey();
const OTHER_KEY = signingKey();

describe('the Teams tab', () => {
  let jwks: JwksDouble;
  let t: TestDoorman;

  beforeAll(async () => {
    jwks = new JwksDouble(ENTRA_KEY);
    await jwks.start();
  });
  afterAll(() => jwks.stop());

  beforeEach(async () => {
    t = await startTestDoorman({
      env: { TAB_SSO_CLIENT_ID: CLIENT_ID, TAB_SSO_APP_ID_URI: APP_ID_URI, ENTRA_JWKS_URL: jwks.url },
    });
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.registerApprovals();
  });
  afterEach(() => t.stop());

  /** A Teams SSO token for a person, valid now on Doorman's clock, as Entra would sign it (v2.0). */
  function tokenFor(who: keyof typeof PEOPLE, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = ENTRA_KEY.privateKey): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const body = {
      aud: CLIENT_ID,
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: PEOPLE[who].name,
      oid: PEOPLE[who].aadObjectId,
      scp: 'access_as_user',
      tid: TENANT,
      ver: '2.0',
      ...claims,
    };
    return signToken(body, key, header);
  }

  async function get(path: string, token: string | null = null, headers: Record<string, string> = {}) {
    const response = await fetch(`${t.doorman.url}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text.startsWith('{') ? JSON.parse(text) : null };
  }

  async function createSession(who: keyof typeof PEOPLE, inputs: Record<string, unknown> = {}): Promise<string> {
    const before = new Set((await t.store.listRequests({ kind: 'session' })).map((request) => request.id));
    const response = await t.invoke(who, 'session.create', { recipientName: 'Chris Customer', recipientEmail: 'chris@example.com', sendEmail: 'false', ...inputs });
    expect(response.body.statusCode).toBe(200);
    const created = (await t.store.listRequests({ kind: 'session' })).find((request) => !before.has(request.id));
    if (!created) throw new Error('no session was created');
    return created.id;
  }

  async function requestLockbox(): Promise<string> {
    const response = await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
    expect(response.body.statusCode).toBe(200);
    const [request] = await t.store.listRequests({ kind: 'lockbox' });
    return request.id;
  }

  const idsOf = (json: { requests: { id: string }[] }) => json.requests.map((request) => request.id);

  // Issue 16: rows say what each request is (customer, people by name) and agents see their queues' requests too.
  it('lists what the caller may see, newest first: rows with the customer and people by name, never links or ids', async () => {
    const first = await createSession('alex');
    t.clock.advance(60_000);
    const second = await createSession('alex', { recipientName: 'Chris' });
    t.clock.advance(60_000);
    const beas = await createSession('bea');

    const answer = await get('/tab/api/requests', tokenFor('alex'));
    expect(answer.status).toBe(200);
    // Bea's session went to the default queue, which Alex works as an agent.
    expect(idsOf(answer.json)).toEqual([beas, second, first]);
    expect(answer.json.requests[1]).toMatchObject({ kind: 'session', state: 'open', customer: 'Chris', requesterName: 'Alex Agent', queueName: 'Tier 1', deadline: expect.any(String) });
    expect(answer.json.roles).toEqual(expect.arrayContaining(['agent']));
    expect(answer.json.next).toBeNull();
    expect(answer.text).not.toContain('/j/');
    expect(answer.text).not.toContain('chris@example.com');
    // Ids appear only as the person filter's option values, never in a row.
    expect(JSON.stringify(answer.json.requests)).not.toContain(PEOPLE.alex.aadObjectId);
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const eve = await get('/tab/api/requests', tokenFor('eve'));
    expect(eve.json.requests).toEqual([]);
  });

  it('shows an assignee the sessions assigned to them', async () => {
    const assigned = await createSession('alex', { assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    expect(idsOf((await get('/tab/api/requests', tokenFor('bea'))).json)).toEqual([assigned]);
  });

  it('filters by queue: agents see a queue of their tenant, others only their own in it, another tenant’s none', async () => {
    const queue = (await t.store.listQueues()).find((candidate) => candidate.purpose === 'sessions')!;
    const queued = await createSession('bea', { assignTo: `queue:${queue.id}` });
    const mine = await createSession('alex', { assignTo: 'me' });
    const inQueue = (await t.store.getRequest(mine))!.kind === 'session' && (await t.store.getRequest(mine) as { queueId: string | null }).queueId === queue.id;

    const withQueue = await get(`/tab/api/requests?queue=${queue.id}&channel=${queue.id}`, tokenFor('alex'));
    expect(idsOf(withQueue.json).sort()).toEqual((inQueue ? [queued, mine] : [queued]).sort());
    expect(withQueue.json.queue).toEqual({ id: queue.id, name: 'Tier 1' });

    const notAnAgent = await get(`/tab/api/requests?queue=${queue.id}`, tokenFor('eve'));
    expect(notAnAgent.json.requests).toEqual([]);

    await t.store.saveQueue({ ...queue, tenantId: 'another-tenant' });
    const foreign = await get(`/tab/api/requests?queue=${queue.id}&channel=${queue.id}`, tokenFor('alex'));
    expect(foreign.json.requests).toEqual([]);
    expect(foreign.json.queue).toBeNull();
    expect(idsOf((await get('/tab/api/requests', tokenFor('alex'))).json)).toEqual([mine]);
  });

  it('shows a request for help to the person who asked and to its helper, unanswered ones to every agent, and offers Ask for help', async () => {
    const [queue] = await t.store.listQueues();
    await t.store.saveQueue({ ...queue, id: 'q-assist', name: 'Help desk', purpose: 'assistance', isDefault: true, channelId: '19:assist@thread.tacv2' });
    const asked = await t.invoke('eve', 'assist.create', { problem: 'Printer offline', urgency: 'low', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    expect(asked.body.statusCode).toBe(200);
    const [request] = await t.store.listRequests({ kind: 'assist' });

    expect(idsOf((await get('/tab/api/requests', tokenFor('eve'))).json)).toEqual([request.id]);
    expect(idsOf((await get('/tab/api/requests?kind=assist', tokenFor('alex'))).json)).toEqual([request.id]);
    expect(idsOf((await get('/tab/api/requests', tokenFor('carl'))).json)).toEqual([]);
    const row = (await get('/tab/api/requests?kind=assist&state=requested', tokenFor('bea'))).json.requests[0];
    expect(row).toMatchObject({ kind: 'assist', state: 'requested', deadline: expect.any(String) });
    // People read names in the tab (never an id alone); the problem stays on the cards and in the timeline.
    expect(row).toMatchObject({ requesterName: 'Eve User', assigneeName: null, queueName: 'Help desk' });
    expect(JSON.stringify(row)).not.toContain('Printer offline');

    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    expect(idsOf((await get('/tab/api/requests?kind=assist', tokenFor('bea'))).json)).toEqual([request.id]);
    // Agents see their queues' requests in every state (issue 16 §3), not only the unanswered ones.
    expect(idsOf((await get('/tab/api/requests?kind=assist', tokenFor('alex'))).json)).toEqual([request.id]);
    expect((await get('/tab/api/requests?kind=assist', tokenFor('alex'))).json.requests[0]).toMatchObject({ assigneeName: 'Bea Agent' });

    const page = await get('/tab');
    expect(page.text).toContain('"botId":null');
    const script = await get('/tab-assets/tab.js');
    expect(script.text).toContain("button(t('help.button'), askForHelp, true)");
  });

  it('shows lockbox requests to their requester and every one to approvers and admins, filtered by kind and state', async () => {
    const lockbox = await requestLockbox();
    t.clock.advance(60_000);
    const session = await createSession('alex');

    expect(idsOf((await get('/tab/api/requests', tokenFor('dana'))).json)).toEqual([lockbox]);
    expect(idsOf((await get('/tab/api/requests', tokenFor('carl'))).json)).toEqual([lockbox]);
    expect(idsOf((await get('/tab/api/requests', tokenFor('alex'))).json)).toEqual([session, lockbox]);
    const carlSees = (await get('/tab/api/requests', tokenFor('carl'))).json.requests[0];
    expect(carlSees).toMatchObject({ kind: 'lockbox', state: 'pending', requesterName: 'Dana Engineer', subject: expect.stringContaining('Contoso mailbox') });

    expect((await get('/tab/api/requests?kind=session', tokenFor('carl'))).json.requests).toEqual([]);
    expect((await get('/tab/api/requests?state=approved,denied', tokenFor('carl'))).json.requests).toEqual([]);
    expect(idsOf((await get('/tab/api/requests?kind=lockbox&state=pending', tokenFor('carl'))).json)).toEqual([lockbox]);
    expect(idsOf((await get('/tab/api/requests?state=open', tokenFor('alex'))).json)).toEqual([session]);
  });

  async function post(path: string, token: string | null, body: unknown) {
    const response = await fetch(`${t.doorman.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : null, text };
  }

  it('filters by person, date range and search, pages with `next`, and keeps each filter in its field', async () => {
    const first = await createSession('alex', { recipientName: 'Kim Fabrikam' });
    t.clock.advance(60 * 60_000);
    const second = await createSession('bea', { recipientName: 'Chris Contoso' });
    t.clock.advance(60 * 60_000);
    const third = await createSession('alex', { recipientName: 'Sam Contoso' });
    const alex = tokenFor('alex');
    expect(idsOf((await get(`/tab/api/requests?person=${PEOPLE.bea.aadObjectId}`, alex)).json)).toEqual([second]);
    expect(idsOf((await get('/tab/api/requests?q=contoso', alex)).json)).toEqual([third, second]);
    expect(idsOf((await get('/tab/api/requests?q=contoso%20sam', alex)).json)).toEqual([third]);
    const from = encodeURIComponent(new Date(t.clock.now().getTime() - 90 * 60_000).toISOString());
    const to = encodeURIComponent(new Date(t.clock.now().getTime() - 30 * 60_000).toISOString());
    expect(idsOf((await get(`/tab/api/requests?from=${from}&to=${to}`, alex)).json)).toEqual([second]);
    const page1 = (await get('/tab/api/requests?limit=2', alex)).json;
    expect(idsOf(page1)).toEqual([third, second]);
    const page2 = (await get(`/tab/api/requests?limit=2&cursor=${page1.next}`, alex)).json;
    expect(idsOf(page2)).toEqual([first]);
    expect(page2.next).toBeNull();
  });

  it('opens a request’s timeline with names, sources and the actions the viewer may take; hides others’ requests', async () => {
    const lockbox = await requestLockbox();
    const timeline = await get(`/tab/api/requests/${lockbox}`, tokenFor('carl'));
    expect(timeline.status).toBe(200);
    expect(timeline.json.request).toMatchObject({ id: lockbox, kind: 'lockbox', state: 'pending', requesterName: 'Dana Engineer', version: 1 });
    expect(timeline.json.request.details).toEqual(expect.arrayContaining([{ label: 'Ticket', value: 'T-4711' }]));
    expect(timeline.json.events[0]).toMatchObject({ actorName: 'Dana Engineer', source: 'chat', to: 'pending', at: expect.stringMatching(/Z$/) });
    expect(timeline.json.actions).toEqual(['approve', 'deny']);
    expect(timeline.text).not.toContain(PEOPLE.dana.aadObjectId);
    expect((await get(`/tab/api/requests/${lockbox}`, tokenFor('dana'))).json.actions).toEqual(['cancel']);
    const eve = await get(`/tab/api/requests/${lockbox}`, tokenFor('eve'));
    expect({ status: eve.status, code: eve.json.error.code }).toEqual({ status: 404, code: 'REQUEST.NOT_FOUND' });
    expect((await get('/tab/api/requests/not%20an%20id', tokenFor('carl'))).status).toBe(400);
  });

  it('shows an erased request as erased: its row and its timeline name everyone by the pseudonym, never the directory', async () => {
    const lockbox = await requestLockbox();
    await t.store.erasePersonalData(lockbox, { pseudonym: 'Person 0A1B2C', actorId: PEOPLE.alex.aadObjectId, actorType: 'person', source: 'chat', at: t.clock.now(), reason: 'an admin erased a person' });
    const list = await get('/tab/api/requests?kind=lockbox', tokenFor('carl'));
    expect(list.json.requests.find((row: { id: string }) => row.id === lockbox)).toMatchObject({ erased: true, requesterName: 'Person 0A1B2C' });
    const timeline = await get(`/tab/api/requests/${lockbox}`, tokenFor('carl'));
    expect(timeline.json.request).toMatchObject({ erased: true, requesterName: 'Person 0A1B2C' });
    expect(timeline.json.events.map((event: { actorName: string }) => event.actorName)).toEqual(expect.arrayContaining(['Person 0A1B2C']));
    expect(timeline.text).not.toContain('Dana Engineer');
    const other = await createSession('alex');
    expect((await get('/tab/api/requests?kind=session', tokenFor('alex'))).json.requests.find((row: { id: string }) => row.id === other)).toMatchObject({ erased: false });
  });

  it('approves from the tab through the card’s use case: compare-and-set on the version shown, the cards follow', async () => {
    const lockbox = await requestLockbox();
    const path = `/tab/api/requests/${lockbox}/actions`;
    const stale = await post(path, tokenFor('carl'), { action: 'approve', version: 7 });
    expect({ status: stale.status, code: stale.json.error.code }).toEqual({ status: 409, code: 'REQUEST.STALE_VERSION' });
    const own = await post(path, tokenFor('dana'), { action: 'approve', version: 1 });
    expect(own.status).toBe(403);
    const bad = await post(path, tokenFor('carl'), { action: 'explode', version: 1 });
    expect({ status: bad.status, code: bad.json.error.code }).toEqual({ status: 400, code: 'INPUT.INVALID' });
    const hidden = await post(path, tokenFor('eve'), { action: 'cancel', version: 1 });
    expect(hidden.status).toBe(404);

    t.connector.calls.length = 0;
    const approved = await post(path, tokenFor('carl'), { action: 'approve', version: 1, comment: 'Go ahead' });
    expect(approved.status).toBe(200);
    expect(approved.json.request.state).toBe('approved');
    expect(approved.json.events.at(-1)).toMatchObject({ actorName: 'Carl Approver', source: 'tab', reason: 'Go ahead', to: 'approved' });
    const again = await post(path, tokenFor('carl'), { action: 'approve', version: 1 });
    expect(again.status).toBe(409);
    await t.deliver();
    // The same outbox as a card click: the lockbox cards in Teams are updated to the decision.
    expect(t.connector.callsOf('update').length).toBeGreaterThan(0);
  });

  it('closes a session and cancels one’s own request for help from the tab; a viewer without the right gets 403', async () => {
    const session = await createSession('alex');
    const notAgent = await post(`/tab/api/requests/${session}/actions`, tokenFor('carl'), { action: 'close', version: 1 });
    expect(notAgent.status).toBe(404);
    const closed = await post(`/tab/api/requests/${session}/actions`, tokenFor('bea'), { action: 'close', version: 1 });
    expect(closed.status).toBe(200);
    expect(closed.json.request.state).toBe('closed');
    expect(closed.json.actions).toEqual([]);

    const [queue] = await t.store.listQueues();
    await t.store.saveQueue({ ...queue, id: 'q-assist', name: 'Help desk', purpose: 'assistance', isDefault: true, channelId: '19:assist@thread.tacv2' });
    expect((await t.invoke('eve', 'assist.create', { problem: 'Printer offline', urgency: 'low', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` })).body.statusCode).toBe(200);
    const [help] = await t.store.listRequests({ kind: 'assist' });
    expect((await get(`/tab/api/requests/${help.id}`, tokenFor('eve'))).json.actions).toEqual(['cancel']);
    expect((await get(`/tab/api/requests/${help.id}`, tokenFor('bea'))).json.actions).toEqual([]);
    const byAgent = await post(`/tab/api/requests/${help.id}/actions`, tokenFor('bea'), { action: 'cancel', version: help.version });
    expect(byAgent.status).toBe(403);
    const cancelled = await post(`/tab/api/requests/${help.id}/actions`, tokenFor('eve'), { action: 'cancel', version: help.version });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.request.state).toBe('cancelled');
    expect(cancelled.json.events.at(-1)).toMatchObject({ actorName: 'Eve User', source: 'tab', to: 'cancelled' });
  });

  // Issue 16 §3: before, `requests` in a channel posted the caller's private lists into the channel for all to read.
  it('`requests` in a queue channel lists that queue, never the caller’s private list', async () => {
    await requestLockbox();
    const queue = (await t.store.listQueues()).find((candidate) => candidate.purpose === 'sessions')!;
    await createSession('bea', { assignTo: `queue:${queue.id}`, recipientName: 'Chris Customer' });
    t.connector.calls.length = 0;
    await t.message('dana', '<at>Doorman</at> requests', 'channel');
    const posted = JSON.stringify(t.connector.calls.map((call) => call.body));
    expect(posted).toContain('Requests in Tier 1');
    expect(posted).not.toContain('Contoso mailbox');
    expect(posted).not.toContain('Chris Customer');

    t.connector.calls.length = 0;
    await t.message('bea', '<at>Doorman</at> requests', 'channel');
    const forAgent = JSON.stringify(t.connector.calls.map((call) => call.body));
    expect(forAgent).toContain('Requests in Tier 1');
    expect(forAgent).toContain('Chris Customer');
    expect(forAgent).not.toContain('Contoso mailbox');
  });

  it('answers 400 INPUT.INVALID for a bad filter', async () => {
    for (const query of ['kind=meeting', 'state=OPEN;drop', `queue=${'x'.repeat(65)}`, 'from=yesterday', 'person=a%20b', 'cursor=bm9wZQ', 'limit=1000', `q=${'x'.repeat(101)}`]) {
      const answer = await get(`/tab/api/requests?${query}`, tokenFor('alex'));
      expect({ query, status: answer.status, code: answer.json.error.code }).toEqual({ query, status: 400, code: 'INPUT.INVALID' });
    }
  });

  it.each([
    ['no token', () => null],
    ['a token for another audience', () => tokenFor('alex', { aud: 'api://someone-else/42' })],
    ['the wrong issuer', () => tokenFor('alex', { iss: 'https://login.microsoftonline.com/another-tenant/v2.0' })],
    ['another tenant', () => tokenFor('alex', { tid: 'another-tenant', iss: 'https://login.microsoftonline.com/another-tenant/v2.0' })],
    ['an expired token', () => tokenFor('alex', { exp: Math.floor(t.clock.now().getTime() / 1000) - 301 })],
    ['a bad signature', () => tokenFor('alex', {}, {}, OTHER_KEY.privateKey)],
    ['an unknown kid', () => tokenFor('alex', {}, { kid: 'not-published' })],
    ['a token without access_as_user', () => tokenFor('alex', { scp: 'User.Read' })],
    ['alg none', () => `${b64({ alg: 'none', kid: 'entra-key-1' })}.${b64({ oid: PEOPLE.alex.aadObjectId })}.`],
    ['a REST API key', () => 'dk_abcdefghijklmnopqrstuvwxyz0123456789'],
  ])('answers 401 AUTH.NOT_PERMITTED for %s', async (_what, makeToken) => {
    const answer = await get('/tab/api/requests', makeToken());
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: { code: 'AUTH.NOT_PERMITTED', message: 'AUTH.NOT_PERMITTED' } });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('accepts a v1.0 token for the Application ID URI', async () => {
    const v1 = tokenFor('alex', { aud: APP_ID_URI, iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' });
    expect((await get('/tab/api/requests', v1)).status).toBe(200);
  });

  it('refuses a Basic header and a token in the query string', async () => {
    expect((await get('/tab/api/requests', null, { Authorization: 'Basic YWxleDpwdw==' })).status).toBe(401);
    expect((await get(`/tab/api/requests?access_token=${tokenFor('alex')}`)).status).toBe(401);
  });

  it('fetches the signing keys once, and at most once a minute more for unknown kids', async () => {
    const before = jwks.hits;
    for (let i = 0; i < 3; i++) expect((await get('/tab/api/requests', tokenFor('alex'))).status).toBe(200);
    expect(jwks.hits - before).toBe(1);
    for (let i = 0; i < 3; i++) await get('/tab/api/requests', tokenFor('alex', {}, { kid: `rolled-${i}` }));
    expect(jwks.hits - before).toBe(1);
    t.clock.advance(61_000);
    await get('/tab/api/requests', tokenFor('alex', {}, { kid: 'rolled-again' }));
    expect(jwks.hits - before).toBe(2);
  });

  it('limits the API per person, not per address (a company’s Teams clients share one)', async () => {
    const alex = tokenFor('alex');
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++) statuses.push((await get('/tab/api/requests', alex)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(120);
    const limited = await get('/tab/api/requests', alex);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE.LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get('/tab/api/requests', tokenFor('bea'))).status).toBe(200);
    expect((await get('/tab')).status).toBe(200);
  });

  it('never writes the token to the log', async () => {
    const good = tokenFor('alex');
    const bad = tokenFor('alex', { aud: 'wrong' });
    await get('/tab/api/requests', good);
    await get('/tab/api/requests', bad);
    const log = t.logs.join('');
    for (const token of [good, bad]) for (const part of token.split('.')) expect(log).not.toContain(part);
  });

  it('lists the queues of the caller’s tenant for the configuration page, only with a token', async () => {
    const queues = await t.store.listQueues();
    const answer = await get('/tab/api/queues', tokenFor('eve'));
    // Every registered channel of the tenant, the approvers' one included: a tab may sit in either.
    expect(answer.json).toEqual({ queues: queues.map((queue) => ({ id: queue.id, name: queue.name, channelId: queue.channelId })) });
    expect(queues.map((queue) => queue.name)).toEqual(['Approvals', 'Tier 1']);
    expect((await get('/tab/api/queues')).status).toBe(401);
  });

  it('serves /tab and /tab/config so that only Teams and Microsoft 365 may frame them', async () => {
    for (const path of ['/tab', '/tab/config', '/tab?queue=abc']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'");
      expect(csp).toContain(
        'frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.skype.com https://*.cloud.microsoft https://*.office.com',
      );
      expect(page.headers.get('x-frame-options')).toBeNull();
      expect(page.text).toContain('<script src="/tab-assets/MicrosoftTeams.min.js" defer></script>');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/);
      // The embedded catalogue holds that text too; the page must not show it.
      expect(page.text).not.toContain('<h2>Single sign-on is not set up</h2>');
    }
    expect((await get('/tab?queue=abc')).text).toContain('"queue":"abc"');
    expect((await get('/tab?queue=%3C/script%3E')).text).toContain('"queue":null');
    expect((await get('/tab/config')).text).toContain('"page":"config"');
  });

  it('speaks German to a German viewer: the page in the browser’s language, the catalogue for the Teams language', async () => {
    const page = await get('/tab', null, { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="de"');
    expect(page.text).toContain('<title>Doorman-Anfragen</title>');
    expect(page.text).toContain('<h1 id="title">Anfragen</h1>');
    expect(page.text).toContain('>Wird geladen…</p>');
    expect(page.text).toContain('"language":"de"');
    expect((await get('/tab/config', null, { 'Accept-Language': 'hu' })).text).toContain('<h1 id="title">Egy sor kéréseinek megjelenítése ebben a csatornában</h1>');
    expect((await get('/tab', null, { 'Accept-Language': 'ja-JP' })).text).toContain('<html lang="en"');

    // tab.js asks for the language teams-js names (app.locale) when it is not the page's.
    const catalogue = await get('/tab/messages/de');
    expect(catalogue.status).toBe(200);
    expect(catalogue.headers.get('content-type')).toContain('application/json');
    expect(catalogue.json).toMatchObject({
      'kind.session': 'Supportsitzung',
      'state.waiting': 'Kunde wartet',
      'state.ready': 'Bereit zum Zulassen',
      'column.updated': 'Letzte Änderung',
      'action.approve': 'Genehmigen',
      'timeline.heading': 'Verlauf',
      'audit.section': 'Audit-Ereignisse exportieren',
      'list.emptyTitle': 'Keine Anfragen',
    });
    expect(Object.keys(catalogue.json)).toEqual(Object.keys((await get('/tab/messages/en')).json));
    for (const path of ['/tab/messages/xx', '/tab/messages/de-DE', '/tab/messages/%3Cscript%3E']) {
      const refused = await get(path);
      expect({ path, status: refused.status, code: refused.json?.error?.code }).toEqual({ path, status: 400, code: 'INPUT.INVALID' });
    }
  });

  it('serves the tab’s assets and the teams-js bundle from a fixed list', async () => {
    const script = await get('/tab-assets/tab.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('getAuthToken');
    expect((await get('/tab-assets/tab.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const sdk = await get('/tab-assets/MicrosoftTeams.min.js');
    expect(sdk.status).toBe(200);
    expect(sdk.text).toContain('getAuthToken');
    for (const path of ['/tab-assets/portal.js', '/tab-assets/..%2Fpackage.json', '/tab-assets/MicrosoftTeams.min.js.map']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    }
  });
});

describe('the Teams tab without single sign-on configured', () => {
  let t: TestDoorman;
  beforeAll(async () => {
    t = await startTestDoorman();
  });
  afterAll(() => t.stop());

  it('answers the API with 503 TAB_SSO_NOT_CONFIGURED, even with a token', async () => {
    for (const path of ['/tab/api/requests', '/tab/api/queues']) {
      const response = await fetch(`${t.doorman.url}${path}`, { headers: { Authorization: 'Bearer a.b.c' } });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'AUTH.NOT_PERMITTED', message: 'TAB_SSO_NOT_CONFIGURED' } });
    }
  });

  it('says plainly on both pages that the tab needs SSO set up, and where to read how', async () => {
    for (const path of ['/tab', '/tab/config']) {
      const response = await fetch(`${t.doorman.url}${path}`);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain('frame-ancestors https://teams.microsoft.com');
      expect(html).toContain('Single sign-on is not set up');
      expect(html).toContain('TAB_SSO_CLIENT_ID');
      expect(html).toContain('docs/deploy.md');
      expect(html).toContain('"ssoConfigured":false');
    }
  });

  it('says it in the browser’s language', async () => {
    const response = await fetch(`${t.doorman.url}/tab`, { headers: { 'Accept-Language': 'de' } });
    const html = await response.text();
    expect(html).toContain('<h2>Einmaliges Anmelden ist nicht eingerichtet</h2>');
    expect(html).toContain('TAB_SSO_CLIENT_ID');
    expect(html).not.toContain('<h2>Single sign-on is not set up</h2>');
  });
});

describe('tab single sign-on configuration', () => {
  const production = {
    BOT_ID: 'bot',
    BOT_TYPE: 'UserAssignedMSI',
    BOT_TENANT_ID: TENANT,
    HOST: '0.0.0.0',
    PUBLIC_BASE_URL: 'https://doorman.contoso.example',
    MEETINGS: 'local',
    MAIL: 'local',
    ACCESS: 'local',
    ROLE_AGENTS: PEOPLE.alex.aadObjectId,
    ROLE_APPROVERS: PEOPLE.carl.aadObjectId,
  };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('is off without TAB_SSO_CLIENT_ID, and reads the public cloud’s keys by default', () => {
    expect(loadConfig(production).tabSso).toBeNull();
    expect(loadConfig({ ...production, TAB_SSO_CLIENT_ID: CLIENT_ID, TAB_SSO_APP_ID_URI: APP_ID_URI }).tabSso).toEqual({
      clientId: CLIENT_ID,
      appIdUri: APP_ID_URI,
      jwksUrl: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    });
  });

  it('refuses an App ID URI without a client id, and signing keys over plain http in production', () => {
    expect(problemsOf({ ...production, TAB_SSO_APP_ID_URI: APP_ID_URI })).toEqual([expect.stringContaining('TAB_SSO_CLIENT_ID is empty')]);
    expect(problemsOf({ ...production, TAB_SSO_CLIENT_ID: CLIENT_ID, ENTRA_JWKS_URL: 'http://keys.example/keys' })).toEqual(['ENTRA_JWKS_URL must use https.']);
    expect(problemsOf({ TAB_SSO_CLIENT_ID: CLIENT_ID, ENTRA_JWKS_URL: 'http://127.0.0.1:9/keys' })).toEqual([]);
  });
});
