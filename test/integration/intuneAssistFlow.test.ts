import { INTUNE_ACTIONS_PERMISSION, INTUNE_READ_PERMISSION } from '../../src/adapters/graph/graphDeviceManagement';
import { DEVICE_STATUS_INTERVAL_MS } from '../../src/application/assist/assistDevices';
import { AssistRequest } from '../../src/domain/assist';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { FakeClock } from '../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { allIds, findById, validateCard } from '../support/validateCard';

// Issue 12 in Graph mode: DEVICES=intune against the stateful Graph double, the whole way through the HTTP server.
// The form lists the user's Intune devices (no stand-in label), Restart PC is Graph's rebootNow, its status is read
// from deviceActionResults until it settles, and without PrivilegedOperations.All the helper's card has no buttons.

// A Doorman with a Graph double and several HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(30_000);

const chat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

describe('assistance with DEVICES=intune against the Graph double', () => {
  let graph: GraphDouble;
  let t: TestDoorman;
  const clock = new FakeClock();

  async function start(roles: string[]): Promise<void> {
    graph = await startGraphDouble({ roles, now: () => clock.now() });
    graph.addUser({ id: PEOPLE.eve.aadObjectId, displayName: PEOPLE.eve.name });
    graph.addManagedDevice({ id: 'intune-eve-laptop', userId: PEOPLE.eve.aadObjectId, deviceName: 'LAPTOP-EVE', operatingSystem: 'Windows', osVersion: '10.0.22631' });
    graph.addManagedDevice({ id: 'intune-other', userId: PEOPLE.bea.aadObjectId, deviceName: 'LAPTOP-BEA' });
    t = await startTestDoorman({
      clock,
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        DEVICES: 'intune',
        ...graph.graphEnv(),
      },
    });
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['bea', 'eve'] as const) await t.message(who, 'hi');
  }

  afterEach(async () => {
    await t.stop();
    await graph.close();
  });

  const current = async (id: string) => (await t.store.getRequest(id)) as AssistRequest;
  const lastCardIn = (conversationId: string) => BotConnectorDouble.cardOf(t.connector.postsIn(conversationId).at(-1)!);

  async function connected(): Promise<AssistRequest> {
    const asked = await t.invoke('eve', 'assist.create', { problem: 'Outlook will not start', urgency: 'high', deviceId: 'intune-eve-laptop' });
    expect(asked.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    return current(request.id);
  }

  it('lists the user’s Intune devices, restarts through rebootNow and follows deviceActionResults until done', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);
    await t.message('eve', 'help me');
    const form = lastCardIn(chat('eve'));
    validateCard(form as never);
    const choices = JSON.stringify(findById(form, 'deviceId'));
    expect(choices).toContain('intune-eve-laptop');
    expect(choices).toContain('LAPTOP-EVE');
    expect(choices).not.toContain('intune-other');
    expect(findById(form, 'standInNote')).toBeUndefined();
    // Another person's device is not Eve's to choose: answered on the field, nothing created.
    const foreign = await t.invoke('eve', 'assist.create', { problem: 'Outlook', urgency: 'high', deviceId: 'intune-other' });
    expect(findById(foreign.body.value, 'deviceIdError')).toBeTruthy();
    expect(await t.store.listRequests({ kind: 'assist' })).toEqual([]);

    const request = await connected();
    expect(request).toMatchObject({ state: 'connected', device: { id: 'intune-eve-laptop', name: 'LAPTOP-EVE', source: 'intune' } });
    const helperCard = lastCardIn(chat('bea'));
    expect(findById(helperCard, 'restartDevice')).toBeTruthy();
    expect(findById(helperCard, 'syncDevice')).toBeTruthy();

    const restart = await t.invoke('bea', 'assist.restartDevice', { requestId: request.id, version: request.version, confirmed: true });
    expect(restart.body.statusCode).toBe(200);
    await t.deliver();
    expect(graph.requests.filter((call) => call.method === 'POST' && call.path.endsWith('/managedDevices/intune-eve-laptop/rebootNow'))).toHaveLength(1);
    expect((await current(request.id)).deviceActions[0]).toMatchObject({ action: 'rebootNow', state: 'pending', by: { name: 'Bea Agent' } });

    // Not settled yet: read again after the interval, still pending (Intune's times are recorded with it).
    clock.advance(DEVICE_STATUS_INTERVAL_MS);
    await t.deliver();
    expect((await current(request.id)).deviceActions[0]).toMatchObject({ state: 'pending', startedAt: expect.any(Date), lastUpdatedAt: expect.any(Date) });

    clock.advance(30_000);
    graph.settleDeviceAction('intune-eve-laptop', 'rebootNow', 'done');
    clock.advance(DEVICE_STATUS_INTERVAL_MS);
    await t.deliver();
    const after = await current(request.id);
    expect(after.deviceActions[0]).toMatchObject({ state: 'done', lastUpdatedAt: expect.any(Date) });
    const reads = graph.requests.filter((call) => call.method === 'GET' && call.path.endsWith('/managedDevices/intune-eve-laptop'));
    // Settled: no further reads, however long we wait.
    clock.advance(10 * DEVICE_STATUS_INTERVAL_MS);
    await t.deliver();
    expect(graph.requests.filter((call) => call.method === 'GET' && call.path.endsWith('/managedDevices/intune-eve-laptop'))).toHaveLength(reads.length);

    const evesCards = t.connector.calls.filter((call) => call.conversationId === chat('eve')).map((call) => JSON.stringify(BotConnectorDouble.cardOf(call)));
    expect(evesCards.some((card) => card.includes('Done to your device') && /done, [^"]* — by Bea Agent/.test(card))).toBe(true);
    expect((await t.store.eventsOf(request.id)).map((event) => event.action)).toEqual([
      'create',
      'accept',
      'allowControl',
      'connect',
      'restartDevice',
      'device.started',
      'device.result',
      'device.result',
    ]);
  });

  it('a user Intune knows no device of, or Graph not answering, gets the device as free text; a typed device has no device buttons', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);
    graph.failNext(1, { status: 503 }, { method: 'GET', path: /managedDevices$/ });
    await t.message('eve', 'assist');
    expect(findById(lastCardIn(chat('eve')), 'deviceId')).toMatchObject({ type: 'Input.Text' });
    await t.message('eve', 'help me');
    expect(findById(lastCardIn(chat('eve')), 'deviceId')).toMatchObject({ type: 'Input.ChoiceSet' });
    graph.managedDevices.delete('intune-eve-laptop');
    await t.message('eve', 'help me');
    expect(findById(lastCardIn(chat('eve')), 'deviceId')).toMatchObject({ type: 'Input.Text' });

    const asked = await t.invoke('eve', 'assist.create', { problem: 'Teams crashes', urgency: 'normal', deviceId: 'the grey laptop' });
    expect(asked.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    expect(request.device).toEqual({ id: null, name: 'the grey laptop', source: 'typed' });
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    const helperCard = lastCardIn(chat('bea'));
    expect(findById(helperCard, 'close')).toBeTruthy();
    expect(allIds(helperCard)).not.toContain('restartDevice');
  });

  it('Graph refuses the restart (403, no Intune licence): the cards say it could not be started, and the buttons go', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION, INTUNE_ACTIONS_PERMISSION]);
    const request = await connected();
    graph.failNext(1, { status: 403, code: 'Forbidden', message: 'Application is not authorized to perform this operation.' }, { method: 'POST', path: /rebootNow$/ });

    expect((await t.invoke('bea', 'assist.restartDevice', { requestId: request.id, version: request.version, confirmed: true })).body.statusCode).toBe(200);
    await t.deliver();
    const after = await current(request.id);
    expect(after.deviceActions[0]).toMatchObject({ action: 'rebootNow', state: 'requested', problem: { code: 'GRAPH.FORBIDDEN' } });
    const trail = await t.store.eventsOf(request.id);
    expect(trail.at(-1)).toMatchObject({ action: 'device.started', reason: expect.stringContaining('GRAPH.FORBIDDEN') });

    const cardsOf = (who: 'bea' | 'eve') => t.connector.calls.filter((call) => call.conversationId === chat(who)).map((call) => BotConnectorDouble.cardOf(call));
    const latest = (who: 'bea' | 'eve') => cardsOf(who).filter((card) => findById(card, 'deviceActions')).at(-1)!;
    expect(JSON.stringify(findById(latest('eve'), 'deviceActions'))).toContain('could not be started');
    expect(JSON.stringify(findById(latest('bea'), 'deviceActions'))).toContain('could not be started');
    // Graph said no: the helper is not offered a button that can only fail again.
    expect(allIds(latest('bea'))).not.toContain('restartDevice');
    expect(allIds(latest('bea'))).toContain('close');
  });

  it('without PrivilegedOperations.All the helper’s card has no Restart PC or Sync, and a crafted click does nothing', async () => {
    await start(['User.Read.All', INTUNE_READ_PERMISSION]);
    const request = await connected();
    expect(request.device.source).toBe('intune');
    const helperCard = lastCardIn(chat('bea'));
    expect(findById(helperCard, 'close')).toBeTruthy();
    expect(allIds(helperCard)).not.toContain('restartDevice');
    expect(allIds(helperCard)).not.toContain('syncDevice');

    const crafted = await t.invoke('bea', 'assist.restartDevice', { requestId: request.id, version: request.version, confirmed: true });
    expect(crafted.body.statusCode).toBe(200);
    await t.deliver();
    expect((await current(request.id)).deviceActions).toEqual([]);
    expect(graph.requests.filter((call) => call.method === 'POST' && call.path.includes('/managedDevices/'))).toEqual([]);
  });
});
