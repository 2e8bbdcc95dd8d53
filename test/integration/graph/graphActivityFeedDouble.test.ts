import { GraphActivityFeed } from '../../../src/adapters/graph/graphActivityFeed';
import { GraphForbiddenError, createGraphClient } from '../../../src/adapters/graph/graphClient';
import { ActivityNotification, PermanentError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';

// The Graph double learns activity-feed notifications as Graph documents them: recorded per recipient, 403 without
// TeamsActivity.Send, 404 for a user it does not know, 400 for a text topic without webUrl.

const TEAMS_APP_ID = '03c80289-9068-4332-b2da-cd6a300c7f50';
const NOTIFICATION: ActivityNotification = {
  activity: 'approvalNeeded',
  requestId: 'req-7',
  topic: 'Access request · Contoso mailbox',
  previewText: 'Dana asks for access to Contoso mailbox: your decision is needed.',
  templateParameters: { resource: 'Contoso mailbox' },
};
let double: GraphDouble;

afterEach(async () => {
  await double.close();
});

function feed(): GraphActivityFeed {
  const { client } = createGraphClient(double.graphConfig(), { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  return new GraphActivityFeed(client, TEAMS_APP_ID, new FakeClock());
}

test('records each notification in its recipient’s feed, in order', async () => {
  double = await startGraphDouble({ roles: ['TeamsActivity.Send'] });
  double.addUser({ id: 'carl' });
  double.addUser({ id: 'finn' });
  await feed().notify({ aadObjectId: 'carl', name: 'Carl' }, NOTIFICATION);
  await feed().notify({ aadObjectId: 'carl', name: 'Carl' }, { ...NOTIFICATION, activity: 'approvalReminder' });
  expect(double.activityNotifications.get('carl')?.map((n) => n.activityType)).toEqual(['approvalNeeded', 'approvalReminder']);
  expect(double.activityNotifications.get('finn')).toBeUndefined();
});

test('403 without TeamsActivity.Send, 404 for an unknown user; nothing recorded', async () => {
  double = await startGraphDouble({ roles: ['User.Read.All'] });
  double.addUser({ id: 'carl' });
  await expect(feed().notify({ aadObjectId: 'carl', name: 'Carl' }, NOTIFICATION)).rejects.toBeInstanceOf(GraphForbiddenError);
  double.setRoles(['TeamsActivity.Send']);
  await expect(feed().notify({ aadObjectId: 'nobody', name: 'Nobody' }, NOTIFICATION)).rejects.toBeInstanceOf(PermanentError);
  expect(double.activityNotifications.size).toBe(0);
});

test('refuses a text topic without webUrl (400), as Graph does', async () => {
  double = await startGraphDouble({ roles: ['TeamsActivity.Send'] });
  double.addUser({ id: 'carl' });
  const { client } = createGraphClient(double.graphConfig(), { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  const sent = client
    .api('/users/carl/teamwork/sendActivityNotification')
    .post({ topic: { source: 'text', value: 'x' }, activityType: 'approvalNeeded', previewText: { content: 'x' } });
  await expect(sent).rejects.toMatchObject({ statusCode: 400 });
  expect(double.activityNotifications.size).toBe(0);
});
