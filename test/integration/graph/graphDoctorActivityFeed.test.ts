import { createGraphClient } from '../../../src/adapters/graph/graphClient';
import { formatDoctorReport, runGraphDoctor } from '../../../src/adapters/graph/graphDoctor';
import { loadConfig } from '../../../src/config';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';

// doctor checks TeamsActivity.Send whenever activity-feed notifications are on (TEAMS_APP_ID set), and says what it enables.

let double: GraphDouble;
const clock = new FakeClock('2030-03-04T09:00:00.000Z');

beforeEach(async () => {
  double = await startGraphDouble({ clientSecret: 'right-secret' });
});
afterEach(async () => {
  await double.close();
});

async function doctor(env: Record<string, string>) {
  const config = loadConfig({
    MAIL: 'graph',
    MAIL_SENDER: 'support@contoso.example',
    GRAPH_TENANT_ID: double.tenantId,
    GRAPH_CLIENT_ID: double.clientId,
    GRAPH_CLIENT_SECRET: 'right-secret',
    GRAPH_BASE_URL: double.baseUrl,
    GRAPH_AUTHORITY_HOST: double.authorityHost,
    ...env,
  });
  if (!config.graph) throw new Error('graph config expected');
  const graph = createGraphClient(config.graph, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  return runGraphDoctor(config, { graph, clock });
}

test('with TEAMS_APP_ID and without the permission: a problem that says what it enables and how to grant it', async () => {
  double.setRoles(['Mail.Send', 'User.Read.All']);
  const checks = await doctor({ TEAMS_APP_ID: '03c80289-9068-4332-b2da-cd6a300c7f50' });
  const line = checks.find((check) => check.name === 'Permission TeamsActivity.Send');
  expect(line).toMatchObject({ status: 'problem', detail: expect.stringContaining('activity feed') });
  expect(formatDoctorReport(checks)).toContain('[PROBLEM] Permission TeamsActivity.Send');
});

test('granted: ok; without TEAMS_APP_ID the feed is off and not checked', async () => {
  double.setRoles(['Mail.Send', 'User.Read.All', 'TeamsActivity.Send']);
  expect((await doctor({ TEAMS_APP_ID: '03c80289-9068-4332-b2da-cd6a300c7f50' })).find((check) => check.name === 'Permission TeamsActivity.Send')?.status).toBe('ok');
  expect((await doctor({})).find((check) => check.name === 'Permission TeamsActivity.Send')).toBeUndefined();
});
