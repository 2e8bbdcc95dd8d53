import { LOCAL_ACTION_SECONDS, LocalDeviceManagement } from '../../../src/adapters/local/localDeviceManagement';
import { FakeClock } from '../../support/fakeClock';

describe('the local device stand-in', () => {
  it('labels itself, lists two devices per person, and settles an action after LOCAL_ACTION_SECONDS by the injected clock', async () => {
    const clock = new FakeClock();
    const devices = new LocalDeviceManagement(clock);
    expect(devices.capabilities()).toEqual({ source: 'local', listDevices: true, actions: true });
    const [laptop] = await devices.devicesOf('eve');
    expect((await devices.devicesOf('eve')).map((device) => device.id)).toEqual(['local-eve-laptop', 'local-eve-desktop']);
    expect(await devices.actionResult(laptop.id, 'rebootNow')).toBeNull();
    await devices.startAction(laptop.id, 'rebootNow');
    expect(await devices.actionResult(laptop.id, 'rebootNow')).toMatchObject({ state: 'pending' });
    clock.advance(LOCAL_ACTION_SECONDS * 1000 - 1);
    expect(await devices.actionResult(laptop.id, 'rebootNow')).toMatchObject({ state: 'pending' });
    clock.advance(1);
    expect(await devices.actionResult(laptop.id, 'rebootNow')).toMatchObject({ state: 'done', lastUpdatedAt: clock.now() });
  });

  it('finds a stored request’s device again after a restart (the list lives in memory), and refuses one it never made', async () => {
    const restarted = new LocalDeviceManagement(new FakeClock());
    await expect(restarted.startAction('local-eve-laptop', 'syncDevice')).resolves.toBeUndefined();
    expect(await restarted.device('local-eve-desktop')).toMatchObject({ name: expect.stringMatching(/^DESKTOP-/) });
    await expect(restarted.startAction('intune-1234', 'syncDevice')).rejects.toMatchObject({ code: 'REQUEST.NOT_FOUND' });
  });
});
