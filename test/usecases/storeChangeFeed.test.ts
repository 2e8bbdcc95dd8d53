import { InProcessRequestChanges } from '../../src/application/shared/requestChanges';
import { StoreChangeFeed } from '../../src/application/shared/storeChangeFeed';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

describe('store change feed (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  /** Commits `count` requests changed at one instant, as one set-wise update stamps them; returns their ids. */
  async function changedTogether(count: number, at: Date): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const request = aSessionRequest({ createdAt: at, updatedAt: at });
      await t.deps.requests.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });
      ids.push(request.id);
    }
    return ids;
  }

  function published(changes: InProcessRequestChanges): string[] {
    const ids: string[] = [];
    jest.spyOn(changes, 'publish').mockImplementation((id) => void ids.push(id));
    return ids;
  }

  it('reads every row of an update larger than its page whose rows share one updatedAt, each once', async () => {
    const changes = new InProcessRequestChanges();
    const feed = new StoreChangeFeed(t.deps.requests, changes, t.clock, t.deps.logger, { limit: 10 });
    const told = published(changes);
    t.clock.advance(1000);
    const ids = await changedTogether(35, t.clock.now());

    for (let page = 0; page < 10 && (await feed.tick()) > 0; page += 1);

    expect([...told].sort()).toEqual([...ids].sort());
  });

  it('on a many-changed notice, reads from the oldest change it names, also when the cursor already passed it', async () => {
    const changes = new InProcessRequestChanges();
    const feed = new StoreChangeFeed(t.deps.requests, changes, t.clock, t.deps.logger, { limit: 10, overlapMs: 1000 });
    const told = published(changes);
    // Stamped a minute ago (a long transaction), committed now: the cursor's look-back no longer reaches it.
    const stampedAt = t.clock.now();
    t.clock.advance(60_000);
    await feed.tick();
    const ids = await changedTogether(25, stampedAt);
    expect(await feed.tick()).toBe(0);

    expect(await feed.readFrom(stampedAt)).toBe(25);

    expect([...told].sort()).toEqual([...ids].sort());
  });
});
