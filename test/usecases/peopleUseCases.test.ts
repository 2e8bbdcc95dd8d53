import { rememberPersonalChat } from '../../src/application/people/personalChats';
import { registerChannel } from '../../src/application/people/queues';
import { Actor } from '../../src/domain/people';
import { useCaseDepsPerTest } from '../support/testDeps';

const alex: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' }, roles: ['admin', 'agent'] };
const place = { channelId: '19:desk@thread.tacv2', teamId: '19:team@thread.tacv2', serviceUrl: 'https://smba.example', tenantId: 'tenant-test' };
const danaChat = {
  aadObjectId: '00000000-0000-0000-0000-00000000d004',
  conversationId: 'a:dana-1',
  serviceUrl: 'https://smba.example',
  tenantId: 'tenant-test',
  botId: '28:doorman',
  userId: '29:dana',
  name: 'Dana Engineer',
  timeZone: 'Europe/Vienna',
};

describe('administrative audit events (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  it('audits a channel registration with ids, purpose and channel name, never the admin’s name or e-mail', async () => {
    const registered = await registerChannel(t.deps, alex, place, { purpose: 'sessions', name: 'Tier 1', makeDefault: true });
    t.clock.advance(60_000);
    await registerChannel(t.deps, alex, place, { purpose: 'approvals', name: 'Approvals', makeDefault: true });

    const events = await t.deps.adminEvents.listAdminEvents();
    expect(events).toEqual([
      {
        action: 'channel.registered',
        subjectId: registered.queue.id,
        detail: { purpose: 'sessions', name: 'Tier 1' },
        actorId: alex.type === 'person' ? alex.person.aadObjectId : '',
        actorType: 'person',
        source: 'chat',
        at: registered.queue.registeredAt,
      },
      expect.objectContaining({ action: 'channel.registered', subjectId: registered.queue.id, detail: { purpose: 'approvals', name: 'Approvals' } }),
    ]);
    expect(events[1].at.getTime() - events[0].at.getTime()).toBe(60_000);
    expect(JSON.stringify(events)).not.toContain('Alex');
  });

  it('writes no event when the registration is refused', async () => {
    const dana: Actor = { type: 'person', person: { aadObjectId: danaChat.aadObjectId, name: 'Dana Engineer' }, roles: ['engineer'] };
    await expect(registerChannel(t.deps, dana, place, { purpose: 'sessions', name: 'Tier 1', makeDefault: false })).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
    expect(await t.deps.adminEvents.listAdminEvents()).toEqual([]);
  });

  it('audits a personal chat when its address is new, by object id only; not on every message', async () => {
    const first = t.clock.now();
    await rememberPersonalChat(t.deps, danaChat);
    t.clock.advance(60_000);
    await rememberPersonalChat(t.deps, { ...danaChat, name: 'Dana E.', timeZone: 'Asia/Tokyo' });
    t.clock.advance(60_000);
    await rememberPersonalChat(t.deps, { ...danaChat, conversationId: 'a:dana-2', name: null });

    const recorded = { action: 'chat.recorded', subjectId: danaChat.aadObjectId, detail: null, actorId: danaChat.aadObjectId, actorType: 'person', source: 'chat' };
    expect(await t.deps.adminEvents.listAdminEvents()).toEqual([
      { ...recorded, at: first },
      { ...recorded, at: new Date(first.getTime() + 120_000) },
    ]);
    expect(JSON.stringify(await t.deps.adminEvents.listAdminEvents())).not.toContain('Dana');
    expect(await t.deps.conversations.getPersonalConversation(danaChat.aadObjectId)).toMatchObject({ conversationId: 'a:dana-2', name: 'Dana E.' });
  });
});

describe('a personal chat recorded from an install event (no name, no time zone)', () => {
  const t = useCaseDepsPerTest();

  it('takes the name from the directory and keeps the time zone Teams reported before; never the object id or the default', async () => {
    await rememberPersonalChat(t.deps, danaChat);
    await rememberPersonalChat(t.deps, { ...danaChat, name: null, timeZone: null });
    expect(await t.deps.conversations.getPersonalConversation(danaChat.aadObjectId)).toMatchObject({ name: 'Dana Engineer', timeZone: 'Europe/Vienna' });

    const stranger = { ...danaChat, aadObjectId: '0f0f0f0f-0000-4000-8000-000000000000', conversationId: 'a:stranger', userId: '29:stranger' };
    await rememberPersonalChat(t.deps, { ...stranger, name: null, timeZone: null });
    const recorded = await t.deps.conversations.getPersonalConversation(stranger.aadObjectId);
    expect(recorded?.name).toBe('someone no longer in the directory');
    expect(recorded?.timeZone ?? null).toBeNull();
  });
});
