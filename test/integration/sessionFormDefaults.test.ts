import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SessionRequest } from '../../src/domain/session';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { allNodes, findById } from '../support/validateCard';

const HOUR = 3600_000;

/** Issue 9, smaller things: the form's defaults are what a new user expects. */
describe("the new session form's defaults", () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
  });
  afterEach(() => t.stop());

  /** Opens the form in Alex's chat and returns what Teams would submit if nothing is touched but the name. */
  async function untouchedForm(): Promise<Record<string, string>> {
    await t.message('alex', 'new session');
    const posts = t.connector.postsIn(`a:personal-${PEOPLE.alex.aadObjectId}`);
    const form = BotConnectorDouble.cardOf(posts[posts.length - 1]);
    expect(findById(form, 'recipientName')).toBeTruthy();
    // Teams submits every input's current value; an input without a value is sent as an empty string.
    const inputs = allNodes(form).filter((node) => typeof node.type === 'string' && String(node.type).startsWith('Input.'));
    return Object.fromEntries(inputs.map((input) => [String(input.id), input.value === undefined ? '' : String(input.value)]));
  }

  async function createdFrom(inputs: Record<string, string>): Promise<SessionRequest> {
    const response = await t.invoke('alex', 'session.create', inputs);
    expect(response.body.statusCode).toBe(200);
    expect(findById(response.body.value, 'inviteText')).toBeTruthy();
    return ((await t.store.listRequests({ kind: 'session' })) as SessionRequest[])[0];
  }

  it('an untouched expiry counts 24 h from Create, not from when the form was opened', async () => {
    const inputs = await untouchedForm();
    t.clock.advance(2 * HOUR);
    const sentAt = t.clock.now();
    const request = await createdFrom({ ...inputs, recipientName: 'Chris Customer' });
    expect(request.expiresAt).toEqual(new Date(sentAt.getTime() + 24 * HOUR));
  });

  it('an expiry the agent chose is kept', async () => {
    const inputs = await untouchedForm();
    t.clock.advance(2 * HOUR);
    const request = await createdFrom({ ...inputs, recipientName: 'Chris Customer', expiresAt: '2030-03-06', expiresAtTime: '18:30' });
    // The test clock starts on 2030-03-04; the form reads times in Europe/Berlin (UTC+1 in early March).
    expect(request.expiresAt).toEqual(new Date('2030-03-06T17:30:00.000Z'));
  });

  it("leaves the language to the customer's browser unless the agent picks one; the mail is then in English", async () => {
    await t.message('alex', 'hi');
    const inputs = await untouchedForm();
    expect(inputs.emailLanguage).toBe('auto');
    const request = await createdFrom({ ...inputs, recipientName: 'Chris Customer', recipientEmail: 'chris@example.com', sendEmail: 'true' });
    expect(request.language).toBeNull();

    await t.deliver();
    const mails = readdirSync(join(t.dir, 'mail'));
    expect(mails).toHaveLength(1);
    expect(readFileSync(join(t.dir, 'mail', mails[0]), 'utf8')).toMatch(/Content-Language: en/);

    const invitation = await t.invoke('alex', 'session.create', { ...inputs, recipientName: 'Dora Kunde', emailLanguage: 'de' });
    expect(invitation.body.statusCode).toBe(200);
    const sessions = (await t.store.listRequests({ kind: 'session' })) as SessionRequest[];
    expect(sessions.find((session) => session.recipient.name === 'Dora Kunde')?.language).toBe('de');
  });

  it("the portal follows the customer's Accept-Language when the request has no language", async () => {
    const inputs = await untouchedForm();
    const response = await t.invoke('alex', 'session.create', { ...inputs, recipientName: 'Chris Customer' });
    const inviteText = String(findById(response.body.value, 'inviteText')?.value);
    const path = /\/j\/[A-Za-z0-9_-]+/.exec(inviteText)?.[0];
    const page = await fetch(`${t.doorman.url}${path}`, { headers: { 'Accept-Language': 'nl-BE,nl;q=0.9,en;q=0.5' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html lang="nl"');
  });
});
