import { AssistRequest } from '../../src/domain/assist';
import { InvitationRequest } from '../../src/domain/invitation';
import { LockboxRequest } from '../../src/domain/lockbox';
import { SessionRequest } from '../../src/domain/session';
import { JwksDouble, signToken, signingKey } from '../support/entraDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { teamsActivity } from '../support/activities';
import { APPROVALS_CHANNEL, PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';

// Issue 11: in Graph mode no object id reaches a person. A whole walk (a session handed to a colleague who invites
// another into it, an assistance request, lockbox requests from chat, an API key and an Entra app, a decision by an
// approver who then leaves the tenant, a settings change) runs against the Graph double with people and roles from
// Entra and activity-feed notifications on; then every card and message the Bot Connector double received, every
// card answered inline, every activity-feed notification, every trail of the REST API, every mail and the tab's
// answers are scanned. (test/e2e/graphNoGuid.e2e.test.ts renders the tab in Chromium and reads what it shows.)
// Ids are allowed only in the API's id fields and in what Teams does not show (action data, refresh lists, mentions).

// A whole walk over TLS to the Graph double: seconds alone, much longer on a loaded 2-core machine.
jest.setTimeout(60_000);

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const APPROVERS = 'a1a1a1a1-0000-4000-8000-00000000a001';
const NIGHT_SHIFT = 'a1a1a1a1-0000-4000-8000-00000000a002';
const TAB_CLIENT_ID = '7e7e7e7e-1111-4222-8333-444444444444';
const API_AUDIENCE = 'api://doorman.contoso.example';
const SYSTEM_APP = '5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e';
const TEAMS_APP_ID = '03c80289-9068-4332-b2da-cd6a300c7f50';
const ENTRA_KEY = signingKey();

/** Keys of the REST API and the tab's JSON whose values are ids by contract (DESIGN.md §5); nothing else may hold one. */
const API_ID_FIELDS = new Set(['id', 'owner', 'assignee', 'requester', 'actor', 'by', 'queueId', 'requestedVia', 'helper', 'inviter', 'invitee', 'parentId']);

/** Card keys Teams never shows: element ids, action verbs and data, an OpenUrl's address, refresh lists; a choice's `value` is its id. */
const CARD_HIDDEN_KEYS = new Set(['id', 'verb', 'data', 'url', 'userIds', 'style', 'type', 'version', '$schema']);

/** Every string a person reads in a card (or activity), with its path. */
function readableStrings(node: unknown, path = '', inChoice = false): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => readableStrings(item, `${path}[${index}]`, inChoice));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    if (CARD_HIDDEN_KEYS.has(key) || (inChoice && key === 'value')) return [];
    return readableStrings(value, `${path}.${key}`, key === 'choices');
  });
}

/** What a person reads of an activity the connector got: its text, its cards, the mention texts (not their ids). */
function readableOfActivity(activity: Record<string, unknown>, where: string): { path: string; text: string }[] {
  const attachments = (activity.attachments as { content?: unknown }[] | undefined) ?? [];
  const entities = (activity.entities as { text?: string }[] | undefined) ?? [];
  return [
    ...(typeof activity.text === 'string' ? [{ path: `${where}.text`, text: activity.text }] : []),
    ...(typeof activity.summary === 'string' ? [{ path: `${where}.summary`, text: activity.summary }] : []),
    ...attachments.flatMap((attachment, index) => readableStrings(attachment.content, `${where}.attachments[${index}]`)),
    ...entities.flatMap((entity, index) => (entity.text ? [{ path: `${where}.entities[${index}].text`, text: entity.text }] : [])),
  ];
}

/** Every string of an API answer outside its id fields. */
function apiStrings(node: unknown, path = ''): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => apiStrings(item, `${path}[${index}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => (API_ID_FIELDS.has(key) ? [] : apiStrings(value, `${path}.${key}`)));
}

const withGuid = (strings: { path: string; text: string }[]) => strings.filter((item) => GUID.test(item.text)).map((item) => `${item.path}: ${item.text}`);

describe('Graph mode: no object id where a person reads', () => {
  let graph: GraphDouble;
  let jwks: JwksDouble;
  let t: TestDoorman;
  const inlineCards: { who: string; card: unknown }[] = [];

  beforeAll(async () => {
    jwks = new JwksDouble(ENTRA_KEY);
    await jwks.start();
  });
  afterAll(() => jwks.stop());

  beforeEach(async () => {
    inlineCards.length = 0;
    graph = await startGraphDouble({
      roles: ['User.Read.All', 'GroupMember.Read.All', 'MailboxSettings.Read', 'Mail.Send', 'TeamsActivity.Send', 'TeamsAppInstallation.ReadWriteSelfForUser.All'],
    });
    graph.addTeamsApp({ id: TEAMS_APP_ID, displayName: 'Doorman' });
    const zones: Record<keyof typeof PEOPLE, string> = {
      alex: 'W. Europe Standard Time',
      bea: 'Central Europe Standard Time',
      carl: 'GMT Standard Time',
      dana: 'Eastern Standard Time',
      eve: 'Europe/Paris',
      finn: 'Tokyo Standard Time',
    };
    for (const [key, person] of Object.entries(PEOPLE) as [keyof typeof PEOPLE, (typeof PEOPLE)[keyof typeof PEOPLE]][]) {
      const first = person.name.split(' ')[0].toLowerCase();
      graph.addUser({ id: person.aadObjectId, displayName: person.name, userPrincipalName: `${first}@contoso.com`, mail: `${first}@contoso.com`, mailboxSettings: { timeZone: zones[key] } });
    }
    graph.addUser({ id: 'b0b0b0b0-0000-4000-8000-00000000b0b0', displayName: 'Support', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
    graph.addGroup({ id: NIGHT_SHIFT, displayName: 'Night shift', members: [PEOPLE.carl.aadObjectId] });
    graph.addGroup({ id: APPROVERS, displayName: 'Lockbox approvers', members: [NIGHT_SHIFT, PEOPLE.finn.aadObjectId] });
    const config = graph.graphConfig();
    t = await startTestDoorman({
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        DIRECTORY: 'graph',
        MAIL: 'graph',
        MAIL_SENDER: 'support@contoso.com',
        GRAPH_TENANT_ID: config.tenantId,
        GRAPH_CLIENT_ID: config.clientId,
        GRAPH_CLIENT_SECRET: config.credential.kind === 'secret' ? config.credential.secret : '',
        GRAPH_BASE_URL: config.baseUrl,
        GRAPH_AUTHORITY_HOST: config.authorityHost ?? '',
        ROLE_ADMINS: PEOPLE.alex.aadObjectId,
        ROLE_AGENTS: `${PEOPLE.alex.aadObjectId},${PEOPLE.bea.aadObjectId}`,
        ROLE_APPROVERS: `group:${APPROVERS}`,
        ROLE_ENGINEERS: PEOPLE.dana.aadObjectId,
        TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
        ENTRA_JWKS_URL: jwks.url,
        API_TOKEN_AUDIENCES: API_AUDIENCE,
        TEAMS_APP_ID,
      },
    });
    const invoke = t.invoke;
    t.invoke = async (who, verb, data, where, replyToId) => {
      const answer = await invoke(who, verb, data, where, replyToId);
      if (answer.body?.value) inlineCards.push({ who: `${who} ${verb}`, card: answer.body.value });
      return answer;
    };
  });

  afterEach(async () => {
    await t.stop();
    await graph.close();
  });

  async function deliverAll(): Promise<void> {
    for (let round = 0; round < 10; round += 1) {
      await t.deliver();
      if ((await t.store.pendingOutboxCount()) === 0) return;
      t.clock.advance(5_000);
    }
  }

  function tabToken(who: keyof typeof PEOPLE): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken(
      { aud: TAB_CLIENT_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid: PEOPLE[who].aadObjectId, scp: 'access_as_user', tid: TENANT, ver: '2.0' },
      ENTRA_KEY.privateKey,
    );
  }

  function appToken(): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken(
      { aud: API_AUDIENCE, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid: SYSTEM_APP, azp: SYSTEM_APP, roles: ['Lockbox.Request'], tid: TENANT, ver: '2.0' },
      ENTRA_KEY.privateKey,
    );
  }

  async function call(method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
    const response = await fetch(`${t.doorman.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
  }

  interface Kinds {
    session: SessionRequest;
    lockbox: LockboxRequest;
    assist: AssistRequest;
    invitation: InvitationRequest;
  }
  async function newest<K extends keyof Kinds>(kind: K): Promise<Kinds[K]> {
    const [request] = await t.store.listRequests({ kind });
    return request as never;
  }

  it('cards, inline answers, mails, REST trails and the tab name people; ids stay in the id fields', async () => {
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.registerApprovals();
    for (const who of ['alex', 'bea', 'carl', 'dana', 'finn'] as const) await t.message(who, 'hi');
    await t.message('alex', 'new session');

    // A session handed to Bea, with the customer's mail; the customer arrives and allows access; Bea admits.
    await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', recipientEmail: 'chris@example.com', sendEmail: 'true', emailLanguage: 'en', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    const session = await newest('session');
    expect(session.assignee?.name).toBe('Bea Agent');
    await deliverAll();
    const code = /\/j\/([A-Za-z0-9_-]+)/.exec(graph.mails.map((mail) => mail.text ?? mail.html ?? '').join('\n'))?.[1];
    const portal = `${t.doorman.url}/j/${code}`;
    const arrive = await fetch(`${portal}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chris Customer' }) });
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    await fetch(`${portal}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
    await deliverAll();
    const ready = (await t.store.getRequest(session.id)) as SessionRequest;
    await t.invoke('bea', 'session.admit', { requestId: ready.id, version: ready.version });
    await deliverAll();

    // Eve asks for help; Bea accepts from the assistance channel, Eve allows control; Bea invites Alex, who accepts.
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    await t.message('eve', 'hi');
    expect((await t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` })).body.statusCode).toBe(200);
    await deliverAll();
    const asked = await newest('assist');
    await t.invoke('bea', 'assist.accept', { requestId: asked.id, version: asked.version }, 'channel');
    await deliverAll();
    const accepted = await newest('assist');
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await deliverAll();
    const helping = await newest('assist');
    expect(helping.state).toBe('connected');
    expect((await t.invoke('bea', 'invitation.create', { requestId: helping.id, version: helping.version, invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Collaborate' })).body.statusCode).toBe(200);
    await deliverAll();
    const invitation = await newest('invitation');
    expect(invitation.state).toBe('pending');
    expect((await t.invoke('alex', 'invitation.accept', { requestId: invitation.id, version: invitation.version })).body.statusCode).toBe(200);
    await deliverAll();
    expect((await newest('invitation')).state).toBe('accepted');

    // Lockbox from chat: Carl (an approver through a nested group) approves.
    await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
    await deliverAll();
    const fromChat = await newest('lockbox');
    await t.invoke('carl', 'card.refresh', { requestId: fromChat.id, version: fromChat.version }, 'channel');
    // Teams may leave `from.name` out (the schema makes it optional): the approval comes without one.
    const nameless = await t.post({
      ...teamsActivity({ from: { aadObjectId: PEOPLE.carl.aadObjectId }, place: { channel: APPROVALS_CHANNEL, team: '19:team@thread.tacv2' }, tenantId: TENANT, serviceUrl: t.connector.url, id: 'nameless-1' }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: 'card-1',
      value: { action: { type: 'Action.Execute', verb: 'lockbox.approve', data: { requestId: fromChat.id, version: fromChat.version, comment: 'go ahead' } }, trigger: 'manual' },
    });
    expect(nameless.body.statusCode).toBe(200);
    inlineCards.push({ who: 'carl (no name) lockbox.approve', card: nameless.body.value });
    await deliverAll();

    // Lockbox through an API key, denied by Finn, who then leaves the tenant.
    const key = await t.issueApiKey({ id: 'ticketing-1', name: 'ticketing', onBehalfOf: ['*'] });
    const byKey = await call('POST', '/api/v1/lockbox', key, { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Fabrikam tenant', reason: 'Case 4712', ticket: 'T-4712', durationMinutes: 30 });
    expect(byKey.status).toBe(201);
    await deliverAll();
    const keyed = (await t.store.getRequest(byKey.json.id)) as LockboxRequest;
    await t.invoke('finn', 'lockbox.deny', { requestId: keyed.id, version: keyed.version, comment: 'not this week' }, 'channel');
    await deliverAll();

    // Lockbox through an Entra app (app-only token): the app has no name Doorman may read.
    const byApp = await call('POST', '/api/v1/lockbox', appToken(), { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Northwind archive', reason: 'Case 4713', ticket: 'T-4713', durationMinutes: 45 });
    expect(byApp.status).toBe(201);
    await deliverAll();

    // An admin turns approval off: approvers are told who changed it.
    await t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    await deliverAll();

    graph.users.delete(PEOPLE.finn.aadObjectId);
    graph.groups.get(APPROVERS)?.members.splice(1);
    t.clock.advance(10 * 60_000);
    await t.invoke('carl', 'card.refresh', { requestId: keyed.id, version: keyed.version + 1 }, 'channel');
    // The card names the approver who left as a former member (markdown escapes the brackets).
    expect(readableStrings(inlineCards.at(-1)?.card).map((item) => item.text.replace(/\\/g, ''))).toContainEqual(expect.stringMatching(/^Finn Approver \(former member\), /));
    await t.message('alex', 'settings');
    await t.message('dana', 'requests');
    await t.message('bea', 'requests');
    await t.message('carl', 'whoami');
    await deliverAll();

    const problems: string[] = [];
    for (const [index, call] of t.connector.calls.entries()) {
      const activity = (call.kind === 'createConversation' ? call.body.activity : call.body) as Record<string, unknown>;
      const strings = readableOfActivity(activity, `connector[${index}] ${call.kind} ${call.conversationId.slice(0, 24)}`);
      // `whoami` tells a person their own object id on purpose (to put into ROLE_*), on its own labelled line.
      problems.push(...withGuid(strings.map((item) => ({ ...item, text: item.text.replace(/^Object id: \S+$/m, '') }))));
    }
    for (const [index, { who, card }] of inlineCards.entries()) problems.push(...withGuid(readableStrings(card, `inline[${index}] ${who}`)));
    // An activity-feed notification shows its text topic, its preview and the template's parameters; the deep link is not read.
    let notifications = 0;
    for (const [userId, feed] of graph.activityNotifications) {
      for (const [index, { topic, previewText, templateParameters }] of feed.entries()) {
        notifications += 1;
        const where = `feed ${userId.slice(-4)}[${index}]`;
        problems.push(...withGuid([...(topic.source === 'text' ? [{ path: `${where}.topic`, text: topic.value }] : []), { path: `${where}.preview`, text: previewText.content }]));
        problems.push(...withGuid(templateParameters.map((parameter) => ({ path: `${where}.${parameter.name}`, text: parameter.value }))));
      }
    }
    for (const [index, mail] of graph.mails.entries()) {
      for (const [part, text] of Object.entries({ subject: mail.subject, text: mail.text, html: mail.html })) {
        if (text && GUID.test(text)) problems.push(`mail[${index}] to ${mail.to} ${part}: ${GUID.exec(text)?.[0]}`);
      }
    }
    const everyone = await call('GET', '/api/v1/requests', key);
    expect(everyone.json.requests.length).toBe(6);
    for (const { id } of everyone.json.requests as { id: string }[]) {
      const detail = await call('GET', `/api/v1/requests/${id}`, key);
      expect(detail.status).toBe(200);
      problems.push(...withGuid(apiStrings(detail.json, `trail ${id.slice(0, 8)}`)));
    }
    // The API keeps its ids and puts names next to them; the approver who left reads as a former member.
    const denied = (await call('GET', `/api/v1/requests/${keyed.id}`, key)).json;
    expect(denied).toMatchObject({ requester: PEOPLE.dana.aadObjectId, requesterName: 'Dana Engineer', decision: { by: PEOPLE.finn.aadObjectId }, decisionByName: 'Finn Approver (former member)' });
    expect(denied.events.map((event: { actor: string; actorName: string }) => [event.actor, event.actorName])).toEqual([
      ['service:key:ticketing-1', 'ticketing'],
      [PEOPLE.finn.aadObjectId, 'Finn Approver (former member)'],
    ]);
    const approved = (await call('GET', `/api/v1/requests/${fromChat.id}`, key)).json;
    expect(approved.decisionByName).toBe('Carl Approver');
    expect((await call('GET', `/api/v1/requests/${helping.id}`, key)).json).toMatchObject({ helper: PEOPLE.bea.aadObjectId, helperName: 'Bea Agent', requesterName: 'Eve User' });
    expect((await call('GET', `/api/v1/requests/${invitation.id}`, key)).json).toMatchObject({
      inviter: PEOPLE.bea.aadObjectId,
      inviterName: 'Bea Agent',
      invitee: PEOPLE.alex.aadObjectId,
      inviteeName: 'Alex Agent',
    });
    const handed = (await call('GET', `/api/v1/requests/${session.id}`, key)).json;
    expect(handed).toMatchObject({ owner: PEOPLE.alex.aadObjectId, ownerName: 'Alex Agent', assignee: PEOPLE.bea.aadObjectId, assigneeName: 'Bea Agent' });
    for (const who of ['alex', 'bea', 'carl', 'dana'] as const) {
      const page = await fetch(`${t.doorman.url}/tab`);
      problems.push(...withGuid([{ path: 'tab page', text: await page.text() }]));
      const list = await call('GET', '/tab/api/requests', tabToken(who));
      expect(list.status).toBe(200);
      problems.push(...withGuid(apiStrings(list.json, `tab ${who}`)));
    }

    expect(t.connector.calls.length).toBeGreaterThan(20);
    expect(graph.mails.length).toBeGreaterThanOrEqual(3);
    expect(notifications).toBeGreaterThanOrEqual(5);
    expect(problems).toEqual([]);
  });

  it("tells times in each person's own zone: mail in the mailbox's, cards and notices in their chat in Teams' zone, else the mailbox's", async () => {
    await t.registerApprovals();
    for (const who of ['alex', 'carl', 'dana'] as const) await t.message(who, 'hi');
    // Finn only installed Doorman: the install event carries no time zone.
    const { localTimezone: _none, ...install } = teamsActivity({ from: PEOPLE.finn, place: { personal: true }, tenantId: TENANT, serviceUrl: t.connector.url, id: 'install-finn' });
    await t.post({ ...install, type: 'installationUpdate', action: 'add' });

    await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
    await deliverAll();
    const mailTo = (first: string) => graph.mails.find((mail) => mail.to?.includes(`${first}@contoso.com`))?.text ?? '';
    expect(mailTo('carl')).toMatch(/Decide by: .*\(Greenwich Mean Time\)/); // mailbox: GMT Standard Time
    expect(mailTo('finn')).toMatch(/Decide by: .*\(Japan Standard Time\)/); // mailbox: Tokyo Standard Time

    // A request made through the REST API: its card goes into Dana's chat, in her zone (Teams reports New York),
    // and stays in it when the approval updates it; the approvers' channel card says the service's zone.
    const key = await t.issueApiKey({ id: 'ticketing-2', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
    const created = await call('POST', '/api/v1/lockbox', key, { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Fabrikam tenant', reason: 'Case 4712', durationMinutes: 30 });
    await deliverAll();
    const viaApi = (await t.store.getRequest(created.json.id)) as LockboxRequest;
    await t.invoke('carl', 'lockbox.approve', { requestId: viaApi.id, version: viaApi.version }, 'channel');
    await deliverAll();
    const danaCards = t.connector.calls.filter((call) => call.conversationId === `a:personal-${PEOPLE.dana.aadObjectId}` && JSON.stringify(call.body).includes('Access request · Fabrikam tenant'));
    expect(danaCards.map((call) => call.kind)).toEqual(expect.arrayContaining(['send', 'update']));
    // (Markdown escapes the underscore: New\_York.)
    for (const call of danaCards) expect(JSON.stringify(call.body).replace(/\\/g, '')).toContain('Times in America/New_York.');
    const channelCard = t.connector.calls.filter((call) => call.conversationId.startsWith(APPROVALS_CHANNEL) && JSON.stringify(call.body).includes('Fabrikam tenant')).at(-1);
    expect(JSON.stringify(channelCard?.body)).toContain('Times in Europe/Berlin.');

    await t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    await deliverAll();
    const noticeIn = (who: keyof typeof PEOPLE) =>
      t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`).map((call) => JSON.stringify(call.body)).find((body) => body.includes('turned approval off')) ?? '';
    expect(noticeIn('carl')).toContain('(Europe/Berlin)'); // as Teams reported it on his last message
    expect(noticeIn('finn')).toContain('(Asia/Tokyo)'); // no Teams zone yet: his mailbox's
  });
});
