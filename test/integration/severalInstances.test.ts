import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { PostgresChangeFeed } from '../../src/adapters/storage/postgresChangeFeed';
import { FakeClock } from '../support/fakeClock';
import { PostgresServer, createDatabase, startPostgres } from '../support/postgresServer';
import { TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

// Two Doorman instances in this process on one PostgreSQL database, as two App Service instances would share it.
let server: PostgresServer;
let databases = 0;
let a: TestDoorman;
let b: TestDoorman;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  databases += 1;
  const name = `instances_${databases}`;
  await createDatabase(server.urlFor('postgres'), name);
  const clock = new FakeClock();
  const env = { DATABASE_URL: server.urlFor(name) };
  a = await startTestDoorman({ clock, env });
  b = await startTestDoorman({ clock, env });
  await a.message('alex', 'hi');
});

afterEach(async () => {
  await a?.stop();
  await b?.stop();
});

async function newLink(t: TestDoorman): Promise<{ code: string; requestId: string }> {
  const response = await t.invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false' });
  const text = (findById(response.body.value, 'inviteText') as { value: string }).value;
  const code = /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
  const [request] = await t.store.listRequests({ kind: 'session' });
  return { code, requestId: request.id };
}

async function arrive(t: TestDoorman, code: string): Promise<string> {
  const response = await fetch(`${t.doorman.url}/j/${code}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chris' }) });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** A live page: the states its server-sent events told, and a promise for the first event with `state`. */
function livePage(url: string, cookie: string) {
  const states: string[] = [];
  const waiters: { state: string; resolve: () => void }[] = [];
  const req = httpRequest(url, { headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let index;
      while ((index = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, index))?.[1];
        buffer = buffer.slice(index + 2);
        if (!data) continue;
        const state = (JSON.parse(data) as { state: string }).state;
        states.push(state);
        for (const waiter of waiters.filter((candidate) => candidate.state === state)) waiter.resolve();
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    states,
    told: (state: string) => (states.includes(state) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ state, resolve }))),
    close: () => req.destroy(),
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('live pages across instances (PostgreSQL LISTEN/NOTIFY)', () => {
  it('a page on instance A is told of a decision made on instance B as it commits, without reading the change feed', async () => {
    const { code } = await newLink(a);
    const cookie = await arrive(a, code);
    const feed = a.doorman.changeFeed as PostgresChangeFeed;
    feed.start();
    await until(() => feed.listening, 'the listening connection');
    // Pushed, not polled: from here on, A never reads the store's change list.
    const reads = jest.spyOn(a.store, 'changedSince');
    const page = livePage(`${a.doorman.url}/j/${code}/events`, cookie);
    try {
      await page.told('waiting');
      const started = process.hrtime.bigint();
      const consent = await fetch(`${b.doorman.url}/j/${code}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
      expect(consent.status).toBe(200);
      await page.told('ready');
      process.stdout.write(`instance B's decision reached instance A's live page in ${Number(process.hrtime.bigint() - started) / 1e6} ms (consent answered included)\n`);
      expect(page.states).toEqual(['waiting', 'ready']);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      page.close();
    }
  });

  it('one statement that writes 10,000 requests sends one notice, and A still tells every one of them (its live page too)', async () => {
    const { code, requestId } = await newLink(a);
    const cookie = await arrive(a, code);
    const feed = a.doorman.changeFeed as PostgresChangeFeed;
    feed.start();
    await until(() => feed.listening, 'the listening connection');
    const page = livePage(`${a.doorman.url}/j/${code}/events`, cookie);
    const sql = new Client({ connectionString: server.urlFor(`instances_${databases}`) });
    await sql.connect();
    const notices: string[] = [];
    sql.on('notification', (notice) => notices.push(notice.payload ?? ''));
    try {
      await page.told('waiting');
      await sql.query('LISTEN doorman_request_changes');
      // 9,999 more rows like the page's request (one INSERT statement), then one UPDATE of all 10,000: a sweep's shape.
      await sql.query(
        `INSERT INTO requests SELECT (jsonb_populate_record(r, jsonb_build_object('id', 'bulk-' || n, 'link_hash', NULL))).*
           FROM requests r, generate_series(1, 9999) n WHERE r.id = $1`,
        [requestId],
      );
      await until(() => notices.length === 1, 'the INSERT statement\'s notice');
      const told = new Set<string>();
      const publish = a.doorman.deps.changes.publish.bind(a.doorman.deps.changes);
      jest.spyOn(a.doorman.deps.changes, 'publish').mockImplementation((id) => {
        told.add(id);
        publish(id);
      });
      a.clock.advance(1000);
      const { rowCount } = await sql.query(
        `UPDATE requests SET state = 'expired', version = version + 1, updated_at = $2,
           data = jsonb_set(data, '{state}', '"expired"') WHERE id = $1 OR id LIKE 'bulk-%'`,
        [requestId, a.clock.now()],
      );
      expect(rowCount).toBe(10_000);

      await page.told('expired');
      await until(() => told.size === 10_000, 'every changed request told on A');
      expect(told.has(requestId)).toBe(true);
      expect(notices.slice(1)).toEqual([`* ${a.clock.now().getTime()}`]);
    } finally {
      page.close();
      await sql.end();
    }
  });

  it('after its listening connection was cut, A opens it again and reads what it missed while it was down', async () => {
    const { code } = await newLink(a);
    const cookie = await arrive(a, code);
    const feed = a.doorman.changeFeed as PostgresChangeFeed;
    feed.start();
    await until(() => feed.listening, 'the listening connection');
    const page = livePage(`${a.doorman.url}/j/${code}/events`, cookie);
    try {
      await page.told('waiting');
      const admin = new Client({ connectionString: server.urlFor(`instances_${databases}`) });
      await admin.connect();
      try {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doorman change feed'`);
      } finally {
        await admin.end();
      }
      await until(() => !feed.listening, 'the cut to be noticed');
      // Decided on B while nobody listens on A: the notice is lost, the store still has the change.
      a.clock.advance(1000);
      const consent = await fetch(`${b.doorman.url}/j/${code}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
      expect(consent.status).toBe(200);
      expect(page.states).toEqual(['waiting']);
      await feed.check();
      expect(feed.listening).toBe(true);
      await page.told('ready');
      expect(page.states).toEqual(['waiting', 'ready']);
    } finally {
      page.close();
    }
  });
});

describe('rate limits across instances (shared counters in PostgreSQL)', () => {
  it('a REST API key that spent its limit on instance A is refused on instance B too, with Retry-After', async () => {
    const key = await a.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [] });
    const get = (t: TestDoorman) => fetch(`${t.doorman.url}/api/v1/lockbox/no-such-request`, { headers: { Authorization: `Bearer ${key}` } });
    for (let i = 0; i < 60; i += 1) expect((await get(a)).status).toBe(404);
    for (let i = 0; i < 60; i += 1) expect((await get(b)).status).toBe(404);
    // 120 a minute in all: the 121st is refused wherever it lands.
    const refused = await get(b);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'RATE.LIMITED' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(a)).status).toBe(429);
    a.clock.advance(60_000);
    expect((await get(b)).status).toBe(404);
  });

  it('the portal counts one address\'s unknown codes on both instances together', async () => {
    const miss = (t: TestDoorman, i: number) => fetch(`${t.doorman.url}/j/unknown-code-${i}/state`);
    // 20 misses per address in 10 minutes, wherever they land.
    for (let i = 0; i < 20; i += 1) expect((await miss(i % 2 === 0 ? a : b, i)).status).toBe(404);
    expect((await miss(a, 99)).status).toBe(429);
    expect((await miss(b, 100)).status).toBe(429);
  });
});
