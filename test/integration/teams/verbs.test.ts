import { Activity, TestAdapter } from 'botbuilder';
import { CardRenderer } from '../../../src/adapters/teams/cardRenderer';
import { DoormanBot } from '../../../src/adapters/teams/doormanBot';
import { VERBS } from '../../../src/adapters/teams/verbRouter';
import { UseCaseDeps } from '../../../src/application/shared/useCaseDeps';
import { SessionRequest } from '../../../src/domain/session';
import { PEOPLE, TENANT } from '../../support/testDoorman';
import { testDeps } from '../../support/testDeps';
import { findById, validateCard } from '../../support/validateCard';
import { FakeClock } from '../../support/fakeClock';

type Who = keyof typeof PEOPLE;

describe('card verbs through the TestAdapter (deliveryMode expectReplies)', () => {
  let deps: UseCaseDeps;
  let clock: FakeClock;
  let cleanup: () => Promise<void>;
  let adapter: TestAdapter;
  let buffered: Partial<Activity>[] = [];

  beforeEach(() => {
    const built = testDeps();
    ({ deps, clock, cleanup } = built);
    const bot = new DoormanBot(deps, new CardRenderer(clock, 'UTC'), [TENANT], async () => 'ok');
    adapter = new TestAdapter(async (context) => {
      await bot.run(context);
      buffered = [...context.bufferedReplyActivities];
    });
  });

  afterEach(() => cleanup());

  /** Sends an Action.Execute invoke and returns the invoke response the bot produced. */
  async function invoke(who: Who, verb: string, data: Record<string, unknown>, conversationType = 'personal'): Promise<{ status: number; body: any }> {
    const person = PEOPLE[who];
    const activity: Partial<Activity> = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      // Invoke answers come back in the HTTP response; expectReplies makes the test adapter hand them back too.
      deliveryMode: 'expectReplies',
      from: { id: `29:${who}`, aadObjectId: person.aadObjectId, name: person.name },
      conversation: { id: `conv-${conversationType}-${who}`, conversationType, tenantId: TENANT, isGroup: conversationType !== 'personal', name: '' },
      channelData: { tenant: { id: TENANT } },
      replyToId: 'card-activity-1',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    };
    await adapter.processActivity(activity);
    // With expectReplies every answer, the invoke response included, is buffered on the turn, not sent.
    const replies = buffered;
    const response = replies.find((reply) => reply.type === 'invokeResponse');
    if (!response) throw new Error(`no invoke response among ${replies.map((reply) => reply.type).join(', ')}`);
    return response.value as { status: number; body: any };
  }

  async function created(): Promise<SessionRequest> {
    const response = await invoke('alex', 'session.create', { recipientName: 'Chris', assignTo: 'me', sendEmail: 'false' });
    expect(response.body.statusCode).toBe(200);
    const [request] = await deps.requests.listRequests({ kind: 'session' });
    return request as SessionRequest;
  }

  async function moveTo(request: SessionRequest, changes: Partial<SessionRequest>): Promise<SessionRequest> {
    const next = { ...request, ...changes, version: request.version + 1 };
    await deps.requests.commit({ request: next, expectedVersion: request.version, events: [], outbox: [], deadlines: [] });
    return next;
  }

  it('routes exactly the verbs of the contract built so far: session, lockbox, assist, invitation, settings.save, the scope and profile edits, the erasure card and card.refresh', () => {
    expect(Object.keys(VERBS).sort()).toEqual(
      [
        'card.refresh',
        'invitation.accept',
        'invitation.cancel',
        'invitation.changeProfile',
        'invitation.create',
        'invitation.edit',
        'invitation.reject',
        'invitation.remove',
        'session.admit',
        'session.assign',
        'session.close',
        'session.create',
        'session.deny',
        'session.rebind',
        'session.reopen',
        'lockbox.create',
        'lockbox.approve',
        'lockbox.deny',
        'lockbox.cancel',
        'lockbox.revoke',
        'lockbox.resolve',
        'assist.create',
        'assist.accept',
        'assist.decline',
        'assist.allowControl',
        'assist.refuseControl',
        'assist.cancel',
        'assist.close',
        'assist.restartDevice',
        'assist.syncDevice',
        'settings.save',
        'settings.scope.add',
        'settings.scope.remove',
        'settings.profile.save',
        'settings.profile.remove',
        'erasure.confirm',
        'erasure.cancel',
      ].sort(),
    );
  });

  it('session.create answers with the invitation card, a valid card with the link in inviteText', async () => {
    const response = await invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false' });
    expect(response.status).toBe(200);
    validateCard(response.body.value);
    expect((findById(response.body.value, 'inviteText') as { value: string }).value).toMatch(/https:\/\/doorman\.example\/j\/[A-Za-z0-9_-]{32}/);
  });

  const transitions: [string, Partial<SessionRequest>, string][] = [
    ['session.admit', { state: 'ready', bindingHash: 'b', customerName: 'Chris' }, 'connected'],
    ['session.deny', { state: 'ready', bindingHash: 'b', customerName: 'Chris' }, 'closed'],
    ['session.close', { state: 'connected', bindingHash: 'b', customerName: 'Chris' }, 'closed'],
    ['session.rebind', { state: 'waiting', bindingHash: 'b', customerName: 'Chris' }, 'open'],
    ['session.assign', {}, 'open'],
    ['session.reopen', { state: 'closed', closedReason: 'cancelled' }, 'open'],
  ];

  it.each(transitions)('%s moves the request and answers with a valid current card', async (verb, from, to) => {
    const request = await moveTo(await created(), from);
    const response = await invoke('bea', verb, { requestId: request.id, version: request.version, assignTo: 'me' });
    expect(response.status).toBe(200);
    expect(response.body.statusCode).toBe(200);
    validateCard(response.body.value);
    const after = (await deps.requests.getRequest(request.id)) as SessionRequest;
    expect(after.state).toBe(to);
    expect(after.version).toBe(request.version + 1);
    if (verb === 'session.assign') expect(after.assignee?.aadObjectId).toBe(PEOPLE.bea.aadObjectId);
  });

  it.each(transitions)('%s twice with the same version changes nothing the second time', async (verb, from) => {
    const request = await moveTo(await created(), from);
    await invoke('bea', verb, { requestId: request.id, version: request.version, assignTo: 'me' });
    const once = (await deps.requests.getRequest(request.id)) as SessionRequest;
    const second = await invoke('bea', verb, { requestId: request.id, version: request.version, assignTo: 'me' });
    expect(second.body.statusCode).toBe(200);
    expect(findById(second.body.value, 'notice')).toBeTruthy();
    expect(((await deps.requests.getRequest(request.id)) as SessionRequest).version).toBe(once.version);
    expect(await deps.requests.eventsOf(request.id)).toHaveLength(2);
  });

  it('a person without the agent role is refused with AUTH.NOT_PERMITTED and nothing changes', async () => {
    const request = await moveTo(await created(), { state: 'ready', bindingHash: 'b' });
    const response = await invoke('eve', 'session.admit', { requestId: request.id, version: request.version });
    expect(JSON.stringify(findById(response.body.value, 'notice'))).toContain('agent role');
    expect(((await deps.requests.getRequest(request.id)) as SessionRequest).state).toBe('ready');
  });

  it('an illegal transition answers with the current card and a notice', async () => {
    const request = await created();
    const response = await invoke('alex', 'session.admit', { requestId: request.id, version: request.version });
    expect(findById(response.body.value, 'notice')).toBeTruthy();
    expect(((await deps.requests.getRequest(request.id)) as SessionRequest).state).toBe('open');
  });

  it('card.refresh never changes state', async () => {
    const request = await created();
    clock.advance(60_000);
    const response = await invoke('bea', 'card.refresh', { requestId: request.id, version: request.version }, 'channel');
    validateCard(response.body.value);
    expect(((await deps.requests.getRequest(request.id)) as SessionRequest).version).toBe(request.version);
  });

  it.each([
    ['an unknown verb', 'session.teleport', {}],
    ['a missing version', 'session.admit', { requestId: 'x' }],
    ['a string version', 'session.admit', { requestId: 'x', version: '1' }],
    ['no verb at all', undefined, {}],
  ])('%s gets a 400 error response, never a default card', async (_name, verb, data) => {
    const response = await invoke('alex', verb as string, data as Record<string, unknown>);
    expect(response.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('the actor comes from the activity, not from card data', async () => {
    const request = await moveTo(await created(), { state: 'ready', bindingHash: 'b' });
    await invoke('eve', 'session.admit', { requestId: request.id, version: request.version, actor: PEOPLE.alex, from: PEOPLE.alex });
    expect(((await deps.requests.getRequest(request.id)) as SessionRequest).state).toBe('ready');
  });
});
