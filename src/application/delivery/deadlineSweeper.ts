import { closeLobby, expireSession } from '../session/actOnSession';
import { elapseLockbox, expireLockbox, remindApprovers } from '../lockbox/lockboxRequests';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { isDoormanError } from '../../domain/errors';

/**
 * Claims due deadline rows and runs what they stand for. Claims are leased, so any number of instances can sweep;
 * the commit that the deadline causes deletes the row.
 */
export class DeadlineSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly options: { intervalMs: number; leaseMs: number; batchSize: number } = {
      intervalMs: 1000,
      leaseMs: 30_000,
      batchSize: 50,
    },
  ) {}

  /** Sweeps every `intervalMs`. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error: unknown) => this.deps.logger.error({ err: String(error) }, 'deadline sweep failed'))
        .finally(() => (this.running = null));
    }, this.options.intervalMs);
  }

  /** Stops sweeping and waits for a sweep in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Handles every deadline due now; returns how many were handled. */
  async sweep(): Promise<number> {
    const due = await this.deps.deadlines.claimDeadlines(this.deps.clock.now(), this.options.batchSize, this.options.leaseMs);
    for (const deadline of due) {
      try {
        const request = await this.deps.requests.getRequest(deadline.requestId);
        if (request?.kind === 'session') {
          if (deadline.kind === 'expire') await expireSession(this.deps, request);
          if (deadline.kind === 'lobby.close') await closeLobby(this.deps, request);
        }
        if (request?.kind === 'lockbox') {
          if (deadline.kind === 'expire') await expireLockbox(this.deps, request);
          if (deadline.kind === 'remind') await remindApprovers(this.deps, request);
          if (deadline.kind === 'elapse') await elapseLockbox(this.deps, request);
        }
      } catch (error) {
        // The lease runs out and the next sweep tries again; an illegal transition means the row was already moot.
        if (!isDoormanError(error, 'REQUEST.ILLEGAL_TRANSITION')) {
          this.deps.logger.warn({ requestId: deadline.requestId, err: String(error) }, 'deadline not handled yet');
        }
      }
    }
    return due.length;
  }
}
