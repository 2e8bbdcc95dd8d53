import { AssistRequest } from '../../src/domain/assist';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById, validateCard } from '../support/validateCard';

// Each test starts a Doorman and walks many HTTP round trips; on a loaded 2-core machine that outgrows 5 s.
jest.setTimeout(60_000);

// Issue 13: admins edit the invitation permission profiles on the `settings` card; every change is audited.
describe('permission profiles on the settings card', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
  });
  afterEach(() => t.stop());

  const profiles = async () => (await t.store.getLockboxSettings()).permissionProfiles?.map((profile) => `${profile.name}:${profile.role}`);
  const save = (slot: string, values: { name?: unknown; sentence?: unknown; role?: unknown }, original?: string) =>
    t.invoke('alex', 'settings.profile.save', {
      profileSlot: slot,
      ...(original ? { profile: original } : {}),
      [`profileName-${slot}`]: values.name,
      [`profileSentence-${slot}`]: values.sentence,
      [`profileRole-${slot}`]: values.role,
    });

  it('the settings card lists the profiles with Change and Remove, and Add profile', async () => {
    await t.message('alex', 'settings');
    const card = t.connector.calls.map((call) => call.body as { attachments?: { content: Record<string, unknown> }[] }).pop()?.attachments?.[0]?.content;
    validateCard(card as never);
    expect(JSON.stringify(getById(card, 'profileSetting2'))).toContain('Collaborate (presenter)');
    expect(findById(card, 'removeProfileSetting3')).toBeTruthy();
    expect(findById(card, 'addProfileSetting')).toBeTruthy();
  });

  it('adds, changes (renames, re-roles) and removes a profile; the settings history names each change', async () => {
    const added = await save('new', { name: 'Observer', sentence: 'Watches quietly.', role: 'attendee' });
    expect(added.body.statusCode).toBe(200);
    validateCard(added.body.value);
    expect(getById(added.body.value, 'notice').text).toBe('Permission profile added.');
    expect(await profiles()).toEqual(['View only:attendee', 'Collaborate:presenter', 'Full control:coorganizer', 'Observer:attendee']);

    const changed = await save('3', { name: 'Shadow', sentence: 'Watches and may present.', role: 'presenter' }, 'Observer');
    expect(getById(changed.body.value, 'notice').text).toBe('Permission profile saved.');
    expect(await profiles()).toEqual(['View only:attendee', 'Collaborate:presenter', 'Full control:coorganizer', 'Shadow:presenter']);

    const removed = await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'Shadow' });
    expect(getById(removed.body.value, 'notice').text).toBe('Permission profile removed.');
    expect(await profiles()).toEqual(['View only:attendee', 'Collaborate:presenter', 'Full control:coorganizer']);
    const history = JSON.stringify(removed.body.value);
    for (const line of ['permission profile Observer added', 'permission profile Observer changed, renamed Shadow', 'permission profile Shadow removed']) expect(history).toContain(line);
    expect((await t.store.settingsEvents()).map((event) => event.actorId)).toEqual([PEOPLE.alex.aadObjectId, PEOPLE.alex.aadObjectId, PEOPLE.alex.aadObjectId]);
  });

  it('refuses bad values next to the fields and saves nothing; malformed data is a 400; a non-admin a 403', async () => {
    const empty = await save('new', { name: ' ', sentence: 'x'.repeat(201), role: 'root' });
    expect(empty.body.statusCode).toBe(200);
    expect(String(getById(empty.body.value, 'profileNameError').text)).toContain('1 to 40 characters');
    expect(String(getById(empty.body.value, 'profileSentenceError').text)).toContain('1 to 200 characters');
    expect(String(getById(empty.body.value, 'profileRoleError').text)).toContain('attendee, presenter or co-organizer');
    expect(String(getById(empty.body.value, 'formError').text)).toMatch(/Nothing was saved/);
    const taken = await save('new', { name: 'collaborate', sentence: 'Same name, other case.', role: 'presenter' });
    expect(String(getById(taken.body.value, 'profileNameError').text)).toBe('Another profile already has this name.');
    const unknown = await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'Nobody' });
    expect(String(getById(unknown.body.value, 'permissionProfilesError').text)).toContain('no longer in the list');
    expect(await t.store.settingsEvents()).toEqual([]);

    expect((await t.invoke('alex', 'settings.profile.save', { profileSlot: 'x; drop' })).body.statusCode).toBe(400);
    expect((await t.invoke('alex', 'settings.profile.save', { profileSlot: '1' })).body.statusCode).toBe(400);
    expect((await t.invoke('alex', 'settings.profile.save', { profileSlot: 'new', 'profileName-new': 42 })).body.statusCode).toBe(400);
    expect((await t.invoke('alex', 'settings.profile.remove', { removeProfile: ['View only'] })).body.statusCode).toBe(400);
    expect((await t.invoke('bea', 'settings.profile.remove', { removeProfile: 'View only' })).body.statusCode).toBe(403);
    expect((await save('new', { name: 'Sneaky', sentence: 'x', role: 'attendee' }).then(() => t.invoke('bea', 'settings.profile.save', { profileSlot: 'new', 'profileName-new': 'B', 'profileSentence-new': 'b', 'profileRole-new': 'attendee' }))).body.statusCode).toBe(403);
  });

  it('keeps at least one profile, and never removes one a pending or joined invitation uses', async () => {
    await t.message('alex', '<at>Doorman</at> register assistance', 'channel');
    for (const who of ['bea', 'eve'] as const) await t.message(who, 'hi');
    await t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` });
    const [asked] = (await t.store.listRequests({ kind: 'assist' })) as AssistRequest[];
    await t.invoke('bea', 'assist.accept', { requestId: asked.id, version: asked.version }, 'channel');
    const accepted = (await t.store.getRequest(asked.id)) as AssistRequest;
    await t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
    await t.deliver();
    const parent = (await t.store.getRequest(asked.id)) as AssistRequest;
    await t.invoke('bea', 'invitation.create', { requestId: parent.id, version: parent.version, invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Collaborate' });

    const inUse = await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'Collaborate' });
    expect(String(getById(inUse.body.value, 'permissionProfilesError').text)).toContain('A pending or joined invitation uses this profile');
    expect(await profiles()).toContain('Collaborate:presenter');

    await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'View only' });
    await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'Full control' });
    expect(await profiles()).toEqual(['Collaborate:presenter']);
    const [invitation] = await t.store.listRequests({ kind: 'invitation' });
    await t.invoke('bea', 'invitation.cancel', { requestId: invitation.id, version: invitation.version });
    const last = await t.invoke('alex', 'settings.profile.remove', { removeProfile: 'Collaborate' });
    expect(String(getById(last.body.value, 'permissionProfilesError').text)).toContain('At least one profile must remain');
    expect(await profiles()).toEqual(['Collaborate:presenter']);
  });
});
