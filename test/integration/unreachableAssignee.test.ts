import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

const personalChat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

/** Issue 9, defect 4: assigning to someone who never chatted with Doorman must not fail silently. */
describe('assigning to someone who never opened Doorman', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman({ dispatcher: { maxAttempts: 3, maxBackoffMs: 60_000 } });
    await t.message('alex', 'hi');
  });
  afterEach(() => t.stop());

  async function sessionAssignedToBea(): Promise<{ request: SessionRequest; answer: any }> {
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: 'me' });
    expect(created.body.statusCode).toBe(200);
    await t.deliver();
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    const agentCard = t.connector.postsIn(personalChat('alex')).find((call) => call.kind === 'send')!;
    const answer = await t.invoke('alex', 'session.assign', { requestId: request.id, version: request.version, assignTo: `user:${PEOPLE.bea.aadObjectId}` }, 'personal', agentCard.activityId!);
    expect(answer.body.statusCode).toBe(200);
    return { request: (await t.store.getRequest(request.id)) as SessionRequest, answer: answer.body.value };
  }

  /** The newest render of Alex's own card of the request (the post, then its in-place updates). */
  const alexsCard = () => {
    const calls = t.connector.calls.filter((call) => call.conversationId === personalChat('alex') && (call.kind === 'send' || call.kind === 'update'));
    return BotConnectorDouble.cardOf(calls[calls.length - 1]);
  };

  it("says on the assigner's card, at once, that the person has not opened Doorman and was not told", async () => {
    const { request, answer } = await sessionAssignedToBea();
    expect(request.assignee?.aadObjectId).toBe(PEOPLE.bea.aadObjectId);
    expect(getById(answer, 'assigneeNotTold').text).toBe(
      'Bea Agent has not opened Doorman in Teams yet, so they have not been told about this request yet. Doorman is opening a chat with them: their card arrives there.',
    );
    await t.deliver();
    expect(findById(alexsCard(), 'assigneeNotTold')).toBeTruthy();
  });

  it('stops saying so once their card reaches them', async () => {
    const { request } = await sessionAssignedToBea();
    await t.deliver();
    await t.message('bea', 'hi');
    t.clock.advance(60_000);
    await t.deliver();

    expect(t.connector.postsIn(personalChat('bea')).some((call) => findById(BotConnectorDouble.cardOf(call), 'facts'))).toBe(true);
    expect(((await t.store.getRequest(request.id)) as SessionRequest).assigneeNotTold).toBeNull();
    expect(findById(alexsCard(), 'assigneeNotTold')).toBeUndefined();
  });

  it('says delivery failed when Doorman gives up, and doctor names the person', async () => {
    // Issue 11: Doorman now opens a chat for people who never opened it; here Teams refuses it for Bea.
    t.connector.personalScope = (id) => id !== PEOPLE.bea.aadObjectId;
    const { request } = await sessionAssignedToBea();
    await t.deliver();
    await t.message('alex', 'doctor');
    const doctor = String(getById(BotConnectorDouble.cardOf(t.connector.postsIn(personalChat('alex')).at(-1)!), 'doctor').text);
    expect(doctor).toMatch(/Not reachable in Teams.*Bea Agent \(1 waiting; a chat is being opened for them; no mail address either\)/s);

    for (let round = 0; round < 5; round += 1) {
      t.clock.advance(60_000);
      await t.deliver();
    }
    const after = (await t.store.getRequest(request.id)) as SessionRequest;
    expect(after.assigneeNotTold).toEqual({ aadObjectId: PEOPLE.bea.aadObjectId, reason: 'deliveryFailed' });
    expect(String(getById(alexsCard(), 'assigneeNotTold').text)).toMatch(/^Bea Agent was not told about this request/);
    expect(String(getById(alexsCard(), 'notReached').text)).toMatch(/^Bea Agent was not told about this request\. Doorman could not install itself for them or open a chat with them/);
    const events = await t.store.eventsOf(request.id);
    expect(events.slice(-2)).toMatchObject([
      { action: 'reach', actorId: 'system:dispatcher' },
      { action: 'delivery.failed', actorId: 'system:dispatcher' },
    ]);
  });

  it('says nothing when the assignee can be reached', async () => {
    await t.message('bea', 'hi');
    const { answer } = await sessionAssignedToBea();
    expect(findById(answer, 'assigneeNotTold')).toBeUndefined();
  });
});
