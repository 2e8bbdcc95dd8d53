import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { RunningDoorman } from '../../src/main';
import { InvitationRequest } from '../../src/domain/invitation';
import { startLocalDoorman } from './support/localDoorman';
import { PlaygroundHandle, PlaygroundPage, launchChromium, openPlayground, startPlayground } from './support/playground';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'docs', 'screenshots');

/**
 * A colleague brought into a running session, through the real parts: Doorman's HTTP server, two Playgrounds (Bea
 * Agent runs the session, Alex Agent is invited; each types as themself) in headless Chromium, the customer on the
 * portal in a browser context of their own.
 */
describe('invitation end to end: two agent personas in two Playgrounds + Chromium + the real HTTP server', () => {
  let dir: string;
  let doorman: RunningDoorman;
  const playgrounds: PlaygroundHandle[] = [];
  let browser: Browser;
  let bea: PlaygroundPage;
  let alex: PlaygroundPage;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    ({ doorman, dir } = await startLocalDoorman());
    const botUrl = `${doorman.url}/api/messages`;
    playgrounds.push(await startPlayground({ botUrl, actingUser: 'Bea Agent' }), await startPlayground({ botUrl, actingUser: 'Alex Agent' }));
    browser = await launchChromium();
    bea = await openPlayground(browser, playgrounds[0]);
    // Opening Alex's Playground installs Doorman for him: his personal chat is known before he is invited.
    alex = await openPlayground(browser, playgrounds[1]);
  });

  afterAll(async () => {
    for (const page of [bea, alex]) await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    for (const playground of playgrounds) await playground.stop().catch(() => undefined);
    await doorman?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Bea invites Alex into her connected session as Collaborate, Alex accepts, Bea changes him to View only, then removes him', async () => {
    await bea.openConversation('personal');
    await bea.sendMessage('new session');
    const form = await bea.waitForCard('New session request');
    await form.fill('recipientName', 'Chris Customer');
    await form.fill('comments', 'Printer on floor 3 jams');
    expect((await form.click('Create request')).status).toBe(200);
    await form.waitForText('Copy this text');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/j\/[A-Za-z0-9_-]+)/.exec(await form.value('inviteText'))?.[1] as string;
    expect(link).toBeDefined();

    const customer = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await customer.goto(link);
    await customer.getByLabel('Your name').fill('Chris');
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByRole('button', { name: 'Allow' }).click();
    await customer.getByText('Waiting for your agent to admit you').waitFor();

    const sessionCard = await bea.waitForCard('Compare the tag');
    expect((await sessionCard.click('Admit')).status).toBe(200);
    await sessionCard.waitForText('Invite a colleague');
    await sessionCard.click('Invite a colleague');
    await sessionCard.choose('invitee', 'Alex Agent');
    await sessionCard.choose('permissionProfile', 'Collaborate — Can talk, present and share their screen.');
    await bea.screenshot(join(screenshots, 'invitation-invite.png'));
    expect((await sessionCard.click('Send invitation')).status).toBe(200);
    await sessionCard.waitForText('Alex Agent — Collaborate (invited, waiting for an answer)');
    const inviterCard = await bea.waitForCard('Invitation for Alex Agent');
    await inviterCard.waitForText('Waiting for Alex Agent to answer');
    await bea.screenshot(join(screenshots, 'invitation-pending.png'));

    await alex.openConversation('personal');
    const inviteeCard = await alex.waitForCard('Bea Agent invites you into a session');
    expect(await inviteeCard.text()).toContain('Printer on floor 3 jams');
    expect(await inviteeCard.text()).not.toContain('/j/');
    await alex.screenshot(join(screenshots, 'invitation-invitee.png'));
    expect((await inviteeCard.click('Accept')).status).toBe(200);
    await inviteeCard.waitForText('You joined as Collaborate');
    await alex.screenshot(join(screenshots, 'invitation-accepted.png'));

    await inviterCard.waitForText('Alex Agent joined as Collaborate', 30_000);
    await sessionCard.waitForText('Alex Agent — Collaborate (joined)', 30_000);
    await inviterCard.click('Change profile');
    const [joined] = (await doorman.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    await inviterCard.choose(`permissionProfile-${joined.id}`, 'View only — Sees and hears the session; cannot share or take control.');
    expect((await inviterCard.click('Save profile')).status).toBe(200);
    await inviterCard.waitForText('Alex Agent joined as View only');
    await bea.screenshot(join(screenshots, 'invitation-changed.png'));
    await inviteeCard.waitForText('You joined as View only', 30_000);

    expect((await inviterCard.click('Remove')).status).toBe(200);
    await inviterCard.waitForText('Alex Agent was removed from the session');
    await bea.screenshot(join(screenshots, 'invitation-removed.png'));
    await inviteeCard.waitForText('You were removed from the session', 30_000);
    await alex.waitForCard('You were removed from a session', 30_000);
    await alex.screenshot(join(screenshots, 'invitation-invitee-removed.png'));
    await customer.context().close();

    const [invitation] = (await doorman.store.listRequests({ kind: 'invitation' })) as InvitationRequest[];
    expect(invitation).toMatchObject({ state: 'removed', inviter: { name: 'Bea Agent' }, invitee: { name: 'Alex Agent' }, profile: { name: 'View only' } });
    expect((await doorman.store.eventsOf(invitation.id)).map((event) => event.action)).toEqual(['create', 'accept', 'changeProfile', 'remove']);
  });
});
