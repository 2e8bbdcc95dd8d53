import { Clock, Logger, RequestChanges, RequestStore } from '../ports';
import { Repeating } from './repeating';

/** Tuning of the change feed; production keeps the defaults. */
export interface ChangeFeedOptions {
  intervalMs: number;
  /** How far back each read looks again: changes stamped by another instance's clock may arrive a little late. */
  overlapMs: number;
  /** Changes read per tick at most (a burst beyond it is read on the next ticks). */
  limit: number;
}

const DEFAULT_OPTIONS: ChangeFeedOptions = { intervalMs: 2000, overlapMs: 10_000, limit: 1000 };

/**
 * Tells live pages of changes another instance committed: one indexed read of the requests changed lately, per
 * instance and tick, published to RequestChanges (where this instance's own commits are published as they happen).
 * A page then reads its request only when it changed, not on every tick.
 */
export class StoreChangeFeed implements CatchUpFeed {
  private readonly options: ChangeFeedOptions;
  private readonly repeating: Repeating;
  /** Changes already published, by `id@updatedAt`, kept while inside the overlap. */
  private readonly seen = new Map<string, number>();
  private since: number;
  /** The last read filled its page (or `readFrom` rewound): read on from the cursor (`since`, `afterId`), without looking back. */
  private behind = false;
  private afterId = '';

  constructor(
    private readonly requests: Pick<RequestStore, 'changedSince'>,
    private readonly changes: RequestChanges,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<ChangeFeedOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.since = clock.now().getTime();
    this.repeating = new Repeating(
      () => this.tick(),
      (error) => this.logger.warn({ err: String(error) }, 'change feed read failed'),
      this.options.intervalMs,
      { unref: true },
    );
  }

  /** Reads the feed every `intervalMs`. */
  start(): void {
    this.repeating.start();
  }

  /** Stops reading and waits for a read in flight. */
  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** Reads the changes since the last tick (with the overlap) and publishes the ones not published yet. */
  async tick(): Promise<number> {
    const rows = this.behind
      ? await this.requests.changedSince(new Date(this.since), this.options.limit, this.afterId)
      : await this.requests.changedSince(new Date(this.since - this.options.overlapMs), this.options.limit);
    let published = 0;
    for (const row of rows) {
      const key = `${row.id}@${row.updatedAt.getTime()}`;
      if (this.seen.has(key)) continue;
      this.seen.set(key, row.updatedAt.getTime());
      this.changes.publish(row.id);
      published += 1;
    }
    const last = rows.length > 0 ? rows[rows.length - 1] : null;
    const newest = last ? last.updatedAt.getTime() : this.since;
    // A full page means more are waiting: continue right after its last row (rows of one set-wise update share their
    // updatedAt, so the id says where inside them); otherwise up to now.
    this.behind = rows.length >= this.options.limit;
    this.afterId = this.behind && last ? last.id : '';
    this.since = this.behind ? newest : Math.max(newest, this.clock.now().getTime());
    for (const [key, at] of this.seen) if (at < this.since - 2 * this.options.overlapMs) this.seen.delete(key);
    return published;
  }

  /**
   * Reads every change from `from` on (the oldest change of a statement too large to name its rows in a notice) and
   * publishes the ones not published yet; returns how many. Reads at most `maxPages` pages now; the rest is read on.
   */
  async readFrom(from: Date, maxPages = 1000): Promise<number> {
    const at = from.getTime();
    const cursor = this.behind ? this.since : this.since - this.options.overlapMs;
    if (at < cursor) {
      this.since = at;
      this.afterId = '';
      this.behind = true;
    }
    let published = 0;
    for (let page = 0; page < maxPages; page += 1) {
      published += await this.tick();
      if (!this.behind) break;
    }
    return published;
  }
}

/** What tells this instance's live pages of changes other instances committed (read from the store, or pushed). */
export interface ChangeFeed {
  start(): void;
  stop(): Promise<void>;
  /** Reads the changes since the last read and publishes the ones not published yet; returns how many. */
  tick(): Promise<number>;
}

/** A feed that can also read every change from a given time on: what a listener does on a "many changed" notice. */
export interface CatchUpFeed extends ChangeFeed {
  /** Reads every change from `from` on and publishes the ones not published yet; returns how many. */
  readFrom(from: Date): Promise<number>;
}
