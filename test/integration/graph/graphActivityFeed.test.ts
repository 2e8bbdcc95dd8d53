import nock from 'nock';
import { GraphActivityFeed, requestDeepLink } from '../../../src/adapters/graph/graphActivityFeed';
import { GraphForbiddenError } from '../../../src/adapters/graph/graphClient';
import { ActivityNotification, PermanentError, RetryableError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, nockedGraphClient, recordingLogger } from './graphTestKit';

const clock = new FakeClock('2030-03-04T09:00:00.000Z');
const TEAMS_APP_ID = '03c80289-9068-4332-b2da-cd6a300c7f50';
const ALEX = { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' };
const READY: ActivityNotification = {
  activity: 'customerReady',
  requestId: 'req-42',
  topic: 'Session with Chloé',
  previewText: 'Chloé granted access and is ready: admit them from the card (tag 4821).',
  templateParameters: { customer: 'Chloé' },
};
const PATH = `/v1.0/users/${ALEX.aadObjectId}/teamwork/sendActivityNotification`;

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

test('sendActivityNotification 204: a text topic whose webUrl opens the request in the tab, the declared type, preview and template parameters', async () => {
  const feed = new GraphActivityFeed(nockedGraphClient(), TEAMS_APP_ID, clock, recordingLogger());
  let body: Record<string, unknown> = {};
  nock(GRAPH)
    .post(PATH, (sent) => ((body = sent as Record<string, unknown>), true))
    .reply(204);

  await feed.notify(ALEX, READY);

  expect(body).toEqual({
    topic: { source: 'text', value: 'Session with Chloé', webUrl: requestDeepLink(TEAMS_APP_ID, 'req-42') },
    activityType: 'customerReady',
    previewText: { content: READY.previewText },
    templateParameters: [{ name: 'customer', value: 'Chloé' }],
    teamsAppId: TEAMS_APP_ID,
  });
  // The tab's deep link: app id, the Requests tab's entityId, and the request as subEntityId in the context.
  const link = new URL(requestDeepLink(TEAMS_APP_ID, 'req-42'));
  expect(`${link.origin}${link.pathname}`).toBe(`https://teams.microsoft.com/l/entity/${TEAMS_APP_ID}/requests`);
  expect(JSON.parse(link.searchParams.get('context') ?? '{}')).toEqual({ subEntityId: 'req-42' });
});

test('Teams shows 150 characters of the preview: a longer one is cut there, never sent whole', async () => {
  const feed = new GraphActivityFeed(nockedGraphClient(), TEAMS_APP_ID, clock);
  let preview = '';
  nock(GRAPH)
    .post(PATH, (sent: { previewText: { content: string } }) => ((preview = sent.previewText.content), true))
    .reply(204);
  await feed.notify(ALEX, { ...READY, previewText: 'x'.repeat(400) });
  expect(preview).toHaveLength(150);
});

test('403 is GRAPH.FORBIDDEN naming TeamsActivity.Send', async () => {
  const feed = new GraphActivityFeed(nockedGraphClient(), TEAMS_APP_ID, clock);
  nock(GRAPH)
    .post(PATH)
    .reply(403, { error: { code: 'Forbidden', message: "Missing role permissions on the request. API requires one of 'TeamsActivity.Send'." } });
  const error = await feed.notify(ALEX, READY).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect((error as GraphForbiddenError).code).toBe('GRAPH.FORBIDDEN');
  expect((error as GraphForbiddenError).requirement.permission).toBe('TeamsActivity.Send');
});

test('429 is a throttle with Retry-After (waiting, not failing); 404 is given up (the person is not in the directory)', async () => {
  const feed = new GraphActivityFeed(nockedGraphClient(), TEAMS_APP_ID, clock);
  nock(GRAPH).post(PATH).reply(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '7' });
  const throttled = await feed.notify(ALEX, READY).catch((caught: unknown) => caught);
  expect(throttled).toBeInstanceOf(RetryableError);
  expect(throttled).toMatchObject({ throttled: true, retryAfterMs: 7000 });

  nock(GRAPH).post(PATH).reply(404, { error: { code: 'NotFound', message: 'user not found' } });
  expect(await feed.notify(ALEX, READY).catch((caught: unknown) => caught)).toBeInstanceOf(PermanentError);
});
