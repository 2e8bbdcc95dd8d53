// `npm run fuzz [-- --seed 7 --requests 12000]`: malformed requests against two real Doormans in this process — one in
// local mode (the Agents Playground's), one in production mode (a bot app id and a fake password) — across the bot
// endpoint, the customer portal, the REST API and the tab, plus broken request lines on raw sockets. It asserts no
// 5xx, every JSON 4xx carrying {error:{code}}, both processes' health answering, and resident memory bounded; it
// prints counts by status. Seeded: the same seed sends the same requests. The network is sealed (loopback only):
// Bot Framework token checks that would fetch signing keys fail closed, as they must.
import { mkdtempSync, rmSync } from 'node:fs';
import { Server, createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import nock from 'nock';
import { loadConfig } from '../src/config';
import { RunningDoorman, startDoorman } from '../src/main';
import { JwksDouble, signToken } from '../test/support/entraDouble';

/** How much resident memory may grow over the run, above the level measured once both Doormans are warm. */
export const RSS_GROWTH_BOUND_MB = 256;

/** What a run is asked to do. */
export interface FuzzOptions {
  seed: number;
  requests: number;
  concurrency?: number;
  progress?: (line: string) => void;
}

/** What a run found. */
export interface FuzzSummary {
  seed: number;
  total: number;
  byStatus: Record<string, number>;
  byTarget: Record<string, number>;
  /** Answers that broke a rule (5xx, a JSON 4xx without a code, no answer), the first 25. */
  failures: string[];
  failureCount: number;
  rssBaselineMb: number;
  rssPeakMb: number;
  alive: boolean;
}

type Target = 'bot-local' | 'bot-production' | 'portal' | 'rest' | 'tab' | 'raw';

interface FuzzRequest {
  target: Target;
  /** The loopback address the request comes from (127.0.0.x): many clients, as behind the internet. */
  from: string;
  instance: 'local' | 'production';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Raw bytes written to a socket instead of an HTTP request. */
  raw?: Buffer;
}

const TENANT = 'tenant-fuzz';
const BOT_ID = '5a0f7e52-2f0c-4d8e-9a61-3f1b2c4d5e6f';
const TAB_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const API_AUDIENCE = 'api://doorman-fuzz';
const METRICS_TOKEN = 'fuzz-metrics-token-0123456789abcdef0123';
const PEOPLE = ['00000000-0000-0000-0000-00000000a001', '00000000-0000-0000-0000-00000000c003', '00000000-0000-0000-0000-00000000d004', '00000000-0000-0000-0000-00000000e005'];

/** Percent-encodes a junk string for a path or query; a lone surrogate becomes bytes that are not UTF-8. */
function pathPart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

/** mulberry32: a small, well-known seeded generator. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  text(max: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~%/?#[]@!$&\'()*+,;= '): string {
    let out = '';
    const length = this.int(max + 1);
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

const JUNK_STRINGS = [
  '',
  ' ',
  '%',
  '%E0%A4%A',
  '%00',
  '\u0000',
  '\uD800',
  '\u202Eevil',
  '\u200B\u200B',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  "' OR 1=1 --",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(40),
  'a'.repeat(5000),
  '😀'.repeat(200),
  'http://169.254.169.254/latest/meta-data/',
  'https://evil.example/',
  'session.create',
  'lockbox.approve',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json, text/html',
  'application/jsonp',
  'application/vnd.api+json',
  'text/plain',
  'text/csv',
  'text/html',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  '',
  ';;;',
  'application/json; boundary=\u0000',
];

function junkValue(dice: Dice, depth = 0): unknown {
  switch (dice.int(depth > 3 ? 6 : 9)) {
    case 0:
      return dice.pick(JUNK_STRINGS);
    case 1:
      return dice.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308]);
    case 2:
      return dice.pick([true, false, null]);
    case 3:
      return dice.text(40);
    case 4:
      return dice.text(12, 'abcdef0123456789-');
    case 5:
      return {};
    case 6:
      return Array.from({ length: dice.int(4) }, () => junkValue(dice, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = dice.int(4); i > 0; i--) object[dice.chance(0.3) ? dice.pick(JUNK_STRINGS) : dice.text(10)] = junkValue(dice, depth + 1);
      return object;
    }
  }
}

/** A JSON text nested `depth` levels deep. */
function nested(dice: Dice, depth: number): string {
  return dice.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bytes that are not UTF-8, inside what otherwise looks like JSON. */
function invalidUtf8Json(dice: Dice): Buffer {
  const bad = Buffer.from(dice.pick([[0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xf0, 0x90, 0x28, 0xbc], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]));
  return Buffer.concat([Buffer.from('{"type":"message","text":"'), bad, Buffer.from('","from":{"id":"'), bad, Buffer.from('"}}')]);
}

/** Prototype keys written into the JSON text itself (an object literal could not carry `__proto__` as data). */
function prototypeJson(dice: Dice, base: Record<string, unknown>): string {
  const injected = dice.pick([
    '"__proto__":{"isAdmin":true,"roles":["admin"]}',
    '"constructor":{"prototype":{"polluted":true}}',
    '"__proto__":null',
    '"prototype":{"x":1}',
  ]);
  const text = JSON.stringify(base);
  const at = dice.pick(['top', 'from', 'value', 'channelData']);
  if (at === 'top') return `{${injected},${text.slice(1)}`;
  return text.replace(new RegExp(`"${at}":\\{`), `"${at}":{${injected},`);
}

function body(dice: Dice, value: () => unknown): Buffer {
  switch (dice.int(12)) {
    case 0:
      return Buffer.from(nested(dice, dice.pick([10, 100, 1000, 10_000, 100_000])));
    case 1:
      return invalidUtf8Json(dice);
    case 2:
      return Buffer.from(dice.text(200));
    case 3:
      return Buffer.alloc(0);
    case 4:
      return Buffer.from(JSON.stringify(junkValue(dice)));
    case 5:
      return Buffer.from(`{"big":"${'x'.repeat(dice.pick([5_000, 1_100_000]))}"}`);
    default:
      return Buffer.from(JSON.stringify(value()));
  }
}

function activity(dice: Dice, serviceUrl: string): Record<string, unknown> {
  const who = dice.pick(PEOPLE);
  const type = dice.pick(['message', 'message', 'invoke', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', dice.pick(JUNK_STRINGS)]);
  const base: Record<string, unknown> = {
    type,
    id: `fuzz-${dice.int(1e9)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${who}`, aadObjectId: who, name: 'Fuzz Person' },
    recipient: { id: '28:doorman', name: 'Doorman' },
    conversation: dice.chance(0.7)
      ? { id: `a:personal-${who}`, conversationType: 'personal', tenantId: TENANT }
      : { id: '19:fuzz@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
  };
  if (type === 'message') {
    base.text = dice.chance(0.7)
      ? `${dice.pick(['help', 'requests', 'new session', 'lockbox', 'whoami', 'doctor', 'settings', 'language', 'register queue', 'assist', 'invite'])} ${dice.chance(0.5) ? dice.pick(JUNK_STRINGS) : ''}`
      : (junkValue(dice) as string);
  }
  if (type === 'invoke') {
    base.name = dice.pick(['adaptiveCard/action', 'adaptiveCard/action', 'task/fetch', 'composeExtension/query', 'signin/verifyState', dice.pick(JUNK_STRINGS)]);
    base.value = dice.chance(0.8)
      ? {
          action: {
            type: dice.pick(['Action.Execute', 'Action.Submit', dice.pick(JUNK_STRINGS)]),
            verb: dice.pick(['session.create', 'session.admit', 'session.close', 'lockbox.create', 'lockbox.approve', 'card.refresh', 'settings.save', 'invitation.edit', dice.pick(JUNK_STRINGS)]),
            data: dice.chance(0.5) ? { requestId: junkValue(dice), version: junkValue(dice), ...(junkValue(dice, 3) as object) } : junkValue(dice),
          },
          trigger: 'manual',
        }
      : junkValue(dice);
  }
  if (type === 'conversationUpdate') base.membersAdded = dice.chance(0.5) ? [{ id: '28:doorman' }] : junkValue(dice);
  // One to three mutations of the shape.
  for (let i = 1 + dice.int(3); i > 0; i--) {
    const key = dice.pick(['type', 'from', 'conversation', 'serviceUrl', 'channelData', 'recipient', 'timestamp', 'channelId', 'text', 'value', 'name', 'entities', 'attachments', 'replyToId', 'localTimezone']);
    if (dice.chance(0.4)) delete base[key];
    else if (dice.chance(0.5)) base[key] = junkValue(dice);
    else if (typeof base[key] === 'object' && base[key] !== null) (base[key] as Record<string, unknown>)[dice.text(8)] = junkValue(dice);
  }
  return base;
}

/** The next malformed request; `n` decides the target so every target gets its share. */
function nextRequest(dice: Dice, context: Context): FuzzRequest {
  return { ...nextShape(dice, context), from: `127.0.0.${1 + dice.int(250)}` };
}

function nextShape(dice: Dice, context: Context): Omit<FuzzRequest, 'from'> {
  const target = dice.pick<Target>(['bot-local', 'bot-local', 'bot-production', 'portal', 'portal', 'rest', 'rest', 'tab', 'raw']);
  const headers: Record<string, string> = {};
  const contentType = dice.chance(0.75) ? 'application/json' : dice.pick(CONTENT_TYPES);
  if (contentType !== '' || dice.chance(0.5)) headers['Content-Type'] = contentType;
  if (dice.chance(0.1)) headers['Content-Encoding'] = dice.pick(['gzip', 'br', 'deflate', 'identity', 'x-junk']);
  if (dice.chance(0.1)) headers['Accept-Language'] = dice.pick(['de-DE,de;q=0.9', '*', ';q=', 'x'.repeat(500), 'hu;q=abc']);

  switch (target) {
    case 'bot-local': {
      if (dice.chance(0.15)) headers.Origin = dice.pick(['https://evil.example', 'null', 'http://localhost:56150', 'http://127.0.0.1.evil.example']);
      const serviceUrl = dice.chance(0.85) ? context.connectorUrl : dice.pick(['https://smba.trafficmanager.net/emea/', 'http://10.0.0.1/', 'not a url', '']);
      const act = activity(dice, serviceUrl);
      const payload = dice.chance(0.1) ? Buffer.from(prototypeJson(dice, act)) : body(dice, () => act);
      return { target, instance: 'local', method: dice.chance(0.95) ? 'POST' : dice.pick(['GET', 'PUT', 'DELETE', 'OPTIONS']), path: '/api/messages', headers, body: payload };
    }
    case 'bot-production': {
      const auth = dice.pick([
        undefined,
        'Bearer',
        'Bearer abc',
        'Basic dXNlcjpwYXNz',
        `Bearer ${context.forgedBotToken(dice)}`,
        `Bearer ${context.forgedBotToken(dice)}`,
        `Bearer ${'a'.repeat(20_000)}.b.c`,
      ]);
      if (auth !== undefined) headers.Authorization = auth;
      const act = activity(dice, 'https://smba.trafficmanager.net/emea/');
      return { target, instance: 'production', method: 'POST', path: '/api/messages', headers, body: body(dice, () => act) };
    }
    case 'portal': {
      const code = dice.chance(0.5) ? context.code : dice.chance(0.5) ? dice.text(30, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') : pathPart(dice.pick(JUNK_STRINGS)) || 'x';
      const sub = dice.pick(['', '/state', '/arrive', '/consent', '/leave', '/room', '/events', `/${pathPart(dice.pick(JUNK_STRINGS))}`]);
      const method = sub === '/arrive' || sub === '/consent' || sub === '/leave' ? (dice.chance(0.9) ? 'POST' : 'GET') : dice.chance(0.9) ? 'GET' : dice.pick(['POST', 'PUT', 'DELETE', 'PATCH']);
      if (dice.chance(0.3)) headers.Cookie = `${dice.pick([context.cookieName, 'doorman-0000000000000000', '__Host-doorman-x'])}=${dice.pick(JUNK_STRINGS.filter((s) => !/[\u0000-\u001f\u007f-\uffff]/.test(s)))}`;
      const query = dice.chance(0.3) ? `?lang=${pathPart(dice.pick(JUNK_STRINGS))}` : '';
      const instance = dice.chance(0.8) ? 'local' : 'production';
      const payload = method === 'POST' ? body(dice, () => ({ name: junkValue(dice), allow: junkValue(dice) })) : undefined;
      return { target, instance, method, path: `/j/${code}${sub}${query}`, headers, body: payload };
    }
    case 'rest': {
      const auth = dice.pick([undefined, 'Bearer dk_short', `Bearer dk_${dice.text(43, 'abcdefghijklmnopqrstuvwxyz0123456789_-')}`, `Bearer ${context.appToken()}`, `Bearer ${context.appToken()}`, `Bearer ${context.appToken()}`, `Bearer ${context.badAppToken(dice)}`, 'Basic x']);
      if (auth !== undefined) headers.Authorization = auth;
      if (dice.chance(0.05)) headers['X-Api-Key'] = dice.pick(JUNK_STRINGS.filter((s) => !/[\u0000-\u001f\u007f-\uffff]/.test(s)));
      const id = dice.chance(0.3) ? context.lockboxId : pathPart(dice.pick(JUNK_STRINGS)) || 'x';
      const route = dice.pick([
        { method: 'POST', path: '/api/v1/lockbox' },
        { method: 'GET', path: `/api/v1/lockbox/${id}` },
        { method: 'POST', path: `/api/v1/lockbox/${id}/resolve` },
        { method: 'GET', path: `/api/v1/requests?${dice.pick(['kind', 'state', 'assignee', 'from', 'to', '__proto__', 'kind[]'])}=${pathPart(dice.pick(JUNK_STRINGS))}` },
        { method: 'GET', path: `/api/v1/requests/${id}` },
        { method: 'GET', path: '/api/v1/requests.csv?from=2020-01-01T00:00:00Z' },
        { method: dice.pick(['PUT', 'DELETE', 'PATCH']), path: '/api/v1/lockbox' },
      ]);
      const payload =
        route.method === 'POST'
          ? body(dice, () => ({ onBehalfOf: dice.chance(0.6) ? dice.pick(PEOPLE) : junkValue(dice), reason: junkValue(dice), resource: junkValue(dice), ticket: junkValue(dice), durationMinutes: junkValue(dice), outcome: junkValue(dice) }))
          : undefined;
      return { target, instance: dice.chance(0.85) ? 'local' : 'production', method: route.method, path: route.path, headers, body: payload };
    }
    case 'tab': {
      const auth = dice.pick([undefined, 'Bearer x', `Bearer ${context.tabToken()}`, `Bearer ${context.tabToken()}`, `Bearer ${context.badAppToken(dice)}`]);
      if (auth !== undefined) headers.Authorization = auth;
      const path = dice.pick([
        `/tab/api/requests?${dice.pick(['kind', 'state', 'queue', 'x'])}=${pathPart(dice.pick(JUNK_STRINGS))}`,
        '/tab/api/queues',
        `/tab?queue=${pathPart(dice.pick(JUNK_STRINGS))}`,
        '/tab/config',
        `/tab-assets/${pathPart(dice.pick(JUNK_STRINGS)) || 'x'}`,
        `/tab/api/${pathPart(dice.pick(JUNK_STRINGS))}`,
      ]);
      return { target, instance: 'local', method: dice.chance(0.9) ? 'GET' : 'POST', path, headers, body: dice.chance(0.1) ? body(dice, () => junkValue(dice)) : undefined };
    }
    case 'raw':
    default: {
      const target = dice.pick([
        'http://[::1/healthz',
        `http://[::1/j/${context.code}/state`,
        'http://a b/',
        '//',
        '*',
        '/healthz?%',
        '/%',
        '/j/%E0%A4%A/state',
        `/${'a'.repeat(dice.pick([100, 10_000, 70_000]))}`,
        'http://user:pass@127.0.0.1/healthz',
        '/api/messages#frag',
        dice.text(30),
      ]);
      const method = dice.pick(['GET', 'POST', 'BREW', 'G\u0000T', 'CONNECT', 'OPTIONS', 'TRACE']);
      const version = dice.pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 extra', '']);
      const extra = dice.pick(['', 'X-Junk: \u0001\r\n', `X-Big: ${'b'.repeat(dice.pick([100, 20_000, 90_000]))}\r\n`, 'Content-Length: -1\r\n', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', 'Host: [::1\r\n', ' folded: header\r\n']);
      const bytes = Buffer.concat([
        Buffer.from(`${method} `, 'latin1'),
        dice.chance(0.1) ? Buffer.from([0xff, 0xfe, 0x2f]) : Buffer.from(target, 'latin1'),
        Buffer.from(` ${version}\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`, 'latin1'),
      ]);
      return { target: 'raw', instance: dice.chance(0.5) ? 'local' : 'production', method, path: target, headers: {}, raw: bytes };
    }
  }
}

interface Context {
  connectorUrl: string;
  code: string;
  cookieName: string;
  lockboxId: string;
  forgedBotToken(dice: Dice): string;
  appToken(): string;
  tabToken(): string;
  badAppToken(dice: Dice): string;
}

interface Answer {
  status: number | null;
  contentType: string;
  body: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * An HTTP/1.1 request written by hand on a socket: nothing between the fuzz and the server normalises or refuses
 * it (and nock, which seals the network for the Doormans' own outbound calls, only watches http clients).
 */
function sendHttp(base: string, request: FuzzRequest): Promise<Answer> {
  const headers: Record<string, string> = { Host: new URL(base).host, ...request.headers, Connection: 'close' };
  if (request.body) headers['Content-Length'] = String(request.body.length);
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n`;
  return sendRaw(base, Buffer.concat([Buffer.from(head, 'utf8'), request.body ?? Buffer.alloc(0)]), request.from);
}

function sendRaw(base: string, bytes: Buffer, from: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port: Number(url.port), host: url.hostname, localAddress: from }, () => socket.write(bytes));
    // No half-close: Node's server would abort a request whose client has stopped sending before it was answered.
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A live portal stream stays open: its headers are the answer.
      if (/\r\ncontent-type: text\/event-stream/i.test(Buffer.concat(chunks).toString('latin1'))) socket.destroy();
    });
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      const [head, ...rest] = text.split('\r\n\r\n');
      const chunked = /\r\ntransfer-encoding: chunked/i.test(head);
      resolve({ status: status ? Number(status) : null, contentType: /\r\ncontent-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '', body: chunked ? dechunk(rest.join('\r\n\r\n')) : rest.join('\r\n\r\n') });
    });
    socket.on('error', () => undefined);
  });
}

/** The rule every answer must keep; the broken rule, or null. */
function brokenRule(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status === null) return request.raw ? null : 'no answer';
  if (answer.status >= 500) return `${answer.status}`;
  if (answer.status >= 400 && answer.contentType.includes('json')) {
    let code: unknown;
    try {
      const parsed = JSON.parse(answer.body) as { error?: { code?: unknown }; type?: unknown; value?: { code?: unknown } };
      // An Adaptive Card invoke that is refused answers in the Bot Framework's own error shape, which Teams reads.
      code = parsed.type === 'application/vnd.microsoft.error' ? parsed.value?.code : parsed.error?.code;
    } catch {
      return `${answer.status} JSON that does not parse`;
    }
    if (typeof code !== 'string' || code === '') return `${answer.status} without {error:{code}}`;
  }
  return null;
}

function dechunk(text: string): string {
  if (!/^[0-9a-f]+\r\n/i.test(text)) return text;
  let rest = text;
  let out = '';
  for (let size = parseInt(rest, 16); size > 0; size = parseInt(rest, 16)) {
    const start = rest.indexOf('\r\n') + 2;
    out += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
  return out;
}

/** Starts a loopback stand-in for the Bot Connector: every reply the local bot sends is accepted. */
async function startConnector(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${Date.now()}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const devNull = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });

/** Runs the fuzz: two Doormans, `requests` malformed requests, the rules checked on every answer. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const progress = options.progress ?? (() => undefined);
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
  const dir = mkdtempSync(join(tmpdir(), 'doorman-fuzz-'));
  const connector = await startConnector();
  const jwks = new JwksDouble();
  await jwks.start();
  const common = {
    HOST: '127.0.0.1',
    PORT: '0',
    ROLES_FILE: join(__dirname, '..', 'test', 'fixtures', 'roles.json'),
    ALLOWED_TENANT_IDS: TENANT,
    LOG_LEVEL: 'warn',
  };
  const local = await startDoorman(
    loadConfig({
      ...common,
      SQLITE_PATH: join(dir, 'local.db'),
      MAIL_DIR: join(dir, 'local-mail'),
      TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
      API_TOKEN_AUDIENCES: API_AUDIENCE,
      ENTRA_JWKS_URL: jwks.url,
    }),
    { logDestination: devNull(), backgroundWork: false },
  );
  const production = await startDoorman(
    loadConfig({
      ...common,
      SQLITE_PATH: join(dir, 'production.db'),
      MAIL_DIR: join(dir, 'production-mail'),
      BOT_ID,
      BOT_PASSWORD: 'fuzz-not-a-real-password',
      BOT_TENANT_ID: TENANT,
      MEETINGS: 'local',
      MAIL: 'local',
      ACCESS: 'local',
      PUBLIC_BASE_URL: 'https://doorman.fuzz.example',
      METRICS_TOKEN,
    }),
    { logDestination: devNull(), backgroundWork: false },
  );
  const instances: Record<FuzzRequest['instance'], RunningDoorman> = { local, production };

  try {
    const context = await seedContext(local, connector.url, jwks);
    const dice = new Dice(prng(options.seed));
    const summary: FuzzSummary = { seed: options.seed, total: 0, byStatus: {}, byTarget: {}, failures: [], failureCount: 0, rssBaselineMb: 0, rssPeakMb: 0, alive: false };
    const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
    summary.rssBaselineMb = rssMb();
    summary.rssPeakMb = summary.rssBaselineMb;

    // Requests are made one at a time, in the seed's order, as workers take them: big bodies never pile up in memory.
    let made = 0;
    const worker = async () => {
      while (made < options.requests) {
        made += 1;
        const request = nextRequest(dice, context);
        const base = instances[request.instance].url;
        const answer = request.raw ? await sendRaw(base, request.raw, request.from) : await sendHttp(base, request);
        const status = answer.status === null ? 'no answer' : String(answer.status);
        summary.total += 1;
        summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
        summary.byTarget[request.target] = (summary.byTarget[request.target] ?? 0) + 1;
        const broken = brokenRule(request, answer);
        if (broken) {
          summary.failureCount += 1;
          if (summary.failures.length < 25) summary.failures.push(`${broken}: ${request.instance} ${request.method} ${request.path.slice(0, 120)} (${request.body?.length ?? 0} bytes${process.env.FUZZ_DEBUG ? ` ${JSON.stringify(request.headers).slice(0, 300)}` : ""}) → ${answer.body.slice(0, 200)}`);
        }
        if (summary.total % 250 === 0) {
          summary.rssPeakMb = Math.max(summary.rssPeakMb, rssMb());
          if (summary.total % 2000 === 0) progress(`${summary.total} requests, RSS ${rssMb()} MB`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    summary.rssPeakMb = Math.max(summary.rssPeakMb, rssMb());
    const healthy = await Promise.all([local, production].map(async (doorman) => (await fetch(`${doorman.url}/healthz`)).status === 200));
    summary.alive = healthy.every(Boolean);
    return summary;
  } finally {
    await local.stop();
    await production.stop();
    await jwks.stop();
    await new Promise<void>((resolve) => connector.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real session link and lockbox request to aim at, and token makers. */
async function seedContext(local: RunningDoorman, connectorUrl: string, jwks: JwksDouble): Promise<Context> {
  const agent = PEOPLE[0];
  const invoke = await fetch(`${local.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: 'seed-1',
      channelId: 'msteams',
      serviceUrl: connectorUrl,
      from: { id: `29:${agent}`, aadObjectId: agent, name: 'Alex Agent' },
      recipient: { id: '28:doorman' },
      conversation: { id: `a:personal-${agent}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      value: { action: { type: 'Action.Execute', verb: 'session.create', data: { recipientName: 'Chris', sendEmail: 'false' } }, trigger: 'manual' },
    }),
  });
  const code = /\/j\/([A-Za-z0-9_-]{20,})/.exec(await invoke.text())?.[1] ?? 'no-code-seeded';
  const now = () => Math.floor(Date.now() / 1000);
  const entraClaims = (extra: Record<string, unknown>) => ({
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    tid: TENANT,
    oid: agent,
    nbf: now() - 60,
    exp: now() + 3600,
    ...extra,
  });
  const appToken = () => signToken(entraClaims({ aud: API_AUDIENCE, roles: ['Lockbox.Request'], azp: 'fuzz-client' }), jwks.key.privateKey);
  const lockbox = await fetch(`${local.url}/api/v1/lockbox`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${appToken()}` },
    body: JSON.stringify({ onBehalfOf: PEOPLE[2], reason: 'fuzz', resource: 'tenant fuzz', ticket: 'FZ-1', durationMinutes: 60 }),
  });
  const lockboxId = ((await lockbox.json().catch(() => ({}))) as { id?: string }).id ?? 'no-lockbox-seeded';
  return {
    connectorUrl,
    code,
    cookieName: `doorman-${local.deps.secrets.hash(code).slice(0, 16)}`,
    lockboxId,
    forgedBotToken: (dice) => {
      const head = Buffer.from(JSON.stringify({ alg: dice.pick(['RS256', 'none', 'HS256', 'ES256']), kid: dice.text(8), typ: 'JWT' })).toString('base64url');
      const claims = { aud: dice.chance(0.8) ? BOT_ID : dice.text(10), iss: dice.pick(['https://api.botframework.com', `https://sts.windows.net/${TENANT}/`, dice.text(10)]), exp: now() + dice.pick([-7200, 3600]), serviceurl: 'https://smba.trafficmanager.net/emea/' };
      return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${dice.text(40, 'abcdefghijklmnopqrstuvwxyz0123456789_-')}`;
    },
    appToken,
    tabToken: () => signToken(entraClaims({ aud: TAB_CLIENT_ID, scp: 'access_as_user', name: 'Alex Agent' }), jwks.key.privateKey),
    badAppToken: (dice) => signToken(entraClaims({ aud: dice.pick([API_AUDIENCE, TAB_CLIENT_ID, 'x']), tid: dice.pick([TENANT, 'other']), exp: now() - dice.int(10_000) }), jwks.key.privateKey, { kid: dice.pick(['entra-key-1', 'nope']) }),
  };
}

function printSummary(summary: FuzzSummary): void {
  const lines = [
    `fuzz seed ${summary.seed}: ${summary.total} requests`,
    `  by status: ${Object.entries(summary.byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status}×${count}`).join(', ')}`,
    `  by target: ${Object.entries(summary.byTarget).map(([target, count]) => `${target}×${count}`).join(', ')}`,
    `  RSS: ${summary.rssBaselineMb} MB after start-up, peak ${summary.rssPeakMb} MB (growth bound ${RSS_GROWTH_BOUND_MB} MB)`,
    `  both Doormans alive and healthy: ${summary.alive ? 'yes' : 'NO'}`,
    `  broken rules: ${summary.failureCount}`,
    ...summary.failures.map((failure) => `    ${failure}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** True when the run kept every rule. */
export function fuzzPassed(summary: FuzzSummary): boolean {
  return summary.failureCount === 0 && summary.alive && summary.rssPeakMb - summary.rssBaselineMb <= RSS_GROWTH_BOUND_MB;
}

if (require.main === module) {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? Number(process.argv[at + 1]) : fallback;
  };
  runFuzz({ seed: arg('seed', 20261202), requests: arg('requests', 12_000), concurrency: arg('concurrency', 8), progress: (line) => process.stdout.write(`${line}\n`) }).then(
    (summary) => {
      printSummary(summary);
      process.exit(fuzzPassed(summary) ? 0 : 1);
    },
    (error: unknown) => {
      process.stderr.write(`fuzz could not run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
