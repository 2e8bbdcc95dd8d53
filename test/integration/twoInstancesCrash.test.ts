import { ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoSecrets } from '../../src/adapters/crypto/cryptoSecrets';
import { openPostgresRequestStore } from '../../src/adapters/storage/postgresRequestStore';
import { BotConnectorDouble } from '../support/botConnectorDouble';
import { LockboxRequest } from '../../src/domain/lockbox';
import { PostgresServer, startPostgres } from '../support/postgresServer';
import { APPROVALS_CHANNEL, PEOPLE, QUEUE_CHANNEL, TENANT } from '../support/testDoorman';
import { findById } from '../support/validateCard';

const root = join(__dirname, '..', '..');
const HOUR = 3600_000;

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Starts Doorman as its own process on the shared database, its clock read from `clockFile`; resolves with its URL. */
function startProcess(dir: string, name: string, clockFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', join(root, 'test', 'support', 'tsNodeCached.js'), join(root, 'test', 'support', 'doormanProcess.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: server.url,
      MAIL_DIR: join(dir, `mail-${name}`),
      ROLES_FILE: join(root, 'test', 'fixtures', 'roles.json'),
      ALLOWED_TENANT_IDS: TENANT,
      LOG_LEVEL: 'warn',
      OUTBOX_LEASE_SECONDS: '5',
      DOORMAN_TEST_CLOCK_FILE: clockFile,
      TS_NODE_PROJECT: join(root, 'tsconfig.json'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.on('exit', (code) => reject(new Error(`Doorman process ${name} exited (${code}) before it listened`)));
  });
}

function activity(connector: BotConnectorDouble, who: keyof typeof PEOPLE, where: 'personal' | 'channel', extra: Record<string, unknown>) {
  const person = PEOPLE[who];
  return {
    id: `in-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: `29:${who}`, aadObjectId: person.aadObjectId, name: person.name },
    recipient: { id: '28:doorman', name: 'Doorman' },
    conversation: where === 'personal' ? { id: `a:personal-${person.aadObjectId}`, conversationType: 'personal', tenantId: TENANT } : { id: QUEUE_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: where === 'personal' ? { tenant: { id: TENANT } } : { tenant: { id: TENANT }, channel: { id: QUEUE_CHANNEL }, team: { id: 'team' } },
    ...extra,
  };
}

/** Resolves when the live page at `url` tells `state`, with the milliseconds from `started`. */
function pageTells(url: string, cookie: string, state: string): { told: Promise<void>; close(): void } {
  const req = httpRequest(url, { headers: { Cookie: cookie, Accept: 'text/event-stream' } });
  const told = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (chunk.includes(`"state":"${state}"`)) resolve();
      });
    });
    req.on('error', reject);
  });
  req.end();
  return { told, close: () => req.destroy() };
}

async function post(url: string, body: unknown): Promise<any> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('two Doorman processes on one PostgreSQL, one killed midway', () => {
  const seed = Number(process.env.CRASH_SEED ?? 20261202);

  it('loses nothing, makes no transition twice, and repeats only what the killed process had in flight', async () => {
    const random = seeded(seed);
    const dir = mkdtempSync(join(tmpdir(), 'doorman-two-'));
    const clockFile = join(dir, 'clock-offset');
    writeFileSync(clockFile, '0');
    const connector = new BotConnectorDouble();
    await connector.start();
    const store = await openPostgresRequestStore(server.url);
    const key = `dk_${randomBytes(32).toString('base64url')}`;
    const processes: ChildProcess[] = [];
    const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
    try {
      const a = await startProcess(dir, 'a', clockFile);
      processes.push(a.child);
      const b = await startProcess(dir, 'b', clockFile);
      processes.push(b.child);
      await store.saveApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId], hash: new CryptoSecrets().hash(key), createdAt: new Date(), revokedAt: null });
      await post(a.url, activity(connector, 'alex', 'channel', { type: 'message', text: '<at>Doorman</at> register queue Tier 1' }));
      await post(b.url, activity(connector, 'alex', 'channel', {
        type: 'message',
        text: '<at>Doorman</at> register approvals',
        conversation: { id: APPROVALS_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, channel: { id: APPROVALS_CHANNEL }, team: { id: 'team' } },
      }));
      for (const who of ['alex', 'carl', 'dana'] as const) await post(a.url, activity(connector, who, 'personal', { type: 'message', text: 'hi' }));

      // The mixed load, through both instances: sessions from the card form, lockbox requests through the REST API.
      const load = (url: string, tag: string) => [
        ...[0, 1, 2].map((i) =>
          post(url, activity(connector, 'alex', 'personal', {
            type: 'invoke',
            name: 'adaptiveCard/action',
            replyToId: `form-${tag}-${i}`,
            value: { action: { type: 'Action.Execute', verb: 'session.create', data: { recipientName: `Chris ${tag}.${i}`, sendEmail: 'false' } } },
          })),
        ),
        ...[0, 1, 2].map((i) =>
          fetch(`${url}/api/v1/lockbox`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
            body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case', ticket: `T-${tag}-${i}`, durationMinutes: 60 }),
          }),
        ),
      ];
      await Promise.all([...load(a.url, 'a'), ...load(b.url, 'b')]);
      // Decisions on cards, through both: every other pending lockbox request approved (access for 60 minutes).
      const pending = ((await store.listRequests({ kind: 'lockbox' })) as LockboxRequest[]).filter((request) => request.state === 'pending');
      await Promise.all(
        pending.filter((_, i) => i % 2 === 0).map((request, i) =>
          post(i % 2 === 0 ? a.url : b.url, activity(connector, 'carl', 'channel', {
            type: 'invoke',
            name: 'adaptiveCard/action',
            replyToId: `card-${request.id}`,
            value: { action: { type: 'Action.Execute', verb: 'lockbox.approve', data: { requestId: request.id, version: request.version } } },
          })),
        ),
      );

      // A customer's live page on B is told of her consent given through A, as it commits (LISTEN/NOTIFY).
      const created = await post(a.url, activity(connector, 'alex', 'personal', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'form-live',
        value: { action: { type: 'Action.Execute', verb: 'session.create', data: { recipientName: 'Chris live', sendEmail: 'false' } } },
      }));
      const code = /\/j\/([A-Za-z0-9_-]+)/.exec((findById(created.value, 'inviteText') as { value: string }).value)?.[1] ?? '';
      const arrived = await fetch(`${a.url}/j/${code}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chris' }) });
      const cookie = (arrived.headers.get('set-cookie') ?? '').split(';')[0];
      const page = pageTells(`${b.url}/j/${code}/events`, cookie, 'ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const consentAt = process.hrtime.bigint();
      const consent = await fetch(`${a.url}/j/${code}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
      expect(consent.status).toBe(200);
      await page.told;
      const livePageMs = Number(process.hrtime.bigint() - consentAt) / 1e6;
      page.close();

      // Midway: A is killed at a Bot Connector call chosen by the seed, while both instances take more load and deliver.
      const killAfter = 1 + Math.floor(random() * 10);
      let seen = 0;
      let killIndex = -1;
      connector.onAccepted = (call) => {
        seen += 1;
        if (seen === killAfter && alive(a.child)) {
          killIndex = connector.calls.indexOf(call) + 1;
          a.child.kill('SIGKILL');
        }
      };
      await Promise.allSettled([...load(a.url, 'a2'), ...load(b.url, 'b2')]);
      for (let i = 0; i < 300 && alive(a.child); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      if (alive(a.child)) {
        killIndex = connector.calls.length;
        a.child.kill('SIGKILL');
      }
      // B delivers what A had claimed once A's leases lapse.
      for (let i = 0; i < 600 && (await store.pendingOutboxCount()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));

      // A comes back as a new process, and time moves 25 hours on: every link, every lockbox decision and every access
      // window falls due, and both sweepers race for them. The clock moves only in a quiet moment: leases are measured
      // on the instances' clock, so a jump while a delivery is in flight would look like a lapsed lease.
      const again = await startProcess(dir, 'a-again', clockFile);
      processes.push(again.child);
      writeFileSync(clockFile, String(25 * HOUR));
      const finished = (request: { kind: string; state: string }) =>
        request.state === 'expired' || (request.kind === 'lockbox' && request.state === 'ended');
      const settled = async () => (await store.pendingOutboxCount()) === 0 && (await store.listRequests({})).every(finished);
      for (let i = 0; i < 600 && !(await settled()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await settled()).toBe(true);
      expect((await store.outboxHealth(new Date())).failedByType).toEqual({});

      const requests = await store.listRequests({});
      const sessions = requests.filter((request) => request.kind === 'session');
      const lockboxes = requests.filter((request) => request.kind === 'lockbox');
      expect(sessions.length).toBeGreaterThanOrEqual(6);
      expect(lockboxes.length).toBeGreaterThanOrEqual(6);
      const queuePosts = connector.callsOf('createConversation');
      const repeats = { posts: 0, outsideCrashWindow: 0, transitions: 0 };
      for (const request of requests) {
        // Nothing lost: each request's queue card went out, and its deadline was handled.
        const copies = queuePosts.filter((call) => JSON.stringify(call.body).includes(request.id)).map((call) => connector.calls.indexOf(call));
        expect(copies.length).toBeGreaterThanOrEqual(1);
        repeats.posts += copies.length - 1;
        // A repeat is only the killed process's: its first copy before the kill, the next after it.
        if (copies.length > 1 && !(copies.length === 2 && copies[0] < killIndex && copies[1] >= killIndex)) repeats.outsideCrashWindow += 1;
        expect(finished(request)).toBe(true);
        // No transition twice: one event per version, each timed action once.
        const events = await store.eventsOf(request.id);
        expect(new Set(events.map((event) => event.version)).size).toBe(events.length);
        for (const action of ['create', 'approve', 'confirmGrant', 'elapse', 'end', 'expire', 'remind', 'escalate']) {
          const times = events.filter((event) => event.action === action).length;
          if (times > 1) repeats.transitions += 1;
        }
      }
      const approved = lockboxes.filter((request) => request.state === 'ended').length;
      process.stdout.write(
        `two instances on one PostgreSQL (seed ${seed}): A killed after ${killAfter} Bot Connector call(s); ${sessions.length} sessions and ${lockboxes.length} lockbox requests ` +
          `(${approved} approved and ended, the rest expired), each deadline handled once; consent through A reached the live page on B in ${livePageMs.toFixed(0)} ms; repeated queue posts ${repeats.posts} (outside the crash window ${repeats.outsideCrashWindow}); transitions made twice ${repeats.transitions}; ` +
          `Bot Connector calls ${connector.calls.length}\n`,
      );
      expect(repeats.transitions).toBe(0);
      expect(repeats.outsideCrashWindow).toBe(0);
    } finally {
      for (const child of processes) if (alive(child)) child.kill('SIGKILL');
      await store.close();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
