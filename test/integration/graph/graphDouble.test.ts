import { GraphForbiddenError, createGraphClient } from '../../../src/adapters/graph/graphClient';
import { DoctorCheck, formatDoctorReport, runGraphDoctor } from '../../../src/adapters/graph/graphDoctor';
import { GraphMailer } from '../../../src/adapters/graph/graphMailer';
import { GraphMeetingProvider } from '../../../src/adapters/graph/graphMeetingProvider';
import { RetryableError } from '../../../src/application/ports';
import { Config, loadConfig } from '../../../src/config';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';
import { aSessionRequest } from '../../support/sessionBuilder';

// The real credential (ClientSecretCredential → MSAL → the double's token endpoint over https) and the real Graph
// client, against the stateful double on loopback. The network is sealed by test/support/sealNetwork.ts.

const ANNA = { aadObjectId: 'agent-anna', name: 'Anna Agent' };
const clock = new FakeClock('2030-03-04T09:00:00.000Z');
let double: GraphDouble;

beforeEach(async () => {
  double = await startGraphDouble({ clientSecret: 'right-secret' });
  double.addUser({ id: 'agent-anna', userPrincipalName: 'anna@contoso.example', displayName: 'Anna Agent' });
  double.addUser({ id: 'svc-doorman', userPrincipalName: 'doorman@contoso.example', displayName: 'Doorman' });
  double.addUser({ id: 'support-box', userPrincipalName: 'support@contoso.example', displayName: 'Support' });
});

afterEach(async () => {
  await double.close();
});

function connect(overrides: Parameters<GraphDouble['graphConfig']>[0] = {}) {
  const graphConfig = double.graphConfig({ credential: { kind: 'secret', secret: 'right-secret' }, ...overrides });
  const graph = createGraphClient(graphConfig, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  return { graphConfig, graph };
}

test('the credential gets its token from the double and the client sends it to Graph', async () => {
  const { graph } = connect();

  const user = (await graph.client.api('/users/anna@contoso.example').get()) as { id: string };

  expect(user.id).toBe('agent-anna');
  expect(double.tokensIssued).toBe(1);
  const paths = double.requests.map((request) => `${request.method} ${request.path}`);
  expect(paths).toContain(`GET /${double.tenantId}/v2.0/.well-known/openid-configuration`);
  expect(paths).toContain(`POST /${double.tenantId}/oauth2/v2.0/token`);
});

test('a wrong client secret → GRAPH.FORBIDDEN about the credential (invalid_client)', async () => {
  const graphConfig = double.graphConfig({ credential: { kind: 'secret', secret: 'wrong-secret' } });
  const { client } = createGraphClient(graphConfig, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  const meetings = new GraphMeetingProvider(client, graphConfig, clock);

  const error = (await meetings.createMeeting(aSessionRequest({ createdBy: ANNA }), 'x-1').catch((e: unknown) => e)) as GraphForbiddenError;

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect(error.requirement.operation).toBe('credential');
  expect(error.graphCode).toBe('invalid_client AADSTS7000215');
  expect(double.meetingsCreated).toBe(0);
});

describe('online meetings', () => {
  test('createOrGet: the same externalId gives the same meeting (201, then 200); the PATCH sets the lobby', async () => {
    const { graph, graphConfig } = connect();
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    const request = aSessionRequest({ id: 'session-d', createdBy: ANNA });

    const first = await meetings.createMeeting(request, 'session-d-1');
    const again = await meetings.createMeeting(request, 'session-d-1');

    expect(again).toEqual(first);
    expect(double.meetingsCreated).toBe(1);
    const [stored] = [...double.meetings.values()];
    expect(stored.organizerId).toBe('agent-anna');
    expect(stored.resource).toMatchObject({
      externalId: 'session-d-1',
      subject: 'Support session: Chris Customer',
      lobbyBypassSettings: { scope: 'organizer', isDialInBypassEnabled: false },
      allowedPresenters: 'roleIsPresenter',
      allowMeetingChat: 'limited',
      isEntryExitAnnounced: true,
    });
    expect(first.joinUrl).toBe(stored.resource.joinWebUrl);
  });

  test('a crash between "meeting created" and "saved" (here: the PATCH fails) makes no second meeting on retry', async () => {
    const { graph, graphConfig } = connect({ organizer: 'svc-doorman' });
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    const request = aSessionRequest({ id: 'session-c', createdBy: ANNA });
    double.failNext(1, { status: 503 }, { method: 'PATCH' });

    const failed = await meetings.createMeeting(request, 'session-c-1').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RetryableError);
    expect(double.meetingsCreated).toBe(1);

    const retried = await meetings.createMeeting(request, 'session-c-1');

    expect(double.meetingsCreated).toBe(1);
    const [stored] = [...double.meetings.values()];
    expect(retried.meetingId).toBe(`onlineMeeting:svc-doorman:${stored.resource.id}`);
    expect(stored.resource.lobbyBypassSettings).toEqual({ scope: 'invited', isDialInBypassEnabled: false });
    expect((stored.resource.participants as { attendees: unknown[] }).attendees).toEqual([
      { identity: { user: { id: 'agent-anna' } }, role: 'coorganizer' },
    ]);
  });

  test('a reopen (new generation, new externalId) gets a new meeting; close deletes it', async () => {
    const { graph, graphConfig } = connect();
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    const request = aSessionRequest({ id: 'session-r', createdBy: ANNA });

    const first = await meetings.createMeeting(request, 'session-r-1');
    const second = await meetings.createMeeting({ ...request, generation: 2 }, 'session-r-2');
    expect(second.meetingId).not.toBe(first.meetingId);
    expect(double.meetingsCreated).toBe(2);

    await meetings.deleteMeeting(first.meetingId ?? '', ANNA);
    await meetings.deleteMeeting(first.meetingId ?? '', ANNA);

    expect(double.meetings.size).toBe(1);
  });

  test('lobby bypass after Admit opens to everyone and closes again', async () => {
    const { graph, graphConfig } = connect();
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    const details = await meetings.createMeeting(aSessionRequest({ createdBy: ANNA }), 'x-1');
    const [stored] = [...double.meetings.values()];

    await meetings.setLobbyBypass(details.meetingId ?? '', true);
    expect(stored.resource.lobbyBypassSettings).toEqual({ scope: 'everyone', isDialInBypassEnabled: false });
    await meetings.setLobbyBypass(details.meetingId ?? '', false);
    expect(stored.resource.lobbyBypassSettings).toEqual({ scope: 'organizer', isDialInBypassEnabled: false });
  });

  test('429 with Retry-After from the double → RetryableError with the wait in ms', async () => {
    const { graph, graphConfig } = connect();
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    double.failNext(1, { status: 429, retryAfter: '12' }, { path: /createOrGet$/ });

    const error = (await meetings.createMeeting(aSessionRequest({ createdBy: ANNA }), 'x-1').catch((e: unknown) => e)) as RetryableError;

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.retryAfterMs).toBe(12_000);
  });

  test('no application access policy for the organizer → GRAPH.FORBIDDEN naming the policy', async () => {
    double.setMeetingPolicy(['someone-else']);
    const { graph, graphConfig } = connect();
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);

    const error = (await meetings.createMeeting(aSessionRequest({ createdBy: ANNA }), 'x-1').catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.policy).toBe('teamsApplicationAccessPolicy');
    expect(error.graphCode).toBe('Unauthorized');
  });
});

describe('calendar events', () => {
  test('a retried create with the same transactionId makes one event; the customer is not invited', async () => {
    const { graph, graphConfig } = connect({ meetingMode: 'calendarEvent', organizer: 'svc-doorman' });
    const meetings = new GraphMeetingProvider(graph.client, graphConfig, clock);
    const request = aSessionRequest({ id: 'session-e', createdBy: ANNA });

    const first = await meetings.createMeeting(request, 'session-e-1');
    const again = await meetings.createMeeting(request, 'session-e-1');

    expect(again).toEqual(first);
    expect(double.eventsCreated).toBe(1);
    const [event] = [...double.events.values()];
    expect(event.resource.attendees).toEqual([{ emailAddress: { address: 'anna@contoso.example', name: 'Anna Agent' }, type: 'required' }]);
    expect(first.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);

    await meetings.deleteMeeting(first.meetingId ?? '', ANNA);
    expect(double.events.size).toBe(0);
  });
});

test('sendMail: the double accepts (202) a MIME mail with both parts in the chosen language', async () => {
  const { graph } = connect();
  const mailer = new GraphMailer(graph.client, 'support@contoso.example', clock);

  await mailer.send({
    to: { name: 'Noor de Vries', address: 'noor@example.com' },
    subject: 'Uw supportsessie',
    text: 'Open de link vóór 5 maart.',
    html: '<p>Open de link vóór 5 maart.</p>',
    language: 'nl',
  });

  expect(double.mails).toHaveLength(1);
  expect(double.mails[0]).toMatchObject({
    sender: 'support@contoso.example',
    format: 'mime',
    subject: 'Uw supportsessie',
    language: 'nl',
    text: 'Open de link vóór 5 maart.',
    html: '<p>Open de link vóór 5 maart.</p>',
  });
});

describe('doctor', () => {
  function doctorConfig(overrides: Record<string, string> = {}): Config {
    return loadConfig({
      MEETINGS: 'graph',
      MAIL: 'graph',
      MAIL_SENDER: 'support@contoso.example',
      GRAPH_TENANT_ID: double.tenantId,
      GRAPH_CLIENT_ID: double.clientId,
      GRAPH_CLIENT_SECRET: 'right-secret',
      GRAPH_BASE_URL: double.baseUrl,
      GRAPH_AUTHORITY_HOST: double.authorityHost,
      GRAPH_ORGANIZER: 'doorman@contoso.example',
      ROLE_AGENTS: 'agent-anna,group:1234',
      DIRECTORY: 'graph',
      ...overrides,
    });
  }

  function graphOf(config: Config) {
    if (!config.graph) throw new Error('graph config expected');
    return createGraphClient(config.graph, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  }

  test('all in place: every check ok, manual steps listed', async () => {
    double.setRoles(['OnlineMeetings.ReadWrite.All', 'Mail.Send', 'User.Read.All', 'GroupMember.Read.All', 'MailboxSettings.Read']);
    double.addGroup({ id: '1234', displayName: 'Support agents', members: ['agent-anna'] });
    const config = doctorConfig();

    const checks = await runGraphDoctor(config, { graph: graphOf(config), clock, meetingsThisMonth: async () => 12 });

    expect(checks.filter((check) => check.status === 'problem')).toEqual([]);
    expect(checks.map((check) => check.name)).toEqual(
      expect.arrayContaining([
        'Graph credential',
        'Permission OnlineMeetings.ReadWrite.All',
        'Permission Mail.Send',
        'Permission User.Read.All',
        'Permission GroupMember.Read.All',
        'Permission MailboxSettings.Read',
        'Role group 1234',
        'Organizer (service account)',
        'Organizer (service account): onlineMeetings access',
        'Mailbox support@contoso.example',
        'Anonymous users can join meetings',
        'Application access policy',
        'Meetings this month (svc-doorman)',
      ]),
    );
    expect(checks.find((check) => check.name === 'Anonymous users can join meetings')?.status).toBe('manual');
    expect(checks.find((check) => check.name === 'Role group 1234')?.detail).toBe('“Support agents”: members readable (nested groups included)');
    expect(checks.find((check) => check.name === 'Permission MailboxSettings.Read')?.detail).toMatch(/granted \(needed to tell people times in their own time zone/);
  });

  test('missing permission and policy: problems with the fix', async () => {
    double.setRoles(['User.Read.All']);
    double.setMeetingPolicy([]);
    const config = doctorConfig();

    const checks = await runGraphDoctor(config, { graph: graphOf(config), clock });
    const report = formatDoctorReport(checks);

    const problems = checks.filter((check) => check.status === 'problem').map((check) => check.name);
    expect(problems).toEqual([
      'Permission OnlineMeetings.ReadWrite.All',
      'Permission Mail.Send',
      'Permission MailboxSettings.Read',
      'Permission GroupMember.Read.All',
      'Role group 1234',
      'Organizer (service account): onlineMeetings access',
    ]);
    expect(report).toContain('[PROBLEM] Permission MailboxSettings.Read: missing from the token\'s roles (needed to tell people times in their own time zone');
    expect(report).toContain('without it: the zone Teams reports, else DEFAULT_TIME_ZONE');
    expect(report).toContain('[PROBLEM] Permission Mail.Send');
    expect(report).toContain('[PROBLEM] Role group 1234: not allowed to read its members');
    expect(report).toContain('GroupMember.Read.All with admin consent (1234)');
    expect(report).toContain('Grant admin consent');
    expect(report).toContain('New-CsApplicationAccessPolicy -Identity Doorman-Meetings');
  });

  test('reaching people who never opened Doorman: TeamsAppInstallation.ReadWriteSelfForUser.All with TEAMS_APP_ID, a manual line without', async () => {
    double.setRoles(['OnlineMeetings.ReadWrite.All', 'Mail.Send', 'User.Read.All', 'GroupMember.Read.All']);
    double.addGroup({ id: '1234', displayName: 'Support agents', members: ['agent-anna'] });
    const withAppId = doctorConfig({ TEAMS_APP_ID: 'a1b2c3d4-0000-4000-8000-00000000d00a' });
    const without = doctorConfig();

    const missing = await runGraphDoctor(withAppId, { graph: graphOf(withAppId), clock });
    double.setRoles(['OnlineMeetings.ReadWrite.All', 'Mail.Send', 'User.Read.All', 'GroupMember.Read.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All']);
    const granted = await runGraphDoctor(withAppId, { graph: graphOf(withAppId), clock });
    const unset = await runGraphDoctor(without, { graph: graphOf(without), clock });

    const line = (checks: DoctorCheck[], name: string) => checks.find((check) => check.name === name);
    expect(line(missing, 'Permission TeamsAppInstallation.ReadWriteSelfForUser.All')).toMatchObject({ status: 'problem', detail: expect.stringMatching(/install Doorman for people who never opened it/) });
    expect(line(granted, 'Permission TeamsAppInstallation.ReadWriteSelfForUser.All')?.status).toBe('ok');
    expect(line(granted, 'Reaching people who never opened Doorman')).toBeUndefined();
    expect(line(unset, 'Permission TeamsAppInstallation.ReadWriteSelfForUser.All')).toBeUndefined();
    expect(line(unset, 'Reaching people who never opened Doorman')).toMatchObject({ status: 'manual', detail: expect.stringMatching(/TEAMS_APP_ID is not set/) });
    expect(line(granted, 'Installing Doorman for people')).toMatchObject({ status: 'manual', detail: expect.stringMatching(/webApplicationInfo\.id is empty/) });
    const sameApp = doctorConfig({ TEAMS_APP_ID: 'a1b2c3d4-0000-4000-8000-00000000d00a', TAB_SSO_CLIENT_ID: double.clientId });
    expect(line(await runGraphDoctor(sameApp, { graph: graphOf(sameApp), clock }), 'Installing Doorman for people')).toBeUndefined();
  });

  test('a wrong secret: the credential line says invalid_client with the AADSTS code', async () => {
    const config = doctorConfig({ GRAPH_CLIENT_SECRET: 'wrong-secret' });

    const checks = await runGraphDoctor(config, { graph: graphOf(config), clock });

    expect(checks[0]).toMatchObject({ name: 'Graph credential', status: 'problem' });
    expect(checks[0].detail).toContain('invalid_client AADSTS7000215');
  });
});

describe('doctor, calendar mode with agents organizing', () => {
  test('asks for Calendars.ReadWrite instead of OnlineMeetings.ReadWrite.All and checks each agent', async () => {
    double.setRoles(['Calendars.ReadWrite', 'Mail.Send', 'Directory.Read.All']);
    const config = loadConfig({
      MEETINGS: 'graph',
      MAIL: 'graph',
      MAIL_SENDER: 'support@contoso.example',
      GRAPH_TENANT_ID: double.tenantId,
      GRAPH_CLIENT_ID: double.clientId,
      GRAPH_CLIENT_SECRET: 'right-secret',
      GRAPH_BASE_URL: double.baseUrl,
      GRAPH_AUTHORITY_HOST: double.authorityHost,
      GRAPH_MEETING_MODE: 'calendarEvent',
      ROLE_AGENTS: 'agent-anna,agent-gone',
    });
    if (!config.graph) throw new Error('graph config expected');
    const graph = createGraphClient(config.graph, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });

    const checks = await runGraphDoctor(config, { graph, clock });

    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName['Permission Calendars.ReadWrite'].status).toBe('ok');
    expect(byName['Permission OnlineMeetings.ReadWrite.All']).toBeUndefined();
    expect(byName['Permission User.Read.All'].status).toBe('ok');
    expect(byName['Organizer (agent agent-anna)'].status).toBe('ok');
    expect(byName['Organizer (agent agent-gone)']).toMatchObject({ status: 'problem', detail: 'no user agent-gone in this tenant' });
    expect(byName['Lobby of calendar meetings'].status).toBe('manual');
    expect(byName['Meetings this month'].status).toBe('manual');
  });
});
