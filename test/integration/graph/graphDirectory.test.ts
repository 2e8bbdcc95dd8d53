import nock from 'nock';
import { GraphForbiddenError, GraphUnavailableError } from '../../../src/adapters/graph/graphClient';
import { GraphDirectory } from '../../../src/adapters/graph/graphDirectory';
import { Role } from '../../../src/domain/people';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, nockedGraphClient, recordingLogger } from './graphTestKit';

// Response bodies follow Microsoft Learn ("Get user", "Get user mailbox settings", "Get group", "List group
// transitive members") and the directory's error messages; ids are made up.
const DANA = '8a7c50d3-fcbd-4727-a889-8ab232dfea01';
const OMAR = '5f1c0a8e-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
const GROUP = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
const USER_QUERY = { $select: 'id,displayName,mail,userPrincipalName,preferredLanguage' };
const MEMBERS = `/v1.0/groups/${GROUP}/transitiveMembers/microsoft.graph.user`;
const GROUP_QUERY = { $select: 'id,displayName' };
const TTL = 60_000;

let clock: FakeClock;

beforeEach(() => {
  clock = new FakeClock('2030-03-04T09:00:00.000Z');
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

function directory(roles: Partial<Record<Role, string[]>> = {}) {
  const logger = recordingLogger();
  return { logger, people: new GraphDirectory(nockedGraphClient(), { roles, ttlMs: TTL }, clock, logger) };
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { 'request-id': 'b3f9e7c4-1111-2222-3333-444455556666', date: '2030-03-04T09:00:00' } } };
}

function userBody(id: string, displayName: string, mail: string | null, preferredLanguage: string | null) {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,mail,userPrincipalName,preferredLanguage)/$entity',
    id,
    displayName,
    mail,
    userPrincipalName: mail ?? `${id}@contoso.onmicrosoft.com`,
    preferredLanguage,
  };
}

/** "Get user mailbox settings" as Exchange Online answers it (trimmed of automatic replies' schedule). */
function mailboxBody(id: string, timeZone: string, locale = 'en-US') {
  return {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${id}')/mailboxSettings`,
    archiveFolder: 'AAMkAGI2AAEuAAAAAACzMsPHYH6HQoSwfdpDx-2bAQCXhUk6',
    timeZone,
    automaticRepliesSetting: { status: 'disabled', externalAudience: 'all', internalReplyMessage: '', externalReplyMessage: '' },
    language: { locale, displayName: 'English (United States)' },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: timeZone },
    },
    dateFormat: 'dd.MM.yyyy',
    timeFormat: 'HH:mm',
    userPurpose: 'user',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
  };
}

test('a person: GET /users/{id} with $select and GET /users/{id}/mailboxSettings; a Windows time zone is mapped to IANA', async () => {
  const { people } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .reply(200, userBody(DANA, 'Dana Approver', 'dana@contoso.example', 'de-CH'))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(200, mailboxBody(DANA, 'W. Europe Standard Time', 'de-CH'));

  const profile = await people.profile(DANA);

  expect(profile).toEqual({
    aadObjectId: DANA,
    name: 'Dana Approver',
    entraName: 'Dana Approver',
    email: 'dana@contoso.example',
    preferredLanguage: 'de-CH',
    timeZone: 'Europe/Berlin',
    left: false,
  });
  expect(await people.profileOf(DANA)).toEqual({
    displayName: 'Dana Approver',
    email: 'dana@contoso.example',
    preferredLanguage: 'de-CH',
    timeZone: 'Europe/Berlin',
    state: 'active',
  }); // cached: no second request
});

test('a mailbox set up with IANA zones keeps its zone; the mailbox locale stands in for a missing preferredLanguage', async () => {
  const { people } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${OMAR}`)
    .query(USER_QUERY)
    .reply(200, userBody(OMAR, 'Omar Agent', 'omar@contoso.example', null))
    .get(`/v1.0/users/${OMAR}/mailboxSettings`)
    .reply(200, mailboxBody(OMAR, 'America/Sao_Paulo', 'pt-BR'));

  expect(await people.profileOf(OMAR)).toMatchObject({ timeZone: 'America/Sao_Paulo', preferredLanguage: 'pt-BR', state: 'active' });
});

test('no mailbox (404 MailboxNotEnabledForRESTAPI): no time zone, still an active person', async () => {
  const { people, logger } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${OMAR}`)
    .query(USER_QUERY)
    .reply(200, userBody(OMAR, 'Omar Agent', null, null))
    .get(`/v1.0/users/${OMAR}/mailboxSettings`)
    .reply(404, graphError('MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.'));

  expect(await people.profileOf(OMAR)).toEqual({ displayName: 'Omar Agent', email: null, preferredLanguage: null, timeZone: null, state: 'active' });
  expect(logger.lines).toEqual([]);
});

test('MailboxSettings.Read not granted (403): logged once naming it, no time zones, everyone else still read', async () => {
  const { people, logger } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .reply(200, userBody(DANA, 'Dana Approver', 'dana@contoso.example', null))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'))
    .get(`/v1.0/users/${OMAR}`)
    .query(USER_QUERY)
    .reply(200, userBody(OMAR, 'Omar Agent', null, null))
    .get(`/v1.0/users/${OMAR}/mailboxSettings`)
    .reply(403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));

  expect(await people.profileOf(DANA)).toMatchObject({ displayName: 'Dana Approver', timeZone: null, state: 'active' });
  expect(await people.profileOf(OMAR)).toMatchObject({ displayName: 'Omar Agent', timeZone: null });
  expect(logger.lines.filter((line) => line.message.includes('MailboxSettings.Read'))).toHaveLength(1);
});

test('mailbox settings throttled (429) on a refresh: the time zone read before stays', async () => {
  const { people } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .twice()
    .reply(200, userBody(DANA, 'Dana Approver', 'dana@contoso.example', null))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(200, mailboxBody(DANA, 'Tokyo Standard Time'))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(429, graphError('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'), { 'Retry-After': '3' });

  expect((await people.profileOf(DANA))?.timeZone).toBe('Asia/Tokyo');
  clock.advance(TTL);
  expect((await people.profileOf(DANA))?.timeZone).toBe('Asia/Tokyo');
});

test('someone who left (404) shows as a former member under the name last seen, never as an id; first seen gone: a phrase', async () => {
  const { people } = directory();
  nock(GRAPH)
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .reply(200, userBody(DANA, 'Dana Approver', 'dana@contoso.example', null))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(200, mailboxBody(DANA, 'UTC'))
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .reply(404, graphError('Request_ResourceNotFound', `Resource '${DANA}' does not exist or one of its queried reference-property objects are not present.`))
    .get(`/v1.0/users/${OMAR}`)
    .query(USER_QUERY)
    .reply(404, graphError('Request_ResourceNotFound', `Resource '${OMAR}' does not exist or one of its queried reference-property objects are not present.`));

  expect(await people.displayName(DANA)).toBe('Dana Approver');
  clock.advance(TTL);
  expect(await people.displayName(DANA)).toBe('Dana Approver (former member)');
  expect(await people.profileOf(DANA)).toEqual({ displayName: 'Dana Approver (former member)', email: null, preferredLanguage: null, timeZone: null, state: 'left' });
  expect(await people.displayName(OMAR)).toBe('a former member');
  // Read again after another TTL, still gone: the mark is not doubled.
  nock(GRAPH).get(`/v1.0/users/${DANA}`).query(USER_QUERY).reply(404, graphError('Request_ResourceNotFound', `Resource '${DANA}' does not exist.`));
  clock.advance(TTL);
  expect(await people.displayName(DANA)).toBe('Dana Approver (former member)');
});

test('a role group: transitiveMembers cast to users, $select=id, $top=999, every page followed through @odata.nextLink', async () => {
  const { people } = directory({ approver: [`group:${GROUP}`], agent: [OMAR] });
  const nextLink = `https://graph.microsoft.com/v1.0/groups/${GROUP}/transitiveMembers/microsoft.graph.user?$select=id&$top=999&$skiptoken=RFNwdAIAAQAAAB`;
  nock(GRAPH)
    .get(MEMBERS)
    .query({ $select: 'id', $top: '999' })
    .reply(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id)',
      '@odata.nextLink': nextLink,
      value: [{ '@odata.type': '#microsoft.graph.user', id: OMAR }],
    })
    .get(MEMBERS)
    .query({ $select: 'id', $top: '999', $skiptoken: 'RFNwdAIAAQAAAB' })
    .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id)', value: [{ '@odata.type': '#microsoft.graph.user', id: DANA }] })
    .get(`/v1.0/groups/${GROUP}`)
    .query(GROUP_QUERY)
    .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName)/$entity', id: GROUP, displayName: 'Tier 2 approvers' })
    // One person read at start-up proves User.Read.All (a refusal stops start-up naming it).
    .get(`/v1.0/users/${OMAR}`)
    .query(USER_QUERY)
    .reply(200, userBody(OMAR, 'Omar Agent', null, null))
    .get(`/v1.0/users/${OMAR}/mailboxSettings`)
    .reply(200, mailboxBody(OMAR, 'UTC'));

  await people.start();

  expect(await people.rolesOf(DANA)).toEqual(['approver']);
  expect(await people.rolesOf(OMAR)).toEqual(['agent', 'approver']);
  expect(await people.roleSources(OMAR)).toEqual([
    { role: 'agent', via: { kind: 'named' } },
    { role: 'approver', via: { kind: 'group', groupId: GROUP, groupName: 'Tier 2 approvers' } },
  ]);
  expect(await people.rolesOf('stranger')).toEqual([]);
});

test('a role group Doorman may not read (403) stops start-up naming GroupMember.Read.All, never "nobody"', async () => {
  const { people } = directory({ approver: [`group:${GROUP}`] });
  nock(GRAPH).get(MEMBERS).query(true).reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));

  const error = await people.start().catch((e: unknown) => e);

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect((error as GraphForbiddenError).requirement.permission).toBe('GroupMember.Read.All');
  expect((error as GraphForbiddenError).message).toContain(GROUP);
});

test('a role group that does not exist (404) stops start-up naming the entry', async () => {
  const { people } = directory({ agent: [`group:${GROUP}`] });
  nock(GRAPH).get(MEMBERS).query(true).reply(404, graphError('Request_ResourceNotFound', `Resource '${GROUP}' does not exist.`));

  const error = (await people.start().catch((e: unknown) => e)) as GraphForbiddenError;

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect(error.message).toContain(`The role group ${GROUP} does not exist`);
});

test('users Doorman may not read (403) stop start-up naming User.Read.All', async () => {
  const { people } = directory({ agent: [OMAR] });
  nock(GRAPH).get(`/v1.0/users/${OMAR}`).query(USER_QUERY).reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));

  const error = await people.start().catch((e: unknown) => e);

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect((error as GraphForbiddenError).requirement.permission).toBe('User.Read.All');
});

test('throttled (429 with Retry-After) at start-up: a retryable error with the wait, not an empty role', async () => {
  const { people } = directory({ agent: [`group:${GROUP}`] });
  nock(GRAPH).get(MEMBERS).query(true).reply(429, graphError('TooManyRequests', 'Too many requests'), { 'Retry-After': '7' });

  const error = (await people.start().catch((e: unknown) => e)) as GraphUnavailableError;

  expect(error).toBeInstanceOf(GraphUnavailableError);
  expect(error.retryAfterMs).toBe(7000);
});

test('after half the TTL a read answers from the cache and refreshes in the background; past the TTL Graph down serves the last value', async () => {
  const { people, logger } = directory({ approver: [`group:${GROUP}`] });
  const page = (ids: string[]) => ({ value: ids.map((id) => ({ '@odata.type': '#microsoft.graph.user', id })) });
  nock(GRAPH)
    .get(MEMBERS)
    .query(true)
    .reply(200, page([DANA]))
    .get(`/v1.0/groups/${GROUP}`)
    .query(GROUP_QUERY)
    .reply(200, { id: GROUP, displayName: 'Approvers' })
    .get(`/v1.0/users/${DANA}`)
    .query(USER_QUERY)
    .reply(200, userBody(DANA, 'Dana Approver', null, null))
    .get(`/v1.0/users/${DANA}/mailboxSettings`)
    .reply(200, mailboxBody(DANA, 'UTC'));
  await people.start();

  clock.advance(TTL / 2);
  nock(GRAPH).get(MEMBERS).query(true).reply(200, page([DANA, OMAR]));
  expect(await people.rolesOf(OMAR)).toEqual([]); // answered from the cache at once
  await people.settled();
  expect(await people.rolesOf(OMAR)).toEqual(['approver']); // the background refresh landed

  clock.advance(TTL);
  nock(GRAPH).get(MEMBERS).query(true).reply(503, graphError('ServiceUnavailable', 'try later'));
  expect(await people.rolesOf(OMAR)).toEqual(['approver']);
  expect(logger.lines.map((line) => line.message)).toContain('Graph is unavailable: the directory serves its last value past the TTL');
});
