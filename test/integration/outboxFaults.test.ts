import { HttpWebhookSender } from '../../src/adapters/http/httpWebhookSender';
import { LockboxRequest } from '../../src/domain/lockbox';
import { FakeClock } from '../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { WebhookReceiver } from '../support/webhookReceiver';
import { APPROVALS_CHANNEL, PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const DANA_CHAT = `a:personal-${PEOPLE.dana.aadObjectId}`;

describe('Bot Connector, Graph and webhook receivers down or hanging for a while, then back', () => {
  let graph: GraphDouble;
  let receiver: WebhookReceiver;
  let t: TestDoorman;
  let key: string;

  beforeEach(async () => {
    graph = await startGraphDouble({ roles: ['Mail.Send', 'User.Read.All'] });
    graph.addUser({ id: 'support-mailbox', displayName: 'Support', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
    receiver = new WebhookReceiver();
    await receiver.start();
    const clock = new FakeClock();
    t = await startTestDoorman({
      clock,
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions, callTimeoutMs: 500 },
      // Short real-time timeouts so that hanging calls give up within the test; the fake clock does the rest.
      connectorTimings: { callTimeoutMs: 500 },
      webhooks: new HttpWebhookSender(SECRET, clock, { localMode: true, timeoutMs: 500 }),
      env: {
        MAIL: 'graph',
        MAIL_SENDER: 'support@contoso.com',
        ...graph.graphEnv(),
        WEBHOOK_URLS: receiver.url,
        WEBHOOK_SECRET: SECRET,
      },
    });
    await t.registerApprovals();
    for (const who of ['alex', 'carl', 'dana', 'finn'] as const) await t.message(who, 'hi');
    await t.deliver();
    t.connector.calls.length = 0;
    key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
  });

  afterEach(async () => {
    t.connector.recover();
    await t.stop();
    await receiver.stop();
    await graph.close();
  });

  const ask = async (ticket: string) => {
    const response = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case', ticket, durationMinutes: 60 }),
    });
    expect(response.status).toBe(201);
  };
  const lockboxes = async () => (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];

  it('delivers everything afterwards, in order per conversation, with nothing given up and access changes on time', async () => {
    // The outage: the approvers' channel hangs, Dana's chat is unreachable, Graph answers 503, the receiver hangs.
    t.connector.hanging.add(APPROVALS_CHANNEL);
    t.connector.unreachable.add(DANA_CHAT);
    graph.failNext(40, { status: 503 }, { path: /sendMail/ });
    receiver.mode = 'hanging';
    for (let i = 0; i < 5; i += 1) await ask(`T-${i}`);
    const approvedIds: string[] = [];
    for (const request of (await lockboxes()).slice(0, 2)) {
      const approved = await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
      expect(approved.body.statusCode).toBe(200);
      approvedIds.push(request.id);
    }

    // Ten minutes of outage on the fake clock, the receiver switching from hanging to down half way.
    for (let minute = 0; minute < 10; minute += 1) {
      if (minute === 5) receiver.mode = 'down';
      for (let step = 0; step < 6; step += 1) {
        await t.deliver();
        t.clock.advance(10_000);
      }
      // Access changes do not wait for any of it: granted in the first round already.
      for (const id of approvedIds) expect(((await t.store.getRequest(id)) as LockboxRequest).access.status).toBe('granted');
    }
    expect(t.connector.callsOf('createConversation')).toHaveLength(0);
    expect(receiver.bodies).toHaveLength(0);

    // Everything comes back.
    t.connector.recover();
    receiver.mode = 'up';
    for (let round = 0; round < 200 && (await t.store.pendingOutboxCount()) > 0; round += 1) {
      await t.deliver();
      t.clock.advance(15_000);
    }

    expect(await t.store.pendingOutboxCount()).toBe(0);
    expect((await t.store.failedOutbox(20)).map((failure) => `${failure.type}: ${failure.error}`)).toEqual([]);
    expect((await t.store.outboxHealth(t.clock.now())).failedByType).toEqual({});
    expect(t.connector.callsOf('createConversation')).toHaveLength(5);
    expect(t.connector.postsIn(DANA_CHAT).length).toBeGreaterThanOrEqual(5 + approvedIds.length);
    expect(graph.mails.length).toBeGreaterThanOrEqual(5);
    // In order per request: each request's webhooks as they happened, each card post before its updates.
    for (const request of await lockboxes()) {
      const events = receiver.bodies
        .map((body) => JSON.parse(body) as { type: string; request: { id: string } })
        .filter((body) => body.request.id === request.id)
        .map((body) => body.type);
      expect(events[0]).toBe('lockbox.create');
      if (approvedIds.includes(request.id)) expect(events.indexOf('lockbox.approve')).toBeGreaterThan(0);
      const cards = await t.store.cardActivitiesOf(request.id);
      for (const card of cards) {
        const posted = t.connector.calls.findIndex((call) => call.activityId === card.activityId && call.kind !== 'update');
        const updates = t.connector.calls.flatMap((call, index) => (call.kind === 'update' && call.activityId === card.activityId ? [index] : []));
        expect(posted).toBeGreaterThanOrEqual(0);
        for (const index of updates) expect(index).toBeGreaterThan(posted);
      }
    }
    // The approved requests' cards show the decision: the newest update of each card carries it.
    for (const id of approvedIds) {
      const [queueCard] = (await t.store.cardActivitiesOf(id)).filter((card) => card.role === 'queue');
      const last = t.connector.calls.filter((call) => call.activityId === queueCard.activityId).pop();
      expect(JSON.stringify(last?.body)).toContain('Approved');
    }
  }, 120_000);
});
