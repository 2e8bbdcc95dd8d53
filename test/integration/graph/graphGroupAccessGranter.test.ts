import nock from 'nock';
import { GraphForbiddenError, GraphUnavailableError } from '../../../src/adapters/graph/graphClient';
import { GraphGroupAccessGranter } from '../../../src/adapters/graph/graphGroupAccessGranter';
import { RetryableError } from '../../../src/application/ports';
import { isDoormanError } from '../../../src/domain/errors';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, nockedGraphClient, recordingLogger } from './graphTestKit';

// Response bodies follow Microsoft Learn ("Add members", "Remove member") and the directory's error messages;
// ids are made up.
const GROUP_ID = '02bd9fd6-8f93-4758-87c3-1fb73740a315';
const USER_ID = '8a7c50d3-fcbd-4727-a889-8ab232dfea01';
const MEMBER_REF = `/v1.0/groups/${GROUP_ID}/members/$ref`;
const MEMBER_DELETE = `/v1.0/groups/${GROUP_ID}/members/${USER_ID}/$ref`;
const CHECK_MEMBER_GROUPS = `/v1.0/directoryObjects/${USER_ID}/checkMemberGroups`;

const clock = new FakeClock('2030-03-04T09:00:00.000Z');

function granter() {
  const logger = recordingLogger();
  return { logger, access: new GraphGroupAccessGranter(nockedGraphClient(), GROUP_ID, clock, logger) };
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { 'request-id': 'b3f9e7c4-1111-2222-3333-444455556666', date: '2030-03-04T09:00:00' } } };
}


afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

test('add: POST members/$ref with the directory object of the requester, 204', async () => {
  const { access, logger } = granter();
  let body: unknown;
  let contentType: string | undefined;
  nock(GRAPH)
    .post(MEMBER_REF, (sent) => ((body = sent), true))
    .reply(function () {
      contentType = this.req.headers['content-type'] as string | undefined;
      return [204, ''];
    });

  await access.add(USER_ID);

  expect(body).toEqual({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${USER_ID}` });
  expect(contentType).toMatch(/^application\/json/);
  expect(logger.lines.map((line) => line.message)).toEqual(['access group: member added']);
  expect(JSON.stringify(logger.lines)).not.toContain('Erin');
});

test('add: 400 "already exist" (already a member) counts as done, so a retried grant succeeds', async () => {
  const { access, logger } = granter();
  nock(GRAPH)
    .post(MEMBER_REF)
    .reply(
      400,
      graphError('Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'."),
    );

  await expect(access.add(USER_ID)).resolves.toBeUndefined();
  expect(logger.lines.map((line) => line.message)).toEqual(['access group: already a member']);
});

test('add: any other 400 is an error, not a grant', async () => {
  const { access } = granter();
  nock(GRAPH).post(MEMBER_REF).reply(400, graphError('Request_BadRequest', 'Invalid object identifier.'));

  const error = await access.add(USER_ID).catch((e: unknown) => e);

  expect(isDoormanError(error, 'INTERNAL')).toBe(true);
  expect(error).not.toBeInstanceOf(RetryableError);
});

test('remove: DELETE members/{user}/$ref, 204', async () => {
  const { access, logger } = granter();
  nock(GRAPH).delete(MEMBER_DELETE).reply(204);

  await access.remove(USER_ID);

  expect(logger.lines.map((line) => line.message)).toEqual(['access group: member removed']);
});

test('remove: 404 (no longer a member) counts as done', async () => {
  const { access, logger } = granter();
  nock(GRAPH)
    .delete(MEMBER_DELETE)
    .reply(
      404,
      graphError(
        'Request_ResourceNotFound',
        "One or more removed object references do not exist for the following modified properties: 'members'.",
      ),
    );

  await expect(access.remove(USER_ID)).resolves.toBeUndefined();
  expect(logger.lines.map((line) => line.message)).toEqual(['access group: member already removed']);
});

test.each([
  ['add', () => nock(GRAPH).post(MEMBER_REF)],
  ['remove', () => nock(GRAPH).delete(MEMBER_DELETE)],
] as const)('%s: 403 → GRAPH.FORBIDDEN naming GroupMember.ReadWrite.All and the group', async (operation, intercept) => {
  const { access } = granter();
  intercept().reply(
    403,
    graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  );

  const error = (await access[operation](USER_ID).catch((e: unknown) => e)) as GraphForbiddenError;

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect(error.code).toBe('GRAPH.FORBIDDEN');
  expect(error.requirement.permission).toBe('GroupMember.ReadWrite.All');
  expect(error.graphCode).toBe('Authorization_RequestDenied');
  expect(error.status).toBe(403);
  expect(error.message).toContain(GROUP_ID);
  expect(error.message).not.toContain('Erin');
});

test.each([
  ['add', () => nock(GRAPH).post(MEMBER_REF)],
  ['remove', () => nock(GRAPH).delete(MEMBER_DELETE)],
] as const)('%s: 429 → RetryableError honouring Retry-After', async (operation, intercept) => {
  const { access } = granter();
  intercept().reply(429, graphError('TooManyRequests', 'Too many requests.'), { 'Retry-After': '17' });

  const error = (await access[operation](USER_ID).catch((e: unknown) => e)) as GraphUnavailableError;

  expect(error).toBeInstanceOf(RetryableError);
  expect(error).toBeInstanceOf(GraphUnavailableError);
  expect(error.retryAfterMs).toBe(17_000);
  expect(error.code).toBe('GRAPH.THROTTLED');
  expect(error.operation).toBe('groupMembers');
});

test('503 without Retry-After → RetryableError with backoff left to the dispatcher', async () => {
  const { access } = granter();
  nock(GRAPH).delete(MEMBER_DELETE).reply(503, graphError('serviceNotAvailable', 'Service unavailable.'));

  const error = (await access.remove(USER_ID).catch((e: unknown) => e)) as RetryableError;

  expect(error).toBeInstanceOf(RetryableError);
  expect(error.retryAfterMs).toBeNull();
});

test('holds: POST directoryObjects/{user}/checkMemberGroups with the group; a member is told apart from a non-member', async () => {
  const { access } = granter();
  let body: unknown;
  nock(GRAPH)
    .post(CHECK_MEMBER_GROUPS, (sent) => ((body = sent), true))
    .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)', value: [GROUP_ID] })
    .post(CHECK_MEMBER_GROUPS)
    .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)', value: [] });

  expect(await access.holds(USER_ID)).toBe(true);
  expect(body).toEqual({ groupIds: [GROUP_ID] });
  expect(await access.holds(USER_ID)).toBe(false);
});

test('holds: 403 → GRAPH.FORBIDDEN, never "not a member" (which would let Doorman remove a membership it did not add)', async () => {
  const { access } = granter();
  nock(GRAPH).post(CHECK_MEMBER_GROUPS).reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));

  const error = await access.holds(USER_ID).catch((e: unknown) => e);

  expect(isDoormanError(error, 'GRAPH.FORBIDDEN')).toBe(true);
});
