/**
 * Issue 11, "no GUID where a person reads" in Graph mode, end to end. The Graph-mode walk of
 * test/support/graphModeWalk.ts (people, mail addresses and roles from the Graph double, approvers through a nested
 * group, mail through sendMail, activity-feed notifications on) runs through Doorman's real HTTP server; then the
 * Requests tab is opened in headless Chromium for each person, every row's timeline is opened, and what the page
 * shows (its text, and the titles and labels a tooltip or a screen reader gives) is scanned for object ids, together
 * with every card, inline answer, activity-feed notification and mail of the walk.
 * (The Agents Playground has no Graph mode: its people come from the roles file, so the walk talks to Doorman's
 * endpoint as Teams would, through the Bot Connector double.)
 */
import type { Browser, Page } from 'playwright-core';
import { JwksDouble } from '../support/entraDouble';
import { GUID, GraphModeDoorman, guidsWhereRead, startGraphModeDoorman, walkEveryFlow } from '../support/graphModeWalk';
import { PEOPLE } from '../support/testDoorman';
import { launchChromium } from './support/playground';
import { teamsHostStub } from './support/teamsHost';

/** What a person sees of the page: its rendered text, and the titles, labels and placeholders of its elements. */
async function shownText(page: Page, selector: string): Promise<string> {
  const text = await page.locator(selector).innerText();
  const attributes = await page.locator(`${selector} [title], ${selector} [aria-label], ${selector} [alt], ${selector} [placeholder]`).evaluateAll((nodes) =>
    nodes.flatMap((node) => ['title', 'aria-label', 'alt', 'placeholder'].map((name) => node.getAttribute(name) ?? '').filter((value) => value !== '')),
  );
  return [text, ...attributes].join('\n');
}

describe('Graph mode end to end: the tab, cards, mails and notifications name people, never by object id', () => {
  let jwks: JwksDouble;
  let g: GraphModeDoorman;
  let browser: Browser;

  beforeAll(async () => {
    jwks = new JwksDouble();
    await jwks.start();
    g = await startGraphModeDoorman(jwks);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await g?.stop();
    await jwks?.stop();
  });

  async function openTab(who: keyof typeof PEOPLE): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Berlin', viewport: { width: 980, height: 640 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/tab-assets/MicrosoftTeams.min.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: teamsHostStub({ token: g.tabToken(who) }) }),
    );
    await page.goto(`${g.t.doorman.url}/tab`);
    return { page, errors };
  }

  it('after a walk through every kind of request, nothing a person reads holds an object id', async () => {
    await walkEveryFlow(g);
    const problems = guidsWhereRead(g);

    const seen: Record<string, number> = {};
    for (const who of ['alex', 'bea', 'carl', 'dana', 'eve'] as const) {
      const { page, errors } = await openTab(who);
      const rows = page.locator('table.requests tbody tr');
      await rows.first().waitFor();
      const count = await rows.count();
      seen[who] = count;
      const list = await shownText(page, 'body');
      if (GUID.test(list)) problems.push(`tab list of ${who}: ${GUID.exec(list)?.[0]}`);
      for (let index = 0; index < count; index += 1) {
        await rows.nth(index).click();
        const timeline = page.locator('#timeline');
        await timeline.locator('.event').first().waitFor();
        const shown = await shownText(page, '#timeline');
        if (GUID.test(shown)) problems.push(`tab timeline ${index} of ${who}: ${shown.split('\n').find((line) => GUID.test(line))}`);
        await page.getByRole('button', { name: '← Back to the list' }).click();
        await rows.first().waitFor();
      }
      expect(errors).toEqual([]);
      await page.context().close();
    }

    // Each person saw their requests (Alex as admin all six, Eve her own assistance request), all read through.
    expect(seen).toEqual({ alex: 6, bea: expect.any(Number), carl: expect.any(Number), dana: 3, eve: 1 });
    expect(problems).toEqual([]);
  });
});
