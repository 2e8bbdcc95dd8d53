import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Change, Store } from '../../src/application/ports';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { AssistRequest, decideAssist } from '../../src/domain/assist';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';

// A Doorman with a Graph double and several HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(30_000);

/** A store where the user closes the request just before the made meeting is saved (the race a dispatcher can lose). */
function closedJustBeforeConnect(store: Store, race: () => boolean): Store {
  let raced = false;
  const wrapped = Object.create(store) as Store;
  wrapped.commit = async (change: Change) => {
    if (race() && !raced && change.events.some((event) => event.action === 'connect')) {
      raced = true;
      const before = (await store.getRequest(change.request.id)) as AssistRequest;
      const actor = { type: 'person' as const, person: before.requester, roles: [] };
      const { request, event } = decideAssist(before, { action: 'close', comment: null }, { actor, now: change.request.updatedAt, source: 'card' });
      await store.commit({ request, expectedVersion: before.version, events: [event], outbox: [], deadlines: [] });
    }
    return store.commit(change);
  };
  return wrapped;
}

describe('a request for help meets in a Teams meeting through Microsoft Graph (stateful local double)', () => {
  let graph: GraphDouble;
  let t: TestDoorman;

  let dir: string;
  let racing = false;

  beforeEach(async () => {
    racing = false;
    dir = mkdtempSync(join(tmpdir(), 'doorman-graph-assist-'));
    graph = await startGraphDouble({ roles: ['OnlineMeetings.ReadWrite.All', 'User.Read.All'], meetingPolicy: 'global' });
    graph.addUser({ id: PEOPLE.bea.aadObjectId, displayName: PEOPLE.bea.name, userPrincipalName: 'bea@contoso.com', mail: 'bea@contoso.com' });
    t = await startTestDoorman({
      store: closedJustBeforeConnect(openSqliteRequestStore(join(dir, 'doorman.db')), () => racing),
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        MEETINGS: 'graph',
        ...graph.graphEnv(),
      },
    });
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['bea', 'eve'] as const) await t.message(who, 'hi');
  });

  afterEach(async () => {
    await t.stop();
    await graph.close();
    await t.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const current = async (id: string) => (await t.store.getRequest(id)) as AssistRequest;

  it('Allow makes one meeting organized by the helper, its link only on the two personal cards; Close deletes it', async () => {
    const asked = await t.invoke('eve', 'assist.create', { problem: 'Teams keeps crashing', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    expect(asked.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();

    expect(graph.meetingsCreated).toBe(1);
    const [meeting] = [...graph.meetings.values()];
    expect(meeting.organizerId).toBe(PEOPLE.bea.aadObjectId);
    expect(meeting.resource.externalId).toBe(`${request.id}-1`);
    const connected = await current(request.id);
    expect(connected).toMatchObject({ state: 'connected', meeting: { provider: 'teams', joinUrl: meeting.resource.joinWebUrl } });

    const joinUrl = meeting.resource.joinWebUrl;
    const cardsIn = (predicate: (conversationId: string) => boolean) =>
      t.connector.calls.filter((call) => predicate(call.conversationId)).map((call) => JSON.stringify(BotConnectorDouble.cardOf(call)));
    for (const card of cardsIn((id) => !id.startsWith('a:personal'))) expect(card).not.toContain(joinUrl);
    expect(cardsIn((id) => id === `a:personal-${PEOPLE.eve.aadObjectId}`).some((card) => card.includes(joinUrl))).toBe(true);
    expect(cardsIn((id) => id === `a:personal-${PEOPLE.bea.aadObjectId}`).some((card) => card.includes(joinUrl))).toBe(true);

    const closed = await t.invoke('eve', 'assist.close', { requestId: connected.id, version: connected.version });
    expect(closed.body.statusCode).toBe(200);
    await t.deliver();
    expect((await current(request.id)).closedReason).toBe('closedByRequester');
    expect(graph.meetings.size).toBe(0);
    expect(t.logs.join('\n')).not.toContain(joinUrl);
  });

  it('the helper closes: the meeting is deleted as well, and the user is told', async () => {
    await t.invoke('eve', 'assist.create', { problem: 'Printer', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    const connected = await current(request.id);
    expect(graph.meetings.size).toBe(1);
    t.connector.calls.length = 0;

    const closed = await t.invoke('bea', 'assist.close', { requestId: connected.id, version: connected.version, comment: 'Fixed: the driver was missing' });
    expect(closed.body.statusCode).toBe(200);
    await t.deliver();
    expect(await current(request.id)).toMatchObject({ state: 'closed', closedReason: 'closedByHelper', closedComment: 'Fixed: the driver was missing' });
    expect(graph.meetings.size).toBe(0);
    const toEve = t.connector.postsIn(`a:personal-${PEOPLE.eve.aadObjectId}`).map((call) => JSON.stringify(BotConnectorDouble.cardOf(call)));
    expect(toEve.some((card) => card.includes('Bea Agent closed your request for help.'))).toBe(true);
  });

  it('the user closes while the meeting is being made: the meeting is deleted again, never left behind', async () => {
    racing = true;
    await t.invoke('eve', 'assist.create', { problem: 'VPN', urgency: 'low', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    const [request] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', { requestId: request.id, version: request.version }, 'channel');
    const accepted = await current(request.id);
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    expect(graph.meetingsCreated).toBe(1);
    expect(await current(request.id)).toMatchObject({ state: 'closed', closedReason: 'closedByRequester', meeting: null });
    expect(graph.meetings.size).toBe(0);
  });
});
