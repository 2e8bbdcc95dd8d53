import { OutboxPruner } from '../../src/application/delivery/outboxPruner';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

describe('outbox pruner (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  it('deletes delivered rows past their keeping time in chunks, and keeps rows pending or given up', async () => {
    const request = aSessionRequest();
    const outbox = Array.from({ length: 7 }, () => ({ type: 'card.update' as const, requestId: request.id, version: 1 }));
    await t.deps.requests.commit({ request, expectedVersion: null, events: [], outbox, deadlines: [] });
    const claimed = await t.deps.outbox.claimOutbox(t.clock.now(), 6, 60_000);
    for (const item of claimed.slice(0, 5)) await t.deps.outbox.completeOutbox(item.id);
    await t.deps.outbox.failOutbox(claimed[5].id, 'PermanentError: gone');
    const pruneCalls = jest.spyOn(t.deps.outbox, 'pruneOutbox');

    // Delivery times come from the database clock (today); the fake clock is years ahead, so all are past keeping.
    expect(await new OutboxPruner(t.deps, { chunk: 2 }).prune()).toBe(5);

    expect(pruneCalls).toHaveBeenCalledTimes(3);
    expect(await t.deps.outbox.pendingOutboxCount()).toBe(1);
    expect((await t.deps.outbox.failedOutbox(10)).map((row) => row.id)).toEqual([claimed[5].id]);
    expect(await new OutboxPruner(t.deps).prune()).toBe(0);
  });

  it('keeps delivered rows younger than the keeping time', async () => {
    const request = aSessionRequest();
    await t.deps.requests.commit({ request, expectedVersion: null, events: [], outbox: [{ type: 'card.update', requestId: request.id, version: 1 }], deadlines: [] });
    const [item] = await t.deps.outbox.claimOutbox(t.clock.now(), 1, 60_000);
    await t.deps.outbox.completeOutbox(item.id);
    // Measured from the real clock's side: delivered just now, kept for a week.
    t.clock.set(new Date());

    expect(await new OutboxPruner(t.deps).prune()).toBe(0);
  });
});
