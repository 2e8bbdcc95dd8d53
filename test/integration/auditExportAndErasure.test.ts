import { AUDIT_EXPORT_COLUMNS } from '../../src/application/oversight/auditExport';
import { SessionRequest } from '../../src/domain/session';
import { anAuditEvent } from '../support/auditEvents';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { JwksDouble, signToken, signingKey } from '../support/entraDouble';
import { aSessionRequest } from '../support/sessionBuilder';
import { PEOPLE, QUEUE_CHANNEL, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const APP_ID_URI = `api://doorman.contoso.example/${CLIENT_ID}`;
const ENTRA_KEY = signingKey();

/** Reasons a spreadsheet would run as formulas (or that break a naive CSV), as people could have typed them. */
const HOSTILE_REASONS = ['=HYPERLINK("http://evil.example","click")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', 'line one\nline "two", three'];

describe('audit export and erasure through HTTP and chat', () => {
  let jwks: JwksDouble;
  let t: TestDoorman;
  let adminKey: string;
  let limitedKey: string;
  let session: SessionRequest;

  beforeAll(async () => {
    jwks = new JwksDouble(ENTRA_KEY);
    await jwks.start();
  });
  afterAll(() => jwks.stop());

  beforeEach(async () => {
    t = await startTestDoorman({ env: { TAB_SSO_CLIENT_ID: CLIENT_ID, TAB_SSO_APP_ID_URI: APP_ID_URI, ENTRA_JWKS_URL: jwks.url } });
    adminKey = await t.issueApiKey({ id: 'key-all', name: 'siem', onBehalfOf: ['*'] });
    limitedKey = await t.issueApiKey({ id: 'key-dana', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
    const now = t.clock.now();
    session = aSessionRequest({
      createdBy: PEOPLE.bea,
      recipient: { name: 'Chris Customer', email: 'chris@example.com' },
      comments: 'Chris says the VPN drops',
      createdAt: now,
      updatedAt: now,
    });
    await t.store.commit({
      request: session,
      expectedVersion: null,
      events: HOSTILE_REASONS.map((reason, index) => anAuditEvent({ ...session, updatedAt: new Date(now.getTime() + index * 1000) }, `note${index}`, 'open', { reason })),
      outbox: [],
      deadlines: [],
    });
  });
  afterEach(() => t.stop());

  const range = () => {
    const now = t.clock.now().getTime();
    return `from=${encodeURIComponent(new Date(now - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 3600_000).toISOString())}`;
  };

  async function get(path: string, auth: string | null) {
    const response = await fetch(`${t.doorman.url}${path}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, headers: response.headers, text, json: isJson ? JSON.parse(text) : null };
  }

  function tabToken(who: keyof typeof PEOPLE): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken(
      { aud: CLIENT_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: PEOPLE[who].name, oid: PEOPLE[who].aadObjectId, scp: 'access_as_user', tid: TENANT, ver: '2.0' },
      ENTRA_KEY.privateKey,
    );
  }

  /** Splits CSV text into rows of cells (RFC 4180 quoting), as a spreadsheet would read it. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index];
      if (quoted) {
        if (char === '"' && text[index + 1] === '"') (cell += '"'), (index += 1);
        else if (char === '"') quoted = false;
        else cell += char;
      } else if (char === '"') quoted = true;
      else if (char === ',') row.push(cell), (cell = '');
      else if (char === '\r' && text[index + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (index += 1);
      else cell += char;
    }
    return rows;
  }

  it('streams the events of a range as CSV: documented columns, formulas defused, every row intact', async () => {
    const answer = await get(`/api/v1/audit/events.csv?${range()}`, adminKey);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="doorman-audit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual([...AUDIT_EXPORT_COLUMNS]);
    const reasons = rows.map((row) => row[header.indexOf('reason')]);
    expect(reasons).toEqual([`'${HOSTILE_REASONS[0]}`, `'${HOSTILE_REASONS[1]}`, `'${HOSTILE_REASONS[2]}`, `'${HOSTILE_REASONS[3]}`, HOSTILE_REASONS[4]]);
    // No cell a spreadsheet would evaluate.
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(rows.map((row) => row[header.indexOf('action')])).toEqual(['note0', 'note1', 'note2', 'note3', 'note4']);
  });

  it('streams the same events as JSON lines, values as they are', async () => {
    const answer = await get(`/api/v1/audit/events.jsonl?${range()}`, adminKey);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = answer.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.reason)).toEqual(HOSTILE_REASONS);
    expect(Object.keys(lines[0])).toEqual([...AUDIT_EXPORT_COLUMNS]);
    expect(lines[0]).toMatchObject({ requestId: session.id, kind: 'session', action: 'note0', actorType: 'person', source: 'card' });
  });

  it('refuses keys limited to some people (403), a missing or backwards range (400), and no key (401)', async () => {
    expect(await get(`/api/v1/audit/events.csv?${range()}`, limitedKey)).toMatchObject({ status: 403, json: { error: { code: 'AUTH.NOT_PERMITTED' } } });
    expect((await get('/api/v1/audit/events.csv', adminKey)).status).toBe(400);
    expect((await get('/api/v1/audit/events.jsonl?from=2030-03-05T00:00:00Z&to=2030-03-04T00:00:00Z', adminKey)).json).toMatchObject({ error: { code: 'INPUT.INVALID' } });
    expect((await get(`/api/v1/audit/events.csv?${range()}`, null)).status).toBe(401);
  });

  it('lets admins download the export from the tab with their SSO token, nobody else', async () => {
    const alex = await get(`/tab/api/audit/events.csv?${range()}`, tabToken('alex'));
    expect(alex.status).toBe(200);
    expect(parseCsv(alex.text)).toHaveLength(1 + HOSTILE_REASONS.length);
    expect((await get(`/tab/api/audit/events.jsonl?${range()}`, tabToken('bea'))).json).toMatchObject({ error: { code: 'AUTH.NOT_PERMITTED' } });
  });

  it('erases a person through the REST API; the request then reads as erased, and the erasure is in its trail', async () => {
    expect((await fetchJson('POST', '/api/v1/erasures', { person: 'chris@example.com' }, limitedKey)).status).toBe(403);
    expect((await fetchJson('POST', '/api/v1/erasures', { person: '' }, adminKey)).json).toMatchObject({ error: { code: 'INPUT.INVALID' } });

    const erased = await fetchJson('POST', '/api/v1/erasures', { person: 'chris@example.com' }, adminKey);
    expect(erased).toMatchObject({ status: 200, json: { erasedRequests: 1, pseudonym: expect.stringMatching(/^Person [0-9A-F]{6}$/) } });

    const read = await get(`/api/v1/requests/${session.id}`, adminKey);
    expect(read.json).toMatchObject({ erased: true });
    expect(read.text).not.toMatch(/Chris|VPN|Bea Agent/);
    expect(read.json.events.at(-1)).toMatchObject({ action: 'erase', actor: 'service:key:key-all', source: 'api' });
    expect(read.json.events.slice(0, HOSTILE_REASONS.length).map((event: { reason: string }) => event.reason)).toEqual(HOSTILE_REASONS.map(() => '(erased)'));
  });

  it('`erase` in chat asks with a Confirm / Cancel card; Confirm twice erases once; non-admins are refused', async () => {
    await t.message('bea', 'erase chris@example.com');
    expect(findById(lastCardOf('bea'), 'notPermitted')).toBeTruthy();
    // In a channel the card would show the person to everyone there.
    await t.message('alex', '<at>Doorman</at> erase chris@example.com', 'channel');
    const inChannel = t.connector.postsIn(QUEUE_CHANNEL);
    expect(findById(BotConnectorDouble.cardOf(inChannel[inChannel.length - 1]), 'erasePersonalOnly')).toBeTruthy();

    await t.message('alex', 'erase chris@example.com');
    const card = lastCardOf('alex');
    expect(findById(card, 'erasureFacts')).toBeTruthy();
    const confirm = findById(card, 'confirm') as unknown as { verb: string; data: { requestId: string; version: number } };
    expect(confirm.verb).toBe('erasure.confirm');
    expect(Object.keys(confirm.data).sort()).toEqual(['requestId', 'version']);
    expect(((await t.store.getRequest(session.id)) as SessionRequest).recipient.email).toBe('chris@example.com');

    const first = await t.invoke('alex', 'erasure.confirm', confirm.data);
    const second = await t.invoke('alex', 'erasure.confirm', confirm.data);
    expect(first.body.statusCode).toBe(200);
    expect(second.body.statusCode).toBe(200);
    expect(String((findById(second.body.value, 'erasureText') as unknown as { text: string }).text)).toMatch(/^Erased: 1 request reads as \*\*Person [0-9A-F]{6}\*\* now\.$/);
    expect((await t.store.eventsOf(session.id)).filter((event) => event.action === 'erase')).toHaveLength(1);
    expect(((await t.store.getRequest(session.id)) as SessionRequest).recipient.email).toBeNull();
  });

  async function fetchJson(method: string, path: string, body: unknown, auth: string) {
    const response = await fetch(`${t.doorman.url}${path}`, { method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}` }, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  }

  function lastCardOf(who: keyof typeof PEOPLE): unknown {
    const posts = t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`);
    return BotConnectorDouble.cardOf(posts[posts.length - 1]);
  }
});
