import { INTUNE_ACTIONS_PERMISSION, INTUNE_READ_PERMISSION } from '../../../src/adapters/graph/graphDeviceManagement';
import { BotConnectorDouble } from '../../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../../support/testDoorman';
import { getById } from '../../support/validateCard';

// The composition root with DEVICES=intune against the Graph double: the adapter is built, its permissions read
// before Doorman serves, and `doctor` in chat says which Intune feature is off and which permission turns it on.

const personalChat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

describe('DEVICES=intune in the running Doorman', () => {
  let double: GraphDouble;
  let t: TestDoorman;

  async function start(roles: string[], devices = 'intune'): Promise<void> {
    double = await startGraphDouble({ roles });
    t = await startTestDoorman({
      graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions },
      env: {
        DEVICES: devices,
        ...double.graphEnv(),
      },
    });
  }

  afterEach(async () => {
    await t.stop();
    await double.close();
  });

  it('builds the Intune adapter with what the token grants, read at start-up', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);

    expect(t.doorman.intuneDevices?.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: true });
    expect(t.doorman.intuneDevices?.permissions().checkedAt).not.toBeNull();
  });

  it('without PrivilegedOperations.All: the buttons are off from the start, the log and doctor say which permission turns them on', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION]);

    expect(t.doorman.intuneDevices?.capabilities()).toEqual({ source: 'intune', listDevices: true, actions: false });
    expect(t.logs.join('\n')).toContain(`Restart PC and Sync buttons off: ${INTUNE_ACTIONS_PERMISSION} missing from the token's roles.`);
    await t.message('alex', 'hi');
    await t.message('alex', 'doctor');
    const doctor = String(getById(BotConnectorDouble.cardOf(t.connector.postsIn(personalChat('alex')).at(-1)!), 'doctor').text);
    expect(doctor).toContain(`Permission ${INTUNE_ACTIONS_PERMISSION}: missing from the token's roles (needed to offer the Restart PC and Sync buttons`);
    expect(doctor).toMatch(/Intune devices \(assist\): device list in the assist form on; Restart PC and Sync buttons off/);
  });

  it('without either Intune permission: free text and no buttons, and doctor names both permissions with what each turns on', async () => {
    await start(['User.Read.All']);

    expect(t.doorman.intuneDevices?.capabilities()).toEqual({ source: 'intune', listDevices: false, actions: false });
    await t.message('alex', 'hi');
    await t.message('alex', 'doctor');
    const doctor = String(getById(BotConnectorDouble.cardOf(t.connector.postsIn(personalChat('alex')).at(-1)!), 'doctor').text);
    expect(doctor).toContain(`Permission ${INTUNE_READ_PERMISSION}: missing from the token's roles`);
    expect(doctor).toContain(`Permission ${INTUNE_ACTIONS_PERMISSION}: missing from the token's roles (needed to offer the Restart PC and Sync buttons`);
    expect(doctor).toMatch(/Intune devices \(assist\): device list in the assist form off; Restart PC and Sync buttons off/);
  });

  it('DEVICES=local builds no Intune adapter (the local stand-in is wired elsewhere)', async () => {
    await start(['User.Read.All'], 'local');

    expect(t.doorman.intuneDevices).toBeNull();
  });
});
