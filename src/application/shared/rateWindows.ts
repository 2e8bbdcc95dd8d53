import { Clock, Logger, RateCounterStore } from '../ports';

/** A limit: at most `max` hits in any `windowMs`. */
export interface RateLimit {
  windowMs: number;
  max: number;
}

/** One fixed window's count after a hit (or a look), and when that window ends (epoch ms). */
export interface WindowCount {
  count: number;
  endsAt: number;
}

/** Buckets of the sliding limits are this wide: a window is over-counted by at most one bucket, never under. */
const SLIDING_BUCKET_MS = 100;

/**
 * Rate limits counted in a RateCounterStore: fixed windows (the portal's and the REST API's limits, the guess budget)
 * and sliding windows counted in short buckets (Teams' per-thread limits). On PostgreSQL every instance counts in
 * the same rows, so the limits hold for all instances together.
 */
export class RateWindows {
  constructor(
    private readonly counters: RateCounterStore,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit of `key` in the fixed window of `windowMs` that holds now (windows start at multiples of it). */
  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const start = this.windowStart(windowMs);
    const count = await this.counters.addToRateCounter(`${key}/${windowMs}`, new Date(start), 1, new Date(start + windowMs));
    return { count, endsAt: start + windowMs };
  }

  /** The hits of `key` counted in the fixed window of `windowMs` that holds now, without counting one. */
  async peek(key: string, windowMs: number): Promise<WindowCount> {
    const start = this.windowStart(windowMs);
    const count = await this.counters.sumRateCounters(`${key}/${windowMs}`, new Date(start), new Date(start));
    return { count, endsAt: start + windowMs };
  }

  /**
   * Takes one hit of `key` when every limit still holds over its sliding window, and returns 0; otherwise takes
   * nothing and returns the milliseconds to wait before asking again. Decided atomically for all instances.
   */
  async take(key: string, limits: readonly RateLimit[]): Promise<number> {
    const now = this.clock.now().getTime();
    const bucket = now - (now % SLIDING_BUCKET_MS);
    const longest = Math.max(...limits.map((limit) => limit.windowMs));
    const windows = limits.map((limit) => {
      const from = now - limit.windowMs;
      return { from: new Date(from - (from % SLIDING_BUCKET_MS)), max: limit.max };
    });
    const taken = await this.counters.takeRateSlot(`${key}/sliding`, new Date(bucket), new Date(bucket + longest + SLIDING_BUCKET_MS), windows);
    // Refused: about one even step of the tightest window, then ask again (older hits leave the windows meanwhile).
    return taken ? 0 : Math.max(...limits.map((limit) => Math.ceil(limit.windowMs / limit.max)));
  }

  /** Gives back a hit `take` counted at `takenAt` (nothing was sent after all). */
  async giveBack(key: string, takenAt: Date, limits: readonly RateLimit[]): Promise<void> {
    const at = takenAt.getTime();
    const bucket = at - (at % SLIDING_BUCKET_MS);
    const longest = Math.max(...limits.map((limit) => limit.windowMs));
    await this.counters.addToRateCounter(`${key}/sliding`, new Date(bucket), -1, new Date(bucket + longest + SLIDING_BUCKET_MS));
  }

  private windowStart(windowMs: number): number {
    const now = this.clock.now().getTime();
    return now - (now % windowMs);
  }
}

/** Rate counters in this process: the store of a single instance (SQLite), and the fallback when the shared one fails. */
export class InMemoryRateCounters implements RateCounterStore {
  private readonly counters = new Map<string, Map<number, { count: number; keepUntil: number }>>();
  private rows = 0;

  async addToRateCounter(key: string, bucketStart: Date, amount: number, keepUntil: Date): Promise<number> {
    const buckets = this.counters.get(key) ?? new Map<number, { count: number; keepUntil: number }>();
    this.counters.set(key, buckets);
    const bucket = buckets.get(bucketStart.getTime());
    if (!bucket) this.rows += 1;
    const next = { count: (bucket?.count ?? 0) + amount, keepUntil: Math.max(bucket?.keepUntil ?? 0, keepUntil.getTime()) };
    buckets.set(bucketStart.getTime(), next);
    // Without a pruner (tests), a flood of distinct clients still never grows memory without bound.
    if (this.rows > 50_000) await this.pruneRateCounters(bucketStart, Number.MAX_SAFE_INTEGER);
    return next.count;
  }

  async takeRateSlot(key: string, bucketStart: Date, keepUntil: Date, windows: readonly { from: Date; max: number }[]): Promise<boolean> {
    // No await between the sums and the add: decided and counted in one turn of the event loop.
    const fits = windows.every((window) => this.sum(key, window.from.getTime(), bucketStart.getTime()) + 1 <= window.max);
    if (fits) await this.addToRateCounter(key, bucketStart, 1, keepUntil);
    return fits;
  }

  async sumRateCounters(key: string, from: Date, to: Date): Promise<number> {
    return this.sum(key, from.getTime(), to.getTime());
  }

  private sum(key: string, from: number, to: number): number {
    let sum = 0;
    for (const [start, bucket] of this.counters.get(key) ?? []) if (start >= from && start <= to) sum += bucket.count;
    return sum;
  }

  async pruneRateCounters(before: Date, limit: number): Promise<number> {
    let deleted = 0;
    for (const [key, buckets] of this.counters) {
      for (const [start, bucket] of buckets) {
        if (deleted >= limit) return deleted;
        if (bucket.keepUntil < before.getTime()) {
          buckets.delete(start);
          deleted += 1;
          this.rows -= 1;
        }
      }
      if (buckets.size === 0) this.counters.delete(key);
    }
    return deleted;
  }
}

/**
 * The shared counters, or this process's when the shared store does not answer: limits then hold per instance (as
 * with one instance) instead of for all together, and no request is refused or failed because a counter could not be
 * read. Said once a minute at most, as a warning.
 */
export class FailSafeRateCounters implements RateCounterStore {
  private readonly fallback = new InMemoryRateCounters();
  private warnedAt = -Infinity;

  constructor(
    private readonly shared: RateCounterStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  addToRateCounter(key: string, bucketStart: Date, amount: number, keepUntil: Date): Promise<number> {
    return this.either((store) => store.addToRateCounter(key, bucketStart, amount, keepUntil));
  }

  takeRateSlot(key: string, bucketStart: Date, keepUntil: Date, windows: readonly { from: Date; max: number }[]): Promise<boolean> {
    return this.either((store) => store.takeRateSlot(key, bucketStart, keepUntil, windows));
  }

  sumRateCounters(key: string, from: Date, to: Date): Promise<number> {
    return this.either((store) => store.sumRateCounters(key, from, to));
  }

  async pruneRateCounters(before: Date, limit: number): Promise<number> {
    await this.fallback.pruneRateCounters(before, Number.MAX_SAFE_INTEGER);
    return this.shared.pruneRateCounters(before, limit);
  }

  private async either<T>(work: (store: RateCounterStore) => Promise<T>): Promise<T> {
    try {
      return await work(this.shared);
    } catch (error) {
      const now = this.clock.now().getTime();
      if (now - this.warnedAt >= 60_000) {
        this.warnedAt = now;
        this.logger.warn({ code: 'RATE.COUNTERS_UNSHARED', err: error instanceof Error ? error.name : String(error) }, 'shared rate counters unreachable: limits count per instance meanwhile');
      }
      return work(this.fallback);
    }
  }
}
