import { GraphForbiddenError, GraphUnavailableError, createGraphClient } from '../../../src/adapters/graph/graphClient';
import {
  GraphDeviceManagement,
  INTUNE_ACTIONS_PERMISSION,
  INTUNE_READ_PERMISSION,
  intuneDevicesFor,
} from '../../../src/adapters/graph/graphDeviceManagement';
import { formatDoctorReport, requiredGraphPermissions, runGraphDoctor } from '../../../src/adapters/graph/graphDoctor';
import { loadConfig } from '../../../src/config';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';

// The real credential and Graph client against the stateful double: devices per user, Restart/Sync recorded as
// pending and moved on by the test as the device would, 403 without the app role, 404 for devices Intune lacks.

const ERIN = 'user-erin';
const OMAR = 'user-omar';
const clock = new FakeClock('2030-03-04T09:00:00.000Z');
let double: GraphDouble;

async function start(roles: string[]) {
  double = await startGraphDouble({ roles, now: () => clock.now() });
  double.addUser({ id: ERIN, displayName: 'Erin User' });
  double.addUser({ id: OMAR, displayName: 'Omar User' });
  double.addManagedDevice({ id: 'dev-laptop', userId: ERIN, deviceName: 'LAPTOP-ERIN', lastSyncDateTime: '2030-03-03T17:00:00Z' });
  double.addManagedDevice({ id: 'dev-desktop', userId: ERIN, deviceName: 'DESKTOP-ERIN', lastSyncDateTime: '2030-03-04T08:00:00Z' });
  double.addManagedDevice({ id: 'dev-tablet', userId: ERIN, deviceName: 'TABLET-ERIN', operatingSystem: 'iOS', osVersion: '17.5', lastSyncDateTime: '2030-02-01T08:00:00Z' });
  double.addManagedDevice({ id: 'dev-omar', userId: OMAR, deviceName: 'LAPTOP-OMAR' });
}

function connect() {
  const graphConfig = double.graphConfig();
  return { graphConfig, graph: createGraphClient(graphConfig, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions }) };
}

async function intune(): Promise<GraphDeviceManagement> {
  const devices = await intuneDevicesFor({ devices: 'intune' }, connect().graph, clock, { debug() {}, info() {}, warn() {}, error() {} });
  if (!devices) throw new Error('DEVICES=intune gave no adapter');
  return devices;
}

afterEach(async () => {
  await double.close();
});

describe('with both Intune permissions', () => {
  beforeEach(() => start([INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]));

  test("lists only the user's devices, across pages, newest check-in first; an unknown user has none", async () => {
    const devices = await intune();
    double.setManagedDevicesPageSize(1);

    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: true });
    const erins = await devices.devicesOf(ERIN);

    expect(erins.map((device) => device.name)).toEqual(['DESKTOP-ERIN', 'LAPTOP-ERIN', 'TABLET-ERIN']);
    expect(erins[2]).toEqual({ id: 'dev-tablet', name: 'TABLET-ERIN', operatingSystem: 'iOS 17.5', lastSyncAt: new Date('2030-02-01T08:00:00Z') });
    const pages = double.requests.filter((request) => request.path === `/v1.0/users/${ERIN}/managedDevices`);
    expect(pages).toHaveLength(3);
    expect(pages[0].query.get('$select')).toBe('id,deviceName,operatingSystem,osVersion,lastSyncDateTime');
    await expect(devices.devicesOf('user-nobody')).resolves.toEqual([]);
  });

  test('Restart: 204, the result is pending with its start time, then done or failed when the device reports back', async () => {
    const devices = await intune();
    await expect(devices.actionResult('dev-laptop', 'rebootNow')).resolves.toBeNull();

    await devices.startAction('dev-laptop', 'rebootNow');

    expect(double.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1.0/deviceManagement/managedDevices/dev-laptop/rebootNow', body: '' });
    await expect(devices.actionResult('dev-laptop', 'rebootNow')).resolves.toEqual({
      action: 'rebootNow',
      state: 'pending',
      startedAt: clock.now(),
      lastUpdatedAt: clock.now(),
    });
    clock.advance(90_000);
    double.settleDeviceAction('dev-laptop', 'rebootNow', 'done');
    await expect(devices.actionResult('dev-laptop', 'rebootNow')).resolves.toMatchObject({ state: 'done', lastUpdatedAt: clock.now() });
    await expect(devices.actionResult('dev-laptop', 'syncDevice')).resolves.toBeNull();
  });

  test('Sync that fails on the device reads as failed; another device is untouched', async () => {
    const devices = await intune();

    await devices.startAction('dev-desktop', 'syncDevice');
    double.settleDeviceAction('dev-desktop', 'syncDevice', 'failed');

    await expect(devices.actionResult('dev-desktop', 'syncDevice')).resolves.toMatchObject({ action: 'syncDevice', state: 'failed' });
    expect(double.managedDevices.get('dev-laptop')?.deviceActionResults).toEqual([]);
  });

  test('a device Intune does not know: device() is null, an action on it is an error, nothing is recorded', async () => {
    const devices = await intune();

    await expect(devices.device('dev-gone')).resolves.toBeNull();
    await expect(devices.actionResult('dev-gone', 'rebootNow')).resolves.toBeNull();
    const error = (await devices.startAction('dev-gone', 'rebootNow').catch((e: unknown) => e)) as { code?: string };
    expect(error.code).toBe('INTERNAL');
    await expect(devices.device('dev-laptop')).resolves.toMatchObject({ id: 'dev-laptop', name: 'LAPTOP-ERIN' });
  });

  test('throttled (429 with Retry-After) → a retryable error with the wait, and the buttons stay', async () => {
    const devices = await intune();
    double.failNext(1, { status: 429, retryAfter: '12' }, { method: 'POST', path: /rebootNow$/ });

    const error = (await devices.startAction('dev-laptop', 'rebootNow').catch((e: unknown) => e)) as GraphUnavailableError;

    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error).toMatchObject({ throttled: true, retryAfterMs: 12_000 });
    expect(double.managedDevices.get('dev-laptop')?.deviceActionResults).toEqual([]);
    await devices.startAction('dev-laptop', 'rebootNow');
    expect(devices.capabilities().actions).toBe(true);
  });
});

describe('without DeviceManagementManagedDevices.PrivilegedOperations.All', () => {
  beforeEach(() => start([INTUNE_READ_PERMISSION]));

  test('the start-up probe turns Restart/Sync off; an action anyway is 403 naming the permission, and nothing happens', async () => {
    const devices = await intune();

    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: false });
    const error = (await devices.startAction('dev-laptop', 'rebootNow').catch((e: unknown) => e)) as GraphForbiddenError;
    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.permission).toBe(INTUNE_ACTIONS_PERMISSION);
    expect(double.managedDevices.get('dev-laptop')?.deviceActionResults).toEqual([]);
    await expect(devices.devicesOf(ERIN)).resolves.toHaveLength(3);
  });
});

describe('without DeviceManagementManagedDevices.Read.All', () => {
  beforeEach(() => start([INTUNE_ACTIONS_PERMISSION]));

  test('everything is off; a read anyway is 403 naming Read.All', async () => {
    const devices = await intune();

    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: false, actions: false });
    const error = (await devices.devicesOf(ERIN).catch((e: unknown) => e)) as GraphForbiddenError;
    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.permission).toBe(INTUNE_READ_PERMISSION);
    expect(error.graphCode).toBe('Forbidden');
  });
});

describe('doctor with DEVICES=intune', () => {
  const settings = (double: GraphDouble) =>
    loadConfig({
      DEVICES: 'intune',
      GRAPH_TENANT_ID: double.tenantId,
      GRAPH_CLIENT_ID: double.clientId,
      GRAPH_CLIENT_SECRET: 'double-secret',
      GRAPH_BASE_URL: double.baseUrl,
      GRAPH_AUTHORITY_HOST: double.authorityHost,
    });

  test('asks for both permissions, each with the feature it enables', async () => {
    await start([]);
    const needed = requiredGraphPermissions(settings(double), false);

    expect(needed).toEqual(
      expect.arrayContaining([
        { permission: INTUNE_READ_PERMISSION, why: expect.stringContaining('assist form') },
        { permission: INTUNE_ACTIONS_PERMISSION, why: expect.stringContaining('Restart PC and Sync buttons') },
      ]),
    );
    expect(requiredGraphPermissions({ ...settings(double), devices: 'local' }, false).map((need) => need.permission)).not.toContain(INTUNE_READ_PERMISSION);
  });

  test('a missing permission is a problem with its fix, and the adapter turns the part off; granting it and running doctor again turns it on', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION]);
    const config = settings(double);
    const devices = await intune();
    expect(devices.capabilities().actions).toBe(false);

    const first = await runGraphDoctor(config, { graph: connect().graph, clock, devices });

    expect(first.find((check) => check.name === `Permission ${INTUNE_ACTIONS_PERMISSION}`)).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining('Restart PC and Sync buttons'),
    });
    expect(first.find((check) => check.name === `Permission ${INTUNE_READ_PERMISSION}`)).toMatchObject({ status: 'ok' });
    expect(first.find((check) => check.name === 'Intune devices (assist)')).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining('Restart PC and Sync buttons off'),
    });
    expect(formatDoctorReport(first)).toContain(`Restart PC and Sync buttons off. Why: ${INTUNE_ACTIONS_PERMISSION} missing from the token's roles.`);

    // The admin grants it; the adapter's next token carries it (a new adapter connection stands for the token refresh).
    double.setRoles(['User.Read.All', INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);
    const refreshed = new GraphDeviceManagement(connect().graph, clock);
    const second = await runGraphDoctor(config, { graph: connect().graph, clock, devices: refreshed });

    expect(second.find((check) => check.name === 'Intune devices (assist)')).toMatchObject({ status: 'ok' });
    expect(refreshed.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: true });
  });
});

test('DEVICES other than intune builds no Intune adapter', async () => {
  await start([INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);
  const { graph } = connect();
  await expect(intuneDevicesFor({ devices: 'local' }, graph, clock, console)).resolves.toBeNull();
  await expect(intuneDevicesFor({ devices: 'off' }, graph, clock, console)).resolves.toBeNull();
  await expect(intuneDevicesFor({ devices: 'intune' }, null, clock, console)).resolves.toBeNull();
});
