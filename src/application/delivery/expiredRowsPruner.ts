import { RateCounterStore } from '../ports';
import { Repeating, deleteInChunks } from '../shared/repeating';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** Tuning of the pruner; production keeps the defaults. */
export interface ExpiredRowsPrunerOptions {
  /** A deadline row still there this long after it fell due is pruned. */
  keepOverdueMs: number;
  intervalMs: number;
  /** Rows deleted per statement: a long backlog is deleted in short transactions, with HTTP let in between. */
  chunk: number;
}

const DEFAULT_OPTIONS: ExpiredRowsPrunerOptions = { keepOverdueMs: 7 * 24 * 3600_000, intervalMs: 10 * 60_000, chunk: 5_000 };

/**
 * Deletes rows whose time is over, on a schedule, on every store: deadline rows a week past due, and the windows of
 * the rate limits once they have passed. A deadline row normally goes with the commit it causes; one still there a
 * week later was handled by every sweep since without a change (a lobby already closed) or kept failing, and would
 * otherwise be claimed again every lease, forever. Each pruned deadline is logged with its request.
 */
export class ExpiredRowsPruner {
  private readonly options: ExpiredRowsPrunerOptions;
  private readonly repeating: Repeating;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly rateCounters: RateCounterStore,
    options: Partial<ExpiredRowsPrunerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.repeating = new Repeating(
      () => this.prune(),
      (error) => this.deps.logger.error({ err: String(error) }, 'pruning expired rows failed'),
      this.options.intervalMs,
      { unref: true, now: true },
    );
  }

  /** Prunes now and then every `intervalMs`. */
  start(): void {
    this.repeating.start();
  }

  /** Stops pruning and waits for a prune in flight. */
  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** Deletes every overdue deadline row and every passed rate window; returns how many of each. */
  async prune(): Promise<{ deadlines: number; rateWindows: number }> {
    const now = this.deps.clock.now();
    const dueBefore = new Date(now.getTime() - this.options.keepOverdueMs);
    const { chunk } = this.options;
    const deadlines = await deleteInChunks(async () => {
      const pruned = await this.deps.deadlines.pruneDeadlines(dueBefore, chunk);
      for (const deadline of pruned) {
        this.deps.logger.warn({ requestId: deadline.requestId, deadline: deadline.kind, dueAt: deadline.dueAt.toISOString() }, 'overdue deadline pruned');
      }
      return pruned.length;
    }, chunk);
    const rateWindows = await deleteInChunks(() => this.rateCounters.pruneRateCounters(now, chunk), chunk);
    if (deadlines + rateWindows > 0) this.deps.logger.info({ deadlines, rateWindows }, 'expired rows pruned');
    return { deadlines, rateWindows };
  }
}
