import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { LockboxRequest } from '../../src/domain/lockbox';
import { RunningDoorman } from '../../src/main';
import { startLocalDoorman } from './support/localDoorman';
import { PlaygroundHandle, PlaygroundPage, launchChromium, openPlayground, startPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/**
 * Lockbox through the real parts. The Playground types as one user only, so two Playgrounds run against the same
 * bot: Dana (engineer) asks in her chat; Alex's Playground shows the approvers' channel, where Carl clicks — the
 * Playground itself sends a card action as any member of the conversation, and the bot decides who acts from that.
 */
describe('lockbox request end to end: Playground + Chromium + the real HTTP server', () => {
  let dir: string;
  let doorman: RunningDoorman;
  let admin: PlaygroundHandle;
  let engineer: PlaygroundHandle;
  let browser: Browser;
  let channel: PlaygroundPage;
  let dana: PlaygroundPage;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ({ doorman, dir } = await startLocalDoorman());
    admin = await startPlayground({ botUrl: `${doorman.url}/api/messages` });
    engineer = await startPlayground({ botUrl: `${doorman.url}/api/messages`, actingUser: 'Dana Engineer' });
    browser = await launchChromium();
    channel = await openPlayground(browser, admin);
    dana = await openPlayground(browser, engineer);
  });

  afterAll(async () => {
    for (const page of [channel, dana]) await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    for (const playground of [admin, engineer]) await playground?.stop().catch(() => undefined);
    await doorman?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an engineer requests, an approver approves, the card updates for both and the requester’s chat says approved', async () => {
    await channel.openConversation({ channel: 'General' });
    await channel.postInChannel([{ mention: 'Doorman' }, ' register approvals']);
    await channel.waitForCard('Queue registered');

    await dana.openConversation('personal');
    await dana.sendMessage('lockbox');
    const form = await dana.waitForCard('resource');
    await form.fill('resource', 'Contoso mailbox');
    await form.fill('reason', 'Case 4711: mail flow broken');
    await form.fill('ticket', 'T-4711');
    await form.fill('durationMinutes', '60');
    const created = await form.click('Request access');
    expect(created.status).toBe(200);
    await form.waitForText('Awaiting approval');
    await dana.screenshot(join(screenshots, 'e2e-lockbox-requested.png'));

    const queueCard = await channel.waitForCard('Access request');
    expect(await queueCard.text()).not.toContain('Approve');
    await channel.actAs('Carl Approver');
    await queueCard.click('Show my options');
    await queueCard.waitForText('Approve');
    await channel.screenshot(join(screenshots, 'e2e-lockbox-approver.png'));
    const approved = await queueCard.click('Approve');
    expect(approved.status).toBe(200);
    await queueCard.waitForText('Access granted until');
    await channel.screenshot(join(screenshots, 'e2e-lockbox-approved.png'));
    await channel.actAs(null);

    await form.waitForText('Access granted until');
    await dana.waitForCard('Approved by Carl Approver');
    await dana.screenshot(join(screenshots, 'e2e-lockbox-requester-told.png'));

    const [request] = (await doorman.deps.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(request).toMatchObject({ state: 'approved', access: { status: 'granted' } });
    expect(request.decisions.map((decision) => decision.byName)).toEqual(['Carl Approver']);
    expect(await doorman.deps.store.listGrants()).toEqual([expect.objectContaining({ requestId: request.id, revokedAt: null })]);
  });
});
