import { teamsActivity } from '../support/activities';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, QUEUE_CHANNEL, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { getById } from '../support/validateCard';

/**
 * Issue 17 through the real HTTP server: each person reads cards and replies in their language (the activity's
 * `locale`, remembered for cards sent later, or their `language` choice), a queue channel in its admin-set language,
 * and a channel card keeps the language it was posted in.
 */
describe('cards and replies in the reader’s language', () => {
  let t: TestDoorman;
  let counter = 0;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', '<at>Doorman</at> register queue Tier 1 default', 'channel');
  });
  afterEach(() => t.stop());

  const from = (who: keyof typeof PEOPLE, locale: string, where: 'personal' | 'channel' = 'personal') => ({
    ...teamsActivity({
      from: PEOPLE[who],
      place: where === 'personal' ? { personal: true } : { channel: QUEUE_CHANNEL, team: '19:team@thread.tacv2' },
      tenantId: TENANT,
      serviceUrl: t.connector.url,
      id: `language-${++counter}`,
    }),
    locale,
  });
  const say = (who: keyof typeof PEOPLE, text: string, locale: string, where: 'personal' | 'channel' = 'personal') =>
    t.post({ ...from(who, locale, where), type: 'message', text });
  const click = (who: keyof typeof PEOPLE, verb: string, data: Record<string, unknown>, locale: string) =>
    t.post({ ...from(who, locale), type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data } } });
  const lastCardIn = (conversationId: string) => {
    const posts = t.connector.postsIn(conversationId);
    return BotConnectorDouble.cardOf(posts[posts.length - 1]);
  };
  const personalChat = (who: keyof typeof PEOPLE) => `a:personal-${PEOPLE[who].aadObjectId}`;

  it("answers in the activity's locale, and posts the agent's later cards in it; the queue card in the channel's language", async () => {
    await say('alex', 'new session', 'de-DE');
    expect(getById(lastCardIn(personalChat('alex')), 'formTitle').text).toBe('Neue Sitzungsanfrage');

    const created = await click('alex', 'session.create', { recipientName: 'Chris', assignTo: 'me' }, 'de-DE');
    expect(getById(created.body.value, 'title').text).toBe('Einladung für Chris');

    await t.deliver();
    // Posted with nobody in a turn: the language Teams last reported for Alex is remembered.
    const agentCard = lastCardIn(personalChat('alex'));
    expect(getById(agentCard, 'title').text).toBe('Support-Sitzung · Chris');
    const queueCard = BotConnectorDouble.cardOf(t.connector.callsOf('createConversation')[0]);
    expect(getById(queueCard, 'title').text).toBe('Support session · Chris');
  });

  it('lets a person choose their language over Teams’ locale, and go back with `language auto`', async () => {
    await say('bea', 'language hu', 'de-DE');
    expect(getById(lastCardIn(personalChat('bea')), 'language').text).toMatch(/Magyar/);
    await say('bea', 'help', 'de-DE');
    expect(getById(lastCardIn(personalChat('bea')), 'title').text).toBe('Doorman');
    expect(getById(lastCardIn(personalChat('bea')), 'roles').text).toMatch(/^Az Ön szerepkörei/);
    await say('bea', 'language auto', 'fr-FR');
    await say('bea', 'whoami', 'fr-FR');
    expect(getById(lastCardIn(personalChat('bea')), 'title').text).toBe('Qui vous êtes pour Doorman');
    await say('bea', 'language xx', 'fr-FR');
    expect(getById(lastCardIn(personalChat('bea')), 'language').text).toMatch(/^Doorman parle en \(English\)/);
  });

  it("keeps a channel card in the language it was posted in after the channel's language changes", async () => {
    await say('alex', '<at>Doorman</at> language nl', 'en-US', 'channel');
    await say('alex', 'hello', 'en-US');
    await click('alex', 'session.create', { recipientName: 'Chris', assignTo: 'me' }, 'en-US');
    await t.deliver();
    const posted = t.connector.callsOf('createConversation')[0];
    expect(getById(BotConnectorDouble.cardOf(posted), 'title').text).toBe('Supportsessie · Chris');

    await say('alex', '<at>Doorman</at> language hu', 'en-US', 'channel');
    const [request] = await t.store.listRequests({ kind: 'session' });
    t.connector.calls.length = 0;
    await click('alex', 'session.close', { requestId: request.id, version: request.version }, 'en-US');
    await t.deliver();
    const updated = t.connector.callsOf('update').filter((call) => call.conversationId === posted.conversationId);
    expect(updated.length).toBeGreaterThan(0);
    expect(getById(BotConnectorDouble.cardOf(updated[updated.length - 1]), 'state').text).toBe('Gesloten — geannuleerd');
  });

  it('refuses a channel language from someone who is no admin', async () => {
    await say('bea', '<at>Doorman</at> language de', 'en-US', 'channel');
    const replies = t.connector.calls.filter((call) => call.conversationId === QUEUE_CHANNEL);
    expect(getById(BotConnectorDouble.cardOf(replies[replies.length - 1]), 'title').text).toBe('Not permitted');
  });
});
