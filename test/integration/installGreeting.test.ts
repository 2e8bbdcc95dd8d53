import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

const BOT = { id: '28:doorman', name: 'Doorman' };
const TEAM = '19:doorman-support-general@thread.tacv2';

/**
 * Issue 9: no greeting when a person first opened the personal chat. The activities are shaped like those the
 * Agents Playground sends on every page load (test/e2e/PLAYGROUND-NOTES.md §2): `from` carries no name.
 */
describe('installing Doorman', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
  });
  afterEach(() => t.stop());

  const personal = (who: keyof typeof PEOPLE) => ({
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId },
    recipient: BOT,
    conversation: { id: `a:personal-${PEOPLE[who].aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    localTimezone: 'Europe/Berlin',
  });
  const installedFor = async (who: keyof typeof PEOPLE) => {
    await t.post({ ...personal(who), type: 'installationUpdate', action: 'add', id: `install-${who}` });
    await t.post({
      ...personal(who),
      type: 'conversationUpdate',
      id: `update-${who}`,
      membersAdded: [{ id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId }, { id: BOT.id }],
    });
  };
  const cardsIn = (conversationId: string) => t.connector.postsIn(conversationId).map((call) => BotConnectorDouble.cardOf(call));

  it('greets a person once in their personal chat: what Doorman does, their roles, say help', async () => {
    await installedFor('alex');
    await installedFor('alex'); // the Playground sends both events again on every page load

    const cards = cardsIn(`a:personal-${PEOPLE.alex.aadObjectId}`);
    expect(cards).toHaveLength(1);
    expect(getById(cards[0], 'title').text).toBe('Welcome to Doorman');
    expect(String(getById(cards[0], 'greeting').text)).toMatch(/Say \*\*help\*\*/);
    expect(String(getById(cards[0], 'roles').text)).toMatch(/agent/);
    expect(findById(cards[0], 'commands')).toBeTruthy();
  });

  it('records the personal chat at install, with the directory name, so the person is reachable before typing', async () => {
    await installedFor('bea');
    expect(await t.store.getPersonalConversation(PEOPLE.bea.aadObjectId)).toMatchObject({
      conversationId: `a:personal-${PEOPLE.bea.aadObjectId}`,
      name: 'Bea Agent',
    });

    await t.message('alex', 'hi');
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
    expect(created.body.statusCode).toBe(200);
    await t.deliver();
    const [request] = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(request.assigneeNotTold).toBeNull();
    expect(cardsIn(`a:personal-${PEOPLE.bea.aadObjectId}`).some((card) => findById(card, 'facts'))).toBe(true);
  });

  it('records the chat from a personal conversationUpdate that lists only the person as added (issue 11)', async () => {
    await t.post({
      ...personal('finn'),
      type: 'conversationUpdate',
      id: 'update-finn',
      membersAdded: [{ id: `29:${PEOPLE.finn.aadObjectId}`, aadObjectId: PEOPLE.finn.aadObjectId }],
    });
    expect(await t.store.getPersonalConversation(PEOPLE.finn.aadObjectId)).toMatchObject({ conversationId: `a:personal-${PEOPLE.finn.aadObjectId}`, name: 'Finn Approver' });
    expect((await t.store.listAdminEvents()).filter((event) => event.action === 'chat.recorded' && event.subjectId === PEOPLE.finn.aadObjectId)).toHaveLength(1);
  });

  it('in a team, posts one short note on registering channels', async () => {
    const team = {
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: `29:${PEOPLE.alex.aadObjectId}`, aadObjectId: PEOPLE.alex.aadObjectId },
      recipient: BOT,
      conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: TEAM, name: 'Support', aadGroupId: 'group-1' }, eventType: 'teamMemberAdded' },
    };
    for (let load = 0; load < 2; load += 1) {
      await t.post({ ...team, type: 'installationUpdate', action: 'add', id: `team-install-${load}` });
      await t.post({ ...team, type: 'conversationUpdate', id: `team-update-${load}`, membersAdded: [{ id: BOT.id }] });
    }
    const cards = cardsIn(TEAM);
    expect(cards).toHaveLength(1);
    expect(String(getById(cards[0], 'teamWelcome').text)).toMatch(/register queue <name>.*register approvals/s);
    expect(await t.store.getPersonalConversation(PEOPLE.alex.aadObjectId)).toBeNull();
  });
});
