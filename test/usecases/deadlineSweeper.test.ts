import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { Logger } from '../../src/application/ports';
import { SessionRequest } from '../../src/domain/session';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

/** A logger that keeps each line's level and message. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (_fields: Record<string, unknown>, message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('deadline sweeper (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  async function waitingSessions(count: number, dueInMs: number): Promise<SessionRequest[]> {
    const now = t.clock.now();
    const sessions: SessionRequest[] = [];
    for (let i = 0; i < count; i++) {
      const session = aSessionRequest({ state: 'waiting', customerName: 'Chris', createdAt: now, updatedAt: now, expiresAt: new Date(now.getTime() + dueInMs) });
      await t.deps.requests.commit({ request: session, expectedVersion: null, events: [], outbox: [], deadlines: [{ requestId: session.id, kind: 'expire', dueAt: session.expiresAt }] });
      sessions.push(session);
    }
    return sessions;
  }

  it('expires N due requests in ⌈N / batch⌉ transactions, one log line per batch, and tells each live page', async () => {
    const sessions = await waitingSessions(23, 60_000);
    const logger = recordingLogger();
    const commitAll = jest.spyOn(t.deps.requests, 'commitAll');
    const commit = jest.spyOn(t.deps.requests, 'commit');
    const getRequest = jest.spyOn(t.deps.requests, 'getRequest');
    const getRequests = jest.spyOn(t.deps.requests, 'getRequests');
    const told = new Set<string>();
    for (const session of sessions) t.deps.changes.subscribe(session.id, () => told.add(session.id));
    t.clock.advance(60_000);

    const handled = await new DeadlineSweeper({ ...t.deps, logger }, { batchSize: 10 }).sweep();

    expect(handled).toBe(23);
    expect(commitAll).toHaveBeenCalledTimes(3);
    expect(commit).not.toHaveBeenCalled();
    // Each batch's requests are read at once, not one read per deadline.
    expect(getRequests).toHaveBeenCalledTimes(3);
    expect(getRequest).not.toHaveBeenCalled();
    const states = await Promise.all(sessions.map(async (session) => (await t.deps.requests.getRequest(session.id))?.state));
    expect(new Set(states)).toEqual(new Set(['expired']));
    expect(told.size).toBe(23);
    expect(logger.lines.filter((line) => line.startsWith('info '))).toEqual(['info deadlines handled', 'info deadlines handled', 'info deadlines handled']);
    expect(await t.deps.deadlines.claimDeadlines(new Date('2100-01-01T00:00:00Z'), 100, 1)).toEqual([]);
  });

  it('deletes a deadline row with nothing left to do instead of claiming it again after every lease', async () => {
    const [session] = await waitingSessions(1, 60_000);
    // The request moved on without its deadline being replaced (a row left from before): expiring it is illegal now.
    const closed = { ...session, state: 'closed' as const, closedReason: 'ended' as const, version: 2 };
    await t.deps.requests.commit({ request: closed, expectedVersion: 1, events: [], outbox: [], deadlines: [{ requestId: session.id, kind: 'expire', dueAt: session.expiresAt }] });
    t.clock.advance(60_000);

    expect(await new DeadlineSweeper(t.deps, { leaseMs: 1000 }).sweep()).toBe(1);

    expect(await t.deps.deadlines.claimDeadlines(new Date('2100-01-01T00:00:00Z'), 100, 1)).toEqual([]);
    expect((await t.deps.requests.getRequest(session.id))?.state).toBe('closed');
  });
});
