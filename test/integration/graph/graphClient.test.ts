import { AuthenticationError, TokenCredential } from '@azure/identity';
import nock from 'nock';
import {
  GraphForbiddenError,
  GraphUnavailableError,
  buildGraphClient,
  graphRequirement,
  mapGraphError,
  parseRetryAfter,
} from '../../../src/adapters/graph/graphClient';
import { RetryableError } from '../../../src/application/ports';
import { GRAPH } from './graphTestKit';

const NOW = new Date('2030-03-04T09:00:00.000Z');

afterEach(() => nock.cleanAll());

describe('parseRetryAfter', () => {
  test('delta-seconds and HTTP dates become milliseconds; junk becomes null', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 04 Mar 2030 09:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Mon, 04 Mar 2030 08:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});

describe('graphRequirement', () => {
  test('names the permission and policy an admin must grant for each operation', () => {
    expect(graphRequirement('onlineMeetings', 'org-1')).toMatchObject({
      permission: 'OnlineMeetings.ReadWrite.All',
      policy: 'teamsApplicationAccessPolicy',
    });
    expect(graphRequirement('calendarEvents').permission).toBe('Calendars.ReadWrite');
    expect(graphRequirement('sendMail').permission).toBe('Mail.Send');
    expect(graphRequirement('users').permission).toBe('User.Read.All');
    expect(graphRequirement('groups').permission).toBe('GroupMember.Read.All');
    expect(graphRequirement('credential').permission).toBeNull();
  });
});

describe('the client', () => {
  test('sends the credential token to Graph, and no SDK retry hides a 503 (the outbox retries)', async () => {
    const client = buildGraphClient(`${GRAPH}/v1.0`, {
      getToken: async () => ({ token: 'abc', expiresOnTimestamp: 4_102_444_800_000 }),
    });
    const scope = nock(GRAPH)
      .get('/v1.0/users/u-1')
      .matchHeader('authorization', 'Bearer abc')
      .once()
      .reply(503, { error: { code: 'ServiceUnavailable', message: '' } }, { 'Retry-After': '1' });

    const error = await client.api('/users/u-1').get().catch((e: unknown) => mapGraphError(e, 'users', NOW));

    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as RetryableError).retryAfterMs).toBe(1000);
  });

  test('a Graph endpoint that accepts and never answers fails the call after its timeout, to be retried', async () => {
    const client = buildGraphClient(
      `${GRAPH}/v1.0`,
      { getToken: async () => ({ token: 'abc', expiresOnTimestamp: 4_102_444_800_000 }) },
      undefined,
      50,
    );
    // nock holds the answer back far longer than the timeout; without one the call would wait it out.
    nock(GRAPH).get('/v1.0/users/u-1').delay(60_000).reply(200, { id: 'u-1' });

    const error = await client.api('/users/u-1').get().then(
      () => null,
      (e: unknown) => mapGraphError(e, 'users', NOW),
    );

    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as GraphUnavailableError).status).toBe(-1);
  });

  test('a credential that is refused (invalid secret) → GRAPH.FORBIDDEN about the credential', async () => {
    const refusing: TokenCredential = {
      getToken: async () => {
        throw new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      },
    };
    const client = buildGraphClient(`${GRAPH}/v1.0`, refusing);

    const error = await client.api('/users/u-1').get().catch((e: unknown) => mapGraphError(e, 'users', NOW));

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect((error as GraphForbiddenError).requirement.operation).toBe('credential');
    expect((error as GraphForbiddenError).graphCode).toBe('invalid_client');
  });

  test('a token endpoint that is down → retryable', async () => {
    const down: TokenCredential = {
      getToken: async () => {
        throw new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'AADSTS50001' });
      },
    };
    const client = buildGraphClient(`${GRAPH}/v1.0`, down);

    const error = await client.api('/users/u-1').get().catch((e: unknown) => mapGraphError(e, 'users', NOW));

    expect(error).toBeInstanceOf(RetryableError);
  });

  test('an http base URL is refused: the SDK would never attach the token', () => {
    expect(() => buildGraphClient('http://graph.example/v1.0', { getToken: async () => null })).toThrow(/https/);
  });
});
