/**
 * Hit counters by key and time bucket: the memory of the rate limits. On PostgreSQL every instance counts in the same
 * rows, so a limit holds for all of them together.
 */
export interface RateCounterStore {
  /**
   * Adds `amount` (1 for a hit, -1 to give one back) to `key`'s bucket that starts at `bucketStart`, in one atomic
   * statement, and returns the bucket's count after it. The row is kept until `keepUntil`.
   */
  addToRateCounter(key: string, bucketStart: Date, amount: number, keepUntil: Date): Promise<number>;
  /**
   * Counts one hit in `key`'s bucket that starts at `bucketStart` only when, with it, each window's sum (the buckets
   * from its `from` through `bucketStart`) stays within its `max`; decided and counted atomically for all instances.
   * True when counted.
   */
  takeRateSlot(key: string, bucketStart: Date, keepUntil: Date, windows: readonly { from: Date; max: number }[]): Promise<boolean>;
  /** The sum of `key`'s buckets that start from `from` through `to`. */
  sumRateCounters(key: string, from: Date, to: Date): Promise<number>;
  /** Deletes up to `limit` counters kept until before `before`; returns how many. */
  pruneRateCounters(before: Date, limit: number): Promise<number>;
}
