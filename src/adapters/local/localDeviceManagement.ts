import {
  Clock,
  DeviceAction,
  DeviceActionResult,
  DeviceCapabilities,
  DeviceManagement,
  ManagedDevice,
} from '../../application/ports';
import { DoormanError } from '../../domain/errors';

/** How long a stand-in action stays `pending` before it is `done`. */
export const LOCAL_ACTION_SECONDS = 20;

/**
 * Local mode's stand-in for Intune (DESIGN.md §3): every person has two made-up devices, kept in memory, and Restart /
 * Sync move from pending to done after LOCAL_ACTION_SECONDS by the injected clock. Nothing reaches a real device; the
 * cards say so (`source: 'local'`).
 */
export class LocalDeviceManagement implements DeviceManagement {
  private readonly devices = new Map<string, ManagedDevice & { userId: string }>();
  private readonly actions = new Map<string, { action: DeviceAction; startedAt: Date }>();

  constructor(private readonly clock: Clock) {}

  /** Lists devices and offers both actions, labelled as the local stand-in. */
  capabilities(): DeviceCapabilities {
    return { source: 'local', listDevices: true, actions: true };
  }

  /** The person's stand-in devices, made on first ask: a laptop and a desktop. */
  async devicesOf(userId: string): Promise<ManagedDevice[]> {
    const mine = [...this.devices.values()].filter((device) => device.userId === userId);
    if (mine.length > 0) return mine.map(withoutOwner);
    const tag = userId.replace(/[^0-9a-z]/gi, '').slice(-4).toUpperCase() || 'USER';
    const now = this.clock.now();
    const made = [
      { id: `local-${userId}-laptop`, name: `LAPTOP-${tag}`, operatingSystem: 'Windows 11', lastSyncAt: now, userId },
      { id: `local-${userId}-desktop`, name: `DESKTOP-${tag}`, operatingSystem: 'Windows 10', lastSyncAt: new Date(now.getTime() - 86_400_000), userId },
    ];
    for (const device of made) this.devices.set(device.id, device);
    return made.map(withoutOwner);
  }

  /** One stand-in device, or null. */
  async device(deviceId: string): Promise<ManagedDevice | null> {
    await this.madeFor(deviceId);
    const device = this.devices.get(deviceId);
    return device ? withoutOwner(device) : null;
  }

  /** Records the action as started now; an unknown device is refused like Intune's 404. */
  async startAction(deviceId: string, action: DeviceAction): Promise<void> {
    await this.madeFor(deviceId);
    if (!this.devices.has(deviceId)) throw new DoormanError('REQUEST.NOT_FOUND', 'no such stand-in device');
    this.actions.set(`${deviceId}/${action}`, { action, startedAt: this.clock.now() });
  }

  /** The list is kept in memory only: after a restart a device id from a stored request makes its owner's list again. */
  private async madeFor(deviceId: string): Promise<void> {
    const owner = STAND_IN_ID.exec(deviceId)?.[1];
    if (owner && !this.devices.has(deviceId)) await this.devicesOf(owner);
  }

  /** Pending until LOCAL_ACTION_SECONDS after the start, then done (a sync also refreshes the last check-in). */
  async actionResult(deviceId: string, action: DeviceAction): Promise<DeviceActionResult | null> {
    const started = this.actions.get(`${deviceId}/${action}`);
    if (!started) return null;
    const doneAt = new Date(started.startedAt.getTime() + LOCAL_ACTION_SECONDS * 1000);
    const done = this.clock.now().getTime() >= doneAt.getTime();
    const device = this.devices.get(deviceId);
    if (done && action === 'syncDevice' && device) device.lastSyncAt = doneAt;
    return { action, state: done ? 'done' : 'pending', startedAt: started.startedAt, lastUpdatedAt: done ? doneAt : started.startedAt };
  }
}

/** The person a stand-in device id was made for (`local-<user>-laptop`), so a restart of Doorman finds it again. */
const STAND_IN_ID = /^local-(.+)-(laptop|desktop)$/;

function withoutOwner(device: ManagedDevice & { userId: string }): ManagedDevice {
  const { userId: _owner, ...rest } = device;
  return rest;
}
