import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Store } from '../../src/application/ports';
import { loadConfig } from '../../src/config';
import { DoormanOverrides, RunningDoorman, startDoorman } from '../../src/main';
import { teamsActivity } from './activities';
import { BotConnectorDouble } from './botConnectorDouble';
import { FakeClock } from './fakeClock';

/** People of test/fixtures/roles.json. */
export const PEOPLE = {
  alex: { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' },
  bea: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' },
  carl: { aadObjectId: '00000000-0000-0000-0000-00000000c003', name: 'Carl Approver' },
  dana: { aadObjectId: '00000000-0000-0000-0000-00000000d004', name: 'Dana Engineer' },
  eve: { aadObjectId: '00000000-0000-0000-0000-00000000e005', name: 'Eve User' },
  finn: { aadObjectId: '00000000-0000-0000-0000-00000000f006', name: 'Finn Approver' },
} as const;

/** The test tenant and the queue channel. */
export const TENANT = 'tenant-test';
export const QUEUE_CHANNEL = '19:tier1@thread.tacv2';
/** The approvers' channel, registered with `register approvals` by `registerApprovals()`. */
export const APPROVALS_CHANNEL = '19:approvers@thread.tacv2';

type PersonKey = keyof typeof PEOPLE;

/** A Doorman on a temp SQLite file, a fake clock and a Bot Connector double; background work driven by the test. */
export interface TestDoorman {
  doorman: RunningDoorman;
  clock: FakeClock;
  connector: BotConnectorDouble;
  dir: string;
  logs: string[];
  store: Store;
  /** POSTs an activity to /api/messages and returns the HTTP status and body. */
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  message(who: PersonKey, text: string, where?: 'personal' | 'channel'): Promise<{ status: number; body: any }>;
  invoke(who: PersonKey, verb: string, data: Record<string, unknown>, where?: 'personal' | 'channel', replyToId?: string): Promise<{ status: number; body: any }>;
  /** An admin registers the approvers' channel (lockbox requests are refused without one). */
  registerApprovals(): Promise<{ status: number; body: any }>;
  /** Issues an API key (stored hashed, like `npm run apikey -- create`) and returns the secret a system would send. */
  issueApiKey(key: { id: string; name: string; onBehalfOf: string[] }): Promise<string>;
  /** Runs the outbox until nothing is due. */
  deliver(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a test Doorman. */
export async function startTestDoorman(overrides: DoormanOverrides & { env?: Record<string, string> } = {}): Promise<TestDoorman> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-test-'));
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const connector = new BotConnectorDouble();
  await connector.start();
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    SQLITE_PATH: join(dir, 'doorman.db'),
    MAIL_DIR: join(dir, 'mail'),
    ROLES_FILE: join(__dirname, '..', 'fixtures', 'roles.json'),
    LOG_LEVEL: 'debug',
    DEFAULT_TIME_ZONE: 'Europe/Berlin',
    ALLOWED_TENANT_IDS: TENANT,
    ...overrides.env,
  });
  const doorman = await startDoorman(config, { backgroundWork: false, logDestination, ...overrides, clock });

  const post = async (activity: Record<string, unknown>) => {
    const response = await fetch(`${doorman.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  let counter = 0;
  const base = (who: PersonKey, where: 'personal' | 'channel') =>
    teamsActivity({
      from: PEOPLE[who],
      place: where === 'personal' ? { personal: true } : { channel: QUEUE_CHANNEL, team: '19:team@thread.tacv2' },
      tenantId: TENANT,
      serviceUrl: connector.url,
      id: `incoming-${++counter}`,
      timestamp: clock.now().toISOString(),
      // Dana works from New York: times told to her must be in her zone, not the service's default.
      timeZone: who === 'dana' ? 'America/New_York' : 'Europe/Berlin',
    });
  return {
    doorman,
    clock,
    connector,
    dir,
    logs,
    store: doorman.store,
    post,
    message: (who, text, where = 'personal') => post({ ...base(who, where), type: 'message', text }),
    invoke: (who, verb, data, where = 'personal', replyToId = 'card-1') =>
      post({
        ...base(who, where),
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    async issueApiKey({ id, name, onBehalfOf }) {
      const secret = `dk_${randomBytes(32).toString('base64url')}`;
      await doorman.deps.apiKeys.saveApiKey({ id, name, onBehalfOf, hash: doorman.deps.secrets.hash(secret), createdAt: clock.now(), revokedAt: null });
      return secret;
    },
    registerApprovals: () =>
      post({
        ...base('alex', 'channel'),
        type: 'message',
        text: '<at>Doorman</at> register approvals',
        conversation: { id: APPROVALS_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: APPROVALS_CHANNEL } },
      }),
    deliver: () => doorman.dispatcher.drain(),
    async stop() {
      await doorman.stop();
      await connector.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
