import {
  Clock,
  DeviceAction,
  DeviceActionResult,
  DeviceActionState,
  DeviceCapabilities,
  DeviceManagement,
  Logger,
  ManagedDevice,
} from '../../application/ports';
import { GRAPH_SCOPE, GraphConnection, GraphForbiddenError, GraphOperation, isGraphNotFound, mapGraphError } from './graphClient';
import { decodeJwtPayload } from './graphDoctor';
import { systemClock } from '../system/systemClock';

/*
 * Sources relied on (Microsoft Learn / microsoft-graph-docs-contrib):
 * - "List managedDevices" (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-list) and the Intune
 *   "user resource type" (https://learn.microsoft.com/graph/api/resources/intune-devices-user), whose relationship
 *   `managedDevices` is "the managed devices associated with the user": `GET /users/{id}/managedDevices`, a collection
 *   of managedDevice in `value`, further pages through an absolute `@odata.nextLink`. `$select` keeps the (very large)
 *   managedDevice to the five fields Doorman shows. Application permission: DeviceManagementManagedDevices.Read.All
 *   (or ReadWrite.All).
 * - "Get managedDevice" (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-get):
 *   `GET /deviceManagement/managedDevices/{id}` answers the entity (Learn's sample wraps it in "value"; the service
 *   does not); same permission; an id Intune does not know answers 404.
 * - "rebootNow" (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-rebootnow) and "syncDevice"
 *   (https://learn.microsoft.com/graph/api/intune-devices-manageddevice-syncdevice): `POST
 *   /deviceManagement/managedDevices/{id}/rebootNow` or `/syncDevice`, no request body, `204 No Content`. Application
 *   permission: DeviceManagementManagedDevices.PrivilegedOperations.All, which no other permission includes.
 * - "deviceActionResult resource type" (https://learn.microsoft.com/graph/api/resources/intune-devices-deviceactionresult):
 *   `managedDevice.deviceActionResults` lists { actionName, actionState, startDateTime, lastUpdatedDateTime } with
 *   actionState one of none, pending, canceled, active, done, failed, notSupported; `$select=deviceActionResults` reads
 *   only them (Microsoft Q&A 1226268 shows `"actionName": "rebootNow"` there).
 * - A missing Intune permission answers 403 `Forbidden` with "Application is not authorized to perform this
 *   operation. Application must have one of the following scopes: …" (microsoft-graph-docs-contrib issue 87).
 * - Intune reports a device that never checked in with lastSyncDateTime 0001-01-01T00:00:00Z.
 *
 * Why the permissions are read from the token: there is no harmless call that proves PrivilegedOperations.All (a probe
 * would restart someone's PC), while the app-only token's `roles` claim lists every application permission granted.
 */

/** Lists a user's Intune devices and reads action results. */
export const INTUNE_READ_PERMISSION = 'DeviceManagementManagedDevices.Read.All';
/** Starts Restart (rebootNow) and Sync (syncDevice). */
export const INTUNE_ACTIONS_PERMISSION = 'DeviceManagementManagedDevices.PrivilegedOperations.All';

/** How long a permission probe is trusted before capabilities() reads the token again (in the background). */
export const INTUNE_PROBE_TTL_MS = 10 * 60_000;
/** How soon a probe that could not get a token is tried again. */
export const INTUNE_PROBE_RETRY_MS = 60_000;

/** What Doorman knows about one Intune permission. */
export type IntunePermissionState = 'granted' | 'missing' | 'unknown';

/** The adapter's view of its two permissions, as `doctor` reports it. */
export interface IntunePermissions {
  /** DeviceManagementManagedDevices.Read.All: the device list in the assist form, and the status of an action. */
  read: IntunePermissionState;
  /** DeviceManagementManagedDevices.PrivilegedOperations.All: the Restart PC and Sync buttons. */
  actions: IntunePermissionState;
  /** When a token was last read; null until one was. */
  checkedAt: Date | null;
  /** One English sentence per part that is off, saying why (logs and doctor). */
  notes: string[];
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const READ_SATISFIED_BY = [INTUNE_READ_PERMISSION, 'DeviceManagementManagedDevices.ReadWrite.All'];
const DEVICE_FIELDS = ['id', 'deviceName', 'operatingSystem', 'osVersion', 'lastSyncDateTime'];
/** A person with more devices than this is not a person; stop rather than page forever. */
const MAX_PAGES = 20;
const NEVER_SYNCED = /^0001-01-01/;
const ACTION_STATES: readonly DeviceActionState[] = ['none', 'pending', 'canceled', 'active', 'done', 'failed', 'notSupported'];
const ACTION_ROUTES: Record<DeviceAction, string> = { rebootNow: 'rebootNow', syncDevice: 'syncDevice' };

interface GraphManagedDevice {
  id?: string;
  deviceName?: string | null;
  operatingSystem?: string | null;
  osVersion?: string | null;
  lastSyncDateTime?: string | null;
}

interface GraphDeviceActionResult {
  actionName?: string | null;
  actionState?: string | null;
  startDateTime?: string | null;
  lastUpdatedDateTime?: string | null;
}

interface DevicePage {
  value?: GraphManagedDevice[];
  '@odata.nextLink'?: string;
}

type Part = 'read' | 'actions';

/**
 * Intune managed devices and device actions through Microsoft Graph (`assist`, DEVICES=intune). What it may do comes
 * from the app-only token's roles, read at start (`probe`), on `doctor`, and again in the background once the last
 * reading is older than INTUNE_PROBE_TTL_MS; a 403 from Graph turns the part off at once, until a token issued after
 * the refusal still carries the permission. A part that is off is absent from the form and cards, never a button that
 * can only fail.
 */
export class GraphDeviceManagement implements DeviceManagement {
  private state: Record<Part, IntunePermissionState> = { read: 'unknown', actions: 'unknown' };
  private refusedAt: Record<Part, number | null> = { read: null, actions: null };
  private checkedAt: Date | null = null;
  private attemptedAt: number | null = null;
  private probing: Promise<IntunePermissions> | null = null;

  constructor(
    private readonly graph: GraphConnection,
    private readonly clock: Clock = systemClock,
    private readonly logger: Logger = SILENT,
    private readonly probeTtlMs: number = INTUNE_PROBE_TTL_MS,
  ) {}

  capabilities(): DeviceCapabilities {
    this.probeIfStale();
    const { listDevices, actions } = this.capabilitiesNow();
    return { source: 'intune', listDevices, actions };
  }

  /** The permissions as last read, with why each part is off. */
  permissions(): IntunePermissions {
    const notes: string[] = [];
    const note = (part: Part, permission: string, feature: string) => {
      const state = this.state[part];
      if (state === 'granted') return;
      const why =
        state === 'unknown'
          ? 'not known yet (no Graph token could be read)'
          : this.refusedAt[part] !== null
            ? 'refused by Graph (403)'
            : "missing from the token's roles";
      notes.push(`${feature} off: ${permission} ${why}.`);
    };
    note('read', INTUNE_READ_PERMISSION, 'Device list in the assist form and action status');
    note('actions', INTUNE_ACTIONS_PERMISSION, 'Restart PC and Sync buttons');
    if (this.state.actions === 'granted' && this.state.read !== 'granted') {
      notes.push(`Restart PC and Sync buttons off: their status needs ${INTUNE_READ_PERMISSION} too.`);
    }
    return { read: this.state.read, actions: this.state.actions, checkedAt: this.checkedAt, notes };
  }

  /** Reads the permissions from a fresh look at the token; never throws (a failure leaves the last reading). */
  probe(): Promise<IntunePermissions> {
    if (!this.probing) {
      this.probing = this.readToken().finally(() => {
        this.probing = null;
      });
    }
    return this.probing;
  }

  /** Resolves when a background probe has finished; for shutdown and tests. */
  async settled(): Promise<void> {
    await this.probing;
  }

  async devicesOf(userId: string): Promise<ManagedDevice[]> {
    const devices: ManagedDevice[] = [];
    try {
      let page = (await this.graph.client
        .api(`/users/${encodeURIComponent(userId)}/managedDevices`)
        .select(DEVICE_FIELDS)
        .get()) as DevicePage;
      for (let pages = 1; ; pages += 1) {
        for (const item of page.value ?? []) {
          const device = toDevice(item);
          if (device) devices.push(device);
        }
        const next = page['@odata.nextLink'];
        if (!next) break;
        if (pages >= MAX_PAGES) {
          this.logger.warn({ operation: 'managedDevices', pages }, 'a user has more Intune devices than Doorman lists; the rest are left out');
          break;
        }
        // The next link is absolute and already carries $select and the skip token.
        page = (await this.graph.client.api(next).get()) as DevicePage;
      }
    } catch (error) {
      // A user Entra does not know (left, or never existed) has no devices to offer.
      if (isGraphNotFound(error)) return [];
      throw this.failure(error, 'managedDevices');
    }
    return devices.sort(newestCheckInFirst);
  }

  async device(deviceId: string): Promise<ManagedDevice | null> {
    try {
      const item = (await this.graph.client
        .api(`/deviceManagement/managedDevices/${encodeURIComponent(deviceId)}`)
        .select(DEVICE_FIELDS)
        .get()) as GraphManagedDevice;
      return toDevice(item);
    } catch (error) {
      if (isGraphNotFound(error)) return null;
      throw this.failure(error, 'managedDevices');
    }
  }

  async startAction(deviceId: string, action: DeviceAction): Promise<void> {
    try {
      // No body: Learn says "Do not supply a request body for this method".
      await this.graph.client.api(`/deviceManagement/managedDevices/${encodeURIComponent(deviceId)}/${ACTION_ROUTES[action]}`).post(undefined);
    } catch (error) {
      throw this.failure(error, 'deviceActions');
    }
    this.logger.info({ action }, 'Intune device action started');
  }

  async actionResult(deviceId: string, action: DeviceAction): Promise<DeviceActionResult | null> {
    let results: GraphDeviceActionResult[];
    try {
      const item = (await this.graph.client
        .api(`/deviceManagement/managedDevices/${encodeURIComponent(deviceId)}`)
        .select(['id', 'deviceActionResults'])
        .get()) as { deviceActionResults?: GraphDeviceActionResult[] | null };
      results = item.deviceActionResults ?? [];
    } catch (error) {
      if (isGraphNotFound(error)) return null;
      throw this.failure(error, 'managedDevices');
    }
    const wanted = action.toLowerCase();
    const latest = results
      .filter((result) => (result.actionName ?? '').toLowerCase() === wanted)
      .sort((a, b) => (dateOrNull(b.startDateTime)?.getTime() ?? 0) - (dateOrNull(a.startDateTime)?.getTime() ?? 0))[0];
    if (!latest) return null;
    return {
      action,
      state: toActionState(latest.actionState),
      startedAt: dateOrNull(latest.startDateTime),
      lastUpdatedAt: dateOrNull(latest.lastUpdatedDateTime),
    };
  }

  private probeIfStale(): void {
    if (this.probing) return;
    const now = this.clock.now().getTime();
    const wait = this.checkedAt === null ? INTUNE_PROBE_RETRY_MS : this.probeTtlMs;
    if (this.attemptedAt !== null && now - this.attemptedAt < wait) return;
    void this.probe();
  }

  private async readToken(): Promise<IntunePermissions> {
    const now = this.clock.now();
    this.attemptedAt = now.getTime();
    let claims: Record<string, unknown> | null;
    try {
      const token = await this.graph.credential.getToken(GRAPH_SCOPE);
      claims = token ? decodeJwtPayload(token.token) : null;
    } catch (error) {
      this.logger.warn(
        { operation: 'credential', err: error instanceof Error ? error.name : 'unknown' },
        'Intune permissions could not be read (no Graph token); the device list and actions stay as they were',
      );
      return this.permissions();
    }
    // The token's `roles` are the app's Graph application permissions, not Doorman's roles of people.
    const appPermissions = new Set(Array.isArray(claims?.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : []);
    const issuedAt = typeof claims?.iat === 'number' ? claims.iat * 1000 : now.getTime();
    const before = this.capabilitiesNow();
    this.state = {
      read: this.decide('read', READ_SATISFIED_BY.some((permission) => appPermissions.has(permission)), issuedAt),
      actions: this.decide('actions', appPermissions.has(INTUNE_ACTIONS_PERMISSION), issuedAt),
    };
    this.checkedAt = now;
    const after = this.capabilitiesNow();
    const permissions = this.permissions();
    if (before.listDevices !== after.listDevices || before.actions !== after.actions || before.first) {
      const fields = { listDevices: after.listDevices, actions: after.actions };
      if (permissions.notes.length > 0) this.logger.warn(fields, `Intune: ${permissions.notes.join(' ')} Run doctor for the fix.`);
      else this.logger.info(fields, 'Intune: device list and device actions are on');
    }
    return permissions;
  }

  private capabilitiesNow(): { listDevices: boolean; actions: boolean; first: boolean } {
    const listDevices = this.state.read === 'granted';
    // An action nobody can follow is not offered: its status is read with the device (Read.All).
    return { listDevices, actions: listDevices && this.state.actions === 'granted', first: this.checkedAt === null };
  }

  private decide(part: Part, inToken: boolean, issuedAt: number): IntunePermissionState {
    if (!inToken) return 'missing';
    // The role is in the token but Graph refused after this token was issued (no Intune licence, consent not yet
    // effective): stay off until a newer token still carries it, rather than offer a button that fails again.
    const refused = this.refusedAt[part];
    if (refused !== null && refused >= issuedAt) return 'missing';
    this.refusedAt[part] = null;
    return 'granted';
  }

  private failure(error: unknown, operation: Extract<GraphOperation, 'managedDevices' | 'deviceActions'>): Error {
    const mapped = mapGraphError(error, operation, this.clock.now());
    if (mapped instanceof GraphForbiddenError && mapped.status === 403) {
      const part: Part = operation === 'managedDevices' ? 'read' : 'actions';
      this.refusedAt[part] = this.clock.now().getTime();
      if (this.state[part] !== 'missing') {
        this.state[part] = 'missing';
        this.logger.warn(
          { code: mapped.code, permission: mapped.requirement.permission, graphCode: mapped.graphCode },
          part === 'read'
            ? 'Graph refused to read Intune devices: the device list and Restart/Sync are off until the permission works'
            : 'Graph refused an Intune device action: Restart/Sync are off until the permission works',
        );
      }
    }
    return mapped;
  }
}

function toDevice(item: GraphManagedDevice): ManagedDevice | null {
  if (!item.id) return null;
  const system = [item.operatingSystem, item.osVersion].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  const lastSync = item.lastSyncDateTime && !NEVER_SYNCED.test(item.lastSyncDateTime) ? dateOrNull(item.lastSyncDateTime) : null;
  return {
    id: item.id,
    name: item.deviceName?.trim() || item.id,
    operatingSystem: system.length > 0 ? system.join(' ') : null,
    lastSyncAt: lastSync,
  };
}

function newestCheckInFirst(a: ManagedDevice, b: ManagedDevice): number {
  const byTime = (b.lastSyncAt?.getTime() ?? -Infinity) - (a.lastSyncAt?.getTime() ?? -Infinity);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.name.localeCompare(b.name);
}

function toActionState(value: string | null | undefined): DeviceActionState {
  // An evolvable enum may grow (unknownFutureValue, new members): anything else reads as "none", not as done.
  return ACTION_STATES.find((state) => state === value) ?? 'none';
}

function dateOrNull(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The composition root's one line for DEVICES=intune: the adapter on the Graph connection, its permissions read once
 * before Doorman serves (so the first form already knows); null for any other DEVICES.
 */
export async function intuneDevicesFor(
  config: { devices: 'intune' | 'local' | 'off' },
  graph: GraphConnection | null,
  clock: Clock,
  logger: Logger,
): Promise<GraphDeviceManagement | null> {
  if (config.devices !== 'intune' || !graph) return null;
  const devices = new GraphDeviceManagement(graph, clock, logger);
  await devices.probe();
  return devices;
}
