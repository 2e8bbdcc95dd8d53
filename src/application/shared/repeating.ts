/**
 * Runs `work` every `intervalMs`, never two at once (a tick while one runs is skipped); a failure goes to `onError`
 * and the next tick tries again. `stop()` waits for the run in flight. Background jobs (sweeper, pruner, change feed)
 * share it.
 */
export class Repeating {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs: number,
    /** `unref`: the timer alone keeps no process alive; `now`: the first run starts at once, not after an interval. */
    private readonly options: { unref?: boolean; now?: boolean } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    if (this.options.unref) this.timer.unref();
    if (this.options.now) this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.work()
      .catch(this.onError)
      .finally(() => (this.running = null));
  }
}

/** Lets pending I/O (HTTP) in between the chunks of a long synchronous job (SQLite is synchronous). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `deleteChunk` (which removes at most `chunk` rows and says how many) until a chunk comes back short, letting
 * HTTP in between chunks; returns the total. A long backlog goes in short transactions.
 */
export async function deleteInChunks(deleteChunk: () => Promise<number>, chunk: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteChunk();
    total += deleted;
    if (deleted < chunk) return total;
    await yieldToEventLoop();
  }
}
