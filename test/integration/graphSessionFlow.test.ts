import { problemLine } from '../../src/domain/errors';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Change, Store } from '../../src/application/ports';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

/** A store that "crashes" once: the commit that would save the made meeting fails, as if the process died there. */
function crashOnceBeforeSavingMeeting(store: Store): { store: Store; crashes: () => number } {
  let crashes = 0;
  const wrapped = Object.create(store) as Store;
  wrapped.commit = async (change: Change) => {
    if (crashes === 0 && change.events.some((event) => event.action === 'meeting.ready')) {
      crashes += 1;
      throw new Error('simulated crash between "meeting created" and "saved"');
    }
    return store.commit(change);
  };
  return { store: wrapped, crashes: () => crashes };
}

describe('a session request with Teams meetings and mail through Microsoft Graph (stateful local double)', () => {
  let graph: GraphDouble;
  let t: TestDoorman;
  let dir: string;
  let crashes: () => number;

  beforeEach(async () => {
    graph = await startGraphDouble({ roles: ['OnlineMeetings.ReadWrite.All', 'Mail.Send', 'User.Read.All'], meetingPolicy: 'global' });
    graph.addUser({ id: PEOPLE.alex.aadObjectId, displayName: PEOPLE.alex.name, userPrincipalName: 'alex@contoso.com', mail: 'alex@contoso.com' });
    graph.addUser({ id: 'support-mailbox', displayName: 'Support', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
    dir = mkdtempSync(join(tmpdir(), 'doorman-graph-flow-'));
    const crashing = crashOnceBeforeSavingMeeting(openSqliteRequestStore(join(dir, 'doorman.db')));
    crashes = crashing.crashes;
    t = await startTestDoorman({
      store: crashing.store,
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        MEETINGS: 'graph',
        MAIL: 'graph',
        MAIL_SENDER: 'support@contoso.com',
        ...graph.graphEnv(),
        LOBBY_BYPASS_AFTER_ADMIT: 'true',
      },
    });
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.message('alex', 'hi');
  });

  afterEach(async () => {
    await t.stop();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deliverAll(): Promise<void> {
    for (let round = 0; round < 8; round += 1) {
      await t.deliver();
      if ((await t.store.pendingOutboxCount()) === 0) return;
      t.clock.advance(5_000);
    }
  }

  it('makes one meeting at ready despite a crash before saving it, reveals the join link only to the bound browser, and deletes it on close', async () => {
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chloé', recipientEmail: 'chloe@example.fr', sendEmail: 'true', emailLanguage: 'fr' });
    const code = /\/j\/([A-Za-z0-9_-]+)/.exec((findById(created.body.value, 'inviteText') as { value: string }).value)?.[1];
    await deliverAll();
    expect(graph.mails).toHaveLength(1);
    expect(graph.mails[0]).toMatchObject({ language: 'fr' });
    expect(graph.mails[0].to).toContain('chloe@example.fr');
    expect(graph.mails[0].text).toContain(`/j/${code}`);
    expect(graph.meetingsCreated).toBe(0);

    const base = `${t.doorman.url}/j/${code}`;
    const arrive = await fetch(`${base}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chloé' }) });
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    const headers = { 'Content-Type': 'application/json', Cookie: cookie };
    await fetch(`${base}/consent`, { method: 'POST', headers, body: JSON.stringify({ allow: true }) });
    await deliverAll();

    expect(crashes()).toBe(1);
    expect(graph.meetingsCreated).toBe(1);
    const [meeting] = [...graph.meetings.values()];
    expect(meeting.resource.externalId).toMatch(/-1$/);
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.meeting).toMatchObject({ provider: 'teams', status: 'ready', joinUrl: meeting.resource.joinWebUrl });

    const joinUrl = meeting.resource.joinWebUrl;
    const queueCards = t.connector.calls.filter((call) => call.conversationId.includes(';messageid='));
    expect(queueCards.length).toBeGreaterThan(0);
    for (const call of queueCards) expect(JSON.stringify(call.body)).not.toContain(joinUrl);
    const agentCards = t.connector.calls.filter((call) => call.conversationId.startsWith('a:personal') && call.kind === 'update');
    expect(agentCards.some((call) => JSON.stringify(BotConnectorDouble.cardOf(call)).includes(joinUrl))).toBe(true);

    const admitted = await t.invoke('alex', 'session.admit', { requestId: request.id, version: request.version });
    expect(admitted.body.statusCode).toBe(200);
    const state = (await (await fetch(`${base}/state`, { headers })).json()) as { join: { url: string; isTeamsMeeting: boolean; joinAs: string } };
    expect(state.join).toMatchObject({ url: joinUrl, isTeamsMeeting: true });
    expect(state.join.joinAs).toMatch(/^Chloé \(\d{4}\)$/);
    const stranger = (await (await fetch(`${base}/state`)).json()) as { join: unknown };
    expect(stranger.join).toBeNull();

    await deliverAll();
    const lobbyPatches = () => graph.requests.filter((call) => call.method === 'PATCH' && call.body.includes('lobbyBypassSettings')).map((call) => JSON.parse(call.body).lobbyBypassSettings.scope);
    expect(lobbyPatches().slice(-1)).toEqual(['everyone']);
    t.clock.advance(91_000);
    await t.doorman.sweeper.sweep();
    await deliverAll();
    expect(lobbyPatches().slice(-1)[0]).not.toBe('everyone');

    const connected = (await t.store.getRequest(request.id)) as SessionRequest;
    await t.invoke('alex', 'session.close', { requestId: request.id, version: connected.version });
    await deliverAll();
    expect(graph.meetings.size).toBe(0);
    expect(t.logs.join('\n')).not.toContain(joinUrl);
    expect(t.logs.join('\n')).not.toContain(code);
  });

  it('a refused sendMail (403) is shown on the agent card naming Mail.Send, and is not retried forever', async () => {
    graph.failNext(1, { status: 403, code: 'ErrorAccessDenied', message: 'Access is denied.' }, { method: 'POST', path: /sendMail/ });
    await t.invoke('alex', 'session.create', { recipientName: 'Chris', recipientEmail: 'chris@example.com', sendEmail: 'true' });
    await deliverAll();
    expect(graph.mails).toHaveLength(0);
    expect(await t.store.pendingOutboxCount()).toBe(0);
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.mailProblem && problemLine(request.mailProblem)).toMatch(/^GRAPH\.FORBIDDEN: .*Mail\.Send/);
    const lastAgentUpdate = t.connector.calls.filter((call) => call.conversationId.startsWith('a:personal') && call.kind === 'update').pop();
    expect(JSON.stringify(lastAgentUpdate?.body)).toContain('Mail.Send');
  });

  it('a missing permission shows on the agent card and the session stays usable with the portal room', async () => {
    graph.setMeetingPolicy([]);
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false' });
    const code = /\/j\/([A-Za-z0-9_-]+)/.exec((findById(created.body.value, 'inviteText') as { value: string }).value)?.[1];
    const base = `${t.doorman.url}/j/${code}`;
    const arrive = await fetch(`${base}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chris' }) });
    const headers = { 'Content-Type': 'application/json', Cookie: (arrive.headers.get('set-cookie') ?? '').split(';')[0] };
    await fetch(`${base}/consent`, { method: 'POST', headers, body: JSON.stringify({ allow: true }) });
    await deliverAll();
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.meeting).toMatchObject({ provider: 'local', status: 'ready' });
    expect(request.meeting?.problem && problemLine(request.meeting.problem)).toMatch(/access policy|OnlineMeetings/i);
    const lastAgentUpdate = t.connector.calls.filter((call) => call.conversationId.startsWith('a:personal') && call.kind === 'update').pop();
    expect(JSON.stringify(lastAgentUpdate?.body)).toMatch(/access policy|OnlineMeetings/i);
    await t.invoke('alex', 'session.admit', { requestId: request.id, version: request.version });
    const state = (await (await fetch(`${base}/state`, { headers })).json()) as { join: { url: string; isTeamsMeeting: boolean } };
    expect(state.join).toMatchObject({ url: `/j/${code}/room`, isTeamsMeeting: false });
  });
});
