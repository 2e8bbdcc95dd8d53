import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { RunningDoorman } from '../../src/main';
import { startLocalDoorman } from './support/localDoorman';
import { LocaleProxy, startLocaleProxy } from './support/localeProxy';
import { PlaygroundHandle, PlaygroundPage, findFreePort, launchChromium, openPlayground, startPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/**
 * Issue 17 in the Playground: a German agent walks the session request in German, and a Hungarian approver decides a
 * lockbox request on Hungarian cards while the engineer who asked reads English. The Playground writes
 * `locale: "en-US"` into every activity, so each persona's Playground talks to Doorman through a small proxy that
 * sets the `locale` Teams would send for that person (support/localeProxy.ts); the browser runs in that locale too.
 */
describe('cards in the reader’s language: Playground + Chromium + the real HTTP server', () => {
  let dir: string;
  let doorman: RunningDoorman;
  let browser: Browser;
  const playgrounds: PlaygroundHandle[] = [];
  const proxies: LocaleProxy[] = [];
  const pages: PlaygroundPage[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ({ doorman, dir } = await startLocalDoorman());
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    for (const playground of playgrounds) await playground.stop().catch(() => undefined);
    for (const proxy of proxies) await proxy.stop().catch(() => undefined);
    await doorman?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: { locale: string; actingUser?: string; port?: number }): Promise<{ playground: PlaygroundHandle; page: PlaygroundPage }> {
    const proxy = await startLocaleProxy(doorman.url, options.locale);
    proxies.push(proxy);
    const playground = await startPlayground({ botUrl: proxy.botUrl, ...options });
    playgrounds.push(playground);
    const page = await openPlayground(browser, playground);
    pages.push(page);
    return { playground, page };
  }

  it('a German agent sees every card of the session walkthrough in German', async () => {
    const { page: agent } = await open({ locale: 'de-DE' });
    await agent.openConversation({ channel: 'Tier 1' });
    await agent.postInChannel([{ mention: 'Doorman' }, ' register queue Tier 1']);
    await agent.waitForCard('Kanal registriert');
    // The channel is read by the whole team: its cards speak the language an admin set for it.
    await agent.postInChannel([{ mention: 'Doorman' }, ' language de']);
    await agent.waitForCard('Karten, die ab jetzt in diesem Kanal');

    await agent.openConversation('personal');
    await agent.sendMessage('new session');
    const form = await agent.waitForCard('Neue Sitzungsanfrage');
    await form.fill('recipientName', 'Chris Kunde');
    await agent.screenshot(join(screenshots, 'i18n-de-form.png'));
    expect((await form.click('Anfrage erstellen')).status).toBe(200);
    await form.waitForText('Diesen Text an den Kunden weitergeben');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/j\/[A-Za-z0-9_-]+)/.exec(await form.value('inviteText'))?.[1];
    expect(link).toBeDefined();
    await agent.screenshot(join(screenshots, 'i18n-de-invitation.png'));

    const customer = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await customer.goto(`${link as string}?lang=en`);
    await customer.getByLabel('Your name').fill('Chris');
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByRole('button', { name: 'Allow' }).click();
    await customer.getByText('Waiting for your agent to admit you').waitFor();

    const agentCard = await agent.waitForCard('Support-Sitzung');
    await agentCard.waitForText('Vergleichen Sie den Code');
    await agent.screenshot(join(screenshots, 'i18n-de-agent-ready.png'));
    expect((await agentCard.click('Zulassen')).status).toBe(200);
    await agentCard.waitForText('Verbunden');
    expect(await agentCard.text()).not.toMatch(/Admit|Ready to admit|Connected/);
    await agent.screenshot(join(screenshots, 'i18n-de-agent-connected.png'));
    await customer.getByText('Your agent has admitted you').waitFor({ timeout: 10_000 });
    await customer.context().close();

    await agent.openConversation({ channel: 'Tier 1' });
    const queueCard = await agent.waitForCard('Support-Sitzung');
    await queueCard.waitForText('Verbunden');
    expect(await queueCard.text()).toContain('Sitzung beenden');
    await agent.screenshot(join(screenshots, 'i18n-de-queue.png'));
    await agent.close();
  });

  it('a Hungarian approver decides on Hungarian cards; the engineer who asked reads English', async () => {
    // The approvers' channel lives in the Playground that registered it, so Carl's runs on the same port later.
    const port = await findFreePort();
    const admin = await open({ locale: 'en-US', port });
    await admin.page.openConversation({ channel: 'General' });
    await admin.page.postInChannel([{ mention: 'Doorman' }, ' register approvals']);
    await admin.page.waitForCard('Queue registered');
    await admin.page.postInChannel([{ mention: 'Doorman' }, ' language hu']);
    await admin.page.waitForCard('A csatornába mostantól küldött kártyák');
    await admin.page.close();
    await admin.playground.stop();

    const { page: carl } = await open({ locale: 'hu-HU', actingUser: 'Carl Approver', port });
    const { page: dana } = await open({ locale: 'en-US', actingUser: 'Dana Engineer' });
    await dana.openConversation('personal');
    await dana.sendMessage('lockbox');
    const form = await dana.waitForCard('Request access to customer content');
    await form.fill('resource', 'Contoso mailbox');
    await form.fill('reason', 'Case 4711: mail flow broken');
    await form.fill('durationMinutes', '60');
    expect((await form.click('Request access')).status).toBe(200);
    await form.waitForText('Awaiting approval');

    await carl.openConversation({ channel: 'General' });
    const queueCard = await carl.waitForCard('Hozzáférési kérelem');
    await queueCard.waitForText('Jóváhagyásra vár');
    await queueCard.click('Saját lehetőségeim');
    await queueCard.waitForText('Jóváhagyás');
    await carl.screenshot(join(screenshots, 'i18n-hu-approver.png'));
    expect((await queueCard.click('Jóváhagyás')).status).toBe(200);
    await queueCard.waitForText('Hozzáférés megadva');
    expect(await queueCard.text()).not.toMatch(/Access granted|Approve(?!r)/);
    await carl.screenshot(join(screenshots, 'i18n-hu-approved.png'));

    await form.waitForText('Access granted until');
    await dana.waitForCard('Approved by Carl Approver');
  });
});
