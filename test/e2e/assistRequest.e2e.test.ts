import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { AssistRequest } from '../../src/domain/assist';
import { findFreePortPair, playgroundOfNpmStart, runNpmStart } from './support/npmStart';
import { PlaygroundPage, findFreePort, launchChromium, openPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/** The local stand-in settles a restart after 20 s and Doorman reads its status every 10 s: allow for both. */
const DEVICE_ACTION_TIMEOUT_MS = 60_000;

/**
 * Remote assistance from `npm start` alone: `npm start` (Alex, an admin) registers the assistance channel; then
 * `npm start -- --as bea,eve` runs Bea Agent's Playground on PLAYGROUND_PORT (where the channel lives) and Eve User's
 * (no role at all) on the next port. Eve asks for help in her chat, Bea accepts in the channel, Eve allows control,
 * both get the local room, and Bea restarts Eve's (stand-in) PC from her own card.
 */
describe('assistance request end to end from npm start: a user persona and a helper persona + Chromium', () => {
  let dir: string;
  let browser: Browser;
  const pages: PlaygroundPage[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'doorman-e2e-assist-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Eve asks for help, Bea accepts, Eve allows, both meet in the local room, Bea restarts the PC and Eve sees it', async () => {
    const env = {
      PORT: String(await findFreePort()),
      PLAYGROUND_PORT: String(await findFreePortPair()),
      SQLITE_PATH: join(dir, 'doorman.db'),
      MAIL_DIR: join(dir, 'mail'),
      LOG_LEVEL: 'warn',
    };
    const firstPort = Number(env.PLAYGROUND_PORT);

    const asAlex = await runNpmStart([], env);
    const alex = await openPlayground(browser, playgroundOfNpmStart(asAlex, firstPort, 'alex'));
    pages.push(alex);
    await alex.openConversation({ channel: 'General' });
    await alex.postInChannel([{ mention: 'Doorman' }, ' register assistance']);
    await alex.waitForCard('Queue registered');
    await alex.close();
    expect(await asAlex.interrupt()).toEqual({ code: 0, signal: null });

    const asBeaAndEve = await runNpmStart(['--as', 'bea,eve'], env);
    const bea = await openPlayground(browser, playgroundOfNpmStart(asBeaAndEve, firstPort, 'bea'));
    const eve = await openPlayground(browser, playgroundOfNpmStart(asBeaAndEve, firstPort + 1, 'eve'));
    pages.push(bea, eve);

    await eve.openConversation('personal');
    await eve.sendMessage('help me');
    const form = await eve.waitForCard('Ask for help');
    expect(await form.text()).toContain('local stand-in, not Intune');
    await form.fill('problem', 'Outlook will not start since this morning');
    await form.choose('urgency', 'High — I cannot work');
    await form.fill('phone', '+49 30 1234567');
    await eve.screenshot(join(screenshots, 'e2e-assist-form.png'));
    expect((await form.click('Ask for help')).status).toBe(200);
    await form.waitForText('Waiting for a helper');
    await eve.screenshot(join(screenshots, 'e2e-assist-requested.png'));

    await bea.openConversation({ channel: 'General' });
    const queueCard = await bea.waitForCard('Help requested');
    await queueCard.waitForText('Outlook will not start');
    await bea.screenshot(join(screenshots, 'e2e-assist-queue.png'));
    expect((await queueCard.click('Accept')).status).toBe(200);
    await queueCard.waitForText('Bea Agent wants to connect');

    await form.waitForText('wants to connect to', 30_000);
    await eve.waitForCard('accepted your request');
    await eve.screenshot(join(screenshots, 'e2e-assist-allow.png'));
    expect((await form.click('Allow')).status).toBe(200);
    await form.waitForText('Connected — Bea Agent is helping', 30_000);
    expect(await form.text()).toContain('Join the meeting');

    await bea.openConversation('personal');
    // Bea's own card (posted to her chat on Accept) is the one with the device buttons; her notices have none.
    const helperCard = await bea.waitForCard('Restart PC', 30_000);
    await helperCard.waitForText('Connected — Bea Agent is helping', 30_000);
    await helperCard.click('Restart PC');
    expect((await helperCard.click('Yes, restart now')).status).toBe(200);
    await helperCard.waitForText('Restart PC', 30_000);
    await helperCard.waitForText(/done, /, DEVICE_ACTION_TIMEOUT_MS);
    await bea.screenshot(join(screenshots, 'e2e-assist-helper.png'));

    await form.waitForText('Done to your device', 30_000);
    await form.waitForText(/done, .* — by Bea Agent/, 30_000);
    await eve.screenshot(join(screenshots, 'e2e-assist-connected.png'));
    expect(await asBeaAndEve.interrupt()).toEqual({ code: 0, signal: null });
    expect(asBeaAndEve.stderr()).toBe('');

    const store = openSqliteRequestStore(env.SQLITE_PATH);
    try {
      const [request] = (await store.listRequests({ kind: 'assist' })) as AssistRequest[];
      expect(request).toMatchObject({ state: 'connected', helper: { name: 'Bea Agent' }, device: { source: 'local' }, meeting: { provider: 'local' } });
      expect(request.deviceActions).toEqual([expect.objectContaining({ action: 'rebootNow', state: 'done', by: expect.objectContaining({ name: 'Bea Agent' }) })]);
      const trail = (await store.eventsOf(request.id)).map((event) => event.action);
      expect(trail.slice(0, 5)).toEqual(['create', 'accept', 'allowControl', 'connect', 'restartDevice']);
    } finally {
      await store.close();
    }
  });
});
