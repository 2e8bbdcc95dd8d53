import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { RunningDoorman } from '../../src/main';
import { startLocalDoorman } from './support/localDoorman';
import { startPostgres } from '../support/postgresServer';
import { PlaygroundHandle, PlaygroundPage, launchChromium, openPlayground, startPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/**
 * The whole first capability through the real parts: Doorman's HTTP server on SQLite, the Microsoft 365 Agents
 * Playground as the Teams client (driven in headless Chromium), and a second browser context as the customer.
 */
describe.each(['SQLite', 'PostgreSQL'] as const)('session request end to end on %s: Playground + Chromium + the real HTTP server', (storeKind) => {
  let dir: string;
  let postgres: { url: string; stop(): Promise<void> } | null = null;
  let doorman: RunningDoorman;
  let playground: PlaygroundHandle;
  let browser: Browser;
  let agent: PlaygroundPage;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    if (storeKind === 'PostgreSQL') postgres = await startPostgres();
    ({ doorman, dir } = await startLocalDoorman(postgres?.url ?? null));
    playground = await startPlayground({ botUrl: `${doorman.url}/api/messages` });
    browser = await launchChromium();
    agent = await openPlayground(browser, playground);
  });

  afterAll(async () => {
    await agent?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await playground?.stop().catch(() => undefined);
    await doorman?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an agent creates a request, the customer arrives and allows, the agent admits, both sides show connected', async () => {
    await agent.openConversation({ channel: 'Tier 1' });
    await agent.postInChannel([{ mention: 'Doorman' }, ' register queue Tier 1']);
    await agent.waitForCard('Queue registered');

    await agent.openConversation('personal');
    await agent.sendMessage('new session');
    const form = await agent.waitForCard('New session request');
    await form.fill('recipientName', 'Chris Customer');
    await form.fill('comments', 'Printer on fire (internal)');
    await agent.screenshot(join(screenshots, 'e2e-form.png'));
    const created = await form.click('Create request');
    expect(created.status).toBe(200);
    await form.waitForText('Copy this text');
    const inviteText = await form.value('inviteText');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/j\/[A-Za-z0-9_-]+)/.exec(inviteText)?.[1];
    expect(link).toBeDefined();
    expect(inviteText).not.toContain('Printer on fire');
    await agent.screenshot(join(screenshots, 'e2e-invitation.png'));

    const customerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const customer = await customerContext.newPage();
    await customer.goto(link as string);
    expect(await customer.getByLabel('Your name').inputValue()).toBe('Chris Customer');
    await customer.getByLabel('Your name').fill('Chris');
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByRole('button', { name: 'Allow' }).waitFor();
    const tag = (await customer.locator('p.tag').first().innerText()).replace(/\D/g, '').slice(0, 4);
    expect(tag).toMatch(/^\d{4}$/);
    await customer.screenshot({ path: join(screenshots, 'e2e-portal-consent.png') });
    await customer.getByRole('button', { name: 'Allow' }).click();
    await customer.getByText('Waiting for your agent to admit you').waitFor();
    await customer.screenshot({ path: join(screenshots, 'e2e-portal-ready.png') });

    const agentCard = await agent.waitForCard('Support session');
    await agentCard.waitForText('Compare the tag');
    expect(await agentCard.text()).toContain(tag);
    await agent.screenshot(join(screenshots, 'e2e-agent-ready.png'));
    const admitted = await agentCard.click('Admit');
    expect(admitted.status).toBe(200);
    await agentCard.waitForText('Connected');
    await agent.screenshot(join(screenshots, 'e2e-agent-connected.png'));

    await customer.getByText('Your agent has admitted you').waitFor({ timeout: 10_000 });
    await customer.screenshot({ path: join(screenshots, 'e2e-portal-connected.png') });
    const joinLink = customer.getByRole('link', { name: /Join the meeting/ });
    const room = new URL((await joinLink.getAttribute('href')) ?? '', link as string).toString();
    expect(room).toMatch(/\/j\/[A-Za-z0-9_-]+\/room$/);
    await customer.goto(room);
    await customer.getByText('Local meeting room — this is not a Teams meeting').waitFor();
    await customer.getByText(`Chris (${tag})`).first().waitFor();
    await customer.screenshot({ path: join(screenshots, 'e2e-local-room.png') });

    const intruder = await (await browser.newContext()).newPage();
    await intruder.goto(link as string);
    await intruder.getByText('This link is in use on another device').first().waitFor();
    await intruder.context().close();

    await agent.openConversation({ channel: 'Tier 1' });
    const queueCard = await agent.waitForCard('Support session');
    await queueCard.waitForText('Connected');
    expect(await queueCard.text()).not.toContain('/j/');
    await agent.screenshot(join(screenshots, 'e2e-queue-connected.png'));
    await customerContext.close();
  });
});
