import { TokenCredential } from '@azure/identity';
import nock from 'nock';
import { GraphConnection, GraphForbiddenError, GraphUnavailableError, buildGraphClient } from '../../../src/adapters/graph/graphClient';
import {
  GraphDeviceManagement,
  INTUNE_ACTIONS_PERMISSION,
  INTUNE_PROBE_RETRY_MS,
  INTUNE_PROBE_TTL_MS,
  INTUNE_READ_PERMISSION,
} from '../../../src/adapters/graph/graphDeviceManagement';
import { RetryableError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, recordingLogger } from './graphTestKit';

// Shapes from Microsoft Learn ("List managedDevices", "Get managedDevice", "rebootNow", "syncDevice",
// "deviceActionResult resource type") and, for the 403 body, the service's answer quoted in
// microsoft-graph-docs-contrib issue 87. Ids are made up.
const USER = '8a7c50d3-fcbd-4727-a889-8ab232dfea01';
const LAPTOP = '705c034c-034c-705c-4c03-5c704c035c70';
const DESKTOP = '0f3e2a11-5b7c-4d9e-8f10-2a3b4c5d6e7f';
const SELECT = { $select: 'id,deviceName,operatingSystem,osVersion,lastSyncDateTime' };
const USER_DEVICES = `/v1.0/users/${USER}/managedDevices`;
const DEVICE = (id: string) => `/v1.0/deviceManagement/managedDevices/${id}`;

const clock = new FakeClock('2030-03-04T09:00:00.000Z');
const BOTH = [INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION];

/** A credential whose app-only token carries `roles`, issued at `issuedAt` (what the token endpoint gives). */
function tokenWith(roles: string[], issuedAt: Date = clock.now()): TokenCredential & { calls: number } {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const credential = {
    calls: 0,
    getToken: async () => {
      credential.calls += 1;
      const iat = Math.floor(issuedAt.getTime() / 1000);
      return { token: `${part({ typ: 'JWT', alg: 'RS256' })}.${part({ iat, exp: iat + 3600, roles })}.c2ln`, expiresOnTimestamp: (iat + 3600) * 1000 };
    },
  };
  return credential;
}

function connectionWith(credential: TokenCredential): GraphConnection {
  return { credential, client: buildGraphClient(`${GRAPH}/v1.0`, credential) };
}

async function intune(roles: string[] = BOTH) {
  const logger = recordingLogger();
  const devices = new GraphDeviceManagement(connectionWith(tokenWith(roles)), clock, logger);
  await devices.probe();
  return { devices, logger };
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { date: '2030-03-04T09:00:00', 'request-id': 'b3f9e7c4-1111-2222-3333-444455556666' } } };
}

function intuneForbidden(scopes: string) {
  return graphError(
    'Forbidden',
    JSON.stringify({
      _version: 3,
      Message:
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${scopes} - ` +
        'Operation ID (for customer support): 00000000-0000-0000-0000-000000000000',
      CustomApiErrorPhrase: '',
      RetryAfter: null,
      ErrorSourceService: '',
      HttpHeaders: '{}',
    }),
  );
}

function managedDevice(id: string, deviceName: string, lastSyncDateTime: string, extra: Record<string, unknown> = {}) {
  return { id, deviceName, operatingSystem: 'Windows', osVersion: '10.0.22631.4460', lastSyncDateTime, ...extra };
}

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('devicesOf', () => {
  test("GET /users/{id}/managedDevices with $select, every page through @odata.nextLink, newest check-in first", async () => {
    const { devices } = await intune();
    const nextLink = `https://graph.microsoft.com/v1.0/users/${USER}/managedDevices?$select=id,deviceName,operatingSystem,osVersion,lastSyncDateTime&$skiptoken=LastDeviceId%3d${LAPTOP}`;
    nock(GRAPH)
      .get(USER_DEVICES)
      .query(SELECT)
      .reply(200, {
        '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${USER}')/managedDevices(id,deviceName,operatingSystem,osVersion,lastSyncDateTime)`,
        '@odata.nextLink': nextLink,
        value: [managedDevice(LAPTOP, 'LAPTOP-ERIN', '2030-03-01T08:00:00Z')],
      });
    nock(GRAPH)
      .get(USER_DEVICES)
      .query({ ...SELECT, $skiptoken: `LastDeviceId=${LAPTOP}` })
      .reply(200, {
        value: [
          managedDevice(DESKTOP, 'DESKTOP-ERIN', '2030-03-04T07:30:00Z'),
          { id: 'phone-1', deviceName: '', operatingSystem: 'iOS', osVersion: null, lastSyncDateTime: '0001-01-01T00:00:00Z' },
        ],
      });

    const found = await devices.devicesOf(USER);

    expect(found).toEqual([
      { id: DESKTOP, name: 'DESKTOP-ERIN', operatingSystem: 'Windows 10.0.22631.4460', lastSyncAt: new Date('2030-03-04T07:30:00Z') },
      { id: LAPTOP, name: 'LAPTOP-ERIN', operatingSystem: 'Windows 10.0.22631.4460', lastSyncAt: new Date('2030-03-01T08:00:00Z') },
      // A device that never checked in (Intune's 0001-01-01) and has no name shows its id, last.
      { id: 'phone-1', name: 'phone-1', operatingSystem: 'iOS', lastSyncAt: null },
    ]);
  });

  test('a user Graph does not know (404) has no devices', async () => {
    const { devices } = await intune();
    nock(GRAPH).get(USER_DEVICES).query(SELECT).reply(404, graphError('ResourceNotFound', `Resource '${USER}' does not exist.`));

    await expect(devices.devicesOf(USER)).resolves.toEqual([]);
  });

  test('403 → GRAPH.FORBIDDEN naming Read.All, and the device list (and Restart/Sync) turn off at once', async () => {
    const { devices, logger } = await intune();
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: true });
    nock(GRAPH).get(USER_DEVICES).query(SELECT).reply(403, intuneForbidden('DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All'));

    const error = (await devices.devicesOf(USER).catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.code).toBe('GRAPH.FORBIDDEN');
    expect(error.requirement.permission).toBe(INTUNE_READ_PERMISSION);
    expect(error.graphCode).toBe('Forbidden');
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: false, actions: false });
    expect(devices.permissions().notes).toEqual(expect.arrayContaining([expect.stringContaining('refused by Graph (403)')]));
    expect(logger.lines.some((line) => line.level === 'warn' && line.fields.permission === INTUNE_READ_PERMISSION)).toBe(true);
  });

  test('429 with Retry-After → a throttled GraphUnavailableError carrying the wait: rescheduled, no attempt spent', async () => {
    const { devices } = await intune();
    nock(GRAPH).get(USER_DEVICES).query(SELECT).reply(429, graphError('TooManyRequests', 'Too many requests'), { 'Retry-After': '7' });

    const error = (await devices.devicesOf(USER).catch((e: unknown) => e)) as GraphUnavailableError;

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.throttled).toBe(true);
    expect(error.operation).toBe('managedDevices');
    expect(devices.capabilities().listDevices).toBe(true);
  });
});

describe('device', () => {
  test('GET /deviceManagement/managedDevices/{id} with $select → the device', async () => {
    const { devices } = await intune();
    nock(GRAPH)
      .get(DEVICE(LAPTOP))
      .query(SELECT)
      .reply(200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices(id,deviceName,operatingSystem,osVersion,lastSyncDateTime)/$entity',
        ...managedDevice(LAPTOP, 'LAPTOP-ERIN', '2030-03-01T08:00:00Z', { operatingSystem: 'macOS', osVersion: '14.5' }),
      });

    await expect(devices.device(LAPTOP)).resolves.toEqual({
      id: LAPTOP,
      name: 'LAPTOP-ERIN',
      operatingSystem: 'macOS 14.5',
      lastSyncAt: new Date('2030-03-01T08:00:00Z'),
    });
  });

  test('404 (no longer managed) → null', async () => {
    const { devices } = await intune();
    nock(GRAPH).get(DEVICE(LAPTOP)).query(SELECT).reply(404, graphError('ResourceNotFound', 'Resource not found'));

    await expect(devices.device(LAPTOP)).resolves.toBeNull();
  });
});

describe('startAction', () => {
  test.each([
    ['rebootNow', 'rebootNow'],
    ['syncDevice', 'syncDevice'],
  ] as const)('%s: POST …/managedDevices/{id}/%s without a body, 204 No Content', async (action, route) => {
    const { devices } = await intune();
    let body: string | undefined;
    nock(GRAPH)
      .post(`${DEVICE(LAPTOP)}/${route}`, (sent) => {
        body = typeof sent === 'string' ? sent : JSON.stringify(sent);
        return true;
      })
      .reply(204);

    await expect(devices.startAction(LAPTOP, action)).resolves.toBeUndefined();
    expect(body ?? '').toBe('');
  });

  test('403 → GRAPH.FORBIDDEN naming PrivilegedOperations.All; Restart/Sync turn off, the device list stays', async () => {
    const { devices } = await intune();
    nock(GRAPH).post(`${DEVICE(LAPTOP)}/rebootNow`).reply(403, intuneForbidden(INTUNE_ACTIONS_PERMISSION));

    const error = (await devices.startAction(LAPTOP, 'rebootNow').catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.permission).toBe(INTUNE_ACTIONS_PERMISSION);
    expect(error.message).toContain('Restart PC and Sync');
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: false });
  });

  test('429 with an HTTP-date Retry-After → throttled, waiting until then', async () => {
    const { devices } = await intune();
    nock(GRAPH)
      .post(`${DEVICE(LAPTOP)}/syncDevice`)
      .reply(429, graphError('TooManyRequests', 'Too many requests'), { 'Retry-After': new Date(clock.now().getTime() + 30_000).toUTCString() });

    const error = (await devices.startAction(LAPTOP, 'syncDevice').catch((e: unknown) => e)) as GraphUnavailableError;

    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error.throttled).toBe(true);
    expect(error.retryAfterMs).toBe(30_000);
    expect(devices.capabilities().actions).toBe(true);
  });

  test('404 (device gone) is an error with a code, not a success', async () => {
    const { devices } = await intune();
    nock(GRAPH).post(`${DEVICE(LAPTOP)}/rebootNow`).reply(404, graphError('ResourceNotFound', 'Resource not found'));

    const error = (await devices.startAction(LAPTOP, 'rebootNow').catch((e: unknown) => e)) as { code?: string };

    expect(error.code).toBe('INTERNAL');
    expect(error).not.toBeInstanceOf(RetryableError);
  });
});

describe('actionResult', () => {
  const results = {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices(id,deviceActionResults)/$entity',
    id: LAPTOP,
    deviceActionResults: [
      { actionName: 'rebootNow', actionState: 'done', startDateTime: '2030-03-01T10:00:00Z', lastUpdatedDateTime: '2030-03-01T10:04:00Z' },
      { actionName: 'rebootNow', actionState: 'pending', startDateTime: '2030-03-04T08:58:00.1455205Z', lastUpdatedDateTime: '2030-03-04T08:58:00Z' },
      { actionName: 'syncDevice', actionState: 'failed', startDateTime: '2030-03-04T08:50:00Z', lastUpdatedDateTime: '2030-03-04T08:55:18Z' },
      { actionName: 'remoteLock', actionState: 'done', startDateTime: '2030-03-04T08:00:00Z', lastUpdatedDateTime: '2030-03-04T08:01:00Z' },
    ],
  };

  test("reads the device's deviceActionResults ($select) and maps the newest entry of the action", async () => {
    const { devices } = await intune();
    nock(GRAPH).get(DEVICE(LAPTOP)).query({ $select: 'id,deviceActionResults' }).times(2).reply(200, results);

    await expect(devices.actionResult(LAPTOP, 'rebootNow')).resolves.toEqual({
      action: 'rebootNow',
      state: 'pending',
      startedAt: new Date('2030-03-04T08:58:00.1455205Z'),
      lastUpdatedAt: new Date('2030-03-04T08:58:00Z'),
    });
    await expect(devices.actionResult(LAPTOP, 'syncDevice')).resolves.toEqual({
      action: 'syncDevice',
      state: 'failed',
      startedAt: new Date('2030-03-04T08:50:00Z'),
      lastUpdatedAt: new Date('2030-03-04T08:55:18Z'),
    });
  });

  test.each(['none', 'pending', 'canceled', 'active', 'done', 'failed', 'notSupported'] as const)('actionState %s is kept as is', async (state) => {
    const { devices } = await intune();
    nock(GRAPH)
      .get(DEVICE(LAPTOP))
      .query(true)
      .reply(200, { id: LAPTOP, deviceActionResults: [{ actionName: 'syncDevice', actionState: state, startDateTime: '2030-03-04T08:50:00Z', lastUpdatedDateTime: null }] });

    await expect(devices.actionResult(LAPTOP, 'syncDevice')).resolves.toMatchObject({ state, lastUpdatedAt: null });
  });

  test('an unknown state (evolvable enum) reads as none, never as done; no entry for the action → null', async () => {
    const { devices } = await intune();
    nock(GRAPH)
      .get(DEVICE(LAPTOP))
      .query(true)
      .times(2)
      .reply(200, { id: LAPTOP, deviceActionResults: [{ actionName: 'rebootNow', actionState: 'unknownFutureValue', startDateTime: '2030-03-04T08:50:00Z' }] });

    await expect(devices.actionResult(LAPTOP, 'rebootNow')).resolves.toMatchObject({ state: 'none' });
    await expect(devices.actionResult(LAPTOP, 'syncDevice')).resolves.toBeNull();
  });

  test('404 → null; 403 → GRAPH.FORBIDDEN naming Read.All', async () => {
    const { devices } = await intune();
    nock(GRAPH).get(DEVICE(LAPTOP)).query(true).reply(404, graphError('ResourceNotFound', 'Resource not found'));
    nock(GRAPH).get(DEVICE(DESKTOP)).query(true).reply(403, intuneForbidden('DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All'));

    await expect(devices.actionResult(LAPTOP, 'rebootNow')).resolves.toBeNull();
    const error = (await devices.actionResult(DESKTOP, 'rebootNow').catch((e: unknown) => e)) as GraphForbiddenError;
    expect(error.requirement.permission).toBe(INTUNE_READ_PERMISSION);
  });
});

describe('capabilities from the permissions in the token', () => {
  test.each([
    [BOTH, { listDevices: true, actions: true }],
    [[INTUNE_READ_PERMISSION], { listDevices: true, actions: false }],
    [['DeviceManagementManagedDevices.ReadWrite.All', INTUNE_ACTIONS_PERMISSION], { listDevices: true, actions: true }],
    // Restart/Sync without Read.All could be started but never followed: not offered.
    [[INTUNE_ACTIONS_PERMISSION], { listDevices: false, actions: false }],
    [['User.Read.All'], { listDevices: false, actions: false }],
  ])('roles %j → %j', async (roles, expected) => {
    const { devices } = await intune(roles);

    expect(devices.capabilities()).toEqual({ source: 'intune', ...expected });
  });

  test('before the first probe, and when no token can be had, everything is off (no button that can only fail)', async () => {
    const failing: TokenCredential = {
      getToken: async () => {
        throw new Error('token endpoint down');
      },
    };
    const devices = new GraphDeviceManagement(connectionWith(failing), clock);
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: false, actions: false });

    const permissions = await devices.probe();

    expect(permissions).toMatchObject({ read: 'unknown', actions: 'unknown', checkedAt: null });
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: false, actions: false });
  });

  test('a probe that could not read a token is tried again after a minute, in the background', async () => {
    const start = clock.now();
    let fail = true;
    const roles = tokenWith(BOTH);
    const flaky: TokenCredential = {
      getToken: async (...args) => {
        if (fail) throw new Error('token endpoint down');
        return roles.getToken(...args);
      },
    };
    const devices = new GraphDeviceManagement(connectionWith(flaky), clock);
    await devices.probe();
    fail = false;

    devices.capabilities();
    await devices.settled();
    expect(devices.capabilities().listDevices).toBe(false);

    clock.advance(INTUNE_PROBE_RETRY_MS);
    devices.capabilities();
    await devices.settled();
    expect(devices.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: true });
    clock.set(start);
  });

  test('a permission granted later is picked up by the background probe once the last one is older than the TTL', async () => {
    const start = clock.now();
    let roles = [INTUNE_READ_PERMISSION];
    const credential: TokenCredential = { getToken: async (...args) => tokenWith(roles, clock.now()).getToken(...args) };
    const devices = new GraphDeviceManagement(connectionWith(credential), clock);
    await devices.probe();
    roles = BOTH;

    clock.advance(INTUNE_PROBE_TTL_MS - 1);
    devices.capabilities();
    await devices.settled();
    expect(devices.capabilities().actions).toBe(false);

    clock.advance(1);
    devices.capabilities();
    await devices.settled();
    expect(devices.capabilities().actions).toBe(true);
    clock.set(start);
  });

  test('after a 403 the part stays off while the token is the one Graph refused, and comes back with a newer token', async () => {
    const start = clock.now();
    let issuedAt = clock.now();
    const credential: TokenCredential = { getToken: async (...args) => tokenWith(BOTH, issuedAt).getToken(...args) };
    const devices = new GraphDeviceManagement(connectionWith(credential), clock);
    await devices.probe();
    clock.advance(1000);
    nock(GRAPH).post(`${DEVICE(LAPTOP)}/rebootNow`).reply(403, intuneForbidden(INTUNE_ACTIONS_PERMISSION));
    await devices.startAction(LAPTOP, 'rebootNow').catch(() => undefined);

    await devices.probe();
    expect(devices.capabilities().actions).toBe(false);

    clock.advance(1000);
    issuedAt = clock.now();
    await devices.probe();
    expect(devices.capabilities().actions).toBe(true);
    clock.set(start);
  });

  test('says what is off and why, and logs the change once', async () => {
    const { devices, logger } = await intune([INTUNE_READ_PERMISSION]);

    expect(devices.permissions()).toMatchObject({ read: 'granted', actions: 'missing', checkedAt: clock.now() });
    expect(devices.permissions().notes).toEqual([
      `Restart PC and Sync buttons off: ${INTUNE_ACTIONS_PERMISSION} missing from the token's roles.`,
    ]);
    await devices.probe();
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain(INTUNE_ACTIONS_PERMISSION);
    expect(JSON.stringify(logger.lines)).not.toMatch(/eyJ/);
  });
});
