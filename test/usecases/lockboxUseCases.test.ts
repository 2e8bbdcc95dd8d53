import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { grantLockboxAccess, removeLockboxAccess } from '../../src/application/lockbox/lockboxAccess';
import { decideOnLockbox, failLockboxGrant } from '../../src/application/lockbox/lockboxRequests';
import { lockboxFormLimits, submitLockboxForm } from '../../src/application/lockbox/lockboxViews';
import { AccessGranter } from '../../src/application/ports';
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

/** A directory group as the access carrier: memberships are state; an add can take effect and lose its answer. */
class GroupDouble implements AccessGranter {
  readonly members = new Set<string>();
  readonly calls: string[] = [];
  loseAddAnswers = false;
  async holds(principalId: string): Promise<boolean> {
    return this.members.has(principalId);
  }
  async add(principalId: string): Promise<void> {
    this.calls.push('add');
    this.members.add(principalId);
    if (this.loseAddAnswers) throw new Error('Graph add unavailable (HTTP 504)');
  }
  async remove(principalId: string): Promise<void> {
    this.calls.push('remove');
    this.members.delete(principalId);
  }
}

describe('a lockbox grant given up halfway is checked afterwards (issue 15, use cases)', () => {
  const t = useCaseDepsPerTest();
  const carl: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000c003', name: 'Carl Approver' }, roles: ['approver'] };
  const danaId = dana.type === 'person' ? dana.person.aadObjectId : '';

  async function approvedRequest(): Promise<string> {
    const answer = await submitLockboxForm(t.deps, dana, ask, null);
    if (answer.kind !== 'card') throw new Error('expected the requester card');
    const id = (answer.card.view.request as LockboxRequest).id;
    expect((await decideOnLockbox(t.deps, carl, { requestId: id, version: null }, 'approve', null)).refused).toBeNull();
    return id;
  }

  /** The grant's add took effect but never answered, until the dispatcher gave up. */
  async function givenUp(group: GroupDouble, id: string): Promise<void> {
    group.loseAddAnswers = true;
    await expect(grantLockboxAccess(t.deps, group, id)).rejects.toThrow(/504/);
    await expect(grantLockboxAccess(t.deps, group, id)).rejects.toThrow(/504/);
    group.loseAddAnswers = false;
    await failLockboxGrant(t.deps, id, { code: 'ACCESS.GIVEN_UP', detail: null });
    expect((await t.deps.grants.grantOf(id))?.membership).toBe('adding');
  }

  beforeEach(async () => {
    await registerChannel(t.deps, alex, place, { purpose: 'approvals', name: 'Approvals', makeDefault: true });
  });

  it('the failed grant queues the check in its own transaction; delivered twice, it removes once and records once', async () => {
    const group = new GroupDouble();
    const id = await approvedRequest();
    await givenUp(group, id);
    const queued = await t.deps.outbox.claimOutbox(t.clock.now(), 100, 60_000, ['access.revoke']);
    expect(queued.map((item) => item.message)).toEqual([{ type: 'access.revoke', requestId: id }]);
    await removeLockboxAccess(t.deps, group, id);
    await removeLockboxAccess(t.deps, group, id);
    expect(group.members.has(danaId)).toBe(false);
    expect(group.calls.filter((call) => call === 'remove')).toHaveLength(1);
    expect((await t.deps.requests.eventsOf(id)).filter((event) => event.action === 'reconcile')).toHaveLength(1);
    expect(await t.deps.grants.grantOf(id)).toMatchObject({ membership: 'added' });
  });

  it('while another running request of the person carries the membership, it stays and that request removes it at its end', async () => {
    const group = new GroupDouble();
    const failed = await approvedRequest();
    await givenUp(group, failed);
    const running = await approvedRequest();
    await grantLockboxAccess(t.deps, group, running);
    await removeLockboxAccess(t.deps, group, failed);
    expect(group.members.has(danaId)).toBe(true);
    expect(((await t.deps.requests.getRequest(failed)) as LockboxRequest).access.reconciled).toBe('otherRequest');
    expect(await t.deps.grants.grantOf(running)).toMatchObject({ membership: 'added' });

    const granted = (await t.deps.requests.getRequest(running)) as LockboxRequest;
    expect((await decideOnLockbox(t.deps, dana, { requestId: running, version: granted.version }, 'resolve', null)).refused).toBeNull();
    await removeLockboxAccess(t.deps, group, running);
    expect(group.members.has(danaId)).toBe(false);
  });
});
