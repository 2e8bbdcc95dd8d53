import { FailSafeRateCounters, RateWindows } from '../../src/application/shared/rateWindows';
import { RateCounterStore } from '../../src/application/ports';
import { FakeClock } from '../support/fakeClock';

/** Shared counters that do not answer (PostgreSQL down), counting how often they were asked. */
class UnreachableCounters implements RateCounterStore {
  asked = 0;
  private fail(): never {
    this.asked += 1;
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async addToRateCounter(): Promise<number> {
    return this.fail();
  }
  async takeRateSlot(): Promise<boolean> {
    return this.fail();
  }
  async sumRateCounters(): Promise<number> {
    return this.fail();
  }
  async pruneRateCounters(): Promise<number> {
    return this.fail();
  }
}

describe('rate limits when the shared counters do not answer', () => {
  it('count in this process meanwhile: limits still hold per instance, nothing throws, one warning a minute', async () => {
    const clock = new FakeClock();
    const warnings: Record<string, unknown>[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (fields: Record<string, unknown>) => warnings.push(fields) };
    const shared = new UnreachableCounters();
    const windows = new RateWindows(new FailSafeRateCounters(shared, clock, logger), clock);

    const counts: number[] = [];
    for (let i = 0; i < 3; i += 1) counts.push((await windows.hit('client|api|k', 60_000)).count);
    expect(counts).toEqual([1, 2, 3]);
    const takes: number[] = [];
    for (let i = 0; i < 8; i += 1) takes.push(await windows.take('teams-thread|t', [{ windowMs: 1100, max: 7 }]));
    expect(takes.filter((wait) => wait === 0)).toHaveLength(7);
    expect(takes[7]).toBeGreaterThan(0);
    expect(shared.asked).toBe(11);
    expect(warnings).toEqual([expect.objectContaining({ code: 'RATE.COUNTERS_UNSHARED' })]);
    clock.advance(60_000);
    await windows.hit('client|api|k', 60_000);
    expect(warnings).toHaveLength(2);
  });
});
