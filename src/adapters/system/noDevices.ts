import { DeviceActionResult, DeviceCapabilities, DeviceManagement, ManagedDevice, PermanentError } from '../../application/ports';

/**
 * DEVICES=off: no device source. The assist form asks for the device in free text and the helper's card offers no
 * device actions (the capabilities say so, so nothing calls startAction).
 */
export class NoDevices implements DeviceManagement {
  capabilities(): DeviceCapabilities {
    return { source: 'intune', listDevices: false, actions: false };
  }

  async devicesOf(): Promise<ManagedDevice[]> {
    return [];
  }

  async device(): Promise<ManagedDevice | null> {
    return null;
  }

  async startAction(): Promise<void> {
    throw new PermanentError('Device actions are off (DEVICES=off).');
  }

  async actionResult(): Promise<DeviceActionResult | null> {
    return null;
  }
}
