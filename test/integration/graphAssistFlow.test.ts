import { AssistRequest } from '../../src/domain/assist';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';

// A Doorman with a Graph double and several HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(30_000);

describe('a request for help meets in a Teams meeting through Microsoft Graph (stateful local double)', () => {
  let graph: GraphDouble;
  let t: TestDoorman;

  beforeEach(async () => {
    graph = await startGraphDouble({ roles: ['OnlineMeetings.ReadWrite.All', 'User.Read.All'], meetingPolicy: 'global' });
    graph.addUser({ id: PEOPLE.bea.aadObjectId, displayName: PEOPLE.bea.name, userPrincipalName: 'bea@contoso.com', mail: 'bea@contoso.com' });
    const config = graph.graphConfig();
    t = await startTestDoorman({
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        MEETINGS: 'graph',
        GRAPH_TENANT_ID: config.tenantId,
        GRAPH_CLIENT_ID: config.clientId,
        GRAPH_CLIENT_SECRET: config.credential.kind === 'secret' ? config.credential.secret : '',
        GRAPH_BASE_URL: config.baseUrl,
        GRAPH_AUTHORITY_HOST: config.authorityHost ?? '',
      },
    });
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['bea', 'eve'] as const) await t.message(who, 'hi');
  });

  afterEach(async () => {
    await t.stop();
    await graph.close();
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
});
