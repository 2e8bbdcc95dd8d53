/**
 * The devices of the person who asks for assistance, and what a helper may do to them (`assist`). Production: Intune
 * managed devices through Microsoft Graph; local mode: a stand-in device list, labelled as such on every card.
 */

/** A device as the helper and the user see it. */
export interface ManagedDevice {
  id: string;
  name: string;
  /** "Windows 11", "macOS 14.5", … where known. */
  operatingSystem: string | null;
  /** When the device last checked in with Intune. */
  lastSyncAt: Date | null;
}

/** The device actions Doorman offers (Graph `rebootNow`, `syncDevice`). */
export type DeviceAction = 'rebootNow' | 'syncDevice';

/** Graph's `deviceActionResult.actionState`, as the card shows it. */
export type DeviceActionState = 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';

/** The latest result of one action on one device (`managedDevice.deviceActionResults`). */
export interface DeviceActionResult {
  action: DeviceAction;
  state: DeviceActionState;
  startedAt: Date | null;
  lastUpdatedAt: Date | null;
}

/** What the device source can do here; without a capability the form and cards leave it out. */
export interface DeviceCapabilities {
  /** 'intune' in production, 'local' for the labelled stand-in. */
  source: 'intune' | 'local';
  /** The user's devices can be listed (else the form asks for the device in free text). */
  listDevices: boolean;
  /** Restart and Sync can be started (else the buttons are absent). */
  actions: boolean;
}

/** Devices and device actions; every call has its own timeout and names a missing permission (GRAPH.FORBIDDEN). */
export interface DeviceManagement {
  capabilities(): DeviceCapabilities;
  /** The devices managed for `userId` (Entra object id), newest check-in first. */
  devicesOf(userId: string): Promise<ManagedDevice[]>;
  /** One device, or null when it is not (or no longer) managed. */
  device(deviceId: string): Promise<ManagedDevice | null>;
  /** Starts an action; resolves when the service accepted it (Graph answers 204). */
  startAction(deviceId: string, action: DeviceAction): Promise<void>;
  /** The latest result of `action` on the device, or null when there is none. */
  actionResult(deviceId: string, action: DeviceAction): Promise<DeviceActionResult | null>;
}
