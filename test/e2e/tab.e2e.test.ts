/**
 * The Requests tab in headless Chromium. There is no Teams client here, so the teams-js bundle the page loads is
 * replaced (page.route) by a small stand-in host that answers app.initialize/getContext and hands out a token
 * signed by a local Entra key double; everything else is real: Doorman's HTTP server, the token verification,
 * the API, tab.js and tab.css. The screenshots go to docs/screenshots/tab*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { JwksDouble, signToken } from '../support/entraDouble';
import { PEOPLE, QUEUE_CHANNEL, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';
import { launchChromium } from './support/playground';
import { teamsHostStub } from './support/teamsHost';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

describe('the Requests tab in Chromium', () => {
  let jwks: JwksDouble;
  let t: TestDoorman;
  let browser: Browser;
  let queueId: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    jwks = new JwksDouble();
    await jwks.start();
    // Alex is also an approver here, so one table shows his sessions, his queue's and lockbox requests to decide.
    t = await startTestDoorman({
      env: { TAB_SSO_CLIENT_ID: CLIENT_ID, ENTRA_JWKS_URL: jwks.url, ROLE_APPROVERS: PEOPLE.alex.aadObjectId },
    });
    await t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
    await t.registerApprovals();
    for (const who of ['alex', 'bea', 'dana'] as const) await t.message(who, 'hi');
    queueId = (await t.store.listQueues()).find((queue) => queue.purpose === 'sessions')!.id;
    await seedRequests();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await jwks?.stop();
  });

  function tokenFor(who: keyof typeof PEOPLE): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken(
      {
      aud: CLIENT_ID,
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      nbf: now,
      exp: now + 3600,
      name: PEOPLE[who].name,
      oid: PEOPLE[who].aadObjectId,
      scp: 'access_as_user',
      tid: TENANT,
      ver: '2.0',
      },
      jwks.key.privateKey,
    );
  }

  async function portal(code: string, path: string, body: unknown, cookie: string): Promise<string> {
    const response = await fetch(`${t.doorman.url}/j/${code}/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
  }

  async function session(who: 'alex' | 'bea', inputs: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
    const response = await t.invoke(who, 'session.create', { recipientName: 'Chris Customer', sendEmail: 'false', ...inputs });
    expect(response.body.statusCode).toBe(200);
    const invite = findById(response.body.value, 'inviteText') as { value: string };
    const code = /\/j\/([A-Za-z0-9_-]+)/.exec(invite.value)?.[1] ?? '';
    const [latest] = await t.store.listRequests({ kind: 'session', limit: 1 });
    t.clock.advance(7 * 60_000);
    return { id: latest.id, code };
  }

  async function seedRequests(): Promise<void> {
    await session('alex');
    const waiting = await session('alex');
    await portal(waiting.code, 'arrive', { name: 'Chris' }, '');
    const ready = await session('alex');
    await portal(ready.code, 'consent', { allow: true }, await portal(ready.code, 'arrive', { name: 'Kim' }, ''));
    const connected = await session('alex');
    await portal(connected.code, 'consent', { allow: true }, await portal(connected.code, 'arrive', { name: 'Sam' }, ''));
    const admitted = await t.invoke('alex', 'session.admit', { requestId: connected.id, version: (await t.store.getRequest(connected.id))?.version });
    expect(admitted.body.statusCode).toBe(200);
    const closed = await session('alex');
    await t.invoke('alex', 'session.close', { requestId: closed.id, version: (await t.store.getRequest(closed.id))?.version });
    await session('bea', { assignTo: `queue:${queueId}` });
    for (const resource of ['Contoso mailbox', 'Fabrikam SharePoint site']) {
      const asked = await t.invoke('dana', 'lockbox.create', { resource, reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
      expect(asked.body.statusCode).toBe(200);
      t.clock.advance(5 * 60_000);
    }
  }

  /** A page whose teams-js is the stand-in host (or the real bundle when `host` is null). */
  async function open(path: string, host: Parameters<typeof teamsHostStub>[0] | null, base = t.doorman.url): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Berlin', viewport: { width: 980, height: 640 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    if (host) {
      await page.route('**/tab-assets/MicrosoftTeams.min.js', (route) =>
        route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: teamsHostStub(host) }),
      );
    }
    await page.goto(`${base}${path}`);
    return { page, errors };
  }

  it('lists every row the caller may see with customer, people and state, newest first, and keeps the filters in the address', async () => {
    const { page, errors } = await open('/tab', { token: tokenFor('alex') });
    const rows = page.locator('table.requests tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(8);
    const text = await page.locator('table.requests').innerText();
    for (const state of ['Open', 'Customer waiting', 'Ready to admit', 'Connected', 'Closed', 'Awaiting approval']) expect(text).toContain(state);
    expect(text).toContain('Lockbox access');
    // Issue 16 §1: what each row is — the customer, the resource, the people by name (never ids).
    expect(text).toContain('Chris Customer');
    expect(text).toContain('Contoso mailbox');
    expect(text).toContain('Dana Engineer');
    expect(text).toContain('Alex Agent');
    expect(text).not.toContain(PEOPLE.alex.aadObjectId);
    expect(await page.locator('#scope').innerText()).toContain('the requests of your queues and every lockbox request');
    expect(await page.locator('table.requests time').first().getAttribute('datetime')).toMatch(/Z$/);
    expect(await page.locator('.footnote').innerText()).toContain('Europe/Berlin');
    await page.screenshot({ path: join(SCREENSHOTS, 'tab.png'), fullPage: true });

    await page.selectOption('#filter-kind', 'lockbox');
    // A locator wait, not waitForFunction("…"): a string predicate is eval'd in the page once polling starts, which the CSP forbids.
    await rows.nth(2).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(2);
    expect(await page.locator('table.requests tbody th').allInnerTexts()).toEqual(['Lockbox access', 'Lockbox access']);
    expect(new URL(page.url()).searchParams.get('kind')).toBe('lockbox');
    await page.selectOption('#filter-state', 'approved');
    await page.getByText('Nothing matches these filters').waitFor();
    expect(new URL(page.url()).search).toBe('?kind=lockbox&state=approved');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('speaks the Teams language (app.locale de-DE) in an English browser: labels, states, columns, dates in German', async () => {
    const { page, errors } = await open('/tab', { token: tokenFor('alex'), locale: 'de-DE' });
    const rows = page.locator('table.requests tbody tr');
    await rows.first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('#title').innerText()).toBe('Anfragen');
    const text = await page.locator('table.requests').innerText();
    for (const label of ['Art', 'Wer', 'Status', 'Frist oder Zeitfenster', 'Letzte Änderung', 'Kunde wartet', 'Bereit zum Zulassen', 'Wartet auf Genehmigung', 'Lockbox-Zugriff']) {
      expect(text).toContain(label);
    }
    expect(text).not.toContain('Customer waiting');
    expect(await page.locator('#filters').innerText()).toContain('Filter zurücksetzen');
    expect(await page.locator('#scope').innerText()).toContain('Angezeigt werden');
    // Intl in the chosen language: German month abbreviations and a 24-hour clock, in the viewer's time zone.
    expect(await page.locator('table.requests time').first().innerText()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$|^\d{1,2}\. \S+ \d{4}, \d{2}:\d{2}$/);
    expect(await page.locator('.footnote').innerText()).toContain('Zeiten in Europe/Berlin');
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-de.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens a shared view from its address: kind, state and search filled in, the list filtered', async () => {
    const { page, errors } = await open('/tab?kind=lockbox&state=pending&q=fabrikam', { token: tokenFor('carl') });
    const rows = page.locator('table.requests tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Fabrikam SharePoint site');
    expect(await page.locator('#filter-kind').inputValue()).toBe('lockbox');
    expect(await page.locator('#filter-state').inputValue()).toBe('pending');
    expect(await page.locator('#filter-q').inputValue()).toBe('fabrikam');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens a request’s timeline from its row: details, every event by name, time and source; Approve there decides', async () => {
    const { page, errors } = await open('/tab?kind=lockbox', { token: tokenFor('carl') });
    await page.locator('table.requests tbody tr').first().waitFor();
    await page.locator('table.requests tbody tr', { hasText: 'Contoso mailbox' }).click();
    const timeline = page.locator('#timeline');
    await timeline.locator('.event').first().waitFor();
    expect(new URL(page.url()).searchParams.get('request')).toMatch(/.+/);
    const shown = await timeline.innerText();
    expect(shown).toContain('Lockbox access: Contoso mailbox');
    expect(shown).toContain('Dana Engineer asked for access');
    expect(shown).toContain('by Dana Engineer · Chat');
    expect(shown).toContain('T-4711');
    expect(await timeline.locator('.event time').first().getAttribute('datetime')).toMatch(/Z$/);
    expect(await timeline.locator('button[data-action]').evaluateAll((buttons) => buttons.map((button) => button.textContent))).toEqual(['Approve', 'Deny']);
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-timeline.png'), fullPage: true });

    await page.fill('#action-comment', 'Checked with the customer');
    await timeline.locator('button[data-action="approve"]').click();
    await timeline.getByText('by Carl Approver · Requests tab').waitFor();
    expect(await timeline.locator('.state').first().innerText()).toBe('Approved');
    expect(await timeline.innerText()).toContain('Checked with the customer');
    expect(await timeline.locator('button[data-action]').count()).toBe(0);

    await page.getByRole('button', { name: '← Back to the list' }).click();
    await page.locator('table.requests tbody tr').first().waitFor();
    expect(new URL(page.url()).searchParams.get('request')).toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('works on a phone: filters stacked, each row a card, nothing wider than the screen', async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Berlin', viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.route('**/tab-assets/MicrosoftTeams.min.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: teamsHostStub({ token: tokenFor('alex') }) }),
    );
    await page.goto(`${t.doorman.url}/tab`);
    await page.locator('table.requests tbody tr').first().waitFor();
    expect(await page.evaluate('getComputedStyle(document.querySelector("table.requests tbody tr")).display')).toBe('block');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // The queue, person and date filters fold under "More filters" so the list starts on the first screen.
    expect(await page.locator('#more-filters').getAttribute('open')).toBeNull();
    expect(await page.locator('#filter-person').isVisible()).toBe(false);
    expect(await page.locator('#filter-kind').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-phone.png'), fullPage: false });
    await context.close();
  });

  it('a channel tab opens on its queue: only that queue’s requests, named above the list', async () => {
    const { page, errors } = await open(`/tab?queue=${queueId}`, { token: tokenFor('bea') });
    await page.locator('table.requests tbody tr').first().waitFor();
    expect(await page.locator('#filter-queue').inputValue()).toBe(queueId);
    expect(await page.locator('#scope').innerText()).toContain('This tab is the queue “Tier 1”');
    const texts = await page.locator('table.requests tbody th').allInnerTexts();
    expect(texts.every((kind) => kind === 'Support session')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('opens on the request an activity-feed notification named (deep link subEntityId): highlighted, the others not', async () => {
    const [lockbox] = await t.store.listRequests({ kind: 'lockbox', limit: 1 });
    const { page, errors } = await open('/tab', { token: tokenFor('alex'), subPageId: lockbox.id });
    await page.locator('table.requests tbody tr').first().waitFor();
    const focused = page.locator('table.requests tbody tr.focused');
    expect(await focused.count()).toBe(1);
    expect(await focused.getAttribute('data-request-id')).toBe(lockbox.id);
    expect(await focused.getAttribute('aria-current')).toBe('true');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Ask for help: without a bot id (local mode) the tab says what to say to Doorman in the chat', async () => {
    const { page, errors } = await open('/tab', { token: tokenFor('eve') });
    await page.getByText('No requests to show').waitFor();
    await page.getByRole('button', { name: 'Ask for help' }).click();
    await page.getByText('Ask for help in the chat with Doorman').waitFor();
    expect(await page.locator('#notice').innerText()).toContain('Say “help me” to Doorman');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('follows the dark theme Teams reports', async () => {
    const { page, errors } = await open('/tab', { token: tokenFor('alex'), theme: 'dark' });
    await page.locator('table.requests tbody tr').first().waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(31, 31, 31)');
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('explains a failed sign-in instead of showing nothing', async () => {
    const { page } = await open('/tab', { token: null, tokenError: 'resourceRequiresConsent' });
    await page.getByText('Doorman needs your consent').waitFor();
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await page.context().close();
    const other = await open('/tab', { token: null, tokenError: 'resourceDisabled' });
    await other.page.getByText('Teams could not sign you in to Doorman').waitFor();
    expect(await other.page.locator('#notice').innerText()).toContain('access_as_user');
    await other.page.context().close();
  });

  it('says "Open this tab in Microsoft Teams" outside Teams (the real teams-js, no host)', async () => {
    const { page } = await open('/tab', null);
    await page.getByText('Open this tab in Microsoft Teams').waitFor();
    expect(await page.locator('table').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-outside-teams.png'), fullPage: true });
    await page.context().close();
  });

  it('configures a channel tab: offers the registered queues, preselects this channel’s, saves /tab?queue=<id>', async () => {
    const { page, errors } = await open('/tab/config', { token: tokenFor('bea'), channelId: QUEUE_CHANNEL });
    await page.locator('#queue').waitFor();
    expect(await page.locator('#queue').inputValue()).toBe(queueId);
    expect(await page.evaluate(() => (globalThis as any).__teams.valid)).toBe(true);
    const saved = await page.evaluate(
      () =>
        new Promise((resolve) => {
          (globalThis as any).__teams.save({ notifySuccess: () => resolve('ok'), notifyFailure: (reason: string) => resolve(`failed: ${reason}`) });
        }),
    );
    expect(saved).toBe('ok');
    expect(await page.evaluate(() => (globalThis as any).__teams.config)).toEqual({
      entityId: `doorman-queue-${queueId}`,
      contentUrl: `${t.doorman.url}/tab?queue=${queueId}`,
      websiteUrl: `${t.doorman.url}/tab?queue=${queueId}`,
      suggestedDisplayName: 'Requests: Tier 1',
    });
    await page.screenshot({ path: join(SCREENSHOTS, 'tab-config.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says plainly that single sign-on is not set up when it is not', async () => {
    const bare = await startTestDoorman();
    try {
      const { page, errors } = await open('/tab', { token: tokenFor('alex') }, bare.doorman.url);
      await page.getByText('Single sign-on is not set up').waitFor();
      expect(await page.locator('table').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'tab-not-configured.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await bare.stop();
    }
  });
});
