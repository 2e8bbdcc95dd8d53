import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { Logger, StoredRequest } from '../../src/application/ports';
import { denyCustomer } from '../../src/application/session/actOnSession';
import { commitRequest, deadlinesOf } from '../../src/application/shared/requestCommit';
import { Actor } from '../../src/domain/people';
import { SessionRequest, recordSessionSide } from '../../src/domain/session';
import { assistIn } from '../support/assistCardFixtures';
import { invitationIn } from '../support/invitationCardFixtures';
import { aLockboxRequest } from '../support/lockboxBuilder';
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

describe('deadline sweeper: expiry as one state move per kind and batch (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();
  const FAR = new Date('2100-01-01T00:00:00Z');
  const bea: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' }, roles: ['agent'] };

  /** Stores `request` as new, with the deadlines its kind gives it in its state. */
  async function stored<R extends StoredRequest>(request: R): Promise<R> {
    await t.deps.requests.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: deadlinesOf(request) });
    return request;
  }

  /** Every expire event of a request, as "from → to @ version". */
  async function expiries(id: string): Promise<string[]> {
    return (await t.deps.requests.eventsOf(id)).filter((event) => event.action === 'expire').map((event) => `${event.fromState} → ${event.toState} @ ${event.version}`);
  }

  async function queuedCardUpdates(): Promise<string[]> {
    const items = await t.deps.outbox.claimOutbox(FAR, 10_000, 60_000);
    return items.filter((item) => item.message.type === 'card.update').map((item) => `${item.message.requestId}@${(item.message as { version: number }).version}`);
  }

  async function waitingSessions(count: number, dueAt: Date): Promise<SessionRequest[]> {
    const now = t.clock.now();
    return Promise.all(Array.from({ length: count }, () => stored(aSessionRequest({ state: 'waiting', customerName: 'Chris', createdAt: now, updatedAt: now, expiresAt: dueAt }))));
  }

  it('expires mixed kinds and states in one batch: each request once, from its own state, with its audit event and card update', async () => {
    const now = t.clock.now();
    const due = new Date(now.getTime() + 60_000);
    const sessions = await Promise.all((['open', 'waiting', 'ready'] as const).map((state) => stored(aSessionRequest({ state, customerName: state === 'open' ? null : 'Chris', createdAt: now, updatedAt: now, expiresAt: due }))));
    const notYet = await stored(aSessionRequest({ state: 'waiting', customerName: 'Kim', createdAt: now, updatedAt: now, expiresAt: new Date(due.getTime() + 3_600_000) }));
    const parent = await stored(aSessionRequest({ id: 'parent-session', state: 'connected', customerName: 'Pat', createdAt: now, updatedAt: now, expiresAt: due }));
    const assists = await Promise.all([
      stored(assistIn('requested', { id: 'as-requested', answerBy: due, createdAt: now, updatedAt: now })),
      stored(assistIn('accepted', { id: 'as-accepted', answerBy: due, allowBy: due, createdAt: now, updatedAt: now })),
    ]);
    const invitation = await stored(invitationIn('pending', { id: 'inv-pending', parentId: parent.id, answerBy: due, createdAt: now, updatedAt: now }));
    const lockbox = await stored(aLockboxRequest({ state: 'pending', decideBy: due, remindAt: null, createdAt: now, updatedAt: now }));
    const moved = [...sessions, ...assists, invitation];
    const commitAll = jest.spyOn(t.deps.requests, 'commitAll');
    await t.deps.outbox.claimOutbox(FAR, 10_000, 60_000);
    t.clock.advance(60_000);

    expect(await new DeadlineSweeper(t.deps, { batchSize: 50 }).sweep()).toBe(moved.length + 1);

    // One transaction; the expiries the domain calls moves go as moves (set-wise), the lockbox one as a whole change.
    expect(commitAll).toHaveBeenCalledTimes(1);
    const written = commitAll.mock.calls[0][0];
    expect(written.filter((change) => change.move).map((change) => change.request.id).sort()).toEqual(moved.map((request) => request.id).sort());
    expect(written.find((change) => change.request.id === lockbox.id)?.move).toBeUndefined();
    for (const request of moved) {
      expect(await t.deps.requests.getRequest(request.id)).toMatchObject({ state: 'expired', version: request.version + 1, updatedAt: t.clock.now() });
      expect(await expiries(request.id)).toEqual([`${request.state} → expired @ ${request.version + 1}`]);
    }
    expect(await t.deps.requests.getRequest(sessions[2].id)).toMatchObject({ customerName: 'Chris', recipient: sessions[2].recipient, comments: sessions[2].comments });
    expect(await t.deps.requests.getRequest(lockbox.id)).toMatchObject({ state: 'expired', remindAt: null, escalateAt: null });
    expect(await expiries(lockbox.id)).toEqual(['pending → expired @ 2']);
    expect(await t.deps.requests.getRequest(notYet.id)).toMatchObject({ state: 'waiting', version: 1 });
    expect(await queuedCardUpdates()).toEqual(expect.arrayContaining([...moved, lockbox].map((request) => `${request.id}@${request.version + 1}`)));
    // Nothing of theirs is due again; the request not yet due keeps its deadline.
    expect((await t.deps.deadlines.claimDeadlines(FAR, 100, 60_000)).map((deadline) => deadline.requestId)).toEqual([notYet.id]);
  });

  it('an action racing the sweeper gives exactly one transition; a change that kept the state is kept, not overwritten', async () => {
    const due = new Date(t.clock.now().getTime() + 60_000);
    const [clicked, touched, untouched] = await waitingSessions(3, due);
    t.clock.advance(60_000);
    const store = t.deps.requests;
    const read = store.getRequests.bind(store);
    // Between the sweeper's read and its write: an agent clicks one (Doorman expires it on that click) and the
    // dispatcher records a meeting on another (its state stays one expiry is legal in).
    jest.spyOn(store, 'getRequests').mockImplementationOnce(async (ids) => {
      const before = await read(ids);
      const refused = await denyCustomer(t.deps, bea, { requestId: clicked.id, version: clicked.version });
      expect(refused.refused).toBe('REQUEST.EXPIRED');
      const meeting = { provider: 'local' as const, status: 'ready' as const, joinUrl: null, meetingId: null, problem: null };
      const { request: after, event } = recordSessionSide(touched, { action: 'meeting.ready', meeting }, { actor: { type: 'system', name: 'dispatcher' }, now: t.clock.now(), source: 'timer' });
      await commitRequest(t.deps, touched, after, [event]);
      return before;
    });

    await new DeadlineSweeper(t.deps, { batchSize: 50 }).sweep();

    expect(await expiries(clicked.id)).toEqual(['waiting → expired @ 2']);
    expect(await expiries(touched.id)).toEqual(['waiting → expired @ 3']);
    expect(await expiries(untouched.id)).toEqual(['waiting → expired @ 2']);
    expect(await t.deps.requests.getRequest(touched.id)).toMatchObject({ state: 'expired', version: 3, meeting: { status: 'ready' } });
    expect(await t.deps.deadlines.claimDeadlines(FAR, 100, 60_000)).toEqual([]);
  });

  it('after a crash between batches, a later sweep expires the rest once the lease runs out, and nothing twice', async () => {
    const sessions = await waitingSessions(25, new Date(t.clock.now().getTime() + 60_000));
    await t.deps.outbox.claimOutbox(FAR, 10_000, 60_000);
    t.clock.advance(60_000);
    const store = t.deps.requests;
    const commitAll = store.commitAll.bind(store);
    // The second batch's transaction never commits (the process died in it): nothing of it is written.
    jest.spyOn(store, 'commitAll')
      .mockImplementationOnce(commitAll)
      .mockImplementationOnce(async () => {
        throw new Error('killed');
      });

    await expect(new DeadlineSweeper(t.deps, { batchSize: 10, leaseMs: 30_000 }).sweep()).rejects.toThrow('killed');
    const states = async () => Promise.all(sessions.map(async (session) => (await t.deps.requests.getRequest(session.id))?.state));
    expect((await states()).filter((state) => state === 'expired')).toHaveLength(10);
    // Another instance sweeps before the lease ran out: only the rows nobody claimed.
    expect(await new DeadlineSweeper(t.deps, { batchSize: 10 }).sweep()).toBe(5);
    t.clock.advance(30_001);
    expect(await new DeadlineSweeper(t.deps, { batchSize: 10 }).sweep()).toBe(10);

    expect(new Set(await states())).toEqual(new Set(['expired']));
    for (const session of sessions) expect(await expiries(session.id)).toEqual(['waiting → expired @ 2']);
    expect((await queuedCardUpdates()).sort()).toEqual(sessions.map((session) => `${session.id}@2`).sort());
  });
});
