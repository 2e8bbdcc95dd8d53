import { assistForm, submitAssistForm } from '../../src/application/assist/assistViews';
import { decideOnAssist } from '../../src/application/assist/assistRequests';
import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { saveLockboxSettings } from '../../src/application/lockbox/lockboxRequests';
import { registerChannel } from '../../src/application/people/queues';
import { AssistRequest } from '../../src/domain/assist';
import { Actor } from '../../src/domain/people';
import { cardViewOf } from '../../src/application/shared/cardViews';
import { useCaseDepsPerTest } from '../support/testDeps';

const alex: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' }, roles: ['admin', 'agent'] };
const bea: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' }, roles: ['agent'] };
const eve: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000e005', name: 'Eve User' }, roles: [] };
const place = { channelId: '19:assist@thread.tacv2', teamId: '19:team@thread.tacv2', serviceUrl: 'https://smba.example', tenantId: 'tenant-test' };
const eveLaptop = `local-${'00000000-0000-0000-0000-00000000e005'}-laptop`;
const ask = { problem: 'VPN drops every few minutes', urgency: 'normal', phone: '', deviceId: eveLaptop };
const lockboxDefaults = { approvalRequired: true, leadReview: false, defaultDurationMinutes: 240, maxDurationMinutes: 1440, decisionHours: 12, escalationHours: 0 };

describe('assist use cases (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();
  const registered = () => registerChannel(t.deps, alex, place, { purpose: 'assistance', name: 'Assistance', makeDefault: true });

  async function asked(): Promise<AssistRequest> {
    await t.deps.devices.devicesOf('00000000-0000-0000-0000-00000000e005');
    const answer = await submitAssistForm(t.deps, eve, ask, null);
    if (answer.kind !== 'card') throw new Error(`expected the requester card, got ${JSON.stringify(answer.problems)}`);
    return answer.request;
  }
  const current = async (id: string) => (await t.deps.requests.getRequest(id)) as AssistRequest;

  it('anyone in the tenant gets the form (no role needed); without an assistance channel: QUEUE.NONE, nothing created', async () => {
    await expect(assistForm(t.deps, eve)).rejects.toMatchObject({ code: 'QUEUE.NONE' });
    const refused = await submitAssistForm(t.deps, eve, ask, null);
    expect(refused).toMatchObject({ kind: 'form', problems: [{ field: 'form', problem: 'noAssistanceQueue' }], typed: { problem: ask.problem } });
    expect(await t.deps.requests.listRequests({ kind: 'assist' })).toEqual([]);
    await registered();
    const form = await assistForm(t.deps, eve);
    expect(form.source).toBe('local');
    expect(form.devices?.map((device) => device.id)).toContain(eveLaptop);
  });

  it('two agents accept at the same moment: one owner, the other gets the current card naming who took it', async () => {
    await registered();
    const request = await asked();
    const pointer = { requestId: request.id, version: request.version };
    const [first, second] = await Promise.all([decideOnAssist(t.deps, alex, pointer, 'accept'), decideOnAssist(t.deps, bea, pointer, 'accept')]);
    const results = [first, second];
    expect(results.filter((result) => result.refused === null)).toHaveLength(1);
    const loser = results.find((result) => result.refused !== null)!;
    expect(['REQUEST.STALE_VERSION', 'REQUEST.ILLEGAL_TRANSITION']).toContain(loser.refused);
    const stored = await current(request.id);
    expect(stored).toMatchObject({ state: 'accepted', version: 2 });
    expect(loser.request.helper).toEqual(stored.helper);
    expect((await t.deps.requests.eventsOf(request.id)).filter((event) => event.action === 'accept')).toHaveLength(1);
  });

  it('expires unanswered after 4 h by the sweeper (not a minute before), and a late accept is refused', async () => {
    await registered();
    const request = await asked();
    const sweeper = new DeadlineSweeper(t.deps);
    t.clock.advance(4 * 3600_000 - 60_000);
    expect(await sweeper.sweep()).toBe(0);
    expect((await current(request.id)).state).toBe('requested');
    t.clock.advance(60_000);
    expect(await sweeper.sweep()).toBe(1);
    const expired = await current(request.id);
    expect(expired.state).toBe('expired');
    const late = await decideOnAssist(t.deps, bea, { requestId: request.id, version: expired.version }, 'accept');
    expect(late.refused).toBe('REQUEST.ILLEGAL_TRANSITION');
    const trail = await t.deps.requests.eventsOf(request.id);
    expect(trail[trail.length - 1]).toMatchObject({ action: 'expire', actorId: 'system:sweeper', source: 'timer', reason: 'nobody answered in time' });
  });

  it('an accepted request the user does not allow in time (admin setting: 5 min) expires; only the requester may allow', async () => {
    await registered();
    await saveLockboxSettings(t.deps, alex, { ...lockboxDefaults, assistUnansweredHours: 2, assistAllowMinutes: 5 });
    const request = await asked();
    expect(request.answerBy).toEqual(new Date(request.createdAt.getTime() + 2 * 3600_000));
    const accepted = await decideOnAssist(t.deps, bea, { requestId: request.id, version: request.version }, 'accept');
    const byHelper = await decideOnAssist(t.deps, bea, { requestId: request.id, version: accepted.request.version }, 'allowControl');
    expect(byHelper.refused).toBe('AUTH.NOT_PERMITTED');
    t.clock.advance(5 * 60_000);
    expect(await new DeadlineSweeper(t.deps).sweep()).toBe(1);
    expect(await current(request.id)).toMatchObject({ state: 'expired', helper: { name: 'Bea Agent' } });
    const trail = await t.deps.requests.eventsOf(request.id);
    expect(trail[trail.length - 1].reason).toBe('control not allowed in time');
  });

  it('an admin’s assistance limits out of range are refused field by field and nothing is saved', async () => {
    await expect(saveLockboxSettings(t.deps, alex, { ...lockboxDefaults, assistUnansweredHours: 0, assistAllowMinutes: 500 })).rejects.toMatchObject({
      code: 'INPUT.INVALID',
      fields: [
        { field: 'assistUnansweredHours', problem: 'range' },
        { field: 'assistAllowMinutes', problem: 'range' },
      ],
    });
    expect(await t.deps.lockboxSettings.getLockboxSettings()).toMatchObject({ assistUnansweredHours: 4, assistAllowMinutes: 15 });
    await expect(saveLockboxSettings(t.deps, eve, { ...lockboxDefaults, assistUnansweredHours: 8 })).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
  });

  it('refusing control closes with the reason; the requester may cancel only while nobody accepted', async () => {
    await registered();
    const request = await asked();
    const accepted = await decideOnAssist(t.deps, alex, { requestId: request.id, version: request.version }, 'accept');
    const cancel = await decideOnAssist(t.deps, eve, { requestId: request.id, version: accepted.request.version }, 'cancel');
    expect(cancel.refused).toBe('REQUEST.ILLEGAL_TRANSITION');
    const refused = await decideOnAssist(t.deps, eve, { requestId: request.id, version: accepted.request.version }, 'refuseControl', 'I fixed it myself');
    expect(refused.request).toMatchObject({ state: 'closed', closedReason: 'refused', closedComment: 'I fixed it myself' });
  });

  it('every transition is a signed webhook `assist.<action>` with a summary that carries no phone number or names', async () => {
    await registered();
    t.deps.settings.webhookUrls = ['https://hooks.example/doorman'];
    const request = await asked();
    await decideOnAssist(t.deps, bea, { requestId: request.id, version: request.version }, 'accept');
    const claimed = await t.deps.outbox.claimOutbox(t.clock.now(), 100, 60_000, ['webhook']);
    const bodies = claimed.map((item) => (item.message.type === 'webhook' ? JSON.parse(item.message.body) : null));
    expect(bodies.map((body) => body.type)).toEqual(['assist.create', 'assist.accept']);
    expect(bodies[1].request).toMatchObject({ id: request.id, kind: 'assist', state: 'accepted', helper: '00000000-0000-0000-0000-00000000a002' });
    expect(JSON.stringify(bodies)).not.toMatch(/Eve User|Bea Agent|\+49/);
  });

  it('without device actions (no Intune permission) Restart PC is refused with GRAPH.FORBIDDEN and nothing is recorded', async () => {
    await registered();
    const request = await asked();
    const accepted = await decideOnAssist(t.deps, bea, { requestId: request.id, version: request.version }, 'accept');
    const allowed = await decideOnAssist(t.deps, eve, { requestId: request.id, version: accepted.request.version }, 'allowControl');
    const withoutActions = Object.assign(Object.create(t.deps.devices), { capabilities: () => ({ source: 'intune', listDevices: true, actions: false }) });
    const deps = { ...t.deps, devices: withoutActions };
    const refused = await decideOnAssist(deps, bea, { requestId: request.id, version: allowed.request.version }, 'restartDevice');
    expect(refused.refused).toBe('GRAPH.FORBIDDEN');
    expect((await current(request.id)).deviceActions).toEqual([]);
    const done = await decideOnAssist(t.deps, bea, { requestId: request.id, version: allowed.request.version }, 'syncDevice');
    expect(done.request.deviceActions.map((action) => action.action)).toEqual(['syncDevice']);
  });

  it('refresh.userIds per card: the agents (MRIs first) on the queue card while nobody answered, the user while the helper waits, the helper', async () => {
    await registered();
    const chat = { conversationId: 'a:bea', serviceUrl: 'https://smba.example', tenantId: 'tenant-test', botId: '28:doorman', name: 'Bea Agent' };
    await t.deps.conversations.savePersonalConversation({ ...chat, aadObjectId: bea.person.aadObjectId, userId: '29:bea-teams' });
    const request = await asked();
    const requested = await cardViewOf(t.deps, request);
    expect(requested.refreshUserIdsByRole).toEqual({ queue: ['29:bea-teams', `8:orgid:${alex.person.aadObjectId}`], requester: [], agent: [] });

    const accepted = await decideOnAssist(t.deps, bea, { requestId: request.id, version: request.version }, 'accept');
    expect((await cardViewOf(t.deps, accepted.request)).refreshUserIdsByRole).toEqual({ queue: [], requester: [`8:orgid:${eve.person.aadObjectId}`], agent: ['29:bea-teams'] });

    const allowed = await decideOnAssist(t.deps, eve, { requestId: request.id, version: accepted.request.version }, 'allowControl');
    expect((await cardViewOf(t.deps, allowed.request)).refreshUserIdsByRole).toEqual({ queue: [], requester: [], agent: ['29:bea-teams'] });
  });
});
