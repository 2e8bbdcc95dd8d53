import Database from 'better-sqlite3';
import { join } from 'node:path';
import { LockboxRequest } from '../../src/domain/lockbox';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { WebhookReceiver } from '../support/webhookReceiver';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const DANA_CHAT = `a:personal-${PEOPLE.dana.aadObjectId}`;

/** Resolves once `check` holds, looking again after every turn of the event loop (the test's timeout bounds it). */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('one chat that never answers', () => {
  let t: TestDoorman;
  let receiver: WebhookReceiver;
  let key: string;

  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    t = await startTestDoorman({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
    await t.registerApprovals();
    for (const who of ['alex', 'carl', 'dana', 'finn'] as const) await t.message(who, 'hi');
    await t.deliver();
    key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
  });
  afterEach(async () => {
    t.connector.recover();
    await t.stop();
    await receiver.stop();
  });

  const ask = async (ticket: string) => {
    const response = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case', ticket, durationMinutes: 60 }),
    });
    expect(response.status).toBe(201);
  };

  it('holds up neither the access grant nor the webhooks queued behind ten deliveries to it, and stop() does not wait for it', async () => {
    t.connector.hanging.add(DANA_CHAT);
    for (let i = 0; i < 10; i += 1) await ask(`T-${i}`);
    const [last] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    const approved = await t.invoke('carl', 'lockbox.approve', { requestId: last.id, version: last.version }, 'channel');
    expect(approved.body.statusCode).toBe(200);

    const delivering = t.deliver();
    // 10 "requested" webhooks and the "approved" one; the grant confirmed: all while Dana's chat still hangs.
    await receiver.received(11);
    await until(async () => ((await t.store.getRequest(last.id)) as LockboxRequest).access.status === 'granted');
    expect(t.connector.heldCalls).toBeGreaterThanOrEqual(1);
    expect(receiver.bodies.some((body) => body.includes('lockbox.approve'))).toBe(true);

    // Shutdown while the call hangs: stop() returns, and the row is handed back for the next start, attempt returned.
    await t.doorman.dispatcher.stop();
    expect(t.connector.heldCalls).toBeGreaterThanOrEqual(1);
    await delivering;
    const db = new Database(join(t.dir, 'doorman.db'), { readonly: true });
    try {
      const waiting = db.prepare(`SELECT type, attempts, claimed_until FROM outbox WHERE status = 'pending'`).all() as {
        type: string;
        attempts: number;
        claimed_until: number | null;
      }[];
      expect(waiting.length).toBeGreaterThanOrEqual(10);
      expect(waiting.every((row) => row.claimed_until === null && row.attempts === 0)).toBe(true);
    } finally {
      db.close();
    }
  }, 60_000);
});
