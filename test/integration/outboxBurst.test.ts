import Database from 'better-sqlite3';
import { join } from 'node:path';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';

const ask = { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: 60 };

/** The attempts each outbox row spent, by status, read beside the store with a connection of its own. */
function attemptsOf(t: TestDoorman): { status: string; type: string; attempts: number }[] {
  const db = new Database(join(t.dir, 'doorman.db'), { readonly: true });
  try {
    return db.prepare('SELECT status, type, attempts FROM outbox').all() as { status: string; type: string; attempts: number }[];
  } finally {
    db.close();
  }
}

describe('a burst of lockbox requests against a Bot Connector that enforces Teams\' per-thread limits', () => {
  let t: TestDoorman;
  let key: string;
  /** Asks for access through the REST API, as a ticketing system would. */
  const request = async (ticket: string) => {
    const response = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ ...ask, ticket }),
    });
    expect(response.status).toBe(201);
  };
  beforeEach(async () => {
    t = await startTestDoorman();
    await t.registerApprovals();
    for (const who of ['alex', 'carl', 'dana', 'finn'] as const) await t.message(who, 'hi');
    await t.deliver();
    t.connector.calls.length = 0;
    t.connector.threadLimitsOn = t.clock;
    key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: [PEOPLE.dana.aadObjectId] });
  });
  afterEach(() => t.stop());

  it('delivers every approvers\' card and every requester card of 100 requests; throttling spends no attempt', async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => request(`T-${i}`)));
    // 200 posts into two threads need at least 100 s at Teams' 60 per 30 s: move the clock as the limits allow.
    for (let round = 0; round < 2_000 && (await t.store.pendingOutboxCount()) > 0; round += 1) {
      await t.deliver();
      t.clock.advance(250);
    }

    expect(await t.store.pendingOutboxCount()).toBe(0);
    expect((await t.store.outboxHealth(t.clock.now())).failedByType).toEqual({});
    expect(t.connector.callsOf('createConversation')).toHaveLength(100);
    const requesterCards = t.connector.postsIn(`a:personal-${PEOPLE.dana.aadObjectId}`);
    expect(requesterCards).toHaveLength(100);
    const tickets = requesterCards.map((call) => /T-(\d+)/.exec(JSON.stringify(call.body))?.[1]);
    expect(new Set(tickets).size).toBe(100);
    // Paced a little under the limits, Doorman is never answered 429, and a row that waited spent no attempt on it.
    expect(t.connector.throttled).toBe(0);
    const rows = attemptsOf(t).filter((row) => row.type === 'card.post');
    expect(rows.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
  }, 120_000);

  it('a 429 with Retry-After from the Bot Connector reschedules the card without spending an attempt', async () => {
    t.connector.failNext.push(...Array.from({ length: 15 }, () => ({ status: 429, retryAfterSeconds: 3 })));
    await request('T-1');
    for (let round = 0; round < 40 && (await t.store.pendingOutboxCount()) > 0; round += 1) {
      await t.deliver();
      t.clock.advance(3_000);
    }
    expect(await t.store.pendingOutboxCount()).toBe(0);
    expect(t.connector.failNext).toHaveLength(0);
    expect(t.connector.callsOf('createConversation')).toHaveLength(1);
    expect(attemptsOf(t).filter((row) => row.type === 'card.post').map((row) => [row.status, row.attempts])).toEqual([
      ['done', 1],
      ['done', 1],
    ]);
  }, 60_000);
});

