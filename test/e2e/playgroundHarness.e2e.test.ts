import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import type { Browser } from 'playwright-core';
import { startEchoBot, type EchoBot } from './support/echoBot';
import {
  allUsers,
  channelConversationId,
  findUser,
  launchChromium,
  openPlayground,
  startPlayground,
  type PlaygroundConfig,
  type PlaygroundHandle,
  type PlaygroundPage,
} from './support/playground';

const REPO_ROOT = join(__dirname, '..', '..');
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'e2e');

interface LocalRoles {
  tenantId: string;
  users: Array<{ aadObjectId: string; name: string; roles: string[] }>;
}

let bot: EchoBot;
let playground: PlaygroundHandle;
let browser: Browser;
let ui: PlaygroundPage;
let config: PlaygroundConfig;

beforeAll(async () => {
  bot = await startEchoBot();
  playground = await startPlayground({ botUrl: bot.url });
  config = playground.config;
  browser = await launchChromium();
  ui = await openPlayground(browser, playground);
});

afterAll(async () => {
  await ui?.close();
  await browser?.close();
  await playground?.stop();
  await bot?.stop();
});

function received(predicate: (activity: Activity) => boolean): Activity {
  const found = bot.activities.filter(predicate).at(-1);
  if (!found) throw new Error(`No such activity; the bot got ${bot.activities.map((a) => a.type).join(', ')}`);
  return found;
}

const user = (name: string) => findUser(config, name);

describe('the mock tenant', () => {
  it('gives every Playground user a role entry in config/local-roles.json', async () => {
    const roles = JSON.parse(await readFile(join(REPO_ROOT, 'config', 'local-roles.json'), 'utf8')) as LocalRoles;
    expect(roles.tenantId).toBe(config.tenantId);
    expect(roles.users.map((u) => [u.name, u.aadObjectId]).sort()).toEqual(
      allUsers(config).map((u) => [u.name, u.aadObjectId]).sort(),
    );
  });
});

describe('personal chat', () => {
  it('sends a message, fills an Input.Text and gets the Action.Execute answer as the card, in place', async () => {
    await ui.openConversation('personal');
    const sent = await ui.sendMessage('hello harness');
    expect(sent.conversationId).toBe(config.personalChat.id);

    const card = await ui.waitForCard('Echo: hello harness');
    const message = received((a) => a.type === 'message' && a.text === 'hello harness');
    const alex = user('Alex Agent');
    expect(message.from).toEqual({ id: alex.id, name: 'Alex Agent', aadObjectId: alex.aadObjectId });
    expect(message.conversation).toEqual({
      id: config.personalChat.id,
      conversationType: 'personal',
      tenantId: config.tenantId,
    });
    expect(message.channelData).toEqual({ tenant: { id: config.tenantId } });
    expect(message.recipient).toEqual(config.bot);
    expect(message.serviceUrl).toBe(playground.serviceUrl);

    await card.fill('comments', 'first look');
    const result = await card.click('Admit');
    expect(result).toMatchObject({
      kind: 'execute',
      status: 200,
      body: { type: 'application/vnd.microsoft.card.adaptive' },
    });
    await card.waitForText(`Admitted by Alex Agent (${user('Alex Agent').aadObjectId}) comments: first look`);
    expect(await ui.page.locator('.ac-adaptiveCard').filter({ hasText: 'Echo: hello harness' }).count()).toBe(0);

    const invoke = received((a) => a.type === 'invoke');
    expect(invoke.name).toBe('adaptiveCard/action');
    expect(invoke.replyToId).toBe(bot.cards.at(-1)?.activityId);
    expect(invoke.value).toEqual({
      action: {
        type: 'Action.Execute',
        title: 'Admit',
        verb: 'session.admit',
        data: { requestId: 'echo-1', version: 1, comments: 'first look' },
      },
    });
    await ui.screenshot(join(SCREENSHOTS, 'personal-execute.png'));
  });

  it('sends Action.Submit as a message whose value holds data and inputs', async () => {
    const card = await ui.waitForCard('Admitted by Alex Agent');
    await card.fill('Comments', 'via submit');
    const result = await card.click('Send');
    expect(result.kind).toBe('submit');
    await ui.waitForMessage('Submitted by Alex Agent: via submit');
    const submit = received((a) => a.type === 'message' && a.value !== undefined);
    expect(submit.value).toEqual({ requestId: 'echo-1', version: 1, comments: 'via submit' });
    expect(submit.replyToId).toBe(bot.cards.at(-1)?.activityId);
  });

  it('shows a proactive updateActivity in place', async () => {
    const card = await ui.waitForCard('Admitted by Alex Agent');
    const posted = bot.cards.at(-1)!;
    await bot.updateCard(posted, 'Updated proactively');
    await card.waitForText('Updated proactively');
    expect(await card.text()).not.toContain('Admitted by');
  });

  it('fills every input kind of a form; the Playground sends all values as strings', async () => {
    await ui.sendMessage('form');
    const form = await ui.waitForCard('Echo form');
    await form.fill('recipientName', 'Zoë <b>Customer</b>');
    await form.choose('assignTo', 'Queue Tier 1');
    await form.choose('emailLanguage', 'Deutsch');
    await form.toggle('sendEmail', true);
    await form.fill('scheduledDate', '2026-12-01');
    await form.fill('scheduledTime', '10:30');
    await form.fill('Minutes', '90');
    expect(await form.value('inviteText')).toBe('line 1\nline 2');

    expect((await form.click('Create')).status).toBe(200);
    await form.waitForText('Created with');
    const invoke = received((a) => a.type === 'invoke');
    expect((invoke.value as { action: { data: unknown } }).action.data).toEqual({
      kind: 'session',
      recipientName: 'Zoë <b>Customer</b>',
      inviteText: 'line 1\nline 2',
      assignTo: 'queue:tier1',
      emailLanguage: 'de',
      sendEmail: 'true',
      scheduledDate: '2026-12-01',
      scheduledTime: '10:30',
      durationMinutes: '90',
    });
  });

  it('checks required inputs itself, shows nothing for a 400 answer, and refuses actAs by a non-member', async () => {
    await ui.sendMessage('form');
    const form = await ui.waitForCard('Echo form');
    await expect(form.click('Break')).rejects.toThrow('inputs failed validation: recipientName');
    await form.fill('recipientName', 'Zoë');
    const broken = await form.click('Break');
    // The Playground relays a bot's 400 to the browser as 502 with the bot's answer inside.
    expect(broken).toMatchObject({
      status: 502,
      body: {
        code: 'UserBotError',
        innerHttpError: { statusCode: 400, body: { type: 'application/vnd.microsoft.error' } },
      },
    });
    expect(await form.text()).toContain('Echo form');

    const invokes = bot.activities.filter((a) => a.type === 'invoke').length;
    await ui.actAs('Carl Approver');
    try {
      expect((await form.click('Create')).status).toBe(400);
    } finally {
      await ui.actAs(null);
    }
    expect(bot.activities.filter((a) => a.type === 'invoke')).toHaveLength(invokes);
  });
});

describe('team channel', () => {
  const tier1 = () => channelConversationId(config, 'Tier 1');

  it('starts a thread with an @mention of the bot and carries team and channel ids', async () => {
    await ui.openConversation({ channel: 'Tier 1' });
    const sent = await ui.postInChannel([{ mention: config.bot.name }, ' register queue Tier 1']);
    expect(sent.conversationId).toBe(`${tier1()};messageid=${sent.messageId}`);

    await ui.waitForCard('Echo: register queue Tier 1');
    const message = received((a) => a.type === 'message' && a.conversation.id === sent.conversationId);
    expect(message.text).toBe(`<at>${config.bot.name}</at> register queue Tier 1`);
    expect(message.conversation).toEqual({
      id: sent.conversationId,
      isGroup: true,
      conversationType: 'channel',
      tenantId: config.tenantId,
    });
    expect(message.channelData).toEqual({
      teamsChannelId: tier1(),
      teamsTeamId: config.team.id,
      tenant: { id: config.tenantId },
      team: { id: config.team.id },
      channel: { id: tier1() },
    });
    expect(message.entities).toContainEqual({
      type: 'mention',
      mentioned: { id: config.bot.id, name: config.bot.name },
      text: `<at>${config.bot.name}</at>`,
    });
    await ui.screenshot(join(SCREENSHOTS, 'channel-thread.png'));
  });

  it('replies inside the thread', async () => {
    const sent = await ui.replyInThread('register queue Tier 1', [{ mention: config.bot.name }, ' reply in thread']);
    expect(sent.conversationId).toMatch(new RegExp(`^${tier1()};messageid=\\d+$`));
    await ui.waitForCard('Echo: reply in thread');
    await expect(ui.thread('register queue Tier 1').locator('.ac-adaptiveCard').count()).resolves.toBe(2);
  });

  it('sends card actions as another member of the conversation with actAs', async () => {
    const card = await ui.waitForCard('Echo: reply in thread');
    await ui.actAs('Carl Approver');
    try {
      await card.fill('comments', 'carl decides');
      expect((await card.click('Admit')).status).toBe(200);
      await card.waitForText(`Admitted by Carl Approver (${user('Carl Approver').aadObjectId}) comments: carl decides`);
      expect(received((a) => a.type === 'invoke').from.aadObjectId).toBe(user('Carl Approver').aadObjectId);
    } finally {
      await ui.actAs(null);
    }
  });

  it.each(['reference', 'createConversation'] as const)(
    'shows a proactive new thread posted via %s, and its root updated in place',
    async (how) => {
      const posted = await bot.postToChannel(playground.serviceUrl, tier1(), `Queue card via ${how}`, how);
      expect(posted.reference.conversation?.id).toBe(`${tier1()};messageid=${posted.activityId}`);
      const card = await ui.waitForCard(`Queue card via ${how}`);
      await bot.updateCard(posted, `Queue card via ${how}, updated`);
      await card.waitForText(`Queue card via ${how}, updated`);
    },
  );
});

describe('acting as another user', () => {
  it('needs a Playground started with that user as currentUser', async () => {
    const asBea = await startPlayground({ botUrl: bot.url, actingUser: 'Bea Agent' });
    try {
      const beaUi = await openPlayground(browser, asBea);
      try {
        await beaUi.openConversation('personal');
        const sent = await beaUi.sendMessage('hello from bea');
        await beaUi.waitForCard('Echo: hello from bea');
        const message = received((a) => a.type === 'message' && a.text === 'hello from bea');
        expect(message.from.aadObjectId).toBe(user('Bea Agent').aadObjectId);
        expect(message.conversation.id).toBe(sent.conversationId);
        expect(sent.conversationId).toBe(`a:personal-${user('Bea Agent').aadObjectId}`);
        expect(message.serviceUrl).toBe(asBea.serviceUrl);
      } finally {
        await beaUi.close();
      }
    } finally {
      await asBea.stop();
    }
  });
});
