import { ASSIST_DEADLINE_MOVES } from '../../domain/assist';
import { isDoormanError } from '../../domain/errors';
import { INVITATION_DEADLINE_MOVES } from '../../domain/invitation';
import { LOCKBOX_DEADLINE_MOVES } from '../../domain/lockbox';
import { SESSION_DEADLINE_MOVES } from '../../domain/session';
import { StateMove } from '../../domain/stateMoves';
import { ASSIST_DEADLINE_HANDLERS } from '../assist/assistRequests';
import { INVITATION_DEADLINE_HANDLERS } from '../invitation/invitationRequests';
import { LOCKBOX_DEADLINE_HANDLERS } from '../lockbox/lockboxRequests';
import { Change, Deadline, Logger, RequestStore, StoredRequest } from '../ports';
import { SESSION_DEADLINE_HANDLERS } from '../session/actOnSession';
import { Repeating, yieldToEventLoop } from '../shared/repeating';
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

/**
 * Kind → deadline kind → the state move its handler makes when it changes nothing else, from the domain (its
 * transition table): those changes are written set-wise, one UPDATE per move and batch.
 */
const DEADLINE_MOVES: { [K in StoredRequest['kind']]: Readonly<Record<string, StateMove | undefined>> } = {
  session: SESSION_DEADLINE_MOVES,
  lockbox: LOCKBOX_DEADLINE_MOVES,
  assist: ASSIST_DEADLINE_MOVES,
  invitation: INVITATION_DEADLINE_MOVES,
};

/** The change, marked as its deadline's state move when it is exactly that (one event of the move's action). */
function asMove(change: Change, deadlineKind: string): Change {
  const moves = DEADLINE_MOVES[change.request.kind];
  const move = Object.hasOwn(moves, deadlineKind) ? moves[deadlineKind] : undefined;
  const [event, ...more] = change.events;
  const isMove =
    move !== undefined &&
    more.length === 0 &&
    event?.action === move.action &&
    event.fromState !== null &&
    move.fromStates.includes(event.fromState) &&
    change.request.state === move.toState &&
    change.expectedVersion !== null &&
    change.request.version === change.expectedVersion + 1;
  return isMove ? { ...change, move } : change;
}

function handlerFor<R extends StoredRequest>(request: R, deadlineKind: string): DeadlineHandler<R> | undefined {
  const handlers = ON_DEADLINE[request.kind] as Readonly<Record<string, DeadlineHandler<R>>>;
  return Object.hasOwn(handlers, deadlineKind) ? handlers[deadlineKind] : undefined;
}

/** Tuning of the sweeper; tests shorten them, production keeps the defaults. */
export interface SweeperOptions {
  intervalMs: number;
  leaseMs: number;
  /** Deadlines claimed, decided and committed together, in one transaction. */
  batchSize: number;
}

const DEFAULT_OPTIONS: SweeperOptions = { intervalMs: 1000, leaseMs: 30_000, batchSize: 500 };

/**
 * Claims due deadline rows and runs what they stand for. Claims are leased, so any number of instances can sweep;
 * the commit that the deadline causes deletes the row. A backlog is drained batch after batch in one sweep: each
 * batch's transitions are written in one transaction and logged as one line: the domain decides each, and those that
 * only move a request's state (expiry) are written set-wise, one UPDATE per move, with their audit events and card
 * updates inserted set by set; a change that lost its compare-and-set is run again on its own.
 */
export class DeadlineSweeper {
  private readonly options: SweeperOptions;
  private readonly repeating: Repeating;

  constructor(
    private readonly deps: UseCaseDeps,
    options: Partial<SweeperOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.repeating = new Repeating(
      () => this.sweep(),
      (error) => this.deps.logger.error({ err: String(error) }, 'deadline sweep failed'),
      this.options.intervalMs,
    );
  }

  /** Sweeps every `intervalMs`. */
  start(): void {
    this.repeating.start();
  }

  /** Stops sweeping and waits for a sweep in flight. */
  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** Handles every deadline due now, batch by batch; returns how many were claimed. */
  async sweep(): Promise<number> {
    let claimed = 0;
    for (;;) {
      const due = await this.deps.deadlines.claimDeadlines(this.deps.clock.now(), this.options.batchSize, this.options.leaseMs);
      claimed += due.length;
      if (due.length > 0) await this.handleBatch(due);
      if (due.length < this.options.batchSize) return claimed;
      // Synchronous SQLite: let HTTP in between batches of a long backlog.
      await yieldToEventLoop();
    }
  }

  /**
   * Runs each deadline's handler against a store that collects its commit instead of writing it, then writes them
   * all at once. A change that lost its compare-and-set (the request moved meanwhile) is run again on its own.
   */
  private async handleBatch(due: readonly Deadline[]): Promise<void> {
    // The batch's requests in one read rather than one each: the handlers' reads are served from it.
    const read = await this.deps.requests.getRequests([...new Set(due.map((deadline) => deadline.requestId))]);
    const collected = new CollectedCommits(this.deps.requests, new Map(read.map((request) => [request.id, request])));
    const transitions = new TransitionTally(this.deps.logger);
    // Live pages and the dispatcher are told after the batch is written, not when a handler's commit is collected.
    const notYet = { publish: () => undefined, subscribe: (id: string, listener: () => void) => this.deps.changes.subscribe(id, listener) };
    const batchDeps: UseCaseDeps = { ...this.deps, requests: collected, logger: transitions, changes: notYet, wakeDispatcher: () => undefined };
    const ran: { deadline: Deadline; from: number; to: number }[] = [];
    for (const deadline of due) {
      const from = collected.changes.length;
      await this.run(batchDeps, deadline);
      const to = collected.changes.length;
      if (to === from + 1) collected.changes[from] = asMove(collected.changes[from], deadline.kind);
      ran.push({ deadline, from, to });
    }
    const results = await this.deps.requests.commitAll(collected.changes);
    for (const { deadline, from, to } of ran) {
      const lost = results.slice(from, to).some((result) => result !== null);
      if (lost) await this.run(this.deps, deadline);
      else for (const change of collected.changes.slice(from, to)) this.deps.changes.publish(change.request.id);
    }
    if (collected.changes.length > 0) this.deps.wakeDispatcher();
    transitions.flush(due.length);
  }

  /** Runs one deadline's handler; a row with nothing left to do is deleted, any other failure waits for its lease. */
  private async run(deps: UseCaseDeps, deadline: Deadline): Promise<void> {
    try {
      const request = await deps.requests.getRequest(deadline.requestId);
      const handle = request ? handlerFor(request, deadline.kind) : undefined;
      if (request && handle) await handle(deps, request);
      else await this.deps.deadlines.deleteDeadline(deadline);
    } catch (error) {
      if (isDoormanError(error, 'REQUEST.ILLEGAL_TRANSITION')) {
        // The request already left the state this deadline was for: the row is moot, not worth another claim.
        await this.deps.deadlines.deleteDeadline(deadline);
        return;
      }
      // The lease runs out and a later sweep tries again.
      this.deps.logger.warn({ requestId: deadline.requestId, err: String(error) }, 'deadline not handled yet');
    }
  }
}

/**
 * The request port of a batch: reads go to the batch's read (the store as it was before the batch) or the store,
 * commits are collected for one `commitAll`. A handler's commit "succeeds" here; whether it really did is known
 * after the batch (compare-and-set on the version read), and the sweeper runs a loser again.
 */
class CollectedCommits implements RequestStore {
  readonly changes: Change[] = [];

  constructor(
    private readonly store: RequestStore,
    private readonly read: ReadonlyMap<string, StoredRequest>,
  ) {}

  async commit(change: Change): Promise<void> {
    this.changes.push(change);
  }

  commitAll(changes: readonly Change[]): Promise<(Error | null)[]> {
    return this.store.commitAll(changes);
  }

  async getRequest(id: string) {
    return this.read.get(id) ?? this.store.getRequest(id);
  }

  getRequests(ids: readonly string[]) {
    return this.store.getRequests(ids);
  }

  findSessionByLinkHash(linkHash: string) {
    return this.store.findSessionByLinkHash(linkHash);
  }

  findReplacedLink(linkHash: string) {
    return this.store.findReplacedLink(linkHash);
  }

  listRequests(filter: Parameters<RequestStore['listRequests']>[0]) {
    return this.store.listRequests(filter);
  }

  eventsOf(requestId: string) {
    return this.store.eventsOf(requestId);
  }

  cardActivitiesOf(requestId: string) {
    return this.store.cardActivitiesOf(requestId);
  }

  saveCardActivity(card: Parameters<RequestStore['saveCardActivity']>[0]) {
    return this.store.saveCardActivity(card);
  }

  erasePersonalData(...args: Parameters<RequestStore['erasePersonalData']>) {
    return this.store.erasePersonalData(...args);
  }

  auditEventsPage(...args: Parameters<RequestStore['auditEventsPage']>) {
    return this.store.auditEventsPage(...args);
  }

  requestIdsOfPerson(...args: Parameters<RequestStore['requestIdsOfPerson']>) {
    return this.store.requestIdsOfPerson(...args);
  }

  requestsEndedBefore(...args: Parameters<RequestStore['requestsEndedBefore']>) {
    return this.store.requestsEndedBefore(...args);
  }

  saveErasureRequest(...args: Parameters<RequestStore['saveErasureRequest']>) {
    return this.store.saveErasureRequest(...args);
  }

  getErasureRequest(...args: Parameters<RequestStore['getErasureRequest']>) {
    return this.store.getErasureRequest(...args);
  }

  updateErasureRequest(...args: Parameters<RequestStore['updateErasureRequest']>) {
    return this.store.updateErasureRequest(...args);
  }

  unfinishedErasureRequests() {
    return this.store.unfinishedErasureRequests();
  }

  changedSince(since: Date, limit: number, afterId?: string) {
    return this.store.changedSince(since, limit, afterId);
  }
}

/** A batch's log: each transition counted instead of a line per row; warnings and errors pass through. */
class TransitionTally implements Logger {
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  debug(fields: Record<string, unknown>, message: string): void {
    this.logger.debug(fields, message);
  }

  info(fields: Record<string, unknown>, message: string): void {
    const key = `${String(fields.kind ?? '')}.${String(fields.action ?? message)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.logger.debug(fields, message);
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.logger.warn(fields, message);
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.logger.error(fields, message);
  }

  /** One line for the batch: how many deadlines, and each transition with its count. */
  flush(deadlines: number): void {
    this.logger.info({ deadlines, transitions: Object.fromEntries(this.counts) }, 'deadlines handled');
  }
}
