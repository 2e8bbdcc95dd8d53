import { isDoormanError } from '../../domain/errors';
import { ASSIST_DEADLINE_HANDLERS } from '../assist/assistRequests';
import { INVITATION_DEADLINE_HANDLERS } from '../invitation/invitationRequests';
import { LOCKBOX_DEADLINE_HANDLERS } from '../lockbox/lockboxRequests';
import { StoredRequest } from '../ports';
import { SESSION_DEADLINE_HANDLERS } from '../session/actOnSession';
import { UseCaseDeps } from '../shared/useCaseDeps';

type DeadlineHandler<R extends StoredRequest> = (deps: UseCaseDeps, request: R) => Promise<unknown>;
type DeadlineHandlerTable = { [K in StoredRequest['kind']]: Readonly<Record<string, DeadlineHandler<Extract<StoredRequest, { kind: K }>>>> };

/** Kind → deadline kind → what runs: one line per request kind; a kind missing here does not compile. */
const ON_DEADLINE: DeadlineHandlerTable = {
  session: SESSION_DEADLINE_HANDLERS,
  lockbox: LOCKBOX_DEADLINE_HANDLERS,
  assist: ASSIST_DEADLINE_HANDLERS,
  invitation: INVITATION_DEADLINE_HANDLERS,
};

function handlerFor<R extends StoredRequest>(request: R, deadlineKind: string): DeadlineHandler<R> | undefined {
  const handlers = ON_DEADLINE[request.kind] as Readonly<Record<string, DeadlineHandler<R>>>;
  return Object.hasOwn(handlers, deadlineKind) ? handlers[deadlineKind] : undefined;
}

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
        const handle = request ? handlerFor(request, deadline.kind) : undefined;
        if (request && handle) await handle(this.deps, request);
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
