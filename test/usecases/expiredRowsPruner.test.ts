import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { ExpiredRowsPruner } from '../../src/application/delivery/expiredRowsPruner';
import { InMemoryRateCounters } from '../../src/application/shared/rateWindows';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

const HOUR = 3600_000;

describe('expired rows pruner (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  it('a deadline row every sweep finds nothing to do for is claimed again each lease until it is a week overdue, then pruned and logged', async () => {
    // The lobby was already closed (lobbyOpenUntil null): its `lobby.close` deadline has nothing to do and no commit deletes it.
    const request = aSessionRequest({ state: 'connected', lobbyOpenUntil: null });
    const dueAt = new Date(t.clock.now().getTime() + 60_000);
    await t.deps.requests.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [{ requestId: request.id, kind: 'lobby.close', dueAt }] });
    const sweeper = new DeadlineSweeper(t.deps, { leaseMs: 30_000 });
    const warnings = jest.spyOn(t.deps.logger, 'warn');
    const pruner = new ExpiredRowsPruner(t.deps, new InMemoryRateCounters());

    t.clock.advance(2 * 60_000);
    expect(await sweeper.sweep()).toBe(1);
    t.clock.advance(31_000);
    expect(await sweeper.sweep()).toBe(1);
    expect((await pruner.prune()).deadlines).toBe(0);

    t.clock.advance(7 * 24 * HOUR);
    expect(await pruner.prune()).toEqual({ deadlines: 1, rateWindows: 0 });
    expect(warnings).toHaveBeenCalledWith(expect.objectContaining({ requestId: request.id, deadline: 'lobby.close' }), 'overdue deadline pruned');
    t.clock.advance(31_000);
    expect(await sweeper.sweep()).toBe(0);
  });

  it('deletes the windows of rate limits once they have passed, and keeps the current ones', async () => {
    const counters = new InMemoryRateCounters();
    const now = t.clock.now().getTime();
    await counters.addToRateCounter('client|api|k/60000', new Date(now - 120_000), 3, new Date(now - 60_000));
    await counters.addToRateCounter('client|api|k/60000', new Date(now), 1, new Date(now + 60_000));
    expect(await new ExpiredRowsPruner(t.deps, counters).prune()).toEqual({ deadlines: 0, rateWindows: 1 });
    expect(await counters.sumRateCounters('client|api|k/60000', new Date(0), new Date(now))).toBe(1);
  });
});
