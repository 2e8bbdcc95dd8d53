import nock from 'nock';
import { GraphAppInstaller } from '../../../src/adapters/graph/graphAppInstaller';
import { GraphForbiddenError, GraphUnavailableError } from '../../../src/adapters/graph/graphClient';
import { RetryableError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, nockedGraphClient } from './graphTestKit';

/*
 * Request and response shapes from Microsoft Learn (v1.0): "Install app for user", "List apps installed for user"
 * (example 3's $expand / $filter on teamsApp), "Get chat between user and app".
 */
const clock = new FakeClock('2030-03-04T09:00:00.000Z');
const USER = '5b649834-7412-4cce-9e69-176e95a394f5';
const APP = '12345678-9abc-def0-1234-56789abcdef0';
const INSTALLATION = Buffer.from(`${USER}##${APP}`).toString('base64');
const INSTALLED_APPS = `/v1.0/users/${USER}/teamwork/installedApps`;

const installer = () => new GraphAppInstaller(nockedGraphClient(), APP, clock);

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

test('install: POST installedApps binds the catalog app; 201 Created with no body', async () => {
  let body: unknown = null;
  nock(GRAPH)
    .post(INSTALLED_APPS, (sent) => ((body = sent), true))
    .reply(201);

  await installer().installFor(USER);

  expect(body).toEqual({ 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${APP}` });
});

test('install: 409 Conflict means already installed, which is success', async () => {
  nock(GRAPH).post(INSTALLED_APPS).reply(409, { error: { code: 'Conflict', message: 'App is already installed.' } });

  await expect(installer().installFor(USER)).resolves.toBeUndefined();
});

test('install: 403 names the permission to grant (GRAPH.FORBIDDEN), never the body', async () => {
  nock(GRAPH)
    .post(INSTALLED_APPS)
    .reply(403, { error: { code: 'Forbidden', message: "Missing role permissions on the request. API requires one of 'TeamsAppInstallation.ReadWriteSelfForUser.All'. secret-detail" } });

  const error = (await installer().installFor(USER).catch((e: unknown) => e)) as GraphForbiddenError;

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect(error.code).toBe('GRAPH.FORBIDDEN');
  expect(error.requirement.permission).toBe('TeamsAppInstallation.ReadWriteSelfForUser.All');
  expect(error.message).not.toContain('secret-detail');
});

test('install: 429 is throttling (Retry-After honoured, no attempt spent); 503 is retried with backoff', async () => {
  nock(GRAPH)
    .post(INSTALLED_APPS)
    .reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'Retry-After': '7' })
    .post(INSTALLED_APPS)
    .reply(503, { error: { code: 'ServiceUnavailable', message: '' } });

  const throttled = (await installer().installFor(USER).catch((e: unknown) => e)) as GraphUnavailableError;
  const unavailable = (await installer().installFor(USER).catch((e: unknown) => e)) as GraphUnavailableError;

  expect(throttled).toBeInstanceOf(RetryableError);
  expect(throttled.throttled).toBe(true);
  expect(throttled.retryAfterMs).toBe(7000);
  expect(unavailable).toBeInstanceOf(RetryableError);
  expect(unavailable.throttled).toBe(false);
});

test("chat: lists the user's installation of this app ($expand=teamsApp, $filter on teamsApp/id), then GETs its chat", async () => {
  nock(GRAPH)
    .get(INSTALLED_APPS)
    .query({ $expand: 'teamsApp', $filter: `teamsApp/id eq '${APP}'` })
    .reply(200, {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${USER}')/teamwork/installedApps(teamsApp())`,
      value: [{ id: INSTALLATION, teamsApp: { id: APP, externalId: 'cf1ba4c7-f94e-4d80-ba90-5594b641a8ee', displayName: 'Doorman', distributionMethod: 'organization' } }],
    })
    .get(`${INSTALLED_APPS}/${encodeURIComponent(INSTALLATION)}/chat`)
    .reply(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#chats/$entity',
      id: `19:${USER}_0de69e5e-2da8-4cf2-821f-5e6585b2c65b@unq.gbl.spaces`,
    });

  await expect(installer().chatIdFor(USER)).resolves.toBe(`19:${USER}_0de69e5e-2da8-4cf2-821f-5e6585b2c65b@unq.gbl.spaces`);
});

test('chat: an installation not listed yet (Graph is eventually consistent) is worth another try', async () => {
  nock(GRAPH).get(INSTALLED_APPS).query(true).reply(200, { value: [] });

  const error = await installer().chatIdFor(USER).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(RetryableError);
});

test('chat: 403 on the list names the permission; 429 on the chat is throttling', async () => {
  nock(GRAPH)
    .get(INSTALLED_APPS)
    .query(true)
    .reply(403, { error: { code: 'Forbidden', message: 'Missing role permissions on the request.' } })
    .get(INSTALLED_APPS)
    .query(true)
    .reply(200, { value: [{ id: INSTALLATION }] })
    .get(`${INSTALLED_APPS}/${encodeURIComponent(INSTALLATION)}/chat`)
    .reply(429, { error: { code: 'TooManyRequests', message: '' } }, { 'Retry-After': '3' });

  const forbidden = (await installer().chatIdFor(USER).catch((e: unknown) => e)) as GraphForbiddenError;
  const throttled = (await installer().chatIdFor(USER).catch((e: unknown) => e)) as GraphUnavailableError;

  expect(forbidden).toBeInstanceOf(GraphForbiddenError);
  expect(forbidden.requirement.permission).toBe('TeamsAppInstallation.ReadWriteSelfForUser.All');
  expect(throttled).toBeInstanceOf(GraphUnavailableError);
  expect(throttled.retryAfterMs).toBe(3000);
});
