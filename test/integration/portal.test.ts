import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { SessionRequest } from '../../src/domain/session';
import { TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

async function newLink(t: TestDoorman, inputs: Record<string, unknown> = {}): Promise<{ code: string; requestId: string }> {
  const response = await t.invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false', ...inputs });
  const text = (findById(response.body.value, 'inviteText') as { value: string }).value;
  const code = /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
  const [request] = await t.store.listRequests({ kind: 'session' });
  return { code, requestId: request.id };
}

async function raw(url: string, method: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, body, headers: { 'Content-Type': 'application/json', ...headers } });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text, headers: response.headers };
}

/** Reads server-sent events until `until` says stop; returns the events seen. */
function readEvents(url: string, cookie: string, until: (events: { event: string; data: string }[], comments: number) => boolean): Promise<{ events: { event: string; data: string }[]; comments: number }> {
  return new Promise((resolve, reject) => {
    const events: { event: string; data: string }[] = [];
    let comments = 0;
    let buffer = '';
    const req = httpRequest(url, { headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let index;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          if (block.startsWith(':')) comments += 1;
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data });
          if (until(events, comments)) {
            req.destroy();
            resolve({ events, comments });
          }
        }
      });
    });
    req.on('error', (error) => (events.length > 0 ? resolve({ events, comments }) : reject(error)));
    req.end();
  });
}

describe('the customer portal over HTTP', () => {
  let t: TestDoorman;

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', 'hi');
  });
  afterEach(() => t.stop());

  it('GET changes nothing, however often a scanner fetches the link', async () => {
    const { code, requestId } = await newLink(t);
    for (let i = 0; i < 3; i += 1) {
      expect((await fetch(`${t.doorman.url}/j/${code}`)).status).toBe(200);
      expect((await fetch(`${t.doorman.url}/j/${code}/state`)).status).toBe(200);
    }
    expect((await t.store.getRequest(requestId))?.version).toBe(1);
  });

  it('prefills the name the agent typed while the link is open and unbound, never once a browser is bound', async () => {
    const { code } = await newLink(t, { recipientName: 'Chris Customer' });
    const state = await raw(`${t.doorman.url}/j/${code}/state`, 'GET', undefined as unknown as string);
    expect(state.json).toMatchObject({ state: 'open', suggestedName: 'Chris Customer', name: null });
    // The page carries the same state for its first render, so the field is filled before any fetch.
    const page = await (await fetch(`${t.doorman.url}/j/${code}`)).text();
    expect(page).toContain('"suggestedName":"Chris Customer"');

    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris C.' }));
    expect(arrive.json).toMatchObject({ state: 'waiting', name: 'Chris C.', suggestedName: null });
    const other = await raw(`${t.doorman.url}/j/${code}/state`, 'GET', undefined as unknown as string);
    expect(other.json).toMatchObject({ inUse: true, suggestedName: null, name: null });
    expect(JSON.stringify(other.json)).not.toContain('Chris Customer');
    const otherPage = await (await fetch(`${t.doorman.url}/j/${code}`)).text();
    expect(otherPage).not.toContain('Chris Customer');
  });

  it('answers unknown and malformed codes with 404 and a code, never a stack trace', async () => {
    for (const code of ['x', 'A'.repeat(32), '%3Cscript%3E', '..%2F..%2Fetc%2Fpasswd']) {
      const response = await raw(`${t.doorman.url}/j/${code}/state`, 'GET', undefined as unknown as string);
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ error: { code: 'REQUEST.NOT_FOUND', message: 'REQUEST.NOT_FOUND' } });
    }
    const page = await fetch(`${t.doorman.url}/j/${'B'.repeat(32)}`);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses garbage and oversized bodies with 4xx and an error code', async () => {
    const { code } = await newLink(t);
    const base = `${t.doorman.url}/j/${code}`;
    expect((await raw(`${base}/arrive`, 'POST', '{not json')).json.error.code).toBe('INPUT.INVALID');
    expect((await raw(`${base}/arrive`, 'POST', '[1,2]')).status).toBe(400);
    expect((await raw(`${base}/arrive`, 'POST', JSON.stringify({ name: '' }))).status).toBe(400);
    expect((await raw(`${base}/arrive`, 'POST', JSON.stringify({ name: 'x'.repeat(81) }))).status).toBe(400);
    expect((await raw(`${base}/arrive`, 'POST', JSON.stringify({ name: 42 }))).status).toBe(400);
    const big = await raw(`${base}/arrive`, 'POST', JSON.stringify({ name: 'x'.repeat(10_000) }));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('INPUT.INVALID');
    expect((await raw(`${base}/consent`, 'POST', JSON.stringify({ allow: 'yes' }))).status).toBeGreaterThanOrEqual(400);
  });

  it('escapes customer names on the page and the room, and the card shows them as text', async () => {
    const { code } = await newLink(t);
    const evil = '<img src=x onerror=alert(1)>**bold**';
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: evil }));
    expect(arrive.status).toBe(200);
    const page = await (await fetch(`${t.doorman.url}/j/${code}`)).text();
    expect(page).not.toContain('<img src=x');
    await t.deliver();
    const updates = t.connector.callsOf('update').map((call) => JSON.stringify(call.body));
    expect(updates.some((text) => text.includes('\\\\*\\\\*bold\\\\*\\\\*'))).toBe(true);
  });

  it('cleans the name at intake, and the cards show it with nothing hidden and no link (issue 8, finding 11)', async () => {
    const { code, requestId } = await newLink(t);
    const blank = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: '\u200b\u2060\ufeff\u202e' }));
    expect(blank.json.error).toMatchObject({ code: 'INPUT.INVALID', fields: [{ field: 'name', problem: 'required' }] });
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris\u200b\u202e  https://evil.example.com' }));
    expect(arrive.status).toBe(200);
    expect(arrive.json.name).toBe('Chris https://evil.example.com');
    expect(await t.store.getRequest(requestId)).toMatchObject({ customerName: 'Chris https://evil.example.com' });
    await t.deliver();
    const updates = t.connector.callsOf('update').map((call) => JSON.stringify(call.body));
    expect(updates.some((text) => text.includes('Chris hxxps\\\\[://\\\\]evil.example\\\\[.\\\\]com'))).toBe(true);
    expect(updates.join('')).not.toContain('https://evil');
  });

  it('streams the state live with server-sent events', async () => {
    const { code } = await newLink(t);
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }));
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    expect(arrive.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    let consented: Promise<unknown> | null = null;
    const { events } = await readEvents(`${t.doorman.url}/j/${code}/events`, cookie, (received) => {
      // Consent only once the stream has delivered its first state, so the change must arrive as a live event.
      if (received.length === 1 && consented === null) {
        consented = raw(`${t.doorman.url}/j/${code}/consent`, 'POST', JSON.stringify({ allow: true }), { Cookie: cookie });
      }
      return received.some((event) => JSON.parse(event.data).state === 'ready');
    });
    await consented;
    expect(events.map((event) => JSON.parse(event.data).state)).toEqual(['waiting', 'ready']);
    expect(JSON.parse(events[0].data)).toMatchObject({ boundToYou: true, name: 'Chris' });
  });

  it('holds idle live pages without a timer of their own per page', async () => {
    const { code } = await newLink(t);
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }));
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    const pages: { stop(): void }[] = [];
    for (let i = 0; i < 10; i += 1) {
      pages.push(
        await new Promise((resolve, reject) => {
          const req = httpRequest(`${t.doorman.url}/j/${code}/events`, { headers: { Cookie: cookie } }, (res) => res.once('data', () => resolve({ stop: () => req.destroy() })));
          req.on('error', reject);
          req.end();
        }),
      );
    }
    const opened = timers();
    for (const page of pages) page.stop();
    // Before: each page had a 2 s store re-read and a heartbeat of its own (20 timers for 10 pages).
    expect(opened - before).toBeLessThanOrEqual(2);
  });

  it('tells a live page of a change another instance committed through the change feed, reading its request only then', async () => {
    const { code, requestId } = await newLink(t);
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }));
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    // The feed has told of the arrival (nobody listened yet); from here on it only tells of new changes.
    await t.doorman.changeFeed.tick();
    const reads = jest.spyOn(t.store, 'getRequest');
    const otherInstance = openSqliteRequestStore(join(t.dir, 'doorman.db'));
    try {
      let ticked: Promise<unknown> | null = null;
      const { events } = await readEvents(`${t.doorman.url}/j/${code}/events`, cookie, (received) => {
        if (received.length === 1 && ticked === null) {
          ticked = (async () => {
            // Idle ticks: nothing changed, so no page reads its request.
            const readsBefore = reads.mock.calls.length;
            await t.doorman.changeFeed.tick();
            await t.doorman.changeFeed.tick();
            const readsWhileIdle = reads.mock.calls.length - readsBefore;
            const waiting = (await otherInstance.getRequest(requestId)) as SessionRequest;
            t.clock.advance(1000);
            const ready = { ...waiting, state: 'ready' as const, version: waiting.version + 1, updatedAt: t.clock.now() };
            await otherInstance.commit({ request: ready, expectedVersion: waiting.version, events: [], outbox: [], deadlines: [] });
            expect(readsWhileIdle).toBe(0);
            await t.doorman.changeFeed.tick();
          })();
        }
        return received.some((event) => JSON.parse(event.data).state === 'ready');
      });
      await ticked;
      expect(events.map((event) => JSON.parse(event.data).state)).toEqual(['waiting', 'ready']);
    } finally {
      await otherInstance.close();
    }
  });

  it('a refusal closes the request with the reason recorded', async () => {
    const { code, requestId } = await newLink(t);
    const arrive = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }));
    const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
    const refused = await raw(`${t.doorman.url}/j/${code}/consent`, 'POST', JSON.stringify({ allow: false }), { Cookie: cookie });
    expect(refused.json).toMatchObject({ state: 'closed', closedReason: 'refused' });
    expect((await t.store.eventsOf(requestId)).map((event) => event.action)).toEqual(['create', 'arrive', 'refuse']);
  });

  it('before the scheduled start the page says when it starts and arrival waits', async () => {
    const start = new Date(t.clock.now().getTime() + 2 * 3600_000);
    const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(start);
    const [date, time] = berlin.split(' ');
    const { code } = await newLink(t, { scheduledFor: date, scheduledForTime: time });
    const state = await raw(`${t.doorman.url}/j/${code}/state`, 'GET', undefined as unknown as string);
    expect(state.json).toMatchObject({ state: 'open', startsLater: true, scheduledFor: start.toISOString().replace(/:\d\d\.\d+Z$/, ':00.000Z') });
    const early = await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }));
    expect(early.json.error.code).toBe('LINK.NOT_YET');
    t.clock.advance(2 * 3600_000);
    expect((await raw(`${t.doorman.url}/j/${code}/arrive`, 'POST', JSON.stringify({ name: 'Chris' }))).json.state).toBe('waiting');
  });

  it('rate limits a client that guesses codes', async () => {
    let last = 0;
    for (let i = 0; i < 25; i += 1) {
      last = (await fetch(`${t.doorman.url}/j/${'C'.repeat(30)}${String(i).padStart(2, '0')}/state`)).status;
    }
    expect(last).toBe(429);
    t.clock.advance(11 * 60_000);
    expect((await fetch(`${t.doorman.url}/j/${'C'.repeat(32)}/state`)).status).toBe(404);
  });

  it('serves the portal assets with a CSP and no framing', async () => {
    const response = await fetch(`${t.doorman.url}/portal-assets/portal.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${t.doorman.url}/portal-assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('health, readiness and metrics answer', async () => {
    expect((await fetch(`${t.doorman.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.doorman.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.doorman.url}/metrics`)).text();
    expect(metrics).toContain('doorman_outbox_pending');
    expect(metrics).not.toMatch(/\/j\/[A-Za-z0-9_-]{20,}/);
  });
});
