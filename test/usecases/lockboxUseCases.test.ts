import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { lockboxFormLimits, submitLockboxForm } from '../../src/application/lockbox/lockboxViews';
import { registerChannel } from '../../src/application/people/queues';
import { DEFAULT_LOCKBOX_SCOPE, LockboxRequest } from '../../src/domain/lockbox';
import { Actor } from '../../src/domain/people';
import { useCaseDepsPerTest } from '../support/testDeps';

const alex: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' }, roles: ['admin', 'agent'] };
const dana: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000d004', name: 'Dana Engineer' }, roles: ['engineer', 'approver'] };
const place = { channelId: '19:approvers@thread.tacv2', teamId: '19:team@thread.tacv2', serviceUrl: 'https://smba.example', tenantId: 'tenant-test' };
const ask = { resource: 'Contoso mailbox', reason: 'Reproduce the sync failure', ticket: 'INC-1', durationMinutes: '60' };

describe('lockbox use cases (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  it('refuses the form until approvers have a channel, and to anyone but engineers', async () => {
    await expect(lockboxFormLimits(t.deps, dana)).rejects.toMatchObject({ code: 'QUEUE.NONE' });
    await registerChannel(t.deps, alex, place, { purpose: 'approvals', name: 'Approvals', makeDefault: true });
    await expect(lockboxFormLimits(t.deps, alex)).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
    await expect(lockboxFormLimits(t.deps, dana)).resolves.toEqual({ defaultDurationMinutes: 240, maxDurationMinutes: 1440, scopes: [DEFAULT_LOCKBOX_SCOPE] });
  });

  it('asks, returns the requester card view, and reminds the approvers once, an hour before the deadline', async () => {
    await registerChannel(t.deps, alex, place, { purpose: 'approvals', name: 'Approvals', makeDefault: true });
    const answer = await submitLockboxForm(t.deps, dana, ask, null);
    if (answer.kind !== 'card') throw new Error(`expected the requester card, got the form: ${JSON.stringify(answer.problems)}`);
    expect(answer.card.role).toBe('requester');
    const request = answer.card.view.request as LockboxRequest;
    expect(request).toMatchObject({ state: 'pending', version: 1, durationMinutes: 60 });
    // Dana is an approver too, but never of her own request.
    expect(answer.card.view.deciderIds).not.toContain(dana.type === 'person' ? dana.person.aadObjectId : '');

    const outboxBefore = await t.deps.outbox.pendingOutboxCount();
    t.clock.advance(11 * 3600_000);
    expect(await new DeadlineSweeper(t.deps).sweep()).toBe(1);
    const reminded = (await t.deps.requests.getRequest(request.id)) as LockboxRequest;
    expect(reminded).toMatchObject({ state: 'pending', version: 2, remindAt: null });
    const events = await t.deps.requests.eventsOf(request.id);
    expect(events.map((event) => event.action)).toEqual(['create', 'remind']);
    // Carl and Finn are told in chat, by mail (issue 15) and in their Teams activity feed (issue 11); the reminder
    // changes no card and sends no webhook.
    expect((await t.deps.outbox.pendingOutboxCount()) - outboxBefore).toBe(6);
    expect(await new DeadlineSweeper(t.deps).sweep()).toBe(0);
  });

  it('answers a form from someone who may not ask with the form and a notPermitted problem', async () => {
    const answer = await submitLockboxForm(t.deps, alex, ask, null);
    expect(answer).toMatchObject({ kind: 'form', problems: [{ field: 'form', problem: 'notPermitted' }] });
  });
});
