import { ENDED_STATES } from '../../domain/retention';
import { Repeating, yieldToEventLoop } from '../shared/repeating';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { finishErasure, newPseudonym } from './erasure';

/** Tuning of the retention job; production keeps the defaults. */
export interface RetentionOptions {
  intervalMs: number;
  /** Requests erased per store read; a long backlog is erased in short steps, with HTTP let in between. */
  batch: number;
}

const DEFAULT_OPTIONS: RetentionOptions = { intervalMs: 60 * 60_000, batch: 100 };

/** The actor of retention's erasures in the audit trail. */
export const RETENTION_ACTOR = 'system:retention';

/**
 * Erases the personal data of requests that ended more than the retention setting's days ago (each erasure an audit
 * event of its own, each request with its own pseudonym), on a schedule; and finishes an admin's erasure an instance
 * left half-way.
 */
export class RetentionEraser {
  private readonly options: RetentionOptions;
  private readonly repeating: Repeating;

  constructor(
    private readonly deps: UseCaseDeps,
    options: Partial<RetentionOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.repeating = new Repeating(
      () => this.run(),
      (error) => this.deps.logger.error({ err: String(error) }, 'retention erasure failed'),
      this.options.intervalMs,
      { unref: true },
    );
  }

  /** Runs every `intervalMs` (the first run after one interval: start-up stays quick). */
  start(): void {
    this.repeating.start();
  }

  /** Stops and waits for a run in flight. */
  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** One run: unfinished admin erasures, then every request past retention; returns how many requests it erased. */
  async run(): Promise<number> {
    let erased = 0;
    for (const erasure of await this.deps.requests.unfinishedErasureRequests()) {
      erased += (await finishErasure(this.deps, erasure, 'timer')).erasedRequests ?? 0;
    }
    const { retentionDays } = await this.deps.lockboxSettings.getLockboxSettings();
    const now = this.deps.clock.now();
    const endedBefore = new Date(now.getTime() - retentionDays * 24 * 3600_000);
    for (;;) {
      const due = await this.deps.requests.requestsEndedBefore(ENDED_STATES, endedBefore, this.options.batch);
      for (const requestId of due) {
        const record = {
          pseudonym: newPseudonym(this.deps),
          actorId: RETENTION_ACTOR,
          actorType: 'system' as const,
          source: 'timer' as const,
          at: now,
          reason: `retention: ended more than ${retentionDays} days ago`,
        };
        if (await this.deps.requests.erasePersonalData(requestId, record)) erased += 1;
      }
      if (due.length < this.options.batch) break;
      await yieldToEventLoop();
    }
    if (erased > 0) {
      this.deps.logger.info({ erased, endedBefore: endedBefore.toISOString() }, 'personal data erased after retention');
      this.deps.wakeDispatcher();
    }
    return erased;
  }
}
