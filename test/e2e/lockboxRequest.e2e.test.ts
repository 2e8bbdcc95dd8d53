import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { LockboxRequest } from '../../src/domain/lockbox';
import { findFreePortPair, playgroundOfNpmStart, runNpmStart } from './support/npmStart';
import { PlaygroundPage, findFreePort, launchChromium, openPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/**
 * Lockbox from `npm start` alone, as a new user walks it: `npm start` (Alex, an admin) registers the approvers'
 * queue; then `npm start -- --as carl,dana` runs Carl's Playground on PLAYGROUND_PORT (where the queue's channel
 * lives) and Dana's on the next port. Dana asks in her chat; Carl approves in the channel. Each is a Playground of
 * its own, with the committed tenant, roles file and persona mechanism of `npm start`.
 */
describe('lockbox request end to end from npm start: Playground per persona + Chromium', () => {
  let dir: string;
  let browser: Browser;
  const pages: PlaygroundPage[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'doorman-e2e-start-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Alex registers the approvers; as Dana and Carl: Dana asks, Carl approves, both cards and Dana’s chat say so', async () => {
    const env = {
      PORT: String(await findFreePort()),
      PLAYGROUND_PORT: String(await findFreePortPair()),
      SQLITE_PATH: join(dir, 'doorman.db'),
      MAIL_DIR: join(dir, 'mail'),
      LOG_LEVEL: 'warn',
    };
    const firstPort = Number(env.PLAYGROUND_PORT);

    const asAlex = await runNpmStart([], env);
    expect(asAlex.stdout()).toContain(`Open http://localhost:${firstPort} — you are "Alex Agent" (admin + agent)`);
    const alex = await openPlayground(browser, playgroundOfNpmStart(asAlex, firstPort, 'alex'));
    pages.push(alex);
    await alex.openConversation({ channel: 'General' });
    await alex.postInChannel([{ mention: 'Doorman' }, ' register approvals']);
    await alex.waitForCard('Queue registered');
    await alex.close();
    // Ctrl+C: everything stops, quietly.
    expect(await asAlex.interrupt()).toEqual({ code: 0, signal: null });
    expect(asAlex.stdout().trimEnd().endsWith('[doorman] stopped.')).toBe(true);
    expect(asAlex.stderr()).toBe('');

    const asCarlAndDana = await runNpmStart(['--as', 'carl,dana'], env);
    expect(asCarlAndDana.stdout()).toContain(`Open http://localhost:${firstPort} — you are "Carl Approver" (approver)`);
    expect(asCarlAndDana.stdout()).toContain(`Open http://localhost:${firstPort + 1} — you are "Dana Engineer" (engineer)`);
    const carl = await openPlayground(browser, playgroundOfNpmStart(asCarlAndDana, firstPort, 'carl'));
    const dana = await openPlayground(browser, playgroundOfNpmStart(asCarlAndDana, firstPort + 1, 'dana'));
    pages.push(carl, dana);

    await dana.openConversation('personal');
    await dana.sendMessage('lockbox');
    const form = await dana.waitForCard('resource');
    await form.fill('resource', 'Contoso mailbox');
    await form.fill('reason', 'Case 4711: mail flow broken');
    await form.fill('ticket', 'T-4711');
    await form.fill('durationMinutes', '60');
    expect((await form.click('Request access')).status).toBe(200);
    await form.waitForText('Awaiting approval');
    await dana.screenshot(join(screenshots, 'e2e-lockbox-requested.png'));

    await carl.openConversation({ channel: 'General' });
    const queueCard = await carl.waitForCard('Access request');
    // No Approve button before Carl asks for his own view (his name, "Carl Approver", may be on the card: "🔔 Notified …").
    expect(await queueCard.text()).not.toMatch(/Approve(?!r)/);
    await queueCard.click('Show my options');
    await queueCard.waitForText(/Approve(?!r)/);
    await carl.screenshot(join(screenshots, 'e2e-lockbox-approver.png'));
    expect((await queueCard.click('Approve')).status).toBe(200);
    await queueCard.waitForText('Access granted until');
    await carl.screenshot(join(screenshots, 'e2e-lockbox-approved.png'));

    await form.waitForText('Access granted until');
    await dana.waitForCard('Approved by Carl Approver');
    await dana.screenshot(join(screenshots, 'e2e-lockbox-requester-told.png'));
    expect(await asCarlAndDana.interrupt()).toEqual({ code: 0, signal: null });
    expect(asCarlAndDana.stderr()).toBe('');

    const store = openSqliteRequestStore(env.SQLITE_PATH);
    try {
      const [request] = (await store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
      expect(request).toMatchObject({ state: 'approved', access: { status: 'granted' } });
      expect(request.decisions.map((decision) => decision.byName)).toEqual(['Carl Approver']);
      expect(await store.listGrants()).toEqual([expect.objectContaining({ requestId: request.id, revokedAt: null })]);
    } finally {
      await store.close();
    }
  });
});
