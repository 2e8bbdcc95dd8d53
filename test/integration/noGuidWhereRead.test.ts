import { LockboxRequest } from '../../src/domain/lockbox';
import { JwksDouble } from '../support/entraDouble';
import { GraphModeDoorman, apiStrings, guidsWhereRead, startGraphModeDoorman, walkEveryFlow, withGuid } from '../support/graphModeWalk';
import { teamsActivity } from '../support/activities';
import { APPROVALS_CHANNEL, PEOPLE, TENANT } from '../support/testDoorman';

// Issue 11: in Graph mode no object id reaches a person. A whole walk (test/support/graphModeWalk.ts: a session
// handed to a colleague, an assistance request with an invitation, lockbox requests from chat, an API key and an
// Entra app, a decision by an approver who then leaves the tenant, a settings change) runs against the Graph double
// with people and roles from Entra and activity-feed notifications on; then every card and message the Bot Connector
// double received, every card answered inline, every activity-feed notification, every trail of the REST API, every
// mail and the tab's answers are scanned. Ids are allowed only in the API's id fields and in what Teams does not show
// (action data, refresh lists, mentions). test/e2e/graphNoGuid.e2e.test.ts reads the tab as Chromium renders it.

// A whole walk over TLS to the Graph double: seconds alone, much longer on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('Graph mode: no object id where a person reads', () => {
  let jwks: JwksDouble;
  let g: GraphModeDoorman;

  beforeAll(async () => {
    jwks = new JwksDouble();
    await jwks.start();
  });
  afterAll(() => jwks.stop());

  beforeEach(async () => {
    g = await startGraphModeDoorman(jwks);
  });
  afterEach(() => g.stop());

  it('cards, inline answers, mails, REST trails and the tab name people; ids stay in the id fields', async () => {
    const { key, session, helping, invitation, fromChat, keyed } = await walkEveryFlow(g);

    const problems = guidsWhereRead(g);
    const everyone = await g.call('GET', '/api/v1/requests', key);
    expect(everyone.json.requests.length).toBe(6);
    for (const { id } of everyone.json.requests as { id: string }[]) {
      const detail = await g.call('GET', `/api/v1/requests/${id}`, key);
      expect(detail.status).toBe(200);
      problems.push(...withGuid(apiStrings(detail.json, `trail ${id.slice(0, 8)}`)));
    }
    // The API keeps its ids and puts names next to them; the approver who left reads as a former member.
    const denied = (await g.call('GET', `/api/v1/requests/${keyed.id}`, key)).json;
    expect(denied).toMatchObject({ requester: PEOPLE.dana.aadObjectId, requesterName: 'Dana Engineer', decision: { by: PEOPLE.finn.aadObjectId }, decisionByName: 'Finn Approver (former member)' });
    expect(denied.events.map((event: { actor: string; actorName: string }) => [event.actor, event.actorName])).toEqual([
      ['service:key:ticketing-1', 'ticketing'],
      [PEOPLE.finn.aadObjectId, 'Finn Approver (former member)'],
    ]);
    const approved = (await g.call('GET', `/api/v1/requests/${fromChat.id}`, key)).json;
    expect(approved.decisionByName).toBe('Carl Approver');
    expect((await g.call('GET', `/api/v1/requests/${helping.id}`, key)).json).toMatchObject({ helper: PEOPLE.bea.aadObjectId, helperName: 'Bea Agent', requesterName: 'Eve User' });
    expect((await g.call('GET', `/api/v1/requests/${invitation.id}`, key)).json).toMatchObject({
      inviter: PEOPLE.bea.aadObjectId,
      inviterName: 'Bea Agent',
      invitee: PEOPLE.alex.aadObjectId,
      inviteeName: 'Alex Agent',
    });
    const handed = (await g.call('GET', `/api/v1/requests/${session.id}`, key)).json;
    expect(handed).toMatchObject({ owner: PEOPLE.alex.aadObjectId, ownerName: 'Alex Agent', assignee: PEOPLE.bea.aadObjectId, assigneeName: 'Bea Agent' });
    for (const who of ['alex', 'bea', 'carl', 'dana'] as const) {
      const page = await fetch(`${g.t.doorman.url}/tab`);
      problems.push(...withGuid([{ path: 'tab page', text: await page.text() }]));
      const list = await g.call('GET', '/tab/api/requests', g.tabToken(who));
      expect(list.status).toBe(200);
      problems.push(...withGuid(apiStrings(list.json, `tab ${who}`)));
    }

    expect(g.t.connector.calls.length).toBeGreaterThan(20);
    expect(g.graph.mails.length).toBeGreaterThanOrEqual(3);
    expect([...g.graph.activityNotifications.values()].flat().length).toBeGreaterThanOrEqual(5);
    expect(problems).toEqual([]);
  });

  it("tells times in each person's own zone: mail in the mailbox's, cards and notices in their chat in Teams' zone, else the mailbox's", async () => {
    await g.t.registerApprovals();
    for (const who of ['alex', 'carl', 'dana'] as const) await g.t.message(who, 'hi');
    // Finn only installed Doorman: the install event carries no time zone.
    const { localTimezone: _none, ...install } = teamsActivity({ from: PEOPLE.finn, place: { personal: true }, tenantId: TENANT, serviceUrl: g.t.connector.url, id: 'install-finn' });
    await g.t.post({ ...install, type: 'installationUpdate', action: 'add' });

    await g.t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
    await g.deliverAll();
    const mailTo = (first: string) => g.graph.mails.find((mail) => mail.to?.includes(`${first}@contoso.com`))?.text ?? '';
    expect(mailTo('carl')).toMatch(/Decide by: .*\(Greenwich Mean Time\)/); // mailbox: GMT Standard Time
    expect(mailTo('finn')).toMatch(/Decide by: .*\(Japan Standard Time\)/); // mailbox: Tokyo Standard Time

    // A request made through the REST API: its card goes into Dana's chat, in her zone (Teams reports New York),
    // and stays in it when the approval updates it; the approvers' channel card says the service's zone.
    const key = await g.t.issueApiKey({ id: 'ticketing-2', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
    const created = await g.call('POST', '/api/v1/lockbox', key, { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Fabrikam tenant', reason: 'Case 4712', durationMinutes: 30 });
    await g.deliverAll();
    const viaApi = (await g.t.store.getRequest(created.json.id)) as LockboxRequest;
    await g.t.invoke('carl', 'lockbox.approve', { requestId: viaApi.id, version: viaApi.version }, 'channel');
    await g.deliverAll();
    const danaCards = g.t.connector.calls.filter((call) => call.conversationId === `a:personal-${PEOPLE.dana.aadObjectId}` && JSON.stringify(call.body).includes('Access request · Fabrikam tenant'));
    expect(danaCards.map((call) => call.kind)).toEqual(expect.arrayContaining(['send', 'update']));
    // (Markdown escapes the underscore: New\_York.)
    for (const call of danaCards) expect(JSON.stringify(call.body).replace(/\\/g, '')).toContain('Times in America/New_York.');
    const channelCard = g.t.connector.calls.filter((call) => call.conversationId.startsWith(APPROVALS_CHANNEL) && JSON.stringify(call.body).includes('Fabrikam tenant')).at(-1);
    expect(JSON.stringify(channelCard?.body)).toContain('Times in Europe/Berlin.');

    await g.t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    await g.deliverAll();
    const noticeIn = (who: keyof typeof PEOPLE) =>
      g.t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`).map((call) => JSON.stringify(call.body)).find((body) => body.includes('turned approval off')) ?? '';
    expect(noticeIn('carl')).toContain('(Europe/Berlin)'); // as Teams reported it on his last message
    expect(noticeIn('finn')).toContain('(Asia/Tokyo)'); // no Teams zone yet: his mailbox's
  });
  it("speaks Entra's preferred language to someone Teams never told Doorman a locale for: notice and mail", async () => {
    await g.t.registerApprovals();
    await g.t.message('alex', 'hi');
    // Finn only installed Doorman (no locale, no message); Entra says he reads German. Read once the cache's TTL is over.
    (g.graph.users.get(PEOPLE.finn.aadObjectId) as { preferredLanguage?: string }).preferredLanguage = 'de-DE';
    g.t.clock.advance(10 * 60_000);
    const install = teamsActivity({ from: PEOPLE.finn, place: { personal: true }, tenantId: TENANT, serviceUrl: g.t.connector.url, id: 'install-finn' });
    await g.t.post({ ...install, type: 'installationUpdate', action: 'add' });

    await g.t.message('dana', 'hi');
    await g.t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
    await g.deliverAll();
    const mailTo = (first: string) => g.graph.mails.find((mail) => mail.to?.includes(`${first}@contoso.com`))?.text ?? '';
    expect(mailTo('finn')).toContain('Entscheidung bis');
    expect(mailTo('carl')).toContain('Decide by');

    await g.t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    await g.deliverAll();
    const noticeIn = (who: keyof typeof PEOPLE) => g.t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`).map((call) => JSON.stringify(call.body)).join('\n');
    expect(noticeIn('finn')).toContain('hat die Genehmigung am');
    expect(noticeIn('finn')).not.toContain('turned approval off');
  });
});
