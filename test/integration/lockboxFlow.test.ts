import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockboxRequest } from '../../src/domain/lockbox';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

const ask = { resource: 'Contoso mailbox', reason: 'Case 4711: mail flow broken', ticket: 'T-4711', durationMinutes: '60' };

describe('lockbox requests through the HTTP server', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register approvals', 'channel');
    for (const who of ['alex', 'carl', 'dana', 'finn', 'eve'] as const) await t.message(who, 'hi');
    t.connector.calls.length = 0;
  });
  afterEach(() => t.stop());

  async function requested(): Promise<LockboxRequest> {
    const response = await t.invoke('dana', 'lockbox.create', ask);
    expect(response.body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    return request;
  }

  const current = async (id: string) => (await t.store.getRequest(id)) as LockboxRequest;
  const chatOf = (who: keyof typeof PEOPLE) => t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`).map((call) => JSON.stringify(call.body));

  it('an engineer asks, the card goes to the approvers, approvers get a mail without links', async () => {
    const request = await requested();
    expect(request).toMatchObject({ state: 'pending', requester: { aadObjectId: PEOPLE.dana.aadObjectId }, durationMinutes: 60 });
    await t.deliver();
    const posts = t.connector.callsOf('createConversation');
    expect(posts).toHaveLength(1);
    const queueCard = JSON.stringify(posts[0].body);
    expect(queueCard).toContain('Contoso mailbox');
    expect(queueCard).not.toContain('lockbox.approve');
    expect(queueCard).toContain('card.refresh');
    expect(queueCard).toContain(PEOPLE.carl.aadObjectId);
    expect(queueCard).not.toContain(`"${PEOPLE.dana.aadObjectId}"`);
    const mails = readdirSync(join(t.dir, 'mail')).map((name) => readFileSync(join(t.dir, 'mail', name), 'utf8'));
    expect(mails.length).toBe(2);
    for (const mail of mails) {
      const decoded = mail
        .split('\r\n\r\n')
        .slice(1)
        .map((part) => Buffer.from(part.replace(/--doorman-[\s\S]*$/, '').replace(/\s+/g, ''), 'base64').toString('utf8'))
        .join('\n');
      expect(decoded).toContain('Contoso mailbox');
      expect(decoded).not.toMatch(/https?:\/\//);
    }
    expect(mails.some((mail) => mail.includes('dana@example.com'))).toBe(false);
  });

  it('an approver approves; access is granted through the AccessGranter and the requester is told at once', async () => {
    const request = await requested();
    const refresh = await t.invoke('carl', 'card.refresh', { requestId: request.id, version: request.version }, 'channel');
    expect(findById(refresh.body.value, 'approve')).toBeTruthy();
    const response = await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version, comment: 'go ahead' }, 'channel');
    expect(response.body.statusCode).toBe(200);
    expect((await current(request.id)).state).toBe('approved');
    await t.deliver();
    const granted = await current(request.id);
    expect(granted.access).toMatchObject({ status: 'granted' });
    expect(granted.access.endsAt?.getTime()).toBe(t.clock.now().getTime() + 60 * 60_000);
    expect(await t.store.listGrants()).toEqual([expect.objectContaining({ requestId: request.id, principalId: PEOPLE.dana.aadObjectId, revokedAt: null })]);
    const told = chatOf('dana').find((body) => body.includes('Carl Approver')) ?? '';
    expect(told).toContain('your time zone America/New');
    const start = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(granted.access.grantedAt as Date);
    expect(told).toContain(start);
  });

  it('an approver denies from the card with a comment: denied, the requester is told by whom and why, nothing is granted, no deadline is left', async () => {
    const request = await requested();
    await t.deliver();
    const card = (await t.invoke('carl', 'card.refresh', { requestId: request.id, version: request.version }, 'channel')).body.value;
    expect(findById(card, 'deny')).toBeTruthy();
    const response = await t.invoke('carl', 'lockbox.deny', { requestId: request.id, version: request.version, comment: 'not without a second ticket' }, 'channel');
    expect(response.body.statusCode).toBe(200);
    await t.deliver();
    expect(await current(request.id)).toMatchObject({
      state: 'denied',
      remindAt: null,
      access: { status: 'none', grantedAt: null },
      decisions: [{ action: 'deny', byId: PEOPLE.carl.aadObjectId, comment: 'not without a second ticket' }],
    });
    expect(chatOf('dana').some((body) => body.includes('Denied by Carl Approver: not without a second ticket'))).toBe(true);
    expect(await t.store.listGrants()).toEqual([]);
    t.clock.advance(13 * 3600_000);
    expect(await t.doorman.sweeper.sweep()).toBe(0);
    const again = await t.invoke('finn', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    expect(findById(again.body.value, 'notice')).toBeTruthy();
    expect((await current(request.id)).state).toBe('denied');
  });

  it('a non-approver’s Approve is refused with AUTH.NOT_PERMITTED and changes nothing; the requester cannot approve their own', async () => {
    const request = await requested();
    const refused = await t.invoke('eve', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    expect(JSON.stringify(findById(refused.body.value, 'notice'))).toMatch(/approver|permission|role/i);
    expect(findById(refused.body.value, 'approve')).toBeUndefined();
    const self = await t.invoke('dana', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    expect(JSON.stringify(findById(self.body.value, 'notice'))).toMatch(/own request/i);
    const after = await current(request.id);
    expect(after.state).toBe('pending');
    expect(after.version).toBe(request.version);
  });

  it('two approvers clicking at once: exactly one decision, both get the final card', async () => {
    const request = await requested();
    const [first, second] = await Promise.all([
      t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel'),
      t.invoke('finn', 'lockbox.deny', { requestId: request.id, version: request.version }, 'channel'),
    ]);
    const decisions = (await t.store.eventsOf(request.id)).filter((event) => ['approve', 'deny'].includes(event.action));
    expect(decisions).toHaveLength(1);
    const final = await current(request.id);
    for (const answer of [first, second]) {
      expect(answer.body.statusCode).toBe(200);
      expect(JSON.stringify(findById(answer.body.value, 'state'))).toContain(final.state === 'approved' ? 'Approved' : 'Denied');
    }
  });

  it('the window ends on its own: access removed, then ended, and the requester is told', async () => {
    const request = await requested();
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await t.deliver();
    t.clock.advance(60 * 60_000 + 1000);
    expect(await t.doorman.sweeper.sweep()).toBe(1);
    expect(await current(request.id)).toMatchObject({ state: 'approved', ending: { reason: 'window elapsed' } });
    await t.deliver();
    expect(await current(request.id)).toMatchObject({ state: 'ended', access: { status: 'removed' } });
    expect((await t.store.listGrants())[0].revokedAt).not.toBeNull();
    expect(chatOf('dana').some((body) => /ended/i.test(body))).toBe(true);
  });

  it('the requester ends access early; an approver revokes; revoke after the end changes nothing', async () => {
    const request = await requested();
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await t.deliver();
    const granted = await current(request.id);
    await t.invoke('dana', 'lockbox.resolve', { requestId: request.id, version: granted.version });
    await t.deliver();
    const ended = await current(request.id);
    expect(ended).toMatchObject({ state: 'ended', ending: { reason: 'resolved' } });
    const late = await t.invoke('carl', 'lockbox.revoke', { requestId: request.id, version: ended.version }, 'channel');
    expect(findById(late.body.value, 'notice')).toBeTruthy();
    expect((await current(request.id)).version).toBe(ended.version);
  });

  it('nobody decides: a reminder at 11 h, expiry at 12 h', async () => {
    const request = await requested();
    await t.deliver();
    t.connector.calls.length = 0;
    t.clock.advance(11 * 3600_000);
    await t.doorman.sweeper.sweep();
    await t.deliver();
    expect(chatOf('carl').some((body) => /1 hour/i.test(body))).toBe(true);
    expect(chatOf('finn').some((body) => /1 hour/i.test(body))).toBe(true);
    expect(chatOf('dana').some((body) => /1 hour/i.test(body))).toBe(false);
    expect((await current(request.id)).state).toBe('pending');
    t.clock.advance(3600_000);
    await t.doorman.sweeper.sweep();
    expect((await current(request.id)).state).toBe('expired');
    const late = await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: (await current(request.id)).version }, 'channel');
    expect(findById(late.body.value, 'notice')).toBeTruthy();
    expect((await current(request.id)).state).toBe('expired');
  });

  it('with approval off, requests are approved by the setting, the trail says which setting and who set it, approvers are told', async () => {
    const saved = await t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    expect(saved.body.statusCode).toBe(200);
    await t.deliver();
    expect(chatOf('carl').some((body) => /approval/i.test(body))).toBe(true);
    const request = await requested();
    expect(request.state).toBe('approved');
    const events = await t.store.eventsOf(request.id);
    expect(events.map((event) => event.action)).toEqual(['create', 'autoApprove']);
    expect(events[1].reason).toContain('Alex Agent');
    expect(events[1].actorId).toBe('system:settings');
  });

  it('settings are for admins only', async () => {
    const response = await t.invoke('carl', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    expect(findById(response.body.value, 'formError')).toBeTruthy();
    expect((await t.store.getLockboxSettings()).approvalRequired).toBe(true);
  });

  it('bad form input is answered field by field and nothing is created', async () => {
    const response = await t.invoke('dana', 'lockbox.create', { resource: '', reason: '', durationMinutes: '99999' });
    for (const id of ['resourceError', 'reasonError', 'durationMinutesError']) expect(findById(response.body.value, id)).toBeTruthy();
    expect(await t.store.listRequests({ kind: 'lockbox' })).toHaveLength(0);
  });
});
