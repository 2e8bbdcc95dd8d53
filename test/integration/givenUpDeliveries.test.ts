import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpWebhookSender } from '../../src/adapters/http/httpWebhookSender';
import { FakeClock } from '../support/fakeClock';
import { LockboxRequest } from '../../src/domain/lockbox';
import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { APPROVALS_CHANNEL, PEOPLE, QUEUE_CHANNEL, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

const personalChat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

/** Issue 8, finding 2: a message that is finally given up is said on the request's other cards, never silent. */
describe('a delivery given up shows on the request’s other cards', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    // A short real-time call timeout, so that no abandoned Bot Connector call outlives the test.
    t = await startTestDoorman({ dispatcher: { maxAttempts: 3, maxBackoffMs: 60_000 }, connectorTimings: { callTimeoutMs: 500 } });
  });
  afterEach(async () => {
    t.connector.recover();
    await t.stop();
  });

  /** The newest render of the card in `conversationId` (its post, then its in-place updates). */
  const newestCardIn = (conversationId: string) => {
    const calls = t.connector.calls.filter((call) => ['send', 'update', 'createConversation'].includes(call.kind) && call.conversationId.startsWith(conversationId));
    if (calls.length === 0) throw new Error(`no card in ${conversationId}: ${JSON.stringify(t.connector.calls.map((call) => [call.kind, call.conversationId]))}`);
    return BotConnectorDouble.cardOf(calls[calls.length - 1]);
  };

  /** Moves the clock past every backoff until the dispatcher has given up what it keeps failing. */
  const deliverUntilGivenUp = async () => {
    await t.deliver();
    for (let round = 0; round < 6; round += 1) {
      t.clock.advance(60_000);
      await t.deliver();
    }
  };

  async function askThroughTheApi(): Promise<LockboxRequest> {
    const key = await t.issueApiKey({ id: 'key-1', name: 'Ticketing system', onBehalfOf: [PEOPLE.dana.aadObjectId] });
    const response = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case', ticket: 'T-1', durationMinutes: 60 }),
    });
    expect(response.status).toBe(201);
    return (await t.store.listRequests({ kind: 'lockbox' }))[0] as LockboxRequest;
  }

  it("tells the lockbox requester that the approvers' channel card could not be posted", async () => {
    await t.registerApprovals();
    await t.message('dana', 'hi');
    await t.deliver();
    t.connector.unreachable.add(APPROVALS_CHANNEL);
    const request = await askThroughTheApi();

    await deliverUntilGivenUp();

    const after = (await t.store.getRequest(request.id)) as LockboxRequest;
    expect(after.state).toBe('pending');
    expect(after.deliveryFailures).toEqual([expect.objectContaining({ type: 'card.post', target: { kind: 'channel' } })]);
    const danasCard = newestCardIn(personalChat('dana'));
    expect(getById(danasCard, 'notReached').text).toBe(
      "The approvers' channel card could not be posted, so approvers may not know of this request. An admin should run doctor.",
    );
    const events = await t.store.eventsOf(request.id);
    expect(events.at(-1)).toMatchObject({ action: 'delivery.failed', actorId: 'system:dispatcher', fromState: 'pending', toState: 'pending' });
  });

  it('says nothing while every card reaches its place', async () => {
    await t.registerApprovals();
    await t.message('dana', 'hi');
    await t.deliver();
    const request = await askThroughTheApi();
    await deliverUntilGivenUp();
    expect(((await t.store.getRequest(request.id)) as LockboxRequest).deliveryFailures ?? []).toEqual([]);
    expect(findById(newestCardIn(personalChat('dana')), 'notReached')).toBeUndefined();
    expect(findById(newestCardIn(APPROVALS_CHANNEL), 'notReached')).toBeUndefined();
  });

  it('names the API key a lockbox request was made through by its label, on every card', async () => {
    await t.registerApprovals();
    await t.message('dana', 'hi');
    await t.deliver();
    await askThroughTheApi();
    await t.deliver();
    for (const conversation of [APPROVALS_CHANNEL, personalChat('dana')]) {
      const facts = getById(newestCardIn(conversation), 'facts').facts as { title: string; value: string }[];
      expect(facts.find((fact) => fact.title === 'Requested via')?.value).toBe('Ticketing system');
    }
  });

  async function createSession(beforeCreating: () => void = () => undefined): Promise<SessionRequest> {
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.message('alex', 'hi');
    await t.deliver();
    beforeCreating();
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: 'me' });
    expect(created.body.statusCode).toBe(200);
    return (await t.store.listRequests({ kind: 'session' }))[0] as SessionRequest;
  }

  it("tells the session's agent that the queue card could not be posted", async () => {
    const request = await createSession(() => t.connector.unreachable.add(QUEUE_CHANNEL));
    expect(request.queueId).not.toBeNull();

    await deliverUntilGivenUp();

    expect(getById(newestCardIn(personalChat('alex')), 'notReached').text).toBe(
      'The queue card could not be posted to the channel, so the team may not see this request. An admin should run doctor.',
    );
  });

  it('says on the assigner’s card that an assignee with a chat was not told, when their chat refuses', async () => {
    await t.message('bea', 'hi');
    const request = await createSession();
    await t.deliver();
    t.connector.unreachable.add(personalChat('bea'));
    const agentCard = t.connector.postsIn(personalChat('alex')).find((call) => call.kind === 'send')!;
    const assigned = await t.invoke(
      'alex',
      'session.assign',
      { requestId: request.id, version: request.version, assignTo: `user:${PEOPLE.bea.aadObjectId}` },
      'personal',
      agentCard.activityId!,
    );
    expect(assigned.body.statusCode).toBe(200);

    await deliverUntilGivenUp();

    const alexsCard = newestCardIn(personalChat('alex'));
    expect(getById(alexsCard, 'notReached').text).toBe(
      'Bea Agent was not told about this request: Doorman could not deliver to their chat. An admin should run doctor.',
    );
    // Bea has a chat: this is not the "has not opened Doorman" case, which stays for people without one.
    expect(findById(alexsCard, 'assigneeNotTold')).toBeUndefined();
    expect(findById(newestCardIn(QUEUE_CHANNEL), 'notReached')).toBeTruthy();

    // Her chat answers again and she is assigned again: her card reaches her, and the cards stop saying she was not told.
    t.connector.recover();
    for (const assignTo of ['me', `user:${PEOPLE.bea.aadObjectId}`]) {
      const current = (await t.store.getRequest(request.id)) as SessionRequest;
      const again = await t.invoke('alex', 'session.assign', { requestId: current.id, version: current.version, assignTo }, 'personal', agentCard.activityId!);
      expect(again.body.statusCode).toBe(200);
      await t.deliver();
    }
    expect(((await t.store.getRequest(request.id)) as SessionRequest).deliveryFailures).toEqual([]);
    expect(findById(newestCardIn(personalChat('alex')), 'notReached')).toBeUndefined();
  });
});

describe('a webhook given up shows on the lockbox cards, and causes no webhook of its own', () => {
  const SECRET = 'a-webhook-secret-of-at-least-32-characters';
  let receiver: Server;
  let received = 0;
  let t: TestDoorman;

  beforeEach(async () => {
    received = 0;
    receiver = createServer((_req, res) => {
      received += 1;
      res.writeHead(503);
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const clock = new FakeClock();
    t = await startTestDoorman({
      clock,
      dispatcher: { maxAttempts: 3, maxBackoffMs: 60_000 },
      webhooks: new HttpWebhookSender(SECRET, clock, { localMode: true, timeoutMs: 2_000 }),
      env: { WEBHOOK_URLS: url, WEBHOOK_SECRET: SECRET },
    });
  });
  afterEach(async () => {
    await t.stop();
    (receiver as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('says the system that asked was not told, on the requester’s card', async () => {
    await t.registerApprovals();
    await t.message('dana', 'hi');
    await t.deliver();
    const created = await t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case', ticket: 'T-1', durationMinutes: '60' });
    expect(created.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];

    await t.deliver();
    for (let round = 0; round < 6; round += 1) {
      t.clock.advance(60_000);
      await t.deliver();
    }

    const after = (await t.store.getRequest(request.id)) as LockboxRequest;
    expect(after.deliveryFailures).toEqual([expect.objectContaining({ type: 'webhook', target: { kind: 'system' } })]);
    // One webhook (lockbox.create), tried three times; recording its failure sent none of its own.
    expect(received).toBe(3);
    const calls = t.connector.calls.filter((call) => ['send', 'update'].includes(call.kind) && call.conversationId === personalChat('dana'));
    expect(getById(BotConnectorDouble.cardOf(calls[calls.length - 1]), 'notReached').text).toBe(
      'The system that asked was not told of a change: a webhook could not be delivered. An admin should run doctor.',
    );
  });
});
