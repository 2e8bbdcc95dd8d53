import { LockboxRequest } from '../../src/domain/lockbox';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById, visibleTexts } from '../support/validateCard';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const INTERNAL_NAMES = /confirmGrant|autoApprove|passReview|system:|service:|defaultDurationMinutes|maxDurationMinutes|decisionHours|approvalRequired|leadReview/;
const ask = { resource: 'Contoso mailbox', reason: 'Case 4711: mail flow broken', ticket: 'T-4711', durationMinutes: '60' };
const settingsForm = { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' };

describe('audit trails and settings history read as people talk', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register approvals', 'channel');
    for (const who of ['alex', 'carl', 'dana'] as const) await t.message(who, 'hi');
  });
  afterEach(() => t.stop());

  /** The newest card Doorman posted in someone's personal chat that has an element `id`. */
  function lastCardWith(who: keyof typeof PEOPLE, id: string): Record<string, unknown> {
    const cards = t.connector
      .postsIn(`a:personal-${PEOPLE[who].aadObjectId}`)
      .map((call) => BotConnectorDouble.cardOf(call))
      .filter((card) => findById(card, id) !== undefined);
    expect(cards.length).toBeGreaterThan(0);
    return cards[cards.length - 1];
  }

  it('the requests card names who did what, in words, without object ids', async () => {
    expect((await t.invoke('dana', 'lockbox.create', ask)).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    const approved = await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version, comment: 'go ahead' }, 'channel');
    expect(approved.body.statusCode).toBe(200);
    await t.deliver();

    await t.message('dana', 'requests');
    const card = lastCardWith('dana', `trail-${request.id}`);
    const lines = String(getById(card, `trail-${request.id}`).text).split('\n\n').map((line) => line.replace(/^.* · /, ''));
    expect(lines).toEqual(['Dana Engineer asked for access', 'Carl Approver approved — “go ahead”', 'Access granted, confirmed — “membership added by Doorman”']);
    for (const text of visibleTexts(findById(card, `lockbox-${request.id}`))) {
      expect(text).not.toMatch(GUID);
      expect(text).not.toMatch(INTERNAL_NAMES);
    }
  });

  it("a request made through an API key names the key by its label, never its id", async () => {
    const secret = `dk_${'k'.repeat(43)}`;
    await t.store.saveApiKey({ id: '4f1c0000-0000-4000-8000-000000000001', name: 'ticketing', onBehalfOf: ['*'], hash: t.doorman.deps.secrets.hash(secret), createdAt: t.clock.now(), revokedAt: null });
    const created = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify({ ...ask, durationMinutes: 60, onBehalfOf: PEOPLE.dana.aadObjectId }),
    });
    const { id } = (await created.json()) as { id: string };
    await t.deliver();

    await t.message('dana', 'requests');
    const trail = String(getById(lastCardWith('dana', `trail-${id}`), `trail-${id}`).text);
    expect(trail).toMatch(/ · Ticketing asked for access$/);
    expect(trail).not.toMatch(/key:|4f1c/);
  });

  it('the settings history names the admin and says what changed in words, old rows included', async () => {
    // A row as Doorman stored it before changes were structured, by an admin who has since left the directory.
    await t.store.saveLockboxSettings(
      { ...(await t.store.getLockboxSettings()), updatedBy: 'Former Admin', updatedAt: t.clock.now() },
      { actorId: '3f2b9c1e-0000-4000-8000-00000000beef', at: new Date(t.clock.now().getTime() - 3600_000), change: 'defaultDurationMinutes: 240 → 1440' },
      [],
    );
    const saved = await t.invoke('alex', 'settings.save', { ...settingsForm, decisionHours: '72' });
    expect(saved.body.statusCode).toBe(200);

    await t.message('alex', 'settings');
    const history = getById(lastCardWith('alex', 'history'), 'history');
    expect(String(getById(history, 'history1').text)).toMatch(/ · Alex Agent: decision time 12 h → 72 h$/);
    expect(String(getById(history, 'history2').text)).toMatch(/ · someone no longer in the directory: default access 4 h → 24 h$/);
    for (const text of visibleTexts(history)) {
      expect(text).not.toMatch(GUID);
      expect(text).not.toMatch(INTERNAL_NAMES);
    }
    // The answer to the save shows the same history.
    expect(String(getById(saved.body.value, 'history1').text)).toContain('Alex Agent: decision time 12 h → 72 h');
  });
});
