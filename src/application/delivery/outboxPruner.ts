import { Repeating, deleteInChunks } from '../shared/repeating';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** Tuning of the pruner; production keeps the defaults. */
export interface PrunerOptions {
  /** How long a delivered row is kept after delivery (for `doctor` and support questions). */
  keepDeliveredMs: number;
  intervalMs: number;
  /** Rows deleted per statement: a long backlog is deleted in short transactions, with HTTP let in between. */
  chunk: number;
}

const DEFAULT_OPTIONS: PrunerOptions = { keepDeliveredMs: 7 * 24 * 3600_000, intervalMs: 10 * 60_000, chunk: 5_000 };

/**
 * Deletes delivered outbox rows once they are older than `keepDeliveredMs`, on a schedule. Kept forever they made
 * every claim slower the longer a deployment lived. Rows given up stay (`doctor` lists them); pending rows are never
 * touched. Deadline rows go with the commit they cause; the few left over are ExpiredRowsPruner's.
 */
export class OutboxPruner {
  private readonly options: PrunerOptions;
  private readonly repeating: Repeating;

  constructor(
    private readonly deps: UseCaseDeps,
    options: Partial<PrunerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.repeating = new Repeating(
      () => this.prune(),
      (error) => this.deps.logger.error({ err: String(error) }, 'outbox pruning failed'),
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

  /** Deletes every delivered row past its keeping time; returns how many. */
  async prune(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.options.keepDeliveredMs);
    const deleted = await deleteInChunks(() => this.deps.outbox.pruneOutbox(before, this.options.chunk), this.options.chunk);
    if (deleted > 0) this.deps.logger.info({ deleted, deliveredBefore: before.toISOString() }, 'delivered outbox rows pruned');
    return deleted;
  }
}
