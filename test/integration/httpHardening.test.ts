import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById } from '../support/validateCard';

/** Writes raw bytes to the server and returns everything it answers before closing (or a short idle). */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      // One answer is enough: stop once its body (Content-Length) is complete.
      const [head, body = ''] = answer.split('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      if (!Number.isNaN(length) && Buffer.byteLength(body) >= length) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(3000, () => socket.destroy());
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

function jsonBodyOf(answer: string): any {
  const [head, ...rest] = answer.split('\r\n\r\n');
  let body = rest.join('\r\n\r\n');
  if (/transfer-encoding: chunked/i.test(head)) {
    let decoded = '';
    for (let size = parseInt(body, 16); size > 0; size = parseInt(body, 16)) {
      const start = body.indexOf('\r\n') + 2;
      decoded += body.slice(start, start + size);
      body = body.slice(start + size + 2);
    }
    body = decoded;
  }
  return JSON.parse(body);
}

async function send(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** A GET from a chosen loopback address (Linux routes all of 127/8 to lo): one client among many. */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function newLink(t: TestDoorman): Promise<string> {
  const response = await t.invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false' });
  const text = (findById(response.body.value, 'inviteText') as { value: string }).value;
  return /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
}

const BAD_REQUEST_LINES = [
  'GET http://[::1/healthz HTTP/1.1',
  'GET http://[::1/j/SECRETLINKCODE123/state HTTP/1.1',
  'POST http://[::1/api/messages HTTP/1.1',
  'GET http://a b/ HTTP/1.1',
  'GET /healthz HTTP/9.9',
  'BREW /healthz HTTP/1.1',
  'GET \u0000/healthz HTTP/1.1',
];

describe('Doorman survives any request line (finding 1)', () => {
  let t: TestDoorman;
  beforeAll(async () => {
    t = await startTestDoorman();
  });
  afterAll(() => t.stop());

  it.each(BAD_REQUEST_LINES)('answers %j with a 4xx carrying a code, and keeps serving', async (line) => {
    const answer = await rawExchange(t.doorman.url, `${line}\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`);
    expect(statusOf(answer)).toBeGreaterThanOrEqual(400);
    expect(statusOf(answer)).toBeLessThan(500);
    expect(jsonBodyOf(answer)).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
    expect(answer).toMatch(/x-content-type-options: nosniff/i);
    const health = await send(`${t.doorman.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('never writes the raw target into the logs', () => {
    expect(t.logs.join('\n')).not.toContain('SECRETLINKCODE123');
  });
});

describe('the bot endpoint in local mode (findings 5, 6, 7)', () => {
  let t: TestDoorman;
  let temp: string;
  const previousTmp = process.env.TMPDIR;
  const messagesUrl = () => `${t.doorman.url}/api/messages`;
  const activity = (overrides: Record<string, unknown> = {}) => ({
    type: 'message',
    id: 'm-1',
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: '29:someone', aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' },
    recipient: { id: '28:doorman' },
    conversation: { id: 'a:personal-x', conversationType: 'personal', tenantId: 'tenant-test' },
    channelData: { tenant: { id: 'tenant-test' } },
    text: 'help',
    ...overrides,
  });
  const postJson = (body: unknown, headers: Record<string, string> = {}) =>
    send(messagesUrl(), { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });

  beforeAll(async () => {
    // Body parsers that spill to disk use os.tmpdir(): point it at an empty folder to see whether anything lands.
    temp = mkdtempSync(join(tmpdir(), 'doorman-tmp-watch-'));
    process.env.TMPDIR = temp;
    t = await startTestDoorman();
  });
  afterAll(async () => {
    await t.stop();
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    rmSync(temp, { recursive: true, force: true });
  });

  it('refuses multipart and other non-JSON bodies with 415 and writes nothing to the temp folder', async () => {
    const boundary = '----doormanfuzz';
    const file = 'x'.repeat(3 * 1024 * 1024);
    const multipart =
      `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n${file}\r\n--${boundary}--\r\n`;
    const answers = [
      await send(messagesUrl(), { method: 'POST', body: multipart, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } }),
      await send(messagesUrl(), { method: 'POST', body: 'type,text\nmessage,hi\n', headers: { 'Content-Type': 'text/csv' } }),
      await send(messagesUrl(), { method: 'POST', body: 'type=message&text=hi', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      await send(messagesUrl(), { method: 'POST', body: JSON.stringify(activity()), headers: { 'Content-Type': 'text/plain' } }),
    ];
    for (const answer of answers) {
      expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 415, code: 'INPUT.INVALID' });
    }
    const left = readdirSync(temp).filter((name) => join(temp, name) !== t.dir);
    expect(left).toEqual([]);
  });

  it('refuses a JSON body over 1 MB with 413', async () => {
    const answer = await postJson(activity({ text: 'a'.repeat(1024 * 1024 + 10) }));
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 413, code: 'INPUT.INVALID' });
  });

  it('refuses a cross-site page (Origin not loopback) and accepts the Playground (loopback or no Origin)', async () => {
    const evil = await postJson(activity(), { Origin: 'https://evil.example' });
    expect({ status: evil.status, code: evil.json?.error?.code }).toEqual({ status: 403, code: 'AUTH.NOT_PERMITTED' });
    const nullOrigin = await postJson(activity(), { Origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect((await postJson(activity(), { Origin: 'http://localhost:56150' })).status).toBe(200);
    expect((await postJson(activity())).status).toBe(200);
  });

  it('accepts only a loopback serviceUrl, so replies never leave the machine', async () => {
    for (const serviceUrl of [undefined, 'https://smba.trafficmanager.net/emea/', 'http://127.0.0.1.evil.example/', 'http://10.0.0.1:3978/', 'not a url']) {
      const answer = await postJson(activity({ serviceUrl }));
      expect({ serviceUrl, status: answer.status, code: answer.json?.error?.code }).toEqual({ serviceUrl, status: 400, code: 'INPUT.INVALID' });
    }
  });

  it.each([
    ['an empty object', () => ({})],
    ['an array', () => [1, 2]],
    ['a type that is a number', () => activity({ type: 5 })],
    ['no conversation', () => activity({ conversation: undefined })],
    ['from without id', () => activity({ from: {} })],
    ['a timestamp that is not a time', () => activity({ timestamp: 'yesterday-ish' })],
    ['text that is an object', () => activity({ text: { toString: 'x' } })],
    ['only prototype keys', () => JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}')],
    ['a prototype key beside a valid activity', () => JSON.parse(`{"__proto__":{"value":{"x":1}},${JSON.stringify(activity()).slice(1)}`)],
    ['a constructor key in the card data', () => activity({ type: 'invoke', name: 'adaptiveCard/action', value: JSON.parse('{"action":{"data":{"constructor":{"prototype":{"x":1}}}}}') })],
    ['nesting deeper than any card', () => activity({ value: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) })],
  ])('answers %s with 400 INPUT.INVALID, never 5xx', async (_what, body) => {
    const answer = await postJson(body());
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 400, code: 'INPUT.INVALID' });
    expect(answer.text).not.toMatch(/Error|at .*\.js|req\.body|middleware/);
  });

  it('answers an invoke nobody handles with 400, not 501', async () => {
    const answer = await postJson(activity({ type: 'invoke', name: 'no/such/invoke', value: { x: 1 } }));
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 400, code: 'INPUT.INVALID' });
  });

  it('answers JSON that is not JSON with 400', async () => {
    const answer = await send(messagesUrl(), { method: 'POST', body: '{"type":"message",', headers: { 'Content-Type': 'application/json' } });
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 400, code: 'INPUT.INVALID' });
  });
});

describe('the bot endpoint in production mode (finding 7)', () => {
  let t: TestDoorman;
  const BOT_ID = '5a0f7e52-2f0c-4d8e-9a61-3f1b2c4d5e6f';
  const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
  const messagesUrl = () => `${t.doorman.url}/api/messages`;

  beforeAll(async () => {
    t = await startTestDoorman({
      env: {
        BOT_ID,
        BOT_PASSWORD: 'not-a-real-password',
        BOT_TENANT_ID: 'tenant-test',
        MEETINGS: 'local',
        MAIL: 'local',
        ACCESS: 'local',
        PUBLIC_BASE_URL: 'https://doorman.contoso.example',
        METRICS_TOKEN,
      },
    });
  });
  afterAll(() => t.stop());

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const claims = { aud: BOT_ID, iss: 'https://api.botframework.com', serviceurl: 'https://smba.trafficmanager.net/emea/', nbf: now - 60, exp: now + 3600 };
  const signed = (header: Record<string, unknown>, payload: Record<string, unknown>) => {
    const head = b64(header);
    const body = b64(payload);
    return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  };
  const activity = {
    type: 'message',
    id: 'm-1',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    from: { id: '29:x' },
    recipient: { id: `28:${BOT_ID}` },
    conversation: { id: 'a:x' },
    text: 'help',
  };

  it.each([
    ['no Authorization header', undefined],
    ['a bare Bearer', 'Bearer'],
    ['Bearer garbage', 'Bearer abc'],
    ['three empty parts', 'Bearer ..'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['alg none', `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['a token for another bot', `Bearer ${signed({ alg: 'RS256', kid: 'k1' }, { ...claims, aud: 'someone-else' })}`],
    ['a token signed by an unknown key', `Bearer ${signed({ alg: 'RS256', kid: 'k1', typ: 'JWT' }, claims)}`],
    ['an expired token', `Bearer ${signed({ alg: 'RS256', kid: 'k1' }, { ...claims, exp: now - 7200 })}`],
    ['an HMAC token', `Bearer ${b64({ alg: 'HS256' })}.${b64(claims)}.c2ln`],
  ])('refuses %s with 401 AUTH.NOT_PERMITTED (network sealed)', async (_what, authorization) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (authorization !== undefined) headers.Authorization = authorization;
    const answer = await send(messagesUrl(), { method: 'POST', body: JSON.stringify(activity), headers });
    expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 401, code: 'AUTH.NOT_PERMITTED' });
  });

  it('answers {} and a text/csv body before authentication with 4xx, never 500', async () => {
    const empty = await send(messagesUrl(), { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(empty.status).toBe(401);
    expect(empty.json?.error?.code).toBe('AUTH.NOT_PERMITTED');
    const csv = await send(messagesUrl(), { method: 'POST', body: 'a,b\n1,2\n', headers: { 'Content-Type': 'text/csv' } });
    expect({ status: csv.status, code: csv.json?.error?.code }).toEqual({ status: 415, code: 'INPUT.INVALID' });
  });

  it('sends HSTS and nosniff on every answer over https, errors included (finding 12)', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/requests', '/no/such/path', '/api/messages']) {
      const answer = await send(`${t.doorman.url}${path}`);
      expect({ path, hsts: answer.headers.get('strict-transport-security'), nosniff: answer.headers.get('x-content-type-options') }).toEqual({
        path,
        hsts: 'max-age=31536000; includeSubDomains',
        nosniff: 'nosniff',
      });
    }
  });

  it('serves /metrics only with the METRICS_TOKEN (finding 8)', async () => {
    const anonymous = await send(`${t.doorman.url}/metrics`);
    expect({ status: anonymous.status, code: anonymous.json?.error?.code }).toEqual({ status: 401, code: 'AUTH.NOT_PERMITTED' });
    const wrong = await send(`${t.doorman.url}/metrics`, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const scraped = await send(`${t.doorman.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('doorman_outbox_pending');
  });

  it('answers 404 and 405 with codes', async () => {
    const missing = await send(`${t.doorman.url}/nothing-here`);
    expect({ status: missing.status, code: missing.json?.error?.code }).toEqual({ status: 404, code: 'REQUEST.NOT_FOUND' });
    const wrongMethod = await send(`${t.doorman.url}/healthz`, { method: 'DELETE' });
    expect({ status: wrongMethod.status, code: wrongMethod.json?.error?.code }).toEqual({ status: 405, code: 'INPUT.INVALID' });
  });
});

describe('production mode without METRICS_TOKEN', () => {
  it('refuses /metrics with 404', async () => {
    const t = await startTestDoorman({
      env: { BOT_ID: 'bot-1', BOT_PASSWORD: 'pw', BOT_TENANT_ID: 'tenant-test', MEETINGS: 'local', MAIL: 'local', ACCESS: 'local', PUBLIC_BASE_URL: 'http://doorman.internal' },
    });
    try {
      const answer = await send(`${t.doorman.url}/metrics`);
      expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status: 404, code: 'REQUEST.NOT_FOUND' });
      expect(answer.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await t.stop();
    }
  });
});

describe('metrics, headers and the portal in local mode (findings 8, 12, 13, cookies)', () => {
  let t: TestDoorman;
  beforeEach(async () => {
    t = await startTestDoorman();
    await t.message('alex', 'hi');
  });
  afterEach(() => t.stop());

  it('labels only known routes: random paths do not grow /metrics', async () => {
    const httpLines = (text: string) => text.split('\n').filter((line) => line.startsWith('doorman_http_request')).length;
    for (let i = 0; i < 5; i++) await send(`${t.doorman.url}/random-${i}/x`);
    await send(`${t.doorman.url}/healthz`);
    await send(`${t.doorman.url}/metrics`);
    const before = httpLines((await send(`${t.doorman.url}/metrics`)).text);
    for (let i = 0; i < 300; i++) await send(`${t.doorman.url}/random-${i}-${'z'.repeat(i % 7)}/${i}`);
    const text = (await send(`${t.doorman.url}/metrics`)).text;
    expect(httpLines(text)).toBe(before);
    expect(text).not.toContain('random-');
    expect(text).toMatch(/doorman_http_request_duration_seconds_count\{route="other",method="GET",status="404"\} \d+/);
    expect(text).toMatch(/doorman_http_request_duration_seconds_count\{route="\/healthz",method="GET",status="200"\} 1/);
    for (const name of ['doorman_outbox_pending', 'doorman_outbox_oldest_pending_seconds', 'doorman_uptime_seconds', 'doorman_process_resident_memory_bytes']) {
      expect(text).toContain(name);
    }
  });

  it('reports deliveries given up by type from the store', async () => {
    const text = (await send(`${t.doorman.url}/metrics`)).text;
    expect(text).toContain('# TYPE doorman_outbox_failed gauge');
  });

  it('sends nosniff on health, metrics, REST and unknown paths; no HSTS over http', async () => {
    for (const path of ['/healthz', '/metrics', '/api/v1/requests', '/nope']) {
      const answer = await send(`${t.doorman.url}${path}`);
      expect({ path, nosniff: answer.headers.get('x-content-type-options'), hsts: answer.headers.get('strict-transport-security') }).toEqual({
        path,
        nosniff: 'nosniff',
        hsts: null,
      });
    }
  });

  it('answers a malformed escape in the binding cookie with 400, never 500', async () => {
    const code = await newLink(t);
    const name = `doorman-${t.doorman.deps.secrets.hash(code).slice(0, 16)}`;
    for (const path of [`/j/${code}/state`, `/j/${code}`]) {
      const answer = await send(`${t.doorman.url}${path}`, { headers: { Cookie: `other=1; ${name}=%E0%A4%A` } });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
    }
    const state = await send(`${t.doorman.url}/j/${code}/state`, { headers: { Cookie: `${name}=%E0%A4%A` } });
    expect(state.json?.error?.code).toBe('INPUT.INVALID');
    // Someone else's broken cookie on the same host does not matter.
    const fine = await send(`${t.doorman.url}/j/${code}/state`, { headers: { Cookie: 'other=%E0%A4%A' } });
    expect(fine.status).toBe(200);
  });

  it('notices guessing spread over many addresses: past the global budget unknown codes get 429, real links still work', async () => {
    const statuses: number[] = [];
    for (let address = 2; address <= 11; address++) {
      for (let guess = 0; guess < 20; guess++) {
        const answer = await getFrom(`127.0.0.${address}`, `${t.doorman.url}/j/guess-${address}-${guess}-AAAAAAAAAAAAAAAAAAAAAAAA/state`);
        statuses.push(answer.status);
      }
    }
    expect(statuses.filter((status) => status === 404).length).toBe(100);
    expect(statuses.filter((status) => status === 429).length).toBe(100);
    const code = await newLink(t);
    const real = await getFrom('127.0.0.12', `${t.doorman.url}/j/${code}/state`);
    expect(real.status).toBe(200);
    const metrics = (await send(`${t.doorman.url}/metrics`)).text;
    expect(metrics).toMatch(/doorman_portal_guess_budget_exceeded_total 100/);
    expect(metrics).toMatch(/doorman_portal_unknown_codes_in_window 200/);
    const warnings = t.logs.filter((line) => line.includes('"level":40') && line.includes('link guessing'));
    expect(warnings).toHaveLength(1);
    // A new window starts with a fresh budget.
    t.clock.advance(10 * 60_000);
    expect((await getFrom('127.0.0.13', `${t.doorman.url}/j/another-guess-AAAAAAAAAAAAAAAAAAAAAA/state`)).status).toBe(404);
  }, 30_000); // 200 requests one after another: slow on a busy 2-core machine, never a wall-clock assertion
});
