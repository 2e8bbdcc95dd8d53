import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/adapters/http/webhookSignature';
import { LockboxRequest } from '../../src/domain/lockbox';
import { JwksDouble, signToken } from '../support/entraDouble';
import { aLockboxRequest } from '../support/lockboxBuilder';
import { aSessionRequest } from '../support/sessionBuilder';
import { PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';

/** A webhook receiver on loopback that verifies signatures like an integrator would, and can be "down". */
class Receiver {
  readonly received: { body: string; valid: boolean }[] = [];
  down = 0;
  private server: Server | null = null;
  url = '';

  constructor(private readonly now: () => number) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.down > 0) {
          this.down -= 1;
          res.writeHead(503);
          res.end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ body, valid: verifyWebhook(SECRET, body, String(req.headers['x-doorman-signature'] ?? ''), this.now()) });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('REST API v1 and signed webhooks', () => {
  let t: TestDoorman;
  let receiver: Receiver;
  let key: string;

  beforeEach(async () => {
    receiver = new Receiver(() => Math.floor(t.clock.now().getTime() / 1000));
    await receiver.start();
    t = await startTestDoorman({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
    await t.registerApprovals();
    for (const who of ['carl', 'dana'] as const) await t.message(who, 'hi');
    key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
  });
  afterEach(async () => {
    await t.stop();
    await receiver.stop();
  });

  const api = async (method: string, path: string, body?: unknown, auth: string | null = key) => {
    const response = await fetch(`${t.doorman.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text, headers: response.headers };
  };
  const valid = { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: 60 };

  it('refuses a missing, malformed, unknown or revoked key with 401', async () => {
    expect((await api('GET', '/api/v1/requests', undefined, null)).status).toBe(401);
    expect((await api('GET', '/api/v1/requests', undefined, 'nonsense')).status).toBe(401);
    expect((await api('GET', '/api/v1/requests', undefined, `dk_${'x'.repeat(43)}`)).json).toEqual({ error: { code: 'AUTH.NOT_PERMITTED', message: 'AUTH.NOT_PERMITTED' } });
    await t.store.revokeApiKey('key-1', t.clock.now());
    expect((await api('POST', '/api/v1/lockbox', valid)).status).toBe(401);
  });

  it('answers bad bodies with 400 and the codes of each problem', async () => {
    expect((await api('POST', '/api/v1/lockbox', '{oops')).json.error.code).toBe('INPUT.INVALID');
    const missing = await api('POST', '/api/v1/lockbox', { onBehalfOf: PEOPLE.dana.aadObjectId, durationMinutes: 'ten' });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields.map((field: { field: string }) => field.field).sort()).toEqual(['durationMinutes', 'reason', 'resource']);
    expect((await api('POST', '/api/v1/lockbox', { ...valid, onBehalfOf: PEOPLE.carl.aadObjectId })).status).toBe(403);
    expect((await api('POST', '/api/v1/lockbox', { ...valid, durationMinutes: 5000 })).status).toBe(400);
    expect((await api('GET', '/api/v1/requests?from=yesterday')).status).toBe(400);
  });

  it('creates on a person’s behalf, reads state, window, decision and audit trail, resolves; each transition is a signed webhook', async () => {
    const created = await api('POST', '/api/v1/lockbox', valid);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'pending', requester: PEOPLE.dana.aadObjectId, requestedVia: 'key:key-1' });
    const id = created.json.id as string;

    const self = await t.invoke('dana', 'lockbox.approve', { requestId: id, version: created.json.version }, 'channel');
    expect(JSON.stringify(self.body)).toMatch(/own request/i);
    await t.invoke('carl', 'lockbox.approve', { requestId: id, version: created.json.version, comment: 'ok' }, 'channel');
    await t.deliver();

    const read = await api('GET', `/api/v1/lockbox/${id}`);
    expect(read.json).toMatchObject({ state: 'approved', decision: { action: 'approve', by: PEOPLE.carl.aadObjectId, comment: 'ok' }, access: { status: 'granted' } });
    expect(read.json.events.map((event: { action: string }) => event.action)).toEqual(['create', 'approve', 'confirmGrant']);

    const resolved = await api('POST', `/api/v1/lockbox/${id}/resolve`);
    expect(resolved.status).toBe(200);
    await t.deliver();
    expect((await api('GET', `/api/v1/lockbox/${id}`)).json).toMatchObject({ state: 'ended', ending: { reason: 'resolved', by: 'service:key:key-1' } });

    const types = receiver.received.map((hook) => JSON.parse(hook.body).type);
    expect(types).toEqual(['lockbox.create', 'lockbox.approve', 'lockbox.confirmGrant', 'lockbox.resolve', 'lockbox.end']);
    expect(receiver.received.every((hook) => hook.valid)).toBe(true);
    expect(verifyWebhook('another-secret-of-thirty-two-chars!!', receiver.received[0].body, 'x', 0)).toBe(false);
  });

  it('every decision path has a signed webhook: deny, cancel, expire, revoke, elapse, lead review, escalation, automatic approval', async () => {
    const drain = async () => {
      for (let round = 0; round < 4; round += 1) {
        await t.deliver();
        t.clock.advance(1000);
      }
    };
    const hooksOf = (id: string) => receiver.received.map((hook) => JSON.parse(hook.body) as { type: string; request: { id: string } }).filter((hook) => hook.request.id === id).map((hook) => hook.type);
    const asked = async () => (await api('POST', '/api/v1/lockbox', valid)).json as { id: string; version: number };
    const decide = async (who: 'carl' | 'alex', verb: string, id: string, extra: Record<string, string> = {}) => {
      const now = (await t.store.getRequest(id)) as LockboxRequest;
      expect((await t.invoke(who, `lockbox.${verb}`, { requestId: id, version: now.version, ...extra }, 'channel')).body.statusCode).toBe(200);
    };

    const denied = await asked();
    await decide('carl', 'deny', denied.id, { comment: 'not this week' });
    const cancelled = await asked();
    expect((await api('POST', `/api/v1/lockbox/${cancelled.id}/cancel`)).status).toBe(200);
    const revoked = await asked();
    await decide('carl', 'approve', revoked.id);
    await drain();
    await decide('carl', 'revoke', revoked.id);
    const elapsed = await asked();
    await decide('carl', 'approve', elapsed.id);
    const expired = await asked();
    await drain();
    t.clock.advance(12 * 3600_000);
    await t.doorman.sweeper.sweep();
    await drain();

    expect(hooksOf(denied.id)).toEqual(['lockbox.create', 'lockbox.deny']);
    expect(hooksOf(cancelled.id)).toEqual(['lockbox.create', 'lockbox.cancel']);
    expect(hooksOf(revoked.id)).toEqual(['lockbox.create', 'lockbox.approve', 'lockbox.confirmGrant', 'lockbox.revoke', 'lockbox.end']);
    expect(hooksOf(elapsed.id)).toEqual(['lockbox.create', 'lockbox.approve', 'lockbox.confirmGrant', 'lockbox.elapse', 'lockbox.end']);
    expect(hooksOf(expired.id)).toEqual(['lockbox.create', 'lockbox.expire']);

    const settings = { approvalRequired: 'true', leadReview: 'true', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12', escalationHours: '2' };
    expect((await t.invoke('alex', 'settings.save', settings)).body.statusCode).toBe(200);
    const reviewed = await asked();
    await drain();
    t.clock.advance(2 * 3600_000);
    await t.doorman.sweeper.sweep();
    await decide('alex', 'approve', reviewed.id, { stage: 'review' });
    expect((await t.invoke('alex', 'settings.save', { ...settings, approvalRequired: 'false', leadReview: 'false', escalationHours: '0' })).body.statusCode).toBe(200);
    const automatic = await asked();
    await drain();
    expect(hooksOf(reviewed.id)).toEqual(['lockbox.create', 'lockbox.escalate', 'lockbox.passReview']);
    expect(hooksOf(automatic.id)).toEqual(['lockbox.create', 'lockbox.autoApprove', 'lockbox.confirmGrant']);
    expect(receiver.received.every((hook) => hook.valid)).toBe(true);
  }, 30_000);

  it('a receiver that is down gets the webhook later; nothing is lost', async () => {
    receiver.down = 1;
    await api('POST', '/api/v1/lockbox', valid);
    await t.deliver();
    expect(receiver.received).toHaveLength(0);
    t.clock.advance(5_000);
    await t.deliver();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].valid).toBe(true);
    expect(await t.store.pendingOutboxCount()).toBe(0);
  });

  it('lists requests with filters and as CSV', async () => {
    await api('POST', '/api/v1/lockbox', valid);
    const list = await api('GET', '/api/v1/requests?kind=lockbox&state=pending');
    expect(list.json.requests).toHaveLength(1);
    expect((await api('GET', '/api/v1/requests?kind=session')).json.requests).toHaveLength(0);
    // Pages like the tab (issue 16): `next` is the cursor of the following page; a made-up cursor is a 400.
    t.clock.advance(60_000);
    await api('POST', '/api/v1/lockbox', valid);
    const first = await api('GET', '/api/v1/requests?limit=1');
    expect(first.json.requests).toHaveLength(1);
    const second = await api('GET', `/api/v1/requests?limit=1&cursor=${first.json.next}`);
    expect(second.json.requests).toHaveLength(1);
    expect(second.json.requests[0].id).not.toBe(first.json.requests[0].id);
    expect(second.json.next).toBeNull();
    expect((await api('GET', '/api/v1/requests?cursor=bm9wZQ')).status).toBe(400);
    expect((await api('GET', '/api/v1/requests?q=nothing-like-this')).json.requests).toHaveLength(0);
    const csv = await fetch(`${t.doorman.url}/api/v1/requests.csv`, { headers: { 'X-Api-Key': key } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('id,kind,state,createdAt,updatedAt,owner,assignee,deadline');
    expect(lines).toHaveLength(3);
  });
});

describe('REST API v1: who a key is, what it reads, how it is limited', () => {
  let t: TestDoorman;
  const keys = { dana: '', anyone: '', other: '' };

  beforeEach(async () => {
    t = await startTestDoorman();
    await t.registerApprovals();
    await t.message('dana', 'hi');
    const save = (id: string, name: string, onBehalfOf: string[]) => t.issueApiKey({ id, name, onBehalfOf });
    keys.dana = await save('key-dana', 'ticketing', [PEOPLE.dana.aadObjectId]);
    keys.other = await save('key-other', 'ticketing-2', [PEOPLE.dana.aadObjectId]);
    keys.anyone = await save('key-anyone', 'soar', ['*']);
  });
  afterEach(() => t.stop());

  const api = async (method: string, path: string, auth: string, body?: unknown) => {
    const response = await fetch(`${t.doorman.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const ask = { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: 60 };

  it("records the key's id, never its name, as the requesting system and in the audit trail", async () => {
    const created = await api('POST', '/api/v1/lockbox', keys.dana, ask);
    expect(created.json.requestedVia).toBe('key:key-dana');
    const read = await api('GET', `/api/v1/requests/${created.json.id}`, keys.dana);
    expect(read.json.events[0]).toMatchObject({ action: 'create', actor: 'service:key:key-dana', actorType: 'service', source: 'api' });
  });

  it('only the key that asked may cancel or resolve; another key for the same person may not', async () => {
    const created = await api('POST', '/api/v1/lockbox', keys.dana, ask);
    expect((await api('POST', `/api/v1/lockbox/${created.json.id}/cancel`, keys.other)).json.error.code).toBe('AUTH.NOT_PERMITTED');
    expect((await api('POST', `/api/v1/lockbox/${created.json.id}/cancel`, keys.anyone)).status).toBe(403);
    const cancelled = await api('POST', `/api/v1/lockbox/${created.json.id}/cancel`, keys.dana);
    expect(cancelled).toMatchObject({ status: 200, json: { state: 'cancelled' } });
    expect((await api('POST', `/api/v1/lockbox/${created.json.id}/cancel`, keys.dana)).json.error.code).toBe('REQUEST.ILLEGAL_TRANSITION');
    const events = (await t.store.eventsOf(created.json.id)).map((event) => [event.action, event.actorId]);
    expect(events).toEqual([['create', 'service:key:key-dana'], ['cancel', 'service:key:key-dana']]);
  });

  it("reads are scoped like writes: a key for Dana sees only Dana's requests, and another's is 404", async () => {
    const danas = await api('POST', '/api/v1/lockbox', keys.dana, ask);
    const erins = aLockboxRequest({ requester: { aadObjectId: 'engineer-erin', name: 'Erin' }, createdAt: t.clock.now(), updatedAt: t.clock.now() });
    const assignedToDana = aSessionRequest({ createdBy: PEOPLE.alex, assignee: PEOPLE.dana, createdAt: t.clock.now(), updatedAt: t.clock.now() });
    const alexs = aSessionRequest({ createdBy: PEOPLE.alex, createdAt: t.clock.now(), updatedAt: t.clock.now() });
    for (const request of [erins, assignedToDana, alexs]) await t.store.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });

    const listed = (await api('GET', '/api/v1/requests', keys.dana)).json.requests.map((request: { id: string }) => request.id);
    expect(listed.sort()).toEqual([danas.json.id, assignedToDana.id].sort());
    const csv = (await api('GET', '/api/v1/requests.csv', keys.dana)).json as string;
    expect(csv.trim().split('\r\n')).toHaveLength(3);
    expect(csv).not.toContain(erins.id);
    expect(csv).not.toContain(alexs.id);
    for (const path of [`/api/v1/requests/${erins.id}`, `/api/v1/requests/${alexs.id}`, `/api/v1/lockbox/${erins.id}`]) {
      expect(await api('GET', path, keys.dana)).toEqual({ status: 404, json: { error: { code: 'REQUEST.NOT_FOUND', message: 'REQUEST.NOT_FOUND' } } });
    }
    expect((await api('POST', `/api/v1/lockbox/${erins.id}/cancel`, keys.dana)).status).toBe(404);
    expect((await t.store.getRequest(erins.id))?.state).toBe('pending');
    expect((await api('GET', `/api/v1/requests/${assignedToDana.id}`, keys.dana)).status).toBe(200);

    const all = (await api('GET', '/api/v1/requests', keys.anyone)).json.requests;
    expect(all).toHaveLength(4);
    expect((await api('GET', `/api/v1/lockbox/${erins.id}`, keys.anyone)).status).toBe(200);
  });

  it('a flood of bad keys from an address never blocks a valid key from the same address; each key has its own budget', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 130; index += 1) statuses.push((await api('GET', '/api/v1/requests', `dk_${'x'.repeat(43)}`)).status);
    expect(statuses.slice(0, 120).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(120).every((status) => status === 429)).toBe(true);
    expect((await api('GET', '/api/v1/requests', keys.dana)).status).toBe(200);

    for (let index = 0; index < 119; index += 1) await api('GET', '/api/v1/requests', keys.dana);
    const over = await fetch(`${t.doorman.url}/api/v1/requests`, { headers: { Authorization: `Bearer ${keys.dana}` } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api('GET', '/api/v1/requests', keys.anyone)).status).toBe(200);
    t.clock.advance(60_000);
    expect((await api('GET', '/api/v1/requests', keys.dana)).status).toBe(200);
  });
});

describe('webhook targets', () => {
  it('are https only and never private or loopback addresses outside local mode', async () => {
    const { webhookUrlProblem } = await import('../../src/config');
    expect(webhookUrlProblem('https://hooks.example.com/doorman', false)).toBeNull();
    for (const url of ['http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.5/x', 'https://localhost/x', 'https://[::1]/x', 'https://169.254.169.254/x']) {
      expect(webhookUrlProblem(url, false)).not.toBeNull();
    }
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', true)).toBeNull();
  });
});

describe('REST API v1 with an Entra app-only token instead of a key', () => {
  const audience = 'api://doorman-api.contoso.example';
  let jwks: JwksDouble;
  let t: TestDoorman;

  beforeAll(async () => {
    jwks = new JwksDouble();
    await jwks.start();
  });
  afterAll(() => jwks.stop());
  beforeEach(async () => {
    t = await startTestDoorman({ env: { API_TOKEN_AUDIENCES: audience, ENTRA_JWKS_URL: jwks.url } });
    await t.registerApprovals();
  });
  afterEach(() => t.stop());

  function appToken(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken(
      { aud: audience, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, tid: TENANT, oid: 'sp-ticketing', azp: 'ticketing-app', roles: ['Lockbox.Request'], iat: now, nbf: now, exp: now + 3600, ...claims },
      jwks.key.privateKey,
    );
  }

  const create = (token: string) =>
    fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: 60 }),
    });

  it('accepts a token with the Lockbox.Request app role and records the app as the requesting system', async () => {
    const response = await create(appToken());
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ requestedVia: 'app:ticketing-app', requester: PEOPLE.dana.aadObjectId });
  });

  it('a key named like the app cannot act as it: the app resolves its own request, the look-alike key is refused', async () => {
    const created = (await (await create(appToken())).json()) as { id: string; version: number; requestedVia: string };
    expect(created.requestedVia).toBe('app:ticketing-app');
    await t.message('carl', 'hi');
    await t.invoke('carl', 'lockbox.approve', { requestId: created.id, version: created.version }, 'channel');
    await t.deliver();
    const lookAlike = `dk_${randomBytes(32).toString('base64url')}`;
    await t.store.saveApiKey({ id: 'key-fake', name: 'app:ticketing-app', onBehalfOf: ['*'], hash: t.doorman.deps.secrets.hash(lookAlike), createdAt: t.clock.now(), revokedAt: null });
    const resolve = (token: string) => fetch(`${t.doorman.url}/api/v1/lockbox/${created.id}/resolve`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect((await resolve(lookAlike)).status).toBe(403);
    expect((await resolve(appToken())).status).toBe(200);
  });

  it('refuses tokens without the role, with a delegated scope, for another audience, or expired', async () => {
    const expiredAt = Math.floor(t.clock.now().getTime() / 1000) - 3600;
    for (const claims of [{ roles: [] }, { scp: 'access_as_user' }, { aud: 'api://someone-else' }, { exp: expiredAt, nbf: expiredAt - 60 }]) {
      const response = await create(appToken(claims));
      expect(response.status).toBe(401);
    }
    expect(await t.store.listRequests({ kind: 'lockbox' })).toHaveLength(0);
  });
});
