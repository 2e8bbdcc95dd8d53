import { createGraphClient } from '../../../src/adapters/graph/graphClient';
import { GraphDirectory } from '../../../src/adapters/graph/graphDirectory';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config';
import { startDoorman } from '../../../src/main';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';
import { PEOPLE, startTestDoorman } from '../../support/testDoorman';
import { recordingLogger } from './graphTestKit';

// The Graph directory against the stateful double: real credential, real client, groups with nested groups and
// paged transitive membership, time moved by the fake clock.

const TTL = 5 * 60_000;
const APPROVERS = 'aaaaaaaa-0000-0000-0000-000000000001';
const NIGHT_SHIFT = 'aaaaaaaa-0000-0000-0000-000000000002';
let double: GraphDouble;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock('2030-03-04T09:00:00.000Z');
  double = await startGraphDouble({ roles: ['User.Read.All', 'GroupMember.Read.All'] });
  for (const person of Object.values(PEOPLE)) double.addUser({ id: person.aadObjectId, displayName: person.name });
  // Carl is an approver only through Night shift, a group nested in Approvers; Finn is in Approvers directly.
  double.addGroup({ id: NIGHT_SHIFT, displayName: 'Night shift', members: [PEOPLE.carl.aadObjectId] });
  double.addGroup({ id: APPROVERS, displayName: 'Approvers', members: [NIGHT_SHIFT, PEOPLE.finn.aadObjectId] });
  double.setMembersPageSize(1);
});

afterEach(async () => {
  await double.close();
});

function graphDirectory() {
  const { client } = createGraphClient(double.graphConfig(), { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  return new GraphDirectory(client, { roles: { approver: [`group:${APPROVERS}`], agent: [PEOPLE.alex.aadObjectId] }, ttlMs: TTL }, clock, recordingLogger());
}

test('a member of a nested group gets the role; removed, they lose it within the TTL', async () => {
  const directory = graphDirectory();
  await directory.start();

  expect(await directory.rolesOf(PEOPLE.carl.aadObjectId)).toEqual(['approver']);
  expect((await directory.listByRole('approver')).map((person) => person.name)).toEqual(['Carl Approver', 'Finn Approver']);
  expect(await directory.roleSources(PEOPLE.carl.aadObjectId)).toEqual([
    { role: 'approver', via: { kind: 'group', groupId: APPROVERS, groupName: 'Approvers' } },
  ]);

  double.groups.get(NIGHT_SHIFT)?.members.splice(0);
  clock.advance(TTL - 1);
  await directory.rolesOf(PEOPLE.carl.aadObjectId); // past half the TTL: starts the background refresh
  await directory.settled();
  expect(await directory.rolesOf(PEOPLE.carl.aadObjectId)).toEqual([]);
  expect(await directory.rolesOf(PEOPLE.finn.aadObjectId)).toEqual(['approver']);
});

test('without background reads, the removal still holds once the TTL has passed', async () => {
  const directory = graphDirectory();
  await directory.start();
  expect(await directory.rolesOf(PEOPLE.carl.aadObjectId)).toEqual(['approver']);

  double.groups.get(NIGHT_SHIFT)?.members.splice(0);
  clock.advance(TTL);

  expect(await directory.rolesOf(PEOPLE.carl.aadObjectId)).toEqual([]);
});

test('time zone and language come from the mailbox settings, Windows names mapped to IANA', async () => {
  double.setRoles(['User.Read.All', 'GroupMember.Read.All', 'MailboxSettings.Read']);
  double.addUser({ id: PEOPLE.dana.aadObjectId, displayName: 'Dana Engineer', mailboxSettings: { timeZone: 'Eastern Standard Time', language: { locale: 'en-US' } } });
  double.addUser({ id: PEOPLE.bea.aadObjectId, displayName: 'Bea Agent', mailboxSettings: { timeZone: 'Europe/Budapest', language: { locale: 'hu-HU' } } });
  double.addUser({ id: PEOPLE.eve.aadObjectId, displayName: 'Eve User', mailboxSettings: null });
  const directory = graphDirectory();

  expect(await directory.profileOf(PEOPLE.dana.aadObjectId)).toMatchObject({ displayName: 'Dana Engineer', preferredLanguage: 'en-US', timeZone: 'America/New_York', state: 'active' });
  expect(await directory.profileOf(PEOPLE.bea.aadObjectId)).toMatchObject({ timeZone: 'Europe/Budapest', preferredLanguage: 'hu-HU' });
  expect(await directory.profileOf(PEOPLE.eve.aadObjectId)).toMatchObject({ displayName: 'Eve User', timeZone: null, state: 'active' });
});

test('a person removed from the tenant reads as a former member under their last name', async () => {
  const directory = graphDirectory();
  expect(await directory.displayName(PEOPLE.finn.aadObjectId)).toBe('Finn Approver');

  double.users.delete(PEOPLE.finn.aadObjectId);
  clock.advance(TTL);

  expect(await directory.displayName(PEOPLE.finn.aadObjectId)).toBe('Finn Approver (former member)');
  expect(await directory.profileOf(PEOPLE.finn.aadObjectId)).toMatchObject({ state: 'left', timeZone: null });
});

describe('Doorman with DIRECTORY=graph', () => {
  function env(): Record<string, string> {
    return {
      DIRECTORY: 'graph',
      ...double.graphEnv(),
      ROLE_ADMINS: PEOPLE.alex.aadObjectId,
      ROLE_AGENTS: PEOPLE.alex.aadObjectId,
      ROLE_APPROVERS: `group:${APPROVERS}`,
    };
  }

  test('whoami says which group gave which role', async () => {
    const t = await startTestDoorman({ graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions }, env: env() });
    try {
      await t.message('carl', 'whoami');
      const reply = JSON.stringify(t.connector.calls.at(-1)?.body);
      expect(reply).toContain('Roles: approver (through the Entra group Approvers)');

      await t.message('alex', 'whoami');
      expect(JSON.stringify(t.connector.calls.at(-1)?.body)).toContain('Roles: admin, agent');
    } finally {
      await t.stop();
    }
  });

  test('a nested group member decides a lockbox request; removed from the group, their next click is refused once the TTL has passed', async () => {
    const t = await startTestDoorman({
      clock,
      graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions },
      env: { ...env(), ROLE_ENGINEERS: PEOPLE.dana.aadObjectId },
    });
    try {
      await t.registerApprovals();
      const ask = { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' };
      const ids = async () => (await t.store.listRequests({ kind: 'lockbox' })).map((request) => request.id);
      await t.invoke('dana', 'lockbox.create', ask);
      const [first] = await ids();
      const approved = await t.invoke('carl', 'lockbox.approve', { requestId: first, version: (await t.store.getRequest(first))?.version }, 'channel');
      expect(approved.body.statusCode).toBe(200);
      expect((await t.store.getRequest(first))?.state).toBe('approved');

      double.groups.get(NIGHT_SHIFT)?.members.splice(0);
      await t.invoke('dana', 'lockbox.create', { ...ask, resource: 'Fabrikam tenant' });
      const second = (await ids()).find((id) => id !== first) as string;
      clock.advance(TTL);
      const refused = await t.invoke('carl', 'lockbox.approve', { requestId: second, version: (await t.store.getRequest(second))?.version }, 'channel');
      expect(JSON.stringify(refused.body)).toContain('Only approvers can decide on this request');
      expect((await t.store.getRequest(second))?.state).toBe('pending');
    } finally {
      await t.stop();
    }
  });

  test('without User.Read.All start-up stops naming it, not with "nobody holds the approver role"', async () => {
    double.setRoles(['GroupMember.Read.All']);

    const dir = mkdtempSync(join(tmpdir(), 'doorman-directory-'));
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: join(dir, 'doorman.db'), LOG_LEVEL: 'silent', ...env() });

    const error = await startDoorman(config, {
      backgroundWork: false,
      clock,
      graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions },
    }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true, force: true });

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('User.Read.All');
    expect((error as ConfigError).message).not.toContain('Nobody holds the approver role');
  });

  test('a role group Doorman may not read stops start-up naming GroupMember.Read.All', async () => {
    double.setRoles(['User.Read.All']);

    const dir = mkdtempSync(join(tmpdir(), 'doorman-directory-'));
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', SQLITE_PATH: join(dir, 'doorman.db'), LOG_LEVEL: 'silent', ...env() });

    const error = await startDoorman(config, {
      backgroundWork: false,
      clock,
      graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions },
    }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true, force: true });

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('GroupMember.Read.All');
    expect((error as ConfigError).message).toContain(APPROVERS);
  });
});
